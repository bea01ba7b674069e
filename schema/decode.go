package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Meta records where a decoded YAML mapping was found and where each of its
// keys' values is, so that validation can point at the exact line and
// column. Structs that embed Meta get it filled by the decoder. Sequence
// elements are recorded as "key.N" (zero-based).
type Meta struct {
	Pos  Pos            `json:"-" yaml:"-"`
	Keys map[string]Pos `json:"-" yaml:"-"`
}

// PosOf returns the position of key's value, or of the mapping itself when the
// key is absent.
func (m *Meta) PosOf(key string) Pos {
	if p, ok := m.Keys[key]; ok {
		return p
	}
	return m.Pos
}

// Has reports whether key was present (and not null) in the mapping, even
// if its value could not be decoded.
func (m *Meta) Has(key string) bool {
	_, ok := m.Keys[key]
	return ok
}

var metaType = reflect.TypeFor[Meta]()

// scalarValue is implemented by the small value types (dates, clock times,
// durations…) that decode themselves from a YAML scalar.
type scalarValue interface {
	parseScalar(s string) error
}

// nodeBudget bounds the work done on one document, counting alias
// expansions, so that "billion laughs" documents fail fast.
const nodeBudget = 200_000

// maxDepth bounds nesting; no Baton file needs more than a handful of levels.
const maxDepth = 64

// fieldCache memoises the YAML field table of each struct type. It is owned
// by a single Load call (not package state) and is safe for concurrent use.
type fieldCache struct{ m sync.Map }

type fieldInfo struct {
	name  string
	index []int
}

type structInfo struct {
	fields []fieldInfo
	byName map[string]int
	meta   []int // index of the embedded Meta, or nil
	names  []string
}

func (c *fieldCache) info(t reflect.Type) *structInfo {
	if v, ok := c.m.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == metaType && f.Anonymous {
			si.meta = f.Index
			continue
		}
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: name, index: f.Index})
		si.names = append(si.names, name)
	}
	c.m.Store(t, si)
	return si
}

// decoder maps a yaml.Node tree onto Go values strictly: unknown keys,
// duplicate keys, wrong kinds and malformed values are all reported, with
// positions, and decoding carries on so that every problem is found.
type decoder struct {
	r       reporter
	lineOff int // added to node lines (front matter starts after "---")
	budget  int
	cache   *fieldCache
	kept    []*yaml.Node // the element nodes of the slice decoded last
	// keptKeys holds the value node of each entry of the map decoded last.
	keptKeys map[string]*yaml.Node
}

func newDecoder(r reporter, lineOff int, cache *fieldCache) *decoder {
	if cache == nil {
		cache = &fieldCache{}
	}
	return &decoder{r: r, lineOff: lineOff, budget: nodeBudget, cache: cache}
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{n.Line + d.lineOff, n.Column} }

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses exactly one YAML document. A nil node with no problem
// means the document is empty.
func (d *decoder) parseYAML(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 has panicked on hostile input in the past; a library must
		// not crash on input, so a panic becomes a problem.
		if e := recover(); e != nil {
			d.r.errorf(Pos{1 + d.lineOff, 1}, "yaml/syntax", "", "the YAML parser failed on this file: %v", e)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		d.syntaxError(err, data)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.r.errorf(d.pos(&extra), "yaml/multiple-documents", "remove the extra \"---\" separator", "a Baton file holds exactly one YAML document")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err, nil)
		return nil, false
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], true
	}
	return nil, true
}

// syntaxError reports a YAML syntax error at the line and column where it
// is (see locateSyntaxError), or at the line the parser names when data is
// nil or too large to search.
func (d *decoder) syntaxError(err error, data []byte) {
	line, msg := syntaxMessage(err)
	col := 1
	if l, c, ok := locateSyntaxError(data, err); ok {
		line, col = l, c
	}
	line = max(line, 1)
	d.r.errorf(Pos{line + d.lineOff, col}, "yaml/syntax", "check indentation and quoting on this line", "invalid YAML: %s", msg)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return fmt.Sprintf("the value %q", truncate(n.Value, 40))
	}
	return "an unsupported YAML node"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// decode fills v (addressable) from n. It returns false when n could not be
