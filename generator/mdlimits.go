package generator

import (
	"bytes"
	"slices"
	"sort"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown is written by anyone who can open a pull request, and goldmark
// spends time that grows faster than the input on some constructs: deep
// nesting (">>>>…", "+ + + …", "1. 1. 1. …"), runs of emphasis delimiters
// that never match ("*a_*a_…"), link openers whose destinations are
// scanned to the end of the line ("[x](" repeated), code-span openers
// without a closer, footnote references looked up in a list, and tables
// whose short rows are padded to a wide header (output that grows with
// rows × columns). A 1 MB postmortem of such text took minutes.
//
// Besides the size limit ([schema.MaxMarkdownSize]) the renderer bounds
// each of these, so that its time stays linear in the input:
//
//   - containers (block quotes, lists, footnotes) nest at most maxNesting
//     deep; a deeper marker is text;
//   - a block (paragraph, heading, table cell) has at most maxDelimiters
//     emphasis or strikethrough delimiter runs and maxLinkOpeners link or
//     image openers; further ones (and, past the openers' limit, the
//     block's remaining "]") are text;
//   - link reference definitions are read a window of lines at a time;
//   - a code-span opener with no closer in its block is text at once,
//     found from an index of the block's backtick runs, as CommonMark
//     prescribes, instead of by scanning the rest of the block;
//   - a document has at most maxFootnotes footnote definitions;
//   - a table has at most maxTableColumns columns, and at most about two
//     cells per byte of its text (short rows are padded to the header's
//     width); a paragraph that would exceed either stays a paragraph.
//
// The limits are far above what a postmortem uses; past them the text
// renders as literal characters, never as an error.
const (
	maxNesting      = 16
	maxDelimiters   = 100
	maxLinkOpeners  = 100
	maxFootnotes    = 200
	maxTableColumns = 64
)

// newGoldmark returns goldmark with GitHub Flavored Markdown, footnotes and
// the limits above.
func newGoldmark(opts ...goldmark.Option) goldmark.Markdown {
	var blocks []util.PrioritizedValue
	for _, v := range parser.DefaultBlockParsers() {
		switch v.Value {
		case parser.NewBlockquoteParser(), parser.NewListParser():
			v.Value = nestingLimit{v.Value.(parser.BlockParser)}
		}
		blocks = append(blocks, v)
	}
	var paragraphs []util.PrioritizedValue
	for _, v := range parser.DefaultParagraphTransformers() {
		if v.Value == parser.LinkReferenceParagraphTransformer {
			v.Value = linkRefLimit{parser.LinkReferenceParagraphTransformer}
		}
		paragraphs = append(paragraphs, v)
	}
	p := parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(paragraphs...),
		parser.WithInlineParsers(util.Prioritized(inlineLimits{}, -1)),
	)
	return goldmark.New(append([]goldmark.Option{
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Linkify, limitedTable{}, extension.Strikethrough, extension.TaskList, limitedFootnote{}),
	}, opts...)...)
}

// containerDepth counts the block quotes, lists and footnotes that n is
// inside of (n included).
func containerDepth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList, east.KindFootnote:
			d++
		}
	}
	return d
}

// nestingLimit is a container block parser that opens nothing at
// maxNesting containers deep; the line is then read as other blocks
// (usually a paragraph) would read it.
type nestingLimit struct{ parser.BlockParser }

func (b nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if containerDepth(parent) >= maxNesting {
		return nil, parser.NoChildren
	}
	return b.BlockParser.Open(parent, reader, pc)
}

// limitedFootnote is goldmark's footnote extension with a nesting limit
// and at most maxFootnotes definitions per document (each reference is
// looked up among all definitions).
type limitedFootnote struct{}

var footnoteCountKey = parser.NewContextKey()

func (limitedFootnote) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(footnoteLimit{extension.NewFootnoteBlockParser()}, 999)),
		parser.WithInlineParsers(util.Prioritized(extension.NewFootnoteParser(), 101)),
		parser.WithASTTransformers(util.Prioritized(extension.NewFootnoteASTTransformer(), 999)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500)))
}

