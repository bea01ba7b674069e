package flow

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Issue "Hardening", item 3: every string from a pull request is escaped
// for GitHub-flavoured Markdown. The table gives the exact escaping; each
// result must also render (GFM: tables, autolinks, strikethrough) as plain
// text in one table cell, with nothing GitHub would turn into a mention, a
// reference or a link.
func TestHardening03EscapeMarkdown(t *testing.T) {
	const z = "\u200d"
	for _, tc := range []struct{ in, want string }{
		{"plain text, fine.", "plain text, fine."},
		{"@alice", `\@` + z + "alice"},
		{"hi @fernway/everyone", `hi \@` + z + "fernway/everyone"},
		{"#123", `\#` + z + "123"},
		{"see owner/repo#1", `see owner/repo\#` + z + "1"},
		{"GH-123 and gh-5", "GH-" + z + "123 and gh-" + z + "5"},
		{"https://evil.example/x", "https:" + z + "//evil.example/x"},
		{"HTTP://EVIL.example", "HTTP:" + z + "//EVIL.example"},
		{"go to www.evil.example", "go to www" + z + ".evil.example"},
		{"<https://evil.example>", `\<https:` + z + `//evil.example\>`},
		{"[a](https://x)", `\[a\]\(https:` + z + `//x\)`},
		{"![i](x.png)", `\!\[i\]\(x.png\)`},
		{"[ref]: https://x", `\[ref\]: https:` + z + "//x"},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert\(1\)\>`},
		{"<!-- baton:ping -->", `\<\!-- baton:ping --\>`},
		{"&amp; &#64;", `\&amp; \&\#` + z + "64;"},
		{"a | b", `a \| b`},
		{"line1\nline2\r\n| x |", `line1 line2 \| x \|`},
		{"*em* _em_ ~~s~~ `code`", "\\*em\\* \\_em\\_ \\~\\~s\\~\\~ \\`code\\`"},
		{"``` fence", "\\`\\`\\` fence"},
		{"# heading", `\#` + z + " heading"},
		{"- item", `\- item`},
		{"=== setext", `\=== setext`},
		{"a@b.example", `a\@` + z + "b.example"},
		{"$x^2$ [^1]", `\$x\^2\$ \[\^1\]`},
		{"back\\slash", `back\\slash`},
		{"\u202eevil\u200b\u2066", "evil"},
		{"tab\there\x00nul", "tab here nul"},
		{"  padded  ", "padded"},
		{"bad utf8 \xff", "bad utf8 \ufffd"},
		{strings.Repeat("a", 300), strings.Repeat("a", MaxEscaped) + "…"},
	} {
		got := EscapeMarkdown(tc.in)
		if got != tc.want {
			t.Errorf("EscapeMarkdown(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		checkRendersAsText(t, tc.in, got)
	}
}

func TestEscapeTitle(t *testing.T) {
	const z = "\u200d"
	for _, tc := range []struct{ in, want string }{
		{"Card payments failing in EU", "Card payments failing in EU"},
		{"Pwned @x #1 GH-2 https://e www.e\n`c`", "Pwned @" + z + "x #" + z + "1 GH-" + z + "2 https:" + z + "//e www" + z + ".e `c`"},
		{"\u202ereversed", "reversed"},
	} {
		if got := EscapeTitle(tc.in); got != tc.want {
			t.Errorf("EscapeTitle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMention(t *testing.T) {
	for in, want := range map[string]string{
		"alice-ng":         "@alice-ng",
		"fernway/everyone": "fernway/everyone",
		"a--b":             "a--b",
		"x@y":              `x\@` + "\u200d" + "y",
		"-lead":            `\-lead`,
	} {
		if got := Mention(in); got != want {
			t.Errorf("Mention(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscapeMarkdown checks the invariants of EscapeMarkdown on any input:
// one line, and plain text in one table cell once rendered.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"@a #1 https://x www.y [l](u) ![i](u) <b>x</b> &amp; | * _ ~ ` $", "GH-1", "a\nb", "\\@x", "@\u200dx", "www.\nx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := EscapeMarkdown(s)
		if strings.ContainsAny(got, "\n\r") {
			t.Fatalf("a line break in %q", got)
		}
		if n := len([]rune(got)); n > 3*MaxEscaped+1 {
			t.Fatalf("%d characters", n)
		}
		checkRendersAsText(t, s, got)
	})
}

var (
	md = goldmark.New(goldmark.WithExtensions(extension.GFM))
	// allowedTags are what a table and a paragraph render to.
	allowedTags = map[string]bool{"p": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true}
	tagRE       = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)[^>]*>`)
	// What GitHub turns into mentions, references and links after
	// rendering, in the text of the page.
	linkyRE = regexp.MustCompile(`(?i)(^|[^\w])@[a-z0-9]|#[0-9]|\bgh-[0-9]|://|\bwww\.|[a-z0-9]@[a-z0-9]`)
)

// checkRendersAsText renders esc in a paragraph and in a table cell and
// fails when the result holds a tag other than the table's and the
// paragraph's, more or fewer cells than written, or text that GitHub would
// link.
func checkRendersAsText(t *testing.T, in, esc string) {
	t.Helper()
	src := "before " + esc + " after\n\n| h | v |\n|---|---|\n| k | " + esc + " |\n"
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, m := range tagRE.FindAllStringSubmatch(out, -1) {
		if !allowedTags[strings.ToLower(m[2])] {
			t.Errorf("%q renders a <%s> tag:\n%s", in, m[2], out)
			return
		}
	}
	if n := strings.Count(out, "<td>"); n != 2 {
		t.Errorf("%q renders %d table cells, want 2:\n%s", in, n, out)
	}
	if n := strings.Count(out, "<tr>"); n != 2 {
		t.Errorf("%q renders %d table rows, want 2:\n%s", in, n, out)
	}
	text := html.UnescapeString(tagRE.ReplaceAllString(out, " "))
	if m := linkyRE.FindString(text); m != "" {
		t.Errorf("%q renders %q, which GitHub would link:\n%s", in, m, text)
	}
}

func BenchmarkEscapeMarkdown(b *testing.B) {
	s := "Pwned @fernway/everyone #1 [click](https://evil.example) <img src=x> www.evil.example | row **bold** " + strings.Repeat("plain words ", 10)
	for b.Loop() {
		EscapeMarkdown(s)
	}
}
