package generator

import (
	"bytes"
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/batonhq/baton/schema"
)

// markdown renders narratives and postmortems safely: goldmark's renderer
// without the unsafe option (raw HTML is omitted), a transformer that
// drops links and images with a scheme other than http, https or mailto,
// and limits that keep the time linear in the input (see mdlimits.go). It
// is safe for concurrent use.
type markdown struct {
	md goldmark.Markdown
}

func newMarkdown() *markdown {
	return &markdown{md: newGoldmark(
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkFilter{}, 1000)),
		),
	)}
}

// relPrefixKey carries the prefix that relative links get when the page
// that shows the Markdown is deeper than the file it came from.
var relPrefixKey = parser.NewContextKey()

// render converts src to HTML. Relative link and image destinations are
// prefixed with rel (e.g. "../" for a postmortem, whose page sits one
// folder below the incident's files).
//
// Text over [schema.MaxMarkdownSize] (which validate reports, so only a
// build that ignores validation errors gets here) is not rendered: the
// result is a note saying so.
func (m *markdown) render(src, rel string) (template.HTML, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	if len(src) > schema.MaxMarkdownSize {
		return template.HTML(`<p class="notice">This text is not shown: it is ` + html.EscapeString(humanSize(len(src))) +
			`, over the limit of ` + html.EscapeString(humanSize(schema.MaxMarkdownSize)) + ` for Markdown.</p>` + "\n"), nil
	}
	return m.convert(src, rel)
}

// convert renders src whatever its size.
func (m *markdown) convert(src, rel string) (template.HTML, error) {
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{seen: map[string]bool{}, next: map[string]int{}}))
	ctx.Set(relPrefixKey, rel)
	var buf bufWriter
	if err := m.md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return "", err
	}
	// goldmark's safe renderer escapes text and omits raw HTML, and the
	// link filter has checked every destination.
	return template.HTML(buf.String()), nil
}

// bufWriter lets goldmark write straight into a bytes.Buffer; for any
// other io.Writer it allocates a 4 KiB bufio.Writer per document.
type bufWriter struct{ bytes.Buffer }

func (*bufWriter) Buffered() int { return 0 }
func (*bufWriter) Flush() error  { return nil }

var _ util.BufWriter = (*bufWriter)(nil)

// linkFilter is an AST transformer that keeps links and images only when
// their destination is http, https, mailto or relative, and rebases
// relative destinations.
type linkFilter struct{}

func (linkFilter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	rel, _ := pc.Get(relPrefixKey).(string)
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if d, ok := checkDest(n.Destination, rel); ok {
				n.Destination = d
			} else {
				drop = append(drop, n)
			}
		case *ast.Image:
			if d, ok := checkDest(n.Destination, rel); ok {
				n.Destination = d
			} else {
				drop = append(drop, n)
			}
		case *ast.AutoLink:
			if _, ok := checkDest(n.URL(source), ""); !ok {
				drop = append(drop, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		if al, ok := n.(*ast.AutoLink); ok {
			s := ast.NewString(al.Label(source))
			parent.ReplaceChild(parent, n, s)
			continue
		}
		// Keep the link text (or the image's alt text) in place.
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// checkDest reports whether a link destination is allowed and returns it,
// with rel prepended to relative paths. The check applies to the URL the
// renderer will write: goldmark resolves backslash escapes and character
// references in link destinations when it renders them, so "ftp&#58;//x"
// and "/&#47;host" must be judged as "ftp://x" and "//host".
func checkDest(dest []byte, rel string) ([]byte, bool) {
	s := string(util.URLEscape(dest, true))
	scheme, ok := urlScheme(s)
	if !ok {
		return nil, false
	}
	switch scheme {
	case "http", "https", "mailto":
		return dest, true
	case "":
		if rel != "" && s != "" && !strings.HasPrefix(s, "#") && !strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "?") {
			return []byte(rel + s), true
		}
		return dest, true
	}
	return nil, false
}

// urlScheme returns the lower-case scheme of a URL reference ("" for a
// relative reference). ok is false when the reference contains characters
// browsers strip or that could hide a scheme (controls, whitespace,
// backslashes), or starts with "//" (another host, inheriting the page's
// scheme — allowed only spelled out as http or https).
func urlScheme(s string) (string, bool) {
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '\\' {
			return "", false
		}
	}
	if strings.HasPrefix(s, "//") {
		return "", false
	}
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return "", true
	}
	return strings.ToLower(s[:i]), true
}

// headingIDs generates heading ids "h-<words>" (deduplicated with -1, -2,
// …). The prefix keeps them apart from the ids the page templates use,
// which never start with "h-".
type headingIDs struct {
	seen map[string]bool
	// next is the next suffix to try for an id already used, so that n
	// headings with the same text cost n steps, not n²/2.
	next map[string]int
}

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	b.WriteString("h-")
	dash := false
	for _, r := range strings.ToLower(string(value)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 2 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	id := b.String()
	if id == "h-" {
		id = "h-heading"
	}
	if base := id; h.seen[base] {
		i := max(h.next[base], 1)
		for id = base + "-" + strconv.Itoa(i); h.seen[id]; {
			i++
			id = base + "-" + strconv.Itoa(i)
		}
		h.next[base] = i + 1
	}
	h.seen[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.seen[string(value)] = true }

// humanSize formats a byte count as validate does ("4.0 MiB").
func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}