type footnoteLimit struct{ parser.BlockParser }

func (b footnoteLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	n, _ := pc.Get(footnoteCountKey).(int)
	if n >= maxFootnotes || containerDepth(parent) >= maxNesting {
		return nil, parser.NoChildren
	}
	node, state := b.BlockParser.Open(parent, reader, pc)
	if node != nil {
		pc.Set(footnoteCountKey, n+1)
	}
	return node, state
}

// limitedTable is goldmark's table extension whose paragraph transformer
// leaves alone a paragraph that would become a table with more than
// maxTableColumns columns or more cells than 2 per byte of its text (plus
// a margin): GFM pads every row to the header's width, so short rows
// under a wide header multiply the output.
type limitedTable struct{}

func (limitedTable) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(tableLimit{extension.NewTableParagraphTransformer()}, 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewTableHTMLRenderer(), 500)))
}

type tableLimit struct{ parser.ParagraphTransformer }

func (t tableLimit) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	src := reader.Source()
	size, cols := 0, 0
	for i := range lines.Len() {
		s := lines.At(i)
		l := s.Value(src)
		size += len(l)
		// A delimiter row ("|---|:-:|") sets the number of columns: it
		// has only '-', ':', '|' and spaces, and its columns are the
		// cells between its '|' (at most: goldmark checks each cell).
		if len(bytes.Trim(l, "-:| \t\r\n")) == 0 && bytes.IndexByte(l, '-') >= 0 {
			row := bytes.TrimSpace(l)
			n := bytes.Count(row, []byte("|")) + 1
			if row[0] == '|' {
				n--
			}
			if len(row) > 1 && row[len(row)-1] == '|' {
				n--
			}
			cols = max(cols, n)
		}
	}
	if cols > maxTableColumns || lines.Len()*cols > 2*size+4096 {
		return
	}
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// linkRefWindow is how many lines of a paragraph the link reference
// definition parser sees at a time.
const linkRefWindow = 64

// linkRefLimit runs goldmark's link reference definition parser on a long
// paragraph a window of lines at a time. The parser takes each definition
// off the paragraph's lines by copying the lines after it, and looks for a
// title's closing quote to the end of the paragraph: time that grows with
// definitions × lines. Definitions only come at the start of a paragraph,
// so the windows go on while each is wholly definitions. A window ends
// just before a line that starts with "[" and so can start a definition.
// The result is goldmark's except in two corners of malformed input: a
// multi-line title with such a line at a window's end, and a title that
// spans lines and is followed by text, where goldmark itself drops lines
// of the paragraph and the windows can change which.
type linkRefLimit struct{ parser.ParagraphTransformer }

func (t linkRefLimit) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() <= linkRefWindow {
		t.ParagraphTransformer.Transform(node, reader, pc)
		return
	}
	src := reader.Source()
	all := lines.Sliced(0, lines.Len())
	parent := node.Parent()
	for i := 0; i < len(all); {
		end := min(i+linkRefWindow, len(all))
		for end < len(all) && !mayStartDefinition(all[end].Value(src)) {
			end++
		}
		win := ast.NewParagraph()
		win.Lines().AppendAll(all[i:end])
		if i == 0 {
			win.SetBlankPreviousLines(node.HasBlankPreviousLines())
		}
		parent.InsertBefore(parent, node, win)
		t.ParagraphTransformer.Transform(win, reader, pc)
		if win.Parent() != nil {
			// The definitions end in this window: the rest of it and the
			// lines after it are the paragraph.
			rest := win.Lines()
			parent.RemoveChild(parent, win)
			var kept text.Segments
			kept.AppendAll(rest.Sliced(0, rest.Len()))
			kept.AppendAll(all[end:])
			node.SetLines(&kept)
			return
		}
		i = end
	}
	parent.RemoveChild(parent, node) // the paragraph was all definitions
}

// mayStartDefinition reports whether a line can start a link reference
// definition: at most three spaces, then "[".
func mayStartDefinition(line []byte) bool {
	w, pos := util.IndentWidth(line, 0)
	return w <= 3 && pos < len(line) && line[pos] == '['
}

