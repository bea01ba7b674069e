package generator

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/batonhq/baton/schema"
)

// elementStats parses rendered Markdown and returns how many elements of
// each name it has and how deeply each name nests in itself.
func elementStats(t testing.TB, out string) (count, depth map[string]int) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	count, depth = map[string]int{}, map[string]int{}
	var walk func(n *html.Node, open map[string]int)
	walk = func(n *html.Node, open map[string]int) {
		if n.Type == html.ElementNode {
			count[n.Data]++
			open[n.Data]++
			depth[n.Data] = max(depth[n.Data], open[n.Data])
			defer func() { open[n.Data]-- }()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, open)
		}
	}
	for _, n := range nodes {
		walk(n, map[string]int{})
	}
	return count, depth
}

// TestHardening06MarkdownLimits: the constructs that made rendering time
// grow faster than the input are bounded; past each limit the text is
// literal. (The time itself is measured by BenchmarkMarkdownPathological.)
func TestHardening06MarkdownLimits(t *testing.T) {
	md := newMarkdown()
	render := func(src string) string {
		t.Helper()
		out, err := md.render(src, "")
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	var footnotes strings.Builder
	for i := range maxFootnotes + 50 {
		fmt.Fprintf(&footnotes, "[^%d]\n\n[^%d]: note %d\n\n", i, i, i)
	}
	var tallTable strings.Builder
	tallTable.WriteString("|" + strings.Repeat("h|", 60) + "\n|" + strings.Repeat("-|", 60) + "\n")
	for range 2000 {
		tallTable.WriteString("|x|\n")
	}
	for _, tc := range []struct {
		name  string
		src   string
		check func(count, depth map[string]int) string
	}{
		{"nested block quotes", strings.Repeat(">", 1000) + " deep", func(_, d map[string]int) string {
			return want(d["blockquote"], maxNesting, "blockquote depth")
		}},
		{"nested lists", strings.Repeat("+ ", 1000) + "deep", func(_, d map[string]int) string {
			return want(d["ul"], maxNesting, "list depth")
		}},
		{"nested ordered lists in quotes", strings.Repeat("> 1. ", 1000) + "deep", func(_, d map[string]int) string {
			return want(d["blockquote"]+d["ol"], maxNesting, "container depth")
		}},
		{"emphasis", strings.Repeat("*a* ", maxDelimiters), func(c, _ map[string]int) string {
			return want(c["em"], maxDelimiters/2, "<em>")
		}},
		{"links", strings.Repeat("[a](b) ", maxLinkOpeners+50), func(c, _ map[string]int) string {
			return want(c["a"], maxLinkOpeners, "<a>")
		}},
		{"footnotes", footnotes.String(), func(c, _ map[string]int) string {
			return want(c["sup"], maxFootnotes, "footnote references")
		}},
		{"wide table", "|" + strings.Repeat("a|", maxTableColumns+1) + "\n|" + strings.Repeat("-|", maxTableColumns+1) + "\n|b|\n", func(c, _ map[string]int) string {
			return want(c["table"], 0, "<table>")
		}},
		{"short rows under a wide header", tallTable.String(), func(c, _ map[string]int) string {
			return want(c["td"]+c["th"], 0, "table cells")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			count, depth := elementStats(t, render(tc.src))
			if msg := tc.check(count, depth); msg != "" {
				t.Error(msg)
			}
		})
	}

	// A body over the size limit is not rendered at all: a note says so.
	t.Run("size limit", func(t *testing.T) {
		huge := strings.Repeat("*a_", schema.MaxMarkdownSize)
		out := render(huge)
		if !strings.Contains(out, "not shown") || strings.Contains(out, "*a_") || len(out) > 1000 {
			t.Errorf("a body over the limit renders as %.200q", out)
		}
		if out := render(huge[:schema.MaxMarkdownSize]); !strings.Contains(out, "*a_") {
			t.Errorf("a body at the limit is not rendered: %.200q", out)
		}
	})
}

func want(got, limit int, what string) string {
	if got > limit {
		return fmt.Sprintf("%s: %d, want at most %d", what, got, limit)
	}
	return ""
}

// TestHardening06ForcedBuildOfAHugePostmortem: `build --force` of a public
// postmortem over the size limit (validate reports it) shows a note in
// place of the body, and the rest of the page.
func TestHardening06ForcedBuildOfAHugePostmortem(t *testing.T) {
	fsys := markerRepo()
	pm := fsys["incidents/2026/2026-11-20-api-errors/postmortem.md"]
	pm.Data = append(pm.Data, strings.Repeat(">", 3<<20)...) // files over 4 MiB are not read at all
	repo, ps := schema.Load(t.Context(), fsys)
	if got := codes(ps); got != "markdown/too-large" {
		t.Errorf("validate reports %q, want markdown/too-large", got)
	}
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: Public})
	if err != nil {
		t.Fatal(err)
	}
	page := string(site.Files["incidents/2026-11-20-api-errors/postmortem/index.html"])
	if !strings.Contains(page, "This text is not shown: it is 3.0 MiB, over the limit of 256.0 KiB") || !strings.Contains(page, "A configuration push broke the API.") {
		t.Errorf("postmortem page:\n%.3000s", page)
	}
}

