package schema

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkParse holds the invariants every parser must keep on any input: no
// panic; a nil result comes with at least one error; every problem is well
// formed and points inside the input; parsing is deterministic.
func checkParse[T any](t *testing.T, data []byte, parse func(string, []byte) (*T, Problems)) {
	v, ps := parse("f.md", data)
	if v == nil && !ps.HasErrors() {
		t.Fatalf("nil result without an error")
	}
	// YAML (and so the parser's positions) counts a lone CR as a line
	// break too; the fuzzer found that.
	lines := strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") + strings.Count(string(data), "\r") + 2
	for _, p := range ps {
		if p.Line < 1 || p.Column < 1 || p.Line > lines || p.Code == "" || p.Message == "" || p.File != "f.md" {
			t.Fatalf("malformed problem %+v (input has %d lines)", p, lines)
		}
		if !utf8.ValidString(p.Message) || !utf8.ValidString(p.Hint) {
			t.Fatalf("problem text is not UTF-8: %+v", p)
		}
	}
	_, ps2 := parse("f.md", data)
	if len(ps) != len(ps2) {
		t.Fatalf("parsing twice gave %d then %d problems", len(ps), len(ps2))
	}
}

func FuzzParseIncident(f *testing.F) {
	f.Add([]byte(testIncident))
	f.Add([]byte("---\ntitle: x\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\nupdates: [{at: 2026-01-01T00:00:00Z, status: resolved, message: ok}]\ncomponents: [{id: a, impact: major_outage}]\n...\nbody"))
	f.Add([]byte("---\nscheduled: {from: 2026-01-01T00:00:00+01:00, until: x}\nshadows: &a [a, *a]\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, ParseIncident) })
}

func FuzzParsePostmortem(f *testing.F) {
	f.Add([]byte(testPostmortem))
	f.Add([]byte("---\nstatus: draft\n---\n## Summary\n```\n## not a heading\n```\n"))
	f.Add([]byte("---\naction_items: [{id: AI-1, due: 2026-02-30}]\napproved: {by: x, at: 2026-01-01}\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, ParsePostmortem) })
}

func FuzzParseRotation(f *testing.F) {
	f.Add([]byte(testRotation))
	f.Add([]byte("name: x\ntime_zone: Australia/Lord_Howe\nlayers:\n  - rotation: {anchor: 2025-10-05T02:15, every: 12h, handoff_days: [MO, XX], participants: [nobody]}\n    active: [{days: [SA], from: \"22:00\", to: \"06:00\"}]\n    exclude: [2025-12-25]\n"))
	f.Add([]byte("layers: [{rotation: {every: 0h}}, {rotation: {every: 1mo, anchor: 2025-01-31T00:00}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, ParseRotation) })
}

// FuzzFindMarkup checks that the prefilter in findMarkup never hides markup
// that the regular expression finds.
func FuzzFindMarkup(f *testing.F) {
	for _, s := range []string{"We are investigating.", "**bold**", " - item", "+ x", "a [b](c)", "<b>", "# h", "!["} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := findMarkup(s), markdownRE.FindStringIndex(s)
		if (got == nil) != (want == nil) || (got != nil && (got[0] != want[0] || got[1] != want[1])) {
			t.Fatalf("findMarkup(%q) = %v, regexp says %v", s, got, want)
		}
	})
}
