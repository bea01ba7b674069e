package edit

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// document is a Markdown file with YAML front matter, held as lines so that
// edits splice new text in and leave every other byte alone. The yaml.v3
// Node tree is only used to find where keys and values are, and to render
// new values; it is never re-encoded as a whole, because that would reflow
// comments, quoting and flow collections the author chose.
type document struct {
	open  string   // the opening "---" line, with its line ending
	lines []string // front matter lines, each with its line ending
	rest  string   // the closing line and the body, untouched
	nl    string   // the line ending to use for new lines
}

// parseDocument splits data into front matter lines and the rest.
func parseDocument(name string, data []byte) (*document, error) {
	s := string(data)
	first, after, ok := strings.Cut(s, "\n")
	if !ok || strings.TrimRight(strings.TrimPrefix(first, "\ufeff"), " \t\r") != "---" {
		return nil, fmt.Errorf("%s does not start with YAML front matter (a line \"---\")", name)
	}
	d := &document{open: first + "\n", nl: "\n"}
	if strings.HasSuffix(first, "\r") {
		d.nl = "\r\n"
	}
	for after != "" {
		line, next, found := strings.Cut(after, "\n")
		if found {
			line += "\n"
		}
		if t := strings.TrimRight(line, " \t\r\n"); t == "---" || t == "..." {
			d.rest = after
			return d, nil
		}
		d.lines = append(d.lines, line)
		after = next
	}
	return nil, fmt.Errorf("%s: the front matter is never closed with a line \"---\"", name)
}

// bytes reassembles the file.
func (d *document) bytes() []byte {
	var b strings.Builder
	b.WriteString(d.open)
	for _, l := range d.lines {
		b.WriteString(l)
	}
	b.WriteString(d.rest)
	return []byte(b.String())
}

func (d *document) text() string { return strings.Join(d.lines, "") }

// root parses the front matter and returns its top-level mapping.
func (d *document) root() (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(d.text()), &doc); err != nil {
		return nil, fmt.Errorf("parsing the front matter: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the front matter is not a mapping of keys to values")
	}
	return doc.Content[0], nil
}

// decoded returns the front matter as plain Go values, for checking that an
// edit changed only what it meant to change.
func (d *document) decoded() (map[string]any, error) {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(d.text()), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// lookup returns the key and value nodes of key in the mapping, or nils.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// byteCol converts a 1-based column counted in characters into a byte
// offset in line.
func byteCol(line string, col int) int {
	off := 0
	for i := 1; i < col && off < len(line); i++ {
		_, size := utf8.DecodeRuneInString(line[off:])
		off += size
	}
	return off
}

// indentOf returns the number of leading spaces of line.
func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// isBlankOrComment reports whether line holds nothing but a comment.
func isBlankOrComment(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#")
}

// endLine returns the 0-based index of the last line that belongs to the
// value of the top-level key k (trailing blank and comment lines belong to
// whatever follows).
func (d *document) endLine(k *yaml.Node) int {
	start := k.Line - 1
	end := start
	keyIndent := indentOf(d.lines[start])
	for i := start + 1; i < len(d.lines); i++ {
		l := d.lines[i]
		if isBlankOrComment(l) {
			continue
		}
		ind := indentOf(l)
		if ind > keyIndent || (ind == keyIndent && strings.HasPrefix(l[ind:], "-")) {
			end = i
			continue
		}
		break
	}
	return end
}

// scalarEnd returns the byte offset just past the scalar token that starts
// at byte offset start of line, for single-line plain and quoted scalars.
func scalarEnd(line string, start int, style yaml.Style) (int, error) {
	s := line[start:]
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return start + i + 1, nil
			}
		}
	case style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				return start + i + 1, nil
			}
		}
	case style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.FlowStyle) == 0:
		end := len(strings.TrimRight(s, "\r\n"))
		for i := 1; i < end; i++ {
			if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
				end = i
				break
			}
		}
		return start + len(strings.TrimRight(s[:end], " \t")), nil
	}
	return 0, errors.New("the value spans several lines")
}

// renderScalar renders one scalar node as YAML text on one line.
func renderScalar(n *yaml.Node) (string, error) {
	b, err := yaml.Marshal(n)
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(s, "\n") {
		return "", fmt.Errorf("value %q does not fit on one line", n.Value)
	}
	return s, nil
}

// renderBlock renders a node as block YAML lines, each prefixed by indent.
func (d *document) renderBlock(n *yaml.Node, indent string) ([]string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var out []string
	for l := range strings.SplitSeq(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if l == "" {
			out = append(out, d.nl)
			continue
		}
		out = append(out, indent+l+d.nl)
	}
	return out, nil
}

func (d *document) insertLines(at int, lines []string) {
	d.lines = slices.Insert(d.lines, at, lines...)
}

// insertAfterKeys returns the line index at which a new top-level key goes:
// after the value of the last of the keys in after that is present, or at
// the end of the front matter.
func (d *document) insertAfterKeys(root *yaml.Node, after []string) int {
	for _, a := range slices.Backward(after) {
		if k, _ := lookup(root, a); k != nil {
			return d.endLine(k) + 1
		}
	}
	// At the end, but before trailing comment lines that close the front
	// matter.
	i := len(d.lines)
	for i > 0 && isBlankOrComment(d.lines[i-1]) {
		i--
	}
	return i
}