func codes(ps schema.Problems) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return strings.Join(out, " ")
}

// TestMarkdownLimitsKeepOrdinaryText: below the limits the renderer gives
// exactly what goldmark with the same extensions gives, including the
// windows in which long lists of link reference definitions are read.
func TestMarkdownLimitsKeepOrdinaryText(t *testing.T) {
	plain := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	limited := newGoldmark(goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	var defs, refs strings.Builder
	for i := range 300 {
		switch i % 7 {
		case 3:
			fmt.Fprintf(&defs, "[r%d]: /u/%d\n  \"title %d\"\n", i, i, i) // title on the next line
		case 5:
			fmt.Fprintf(&defs, "[r%d]:\n/u/%d 'multi\nline'\n", i, i) // destination and title on later lines
		default:
			fmt.Fprintf(&defs, "[r%d]: /u/%d\n", i, i)
		}
		fmt.Fprintf(&refs, "[link %d][r%d] ", i, i)
		if i%50 == 49 {
			refs.WriteString("\n\n") // a paragraph has at most maxLinkOpeners links
		}
	}
	docs := []string{
		defs.String() + "\n" + refs.String(),
		defs.String() + "Not a definition.\n[r1]\n",
		defs.String() + "[broken]: \n[r2]\n",
		nestedList(8),
		strings.Repeat("> ", maxNesting-1) + "quoted",
		strings.Repeat("*e* _f_ ~~g~~ ", maxDelimiters/6) + "\n",
		strings.Repeat("[a](https://x.example/) ![i](p.png) ", maxLinkOpeners/2-1) + "\n",
		"|" + strings.Repeat("a|", maxTableColumns) + "\n|" + strings.Repeat(":-:|", maxTableColumns) + "\n|" + strings.Repeat("b|", maxTableColumns) + "\n",
		"`a` ``b`` ```c``` `` ` `` `unclosed ``also\nunclosed `d`\n```\nfenced\n```\n",
		"# Same\n# Same\n# Same 1\n# Same\n## Same-1\n# Same\n",
		"Text[^a] and[^b].\n\n[^a]: A.\n[^b]: B\n    continued.\n",
		"- [ ] todo\n- [x] done\n\nwww.example.com and https://x.example/a?b=c and a@b.example\n",
		"<div>raw</div>\n\n<b>inline</b> &amp; &copy; &#123;\n",
	}
	for i, doc := range docs {
		var a, b bytes.Buffer
		if err := plain.Convert([]byte(doc), &a); err != nil {
			t.Fatal(err)
		}
		if err := limited.Convert([]byte(doc), &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			x, y := a.String(), b.String()
			k := 0
			for k < min(len(x), len(y)) && x[k] == y[k] {
				k++
			}
			t.Errorf("document %d renders differently from byte %d:\n%.300q\ngoldmark: …%.300q\nlimited:  …%.300q", i, k, doc, x[max(0, k-100):], y[max(0, k-100):])
		}
	}
}

func nestedList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- level " + fmt.Sprint(i) + "\n")
	}
	return b.String()
}

