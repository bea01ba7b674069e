package schema

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// personMatcher finds the first mention of a person in a text: any
// person's full name or first name, as people.yaml spells them (many names
// are ordinary words as well: "Will", "May", "Mark"), or their handle,
// GitHub login or e-mail address in any case; each as a whole word, which
// may follow an "@".
//
// What counts as a mention, precisely:
//   - a mention starts at the beginning of the text or after a character
//     that is not a letter, a digit, "_", "@", "." or "-" (so that
//     "alice" in "ops.alice" or "x-alice" is not one), and may be preceded
//     by one "@", which is not part of it;
//   - it ends at the end of the text or before a character that is not a
//     letter, a digit, "_", "@" or "-" (a full stop may follow);
//   - letters are Unicode letters and digits Unicode numbers; "any case"
//     is Unicode simple case folding ("K" is "k", and so is the Kelvin sign);
//   - when several spellings fit at one place, names win over identifiers,
//     and longer spellings over shorter ones (in bytes; equals in the order
//     of people.yaml): "Alice Ng" rather than "Alice";
//   - spellings shorter than two bytes are not looked for.
//
// It reports the leftmost mention. The cost is linear in the text: it
// looks at each character once to find where words start, and tries only
// the spellings that begin with a word's first letter.
type personMatcher struct {
	// needles in order of preference: names (longest first), then
	// identifiers (longest first).
	needles []needle
	// ascii[c] lists, in order of preference, the needles that can start
	// with the ASCII character c, and other[r] those that can start with
	// the rune r.
	ascii [utf8.RuneSelf][]int32
	other map[rune][]int32
}

// needle is one spelling to look for.
type needle struct {
	// runes are the spelling's characters, case-folded (foldRune) when
	// fold is set.
	runes []rune
	fold  bool
}

// newPersonMatcher returns the matcher for the people of a repository, or
// nil when there are none.
func newPersonMatcher(people []Person) *personMatcher {
	if len(people) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var ids, names []string
	add := func(list *[]string, s string, fold bool) {
		s = strings.TrimSpace(s)
		key := s
		if fold {
			key = strings.ToLower(s)
		}
		if len(s) < 2 || seen[key] || seen[strings.ToLower(s)] {
			return
		}
		seen[key] = true
		*list = append(*list, s)
	}
	for _, p := range people {
		add(&ids, p.Handle, true)
		add(&ids, p.GitHub, true)
		add(&ids, p.Email, true)
	}
	for _, p := range people {
		add(&names, p.Name, false)
		if first, _, ok := strings.Cut(p.Name, " "); ok {
			add(&names, first, false)
		}
	}
	if len(ids)+len(names) == 0 {
		return nil
	}
	// Longer spellings first (in bytes, ties in order of appearance), so
	// that "Alice Ng" wins over "Alice".
	byLen := func(a, b string) int { return len(b) - len(a) }
	slices.SortStableFunc(ids, byLen)
	slices.SortStableFunc(names, byLen)

	m := &personMatcher{other: map[rune][]int32{}}
	for _, s := range names {
		m.needles = append(m.needles, needle{runes: []rune(s)})
	}
	for _, s := range ids {
		rs := []rune(s)
		for i, r := range rs {
			rs[i] = foldRune(r)
		}
		m.needles = append(m.needles, needle{runes: rs, fold: true})
	}
	// A name starts with its first rune as written, an identifier with any
	// rune of its first rune's case-folding orbit.
	firsts := map[rune][]int32{}
	for i, n := range m.needles {
		first := n.runes[0]
		if !n.fold {
			firsts[first] = append(firsts[first], int32(i))
			continue
		}
		for r := first; ; {
			firsts[r] = append(firsts[r], int32(i))
			if r = unicode.SimpleFold(r); r == first {
				break
			}
		}
	}
	// Each list is in order of preference, as the needles are.
	for r, list := range firsts {
		if r < utf8.RuneSelf {
			m.ascii[r] = list
		} else {
			m.other[r] = list
		}
	}
	return m
}

// find returns where the leftmost mention of a person in s starts and
// ends, and whether there is one.
func (m *personMatcher) find(s string) (start, end int, ok bool) {
	if m == nil {
		return 0, 0, false
	}
	if start, end, ok := m.at(s, 0); ok {
		return start, end, true
	}
	for p := 0; p < len(s); {
		c := s[p]
		if c < utf8.RuneSelf {
			p++
			if asciiClass[c]&leadEdge == 0 {
				continue
			}
		} else {
			r, w := utf8.DecodeRuneInString(s[p:])
			p += w
			if !isLeadEdge(r) {
				continue
			}
		}
		if start, end, ok := m.at(s, p); ok {
			return start, end, true
		}
	}
	return 0, 0, false
}

// at finds a mention that starts at q, or after an "@" at q.
func (m *personMatcher) at(s string, q int) (start, end int, ok bool) {
	if q < len(s) && s[q] == '@' {
		if end, ok := m.needleAt(s, q+1); ok {
			return q + 1, end, true
		}
	}
	if end, ok := m.needleAt(s, q); ok {
		return q, end, true
	}
	return 0, 0, false
}

// needleAt returns the end of the preferred needle that occurs at q and is
// followed by a word's end.
func (m *personMatcher) needleAt(s string, q int) (int, bool) {
	if q >= len(s) {
		return 0, false
	}
	var cands []int32
	if c := s[q]; c < utf8.RuneSelf {
		cands = m.ascii[c]
	} else {
		r, _ := utf8.DecodeRuneInString(s[q:])
		cands = m.other[r]
	}
	for _, i := range cands {
		if end, ok := m.needles[i].matchAt(s, q); ok && trailEdgeAt(s, end) {
			return end, true
		}
	}
	return 0, false
}

// matchAt reports whether s holds the needle at q, and where it ends.
func (n *needle) matchAt(s string, q int) (int, bool) {
	i := q
	for _, want := range n.runes {
		if i >= len(s) {
			return 0, false
		}
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if r != want && (!n.fold || foldRune(r) != want) {
			return 0, false
		}
		i += w
	}
	return i, true
}

// trailEdgeAt reports whether a mention may end at i.
func trailEdgeAt(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c]&trailEdge != 0
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r) // "@" and "-" are ASCII
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }

func isLeadEdge(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&leadEdge != 0
	}
	return !isWordRune(r)
}

// Classes of ASCII characters: a mention may start after a leadEdge
// character and end before a trailEdge character.
const (
	leadEdge = 1 << iota
	trailEdge
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range rune(utf8.RuneSelf) {
		if isWordRune(c) || c == '@' || c == '-' {
			continue
		}
		t[c] |= trailEdge
		if c != '.' {
			t[c] |= leadEdge
		}
	}
	return t
}()

// foldRune maps r to one member of its simple case-folding orbit, the same
// for every member: the lower-case letter for ASCII letters (and for the
// Kelvin sign and the long s, which fold to them), else the smallest rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if 'A' <= least && least <= 'Z' {
		least += 'a' - 'A'
	}
	return least
}