// decoded; a problem has been reported and v is left at its zero value.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, depth int) bool {
	d.budget--
	if d.budget < 0 {
		if d.budget == -1 {
			d.r.errorf(d.pos(n), "yaml/too-complex", "remove YAML anchors and aliases", "the document expands to too many values (an alias bomb?)")
		}
		return false
	}
	if depth > maxDepth {
		d.r.errorf(d.pos(n), "yaml/too-deep", "", "the document is nested too deeply")
		return false
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return false
		}
		return d.decode(n.Alias, v, depth+1)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return true
	}
	if v.CanAddr() {
		if sv, ok := v.Addr().Interface().(scalarValue); ok {
			if n.Kind != yaml.ScalarNode {
				d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected a single value, got %s", kindName(n))
				return false
			}
			if err := sv.parseScalar(n.Value); err != nil {
				d.r.errorf(d.pos(n), "yaml/bad-value", "", "%v", err)
				return false
			}
			return true
		}
	}
	switch v.Interface().(type) {
	case time.Time:
		if n.Kind != yaml.ScalarNode {
			d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected an RFC 3339 time, got %s", kindName(n))
			return false
		}
		t, err := parseInstant(n.Value)
		if err != nil {
			d.r.errorf(d.pos(n), "yaml/bad-time", "write a time with its offset, e.g. 2026-11-20T14:03:00Z or 2026-11-20T09:03:00-05:00", "%v", err)
			return false
		}
		v.Set(reflect.ValueOf(t))
		return true
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		if !d.decode(n, nv.Elem(), depth+1) {
			return false
		}
		v.Set(nv)
		return true
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected text, got %s", kindName(n))
			return false
		}
		v.SetString(n.Value)
		return true
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.r.errorf(d.pos(n), "yaml/wrong-type", "write true or false", "expected true or false, got %s", kindName(n))
			return false
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
		return true
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected a whole number, got %s", kindName(n))
			return false
		}
		i, err := strconv.ParseInt(n.Value, 0, 32)
		if err != nil {
			d.r.errorf(d.pos(n), "yaml/bad-value", "", "%q is not a whole number in range", n.Value)
			return false
		}
		v.SetInt(i)
		return true
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.r.errorf(d.pos(n), "yaml/wrong-type", "write a list, e.g. [a, b] or one \"- item\" per line", "expected a list, got %s", kindName(n))
			return false
		}
		// An element that cannot be decoded at all is reported and left
		// out, so that later checks do not see a zero value in its place.
		s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
		kept := make([]*yaml.Node, 0, len(n.Content))
		for _, c := range n.Content {
			e := reflect.New(v.Type().Elem()).Elem()
			if d.decode(c, e, depth+1) {
				s = reflect.Append(s, e)
				kept = append(kept, c)
			}
		}
		v.Set(s)
		d.kept = kept
		return true
	case reflect.Struct:
		return d.decodeStruct(n, v, depth)
	case reflect.Map:
		return d.decodeMap(n, v, depth)
	}
	d.r.errorf(d.pos(n), "yaml/wrong-type", "", "cannot decode %s here", kindName(n))
	return false
}

