package flow

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEscaped is the longest text, in characters, that EscapeMarkdown and
// EscapeTitle keep; longer text is cut and ends with "…". It keeps a
// comment within GitHub's 65,536-character limit whatever a file holds.
const MaxEscaped = 200

// zwj is the zero-width joiner that breaks GitHub's mention, reference and
// autolink patterns without changing what people see.
const zwj = "\u200d"

// mdSpecial are the ASCII punctuation characters that mean something in
// GitHub-flavoured Markdown inline text (emphasis, code, links, images,
// HTML and entities, tables, strikethrough, math, footnotes, headings) and
// are escaped with a backslash wherever they appear.
const mdSpecial = "\\`*_{}[]()<>#!|~&$@^"

// mdLeading are characters that matter only at the start of a line (list
// items, setext headings); escaped text never starts a line in Baton's
// output, but they are escaped when they come first all the same. (Digits
// of an ordered list cannot be escaped, but need a "." or ")" and a line
// start.)
const mdLeading = "-+="

var (
	// ghRef is GitHub's GH-123 issue reference.
	ghRef = regexp.MustCompile(`(?i)\b(gh)-(\d)`)
	// www is the start of a GFM extended www autolink.
	www = regexp.MustCompile(`(?i)\b(www)\.`)
)

// EscapeMarkdown makes s safe to place in GitHub-flavoured Markdown as
// inline text (a paragraph, a heading, a list item or a table cell): it
// renders as the same visible characters and nothing else. It neutralises
//
//   - @mentions of users and teams, and email autolinks (a zero-width
//     joiner after every "@");
//   - #123, owner/repo#123 and GH-123 references (after every "#" and
//     between "GH-" and its number);
//   - URLs and autolinks ("scheme:" followed by "//", "www.") and
//     <autolinks>;
//   - Markdown links, images, footnotes, emphasis, code spans,
//     strikethrough, math, HTML tags and entities (a backslash before each
//     special character);
//   - table cells and line structure (pipes are escaped; line breaks and
//     other control characters become spaces).
//
// Invisible format characters in s (zero-width and bidirectional controls)
// are removed first, so text cannot reorder what people see, and s is cut
// to MaxEscaped characters. Use it for every string that comes from a file,
// a pull request or a person and ends up in a comment or a pull request
// body.
func EscapeMarkdown(s string) string {
	return escapeMarkdown(s, MaxEscaped)
}

// EscapeMarkdownUncut is EscapeMarkdown without the length limit, for text
// whose length Baton bounds itself, such as validation messages and hints
// in a job summary.
func EscapeMarkdownUncut(s string) string {
	return escapeMarkdown(s, 0)
}

// escapeMarkdown is EscapeMarkdown with a limit of n characters (0: none).
func escapeMarkdown(s string, n int) string {
	s = neutralise(clean(s, n))
	var b strings.Builder
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && strings.ContainsRune(mdSpecial, r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune(mdLeading, r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// EscapeTitle makes s safe as plain text that GitHub renders without
// Markdown but still links, such as a pull request's title: one line, no
// invisible format characters, mentions, references and URLs broken by a
// zero-width joiner, at most MaxEscaped characters. Backslashes are not
// added, since they would show.
func EscapeTitle(s string) string {
	return neutralise(clean(s, MaxEscaped))
}

// clean removes format characters, turns control characters, line breaks
// and runs of white space into one space, trims, and cuts s to limit
// characters (0: no limit).
func clean(s string, limit int) string {
	if limit <= 0 {
		limit = len(s) + 1
	}
	s = strings.ToValidUTF8(s, "\ufffd")
	var b strings.Builder
	n, space := 0, false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r):
			space = true
			continue
		}
		if space && n > 0 && n < limit {
			b.WriteByte(' ')
			n++
		}
		space = false
		if n == limit {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// neutralise inserts zero-width joiners where GitHub would otherwise see a
// mention, a reference or an autolink.
func neutralise(s string) string {
	s = strings.ReplaceAll(s, "@", "@"+zwj)
	s = strings.ReplaceAll(s, "#", "#"+zwj)
	s = strings.ReplaceAll(s, "://", ":"+zwj+"//")
	s = ghRef.ReplaceAllString(s, "$1-"+zwj+"$2")
	s = www.ReplaceAllString(s, "$1"+zwj+".")
	return s
}

// loginRE is what a GitHub login can look like.
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)

// Mention returns "@login" for a well-formed GitHub login (which mentions
// that user), else the login escaped, which mentions nobody: no team, no
// second user.
func Mention(login string) string {
	if loginRE.MatchString(login) {
		return "@" + login
	}
	return EscapeMarkdown(login)
}

// Code returns s as a code span when nothing in it can end the span or
// break the line or table cell it sits in (no backtick, pipe, control or
// invisible format character; ids, handles, file positions), else escaped
// text.
func Code(s string) string {
	if s == "" || utf8.RuneCountInString(s) > MaxEscaped || !utf8.ValidString(s) {
		return EscapeMarkdown(s)
	}
	for _, r := range s {
		if r == '`' || r == '|' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
			return EscapeMarkdown(s)
		}
	}
	if strings.TrimSpace(s) != s {
		return EscapeMarkdown(s)
	}
	return "`" + s + "`"
}