// allowedElements are the elements the Markdown renderer may produce.
var allowedElements = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true,
	"ul": true, "ol": true, "li": true, "pre": true, "code": true, "em": true, "strong": true, "del": true,
	"a": true, "img": true, "hr": true, "br": true, "table": true, "thead": true, "tbody": true, "tr": true,
	"th": true, "td": true, "input": true, "sup": true, "div": true,
	"html": true, "head": true, "body": true, // added by the parser
}

// FuzzMarkdown renders arbitrary Markdown and checks what must always
// hold: no error or panic; only the renderer's own elements, no event
// handlers, styles or URLs with schemes other than http, https and mailto
// (raw HTML never passes); nesting bounded by the limits; and output
// linear in the input.
func FuzzMarkdown(f *testing.F) {
	f.Add(hostileBody)
	for _, tc := range pathologicalMarkdown() {
		f.Add(tc.gen(2000))
	}
	f.Add("[a]: /u\n[b]: /v 'x'\n[a] [b]\n")
	f.Add("|a|b|\n|-|-|\n|c|\n")
	f.Add("x[^1]\n\n[^1]: y [^1]\n")
	md := newMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			return // validate refuses it before anything renders
		}
		out, err := md.render(src, "../")
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 64*len(src)+4096 {
			t.Errorf("%d bytes of Markdown give %d bytes of HTML", len(src), len(out))
		}
		doc, err := html.Parse(strings.NewReader(string(out)))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node, depth int)
		walk = func(n *html.Node, depth int) {
			if depth > 8*maxNesting+maxDelimiters+maxLinkOpeners {
				t.Fatalf("elements nest %d deep", depth)
			}
			if n.Type == html.ElementNode {
				if !allowedElements[n.Data] {
					t.Errorf("element <%s>", n.Data)
				}
				for _, a := range n.Attr {
					k := strings.ToLower(a.Key)
					if strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" || k == "formaction" {
						t.Errorf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
					}
					if k == "href" || k == "src" {
						if scheme, ok := urlScheme(a.Val); !ok || scheme != "" && scheme != "http" && scheme != "https" && scheme != "mailto" {
							t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, depth+1)
			}
		}
		walk(doc, 0)
	})
}

// FuzzMarkdownMatchesGoldmark: on text that stays clear of every limit,
// the limited renderer gives exactly goldmark's output (in particular when
// it reads link reference definitions a window of lines at a time).
func FuzzMarkdownMatchesGoldmark(f *testing.F) {
	var defs strings.Builder
	for i := range 90 {
		fmt.Fprintf(&defs, "[r%d]: /u/%d\n", i%9, i)
		if i%10 == 4 {
			defs.WriteString("  'title\ncontinued'\n")
		}
	}
	f.Add(defs.String() + "\n[r1] [r2]\n")
	f.Add(strings.Repeat("[a]:\n/b\n", 70) + "[a]")
	f.Add("# T\n# T\n# T-1\n\n`a``b`` ```c` `d\n\n|a|b|\n|-|-|\n|c|\n")
	plain := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	limited := newGoldmark(goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	f.Fuzz(func(t *testing.T, src string) {
		nesting := strings.Count(src, ">") + strings.Count(src, "-") + strings.Count(src, "+") + strings.Count(src, "*") +
			strings.Count(src, ".") + strings.Count(src, ")") + strings.Count(src, "^")
		if nesting >= maxNesting || strings.Count(src, "*")+strings.Count(src, "_")+strings.Count(src, "~") > maxDelimiters ||
			strings.Count(src, "[")+strings.Count(src, "!") > maxLinkOpeners || strings.Count(src, "|") > maxTableColumns {
			return // a limit could apply
		}
		for _, line := range strings.Split(src, "\n") {
			if strings.Count(line, "'")%2 == 1 || strings.Count(line, `"`)%2 == 1 || strings.Count(line, "(") != strings.Count(line, ")") {
				// A title may span lines. When text follows the end of
				// such a title, goldmark drops lines of the paragraph, and
				// which ones can depend on the windows (see linkRefLimit).
				return
			}
		}
		var a, b bytes.Buffer
		if err := plain.Convert([]byte(src), &a); err != nil {
			return
		}
		if err := limited.Convert([]byte(src), &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("renders differently:\n%q\ngoldmark: %q\nlimited:  %q", src, a.String(), b.String())
		}
	})
}