// decodeMap fills a map with text keys, such as rotations.groups, from a
// mapping. An entry whose value cannot be decoded is reported and left out.
// d.keptKeys holds the value node of each key kept, for positions.
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, depth int) bool {
	if n.Kind != yaml.MappingNode {
		d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected a mapping of keys to values, got %s", kindName(n))
		return false
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	kept := make(map[string]*yaml.Node, len(n.Content)/2)
	seen := make(map[string]Pos, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.r.errorf(d.pos(k), "yaml/wrong-type", "", "a key must be plain text, got %s", kindName(k))
			continue
		}
		if k.Value == "<<" {
			d.r.errorf(d.pos(k), "yaml/merge-key", "write the keys out in full", "YAML merge keys (<<) are not supported")
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			d.r.errorf(d.pos(k), "yaml/duplicate-key", fmt.Sprintf("remove one of the two; the first is on line %d", prev.Line), "key %q appears twice in this mapping", k.Value)
			continue
		}
		seen[k.Value] = d.pos(k)
		e := reflect.New(v.Type().Elem()).Elem()
		if d.decode(val, e, depth+1) {
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
			kept[k.Value] = val
		}
	}
	v.Set(m)
	d.keptKeys = kept
	return true
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, depth int) bool {
	if n.Kind != yaml.MappingNode {
		d.r.errorf(d.pos(n), "yaml/wrong-type", "", "expected a mapping of keys to values, got %s", kindName(n))
		return false
	}
	si := d.cache.info(v.Type())
	var meta *Meta
	if si.meta != nil {
		meta = v.FieldByIndex(si.meta).Addr().Interface().(*Meta)
		meta.Pos = d.pos(n)
		meta.Keys = make(map[string]Pos, len(n.Content)/2)
	}
	seen := make(map[string]Pos, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.r.errorf(d.pos(k), "yaml/wrong-type", "", "a key must be plain text, got %s", kindName(k))
			continue
		}
		key := k.Value
		if key == "<<" {
			d.r.errorf(d.pos(k), "yaml/merge-key", "write the keys out in full", "YAML merge keys (<<) are not supported")
			continue
		}
		if prev, dup := seen[key]; dup {
			d.r.errorf(d.pos(k), "yaml/duplicate-key", fmt.Sprintf("remove one of the two; the first is on line %d", prev.Line), "key %q appears twice in this mapping", key)
			continue
		}
		seen[key] = d.pos(k)
		fi, ok := si.byName[key]
		if !ok {
			hint := "remove it"
			if s := suggest(key, si.names); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			} else {
				hint = "known keys here: " + strings.Join(si.names, ", ")
			}
			d.r.errorf(d.pos(k), "yaml/unknown-key", hint, "unknown key %q", key)
			continue
		}
		f := si.fields[fi]
		fv := v.FieldByIndex(f.index)
		// The key is recorded even when its value is malformed, so that a
		// bad value is not reported a second time as a missing key.
		okVal := d.decode(val, fv, depth+1)
		if meta != nil && !(val.Kind == yaml.ScalarNode && val.ShortTag() == "!!null") {
			meta.Keys[f.name] = d.pos(val)
			if okVal && fv.Kind() == reflect.Slice {
				// d.kept holds the nodes of the elements the slice kept, so
				// "key.N" is the position of element N of the Go slice.
				for j, c := range d.kept {
					meta.Keys[f.name+"."+strconv.Itoa(j)] = d.pos(c)
				}
			}
			if okVal && fv.Kind() == reflect.Map {
				// "key.NAME" is the position of the value of entry NAME.
				for name, c := range d.keptKeys {
					meta.Keys[f.name+"."+name] = d.pos(c)
				}
			}
		}
	}
	return true
}

// Suggest returns the candidate closest to s (compared without regard to
// case) when it is close enough to be a plausible typo and no other
// candidate is as close, or "". It is the "did you mean" of every message
// about a value that is not in a known list.
func Suggest(s string, candidates []string) string {
	best := suggest(s, candidates)
	if best == "" {
		return ""
	}
	ls := strings.ToLower(s)
	d := levenshtein(ls, strings.ToLower(best))
	for _, c := range candidates {
		if c != best && !strings.EqualFold(c, best) && levenshtein(ls, strings.ToLower(c)) == d {
			return "" // a tie: any pick would be a guess
		}
	}
	return best
}

// suggest returns the candidate closest to s when it is close enough to be
// a plausible typo, or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if dd := levenshtein(ls, strings.ToLower(c)); dd < bestD {
			best, bestD = c, dd
		}
	}
	lb := strings.ToLower(best)
	limit := 2
	if len(s) <= 4 {
		limit = 1
	}
	if bestD <= limit || (len(s) >= 3 && best != "" && (strings.HasPrefix(lb, ls) || strings.HasPrefix(ls, lb))) {
		return best
	}
	return ""
}

// levenshtein is the edit distance between a and b in runes, counting the
// swap of two adjacent runes as one edit ("serach" is one edit from
// "search"): the optimal string alignment distance.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// parseInstant parses an RFC 3339 time that must carry an offset.
func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if _, err2 := time.Parse("2006-01-02T15:04:05", s); err2 == nil {
			return time.Time{}, fmt.Errorf("time %q has no offset", s)
		}
		if _, err2 := time.Parse("2006-01-02T15:04", s); err2 == nil {
			return time.Time{}, fmt.Errorf("time %q has no seconds and no offset", s)
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t, nil
}

// oneOf reports an error when v (present at key) is not one of allowed.
func oneOf(r reporter, m *Meta, key, v string, code string, allowed ...string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	hint := "use one of: " + strings.Join(allowed, ", ")
	if s := suggest(v, allowed); s != "" {
		hint = fmt.Sprintf("did you mean %q? (one of: %s)", s, strings.Join(allowed, ", "))
	}
	r.errorf(m.PosOf(key), code, hint, "%s %q is not allowed", key, v)
	return false
}
