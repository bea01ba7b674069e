package schema

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// parseConfig decodes and checks a baton.yaml on its own, for fuzzing the
// decoder's mappings with free-form keys (rotations.groups).
func parseConfig(name string, data []byte) (*Config, Problems) {
	var ps Problems
	r := reporter{file: name, ps: &ps}
	c := &Config{}
	if !decodeYAML(data, 0, r, nil, c) {
		return nil, ps
	}
	checkConfig(c, r)
	return c, ps
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(testConfig))
	f.Add([]byte(testConfig + "  groups: {Core: imoc, Web: imoc-web}\ndeclare: {visibility: public}\n"))
	f.Add([]byte("rotations:\n  groups:\n    Core:\n    ? [a]\n    : x\n    <<: {a: b}\n    Core: y\n"))
	f.Add([]byte("rotations: {groups: &g {a: b, c: *g}}\ncomponents: [{id: a, name: A, group: a, rotation: r}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, parseConfig) })
}

// FuzzSuggest checks the did-you-mean: it only ever suggests a candidate,
// never panics on any text, and its distance is a distance.
func FuzzSuggest(f *testing.F) {
	for _, s := range [][2]string{{"serach", "search"}, {"sev2", "SEV2"}, {"cta", "cat"}, {"", "x"}, {"\xff", "ü"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if s := Suggest(a, []string{b, b + "x", "imoc"}); s != "" && !slices.Contains([]string{b, b + "x", "imoc"}, s) {
			t.Fatalf("Suggest(%q) = %q, not a candidate", a, s)
		}
		la, lb := strings.ToLower(a), strings.ToLower(b)
		d := levenshtein(la, lb)
		if d != levenshtein(lb, la) {
			t.Fatalf("distance(%q, %q) is not symmetric", a, b)
		}
		// Invalid UTF-8 compares as U+FFFD, as []rune reads it.
		if (d == 0) != (string([]rune(la)) == string([]rune(lb))) {
			t.Fatalf("distance(%q, %q) = %d", a, b, d)
		}
		if n := max(utf8.RuneCountInString(la), utf8.RuneCountInString(lb)); d > n {
			t.Fatalf("distance(%q, %q) = %d > %d", a, b, d, n)
		}
	})
}