// setScalar sets the top-level key to the scalar value, replacing the
// existing value token in place or adding the key after the last present
// key of after.
func (d *document) setScalar(key string, value *yaml.Node, after []string) error {
	root, err := d.root()
	if err != nil {
		return err
	}
	text, err := renderScalar(value)
	if err != nil {
		return err
	}
	k, v := lookup(root, key)
	if k == nil {
		at := d.insertAfterKeys(root, after)
		d.insertLines(at, []string{key + ": " + text + d.nl})
		return nil
	}
	if k.Style != 0 || k.Column != 1 {
		return fmt.Errorf("key %s is not written as a plain top-level key", key)
	}
	i := k.Line - 1
	line := d.lines[i]
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
		colon := byteCol(line, k.Column) + len(key)
		if colon >= len(line) || line[colon] != ':' {
			return fmt.Errorf("cannot find the colon after %s", key)
		}
		// Keep a trailing comment where it was when there is room:
		// "resolved:        # …" becomes "resolved: <value> # …".
		after := line[colon+1:]
		spaces := len(after) - len(strings.TrimLeft(after, " "))
		if strings.HasPrefix(after[spaces:], "#") {
			after = strings.Repeat(" ", max(1, spaces-1-len(text))) + after[spaces:]
		}
		d.lines[i] = line[:colon+1] + " " + text + after
		return nil
	}
	if v.Kind != yaml.ScalarNode || v.Line != k.Line {
		return fmt.Errorf("%s does not hold a single-line value", key)
	}
	start := byteCol(line, v.Column)
	end, err := scalarEnd(line, start, v.Style)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	d.lines[i] = line[:start] + text + line[end:]
	return nil
}

// removeKey deletes a top-level key whose value is on its own line.
func (d *document) removeKey(key string) error {
	root, err := d.root()
	if err != nil {
		return err
	}
	k, v := lookup(root, key)
	if k == nil {
		return nil
	}
	if v.Kind != yaml.ScalarNode || v.Line != k.Line {
		return fmt.Errorf("%s does not hold a single-line value", key)
	}
	d.lines = slices.Delete(d.lines, k.Line-1, d.endLine(k)+1)
	return nil
}

// itemRenderer renders one new entry of a block sequence as lines, the
// first starting with indent and "- ".
type itemRenderer func(d *document, indent string) ([]string, error)

// appendItem appends item to the block sequence under the top-level key,
// creating the key after the last present key of after when it is absent.
func (d *document) appendItem(key string, item *yaml.Node, after []string) error {
	return d.appendItemWith(key, func(d *document, indent string) ([]string, error) {
		return d.renderBlock(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item}}, indent)
	}, after)
}

// appendItemWith is appendItem with the entry rendered by render.
func (d *document) appendItemWith(key string, render itemRenderer, after []string) error {
	root, err := d.root()
	if err != nil {
		return err
	}
	k, v := lookup(root, key)
	if k == nil {
		lines, err := render(d, "  ")
		if err != nil {
			return err
		}
		at := d.insertAfterKeys(root, after)
		d.insertLines(at, append([]string{key + ":" + d.nl}, lines...))
		return nil
	}
	if k.Style != 0 || k.Column != 1 {
		return fmt.Errorf("key %s is not written as a plain top-level key", key)
	}
	empty := (v.Kind == yaml.ScalarNode && v.Tag == "!!null") || (v.Kind == yaml.SequenceNode && len(v.Content) == 0)
	switch {
	case empty:
		// `key:`, `key: ~` or `key: []` on one line: becomes a block.
		if v.Line != k.Line && v.Kind == yaml.SequenceNode {
			return fmt.Errorf("%s: cannot extend a flow sequence that spans lines", key)
		}
		line := d.lines[k.Line-1]
		colon := byteCol(line, k.Column) + len(key)
		comment := ""
		if c := strings.Index(line[colon:], " #"); c >= 0 {
			comment = strings.TrimRight(line[colon+c:], "\r\n")
		}
		lines, err := render(d, "  ")
		if err != nil {
			return err
		}
		d.lines[k.Line-1] = line[:colon+1] + comment + d.nl
		d.insertLines(k.Line, lines)
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0:
		last := v.Content[len(v.Content)-1]
		prefix := d.lines[last.Line-1][:byteCol(d.lines[last.Line-1], last.Column)]
		dash := strings.LastIndex(prefix, "-")
		if dash < 0 || strings.TrimSpace(prefix[:dash]) != "" {
			return fmt.Errorf("%s: cannot find where the last item starts", key)
		}
		lines, err := render(d, prefix[:dash])
		if err != nil {
			return err
		}
		d.insertLines(d.endLine(k)+1, lines)
	default:
		return fmt.Errorf("%s is not a block list (- item per line)", key)
	}
	return nil
}

// checkOnly verifies that, between before and after, only the listed keys
// changed: the guard that makes a splicing mistake an error rather than a
// silently damaged file.
func checkOnly(before, after map[string]any, changed ...string) error {
	for k, v := range before {
		if slices.Contains(changed, k) {
			continue
		}
		if w, ok := after[k]; !ok || !reflect.DeepEqual(v, w) {
			return fmt.Errorf("editing would change %s", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && !slices.Contains(changed, k) {
			return fmt.Errorf("editing would add %s", k)
		}
	}
	return nil
}