// inlineLimits runs before the inline parsers of delimiters, links and
// code spans. Within the limits it lets them parse (it returns nil); past
// them it returns the trigger characters as text.
type inlineLimits struct{}

var inlineLimitsKey = parser.NewContextKey()

// inlineCounts are the counts of the block being parsed.
type inlineCounts struct {
	block         ast.Node
	delims, links int
	// ticks lists the start offsets of the block's backtick runs by
	// length, in order; built on the first backtick.
	ticks map[int][]int
}

func (inlineLimits) Trigger() []byte { return []byte{'*', '_', '~', '[', ']', '!', '`'} }

func (inlineLimits) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	c, _ := pc.Get(inlineLimitsKey).(*inlineCounts)
	if c == nil || c.block != parent {
		c = &inlineCounts{block: parent}
		pc.Set(inlineLimitsKey, c)
	}
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	asText := func(n int) ast.Node {
		block.Advance(n)
		s := seg.WithStop(seg.Start + n)
		// Extend the text before, as goldmark does with plain text: a
		// node per character would make the tree as large as the input.
		// (Returning a node already in place moves it nowhere.)
		if t, ok := parent.LastChild().(*ast.Text); ok && t.Segment.Stop == s.Start && t.Segment.Padding == 0 && s.Padding == 0 &&
			!t.SoftLineBreak() && !t.HardLineBreak() && !t.IsRaw() {
			t.Segment = t.Segment.WithStop(s.Stop)
			return t
		}
		return ast.NewTextSegment(s)
	}
	switch line[0] {
	case '*', '_', '~':
		d := parser.ScanDelimiter(line, block.PrecendingCharacter(), 1, delimiterChars{})
		if d == nil || !d.CanOpen && !d.CanClose {
			return nil
		}
		if c.delims++; c.delims <= maxDelimiters {
			return nil
		}
		return asText(d.OriginalLength)
	case '!':
		if len(line) < 2 || line[1] != '[' {
			return nil
		}
		if c.links++; c.links <= maxLinkOpeners {
			return nil
		}
		return asText(2)
	case '[':
		if c.links++; c.links <= maxLinkOpeners {
			return nil
		}
		return asText(1)
	case ']':
		// Past the limit, closers are text too: each one would search
		// the rest of the block for a link destination, and a link that
		// spans the limit is no link anyone wrote.
		if c.links <= maxLinkOpeners {
			return nil
		}
		return asText(1)
	case '`':
		n := 0
		for n < len(line) && line[n] == '`' {
			n++
		}
		if c.ticks == nil {
			c.ticks = backtickRuns(parent, block.Source())
		}
		// A code span closes at the next run of exactly as many backticks.
		runs := c.ticks[n]
		if i := sort.SearchInts(runs, seg.Start+n); i < len(runs) {
			return nil
		}
		return asText(n)
	}
	return nil
}

func (inlineLimits) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	pc.Set(inlineLimitsKey, nil)
}

// backtickRuns indexes the maximal runs of backticks in the lines of a
// block: start offsets by run length, ascending.
func backtickRuns(b ast.Node, src []byte) map[int][]int {
	runs := map[int][]int{}
	lines := b.Lines()
	for i := range lines.Len() {
		s := lines.At(i)
		l := src[s.Start:s.Stop]
		for j := 0; j < len(l); {
			if l[j] != '`' {
				j++
				continue
			}
			k := j
			for k < len(l) && l[k] == '`' {
				k++
			}
			runs[k-j] = append(runs[k-j], s.Start+j)
			j = k
		}
	}
	for _, r := range runs {
		if !slices.IsSorted(r) {
			slices.Sort(r)
		}
	}
	return runs
}

// delimiterChars tells parser.ScanDelimiter which characters delimit
// emphasis and strikethrough; only its flanking rules are used.
type delimiterChars struct{}

func (delimiterChars) IsDelimiter(b byte) bool                             { return b == '*' || b == '_' || b == '~' }
func (delimiterChars) CanOpenCloser(opener, closer *parser.Delimiter) bool { return false }
func (delimiterChars) OnMatch(consumes int) ast.Node                       { return nil }
