package statuspage

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// frontMatter builds YAML front matter line by line, in a fixed key order
// and with flow lists where they read best.
type frontMatter struct{ b strings.Builder }

func (f *frontMatter) String() string { return f.b.String() }

func (f *frontMatter) add(key, value string) {
	f.b.WriteString(key + ": " + yamlString(value) + "\n")
}

func (f *frontMatter) addComment(key, value, comment string) {
	f.b.WriteString(key + ": " + yamlString(value) + " # " + comment + "\n")
}

func (f *frontMatter) time(key string, t time.Time) { f.b.WriteString(key + ": " + stamp(t) + "\n") }

// raw writes a block list whose items are already YAML.
func (f *frontMatter) raw(key string, items []string) {
	f.b.WriteString(key + ":\n")
	for _, it := range items {
		f.b.WriteString("  - " + it + "\n")
	}
}

// block writes a key followed by pre-rendered lines.
func (f *frontMatter) block(key string, lines []string) {
	f.b.WriteString(key + ":\n")
	for _, l := range lines {
		f.b.WriteString(l)
	}
}

func (f *frontMatter) rawLine(key, value string) { f.b.WriteString(key + ": " + value + "\n") }

// yamlString renders s as a one-line YAML scalar that reads back as the
// string s: plain where YAML allows, double-quoted otherwise.
func yamlString(s string) string {
	if b, err := yaml.Marshal(s); err == nil {
		out := strings.TrimSuffix(string(b), "\n")
		if !strings.Contains(out, "\n") && !strings.HasPrefix(out, "|") && !strings.HasPrefix(out, ">") {
			var back string
			if yaml.Unmarshal([]byte("k: "+out), &struct {
				K *string `yaml:"k"`
			}{&back}) == nil && back == s {
				return out
			}
		}
	}
	q, _ := json.Marshal(s)
	return string(q)
}

var (
	mdLinkRE   = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)`)
	mdEmphRE   = regexp.MustCompile("(\\*\\*|__|`)")
	htmlTagRE  = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)
	headingMD  = regexp.MustCompile(`(?m)^#{1,6}[ \t]+`)
	listItemMD = regexp.MustCompile(`(?m)^(\s*)[-*+][ \t]+`)
)

// PlainText converts a Statuspage update body, which may hold Markdown or
// a little HTML, into the plain text Baton publishes: links become "text
// (url)", emphasis marks, headings' hashes and HTML tags are dropped, list
// bullets become "•", and entities are decoded. changed reports whether
// anything was converted.
func PlainText(s string) (out string, changed bool) {
	out = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	orig := out
	out = htmlTagRE.ReplaceAllStringFunc(out, func(tag string) string {
		if strings.HasPrefix(strings.ToLower(tag), "<br") {
			return "\n"
		}
		return ""
	})
	out = mdLinkRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := mdLinkRE.FindStringSubmatch(m)
		text, url := strings.TrimSpace(sub[1]), sub[2]
		switch {
		case url == "" || text == url:
			return cmpOr(text, url)
		case text == "":
			return url
		}
		return text + " (" + url + ")"
	})
	out = mdEmphRE.ReplaceAllString(out, "")
	out = headingMD.ReplaceAllString(out, "")
	out = listItemMD.ReplaceAllString(out, "$1• ")
	out = html.UnescapeString(out)
	out = strings.TrimSpace(out)
	return out, out != orig
}
