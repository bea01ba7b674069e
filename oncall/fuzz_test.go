package oncall

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/schema"
)

// FuzzArithmetic evaluates any rotation file that parses and is within the
// size limits, valid or not (build --force, handoff and declare evaluate
// rotations with errors): no panic, a schedule that tiles its range with
// merged intervals, At agreeing with the schedule at each interval's start,
// and NextChange finding the schedule's first change of IMOC.
func FuzzArithmetic(f *testing.F) {
	f.Add([]byte(benchRotation))
	f.Add([]byte("name: x\ntime_zone: Australia/Lord_Howe\nlayers:\n  - rotation: {anchor: 2025-10-05T02:15, every: 12h, handoff_days: [MO], participants: [alice, nobody]}\n    active: [{days: [SA], from: \"22:00\", to: \"06:00\"}, {from: \"01:45\", to: \"02:40\"}, {from: \"02:10\", to: \"03:00\"}]\n    exclude: [2026-03-07]\n"))
	f.Add([]byte("name: x\ntime_zone: America/New_York\nlayers:\n  - rotation: {anchor: 2026-01-01T00:00, every: 1mo, participants: [a, b, a]}\n    changes: [{from: 2026-03-08T02:30, participants: [c, d], first: d}, {from: 2026-03-08T03:00, participants: [e]}]\n  - rotation: {anchor: 2026-03-01T09:00, every: 1d, handoff_days: [MO, FR], participants: [x, y]}\n    active: [{days: [SU], from: \"01:00\", to: \"03:10\"}, {days: [SU], from: \"02:30\", to: \"05:00\"}]\noverrides:\n  - {kind: assign, user: z, from: 2026-03-06T00:00:00Z, until: 2026-03-07T00:00:00Z}\n  - {kind: remove, user: x, from: 2026-03-05T00:00:00Z, until: 2026-03-09T00:00:00Z}\nshadows:\n  - {user: t, with: y, from: 2026-03-01T00:00:00Z, until: 2026-04-01T00:00:00Z}\n"))
	from := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _ := schema.ParseRotation("rotations/f.yaml", data)
		if r == nil || !r.WithinLimits() {
			return
		}
		sched := Schedule(r, from, to)
		if len(sched) == 0 || !sched[0].Start.Equal(from) || !sched[len(sched)-1].End.Equal(to) {
			t.Fatalf("the schedule does not cover the range: %v", sched)
		}
		for i, iv := range sched {
			if !iv.End.After(iv.Start) || iv.IMOC == nil || iv.Shadows == nil {
				t.Fatalf("interval %d: %+v", i, iv)
			}
			if i > 0 {
				prev := sched[i-1]
				if !prev.End.Equal(iv.Start) || slices.Equal(prev.IMOC, iv.IMOC) && slices.Equal(prev.Shadows, iv.Shadows) {
					t.Fatalf("intervals %d and %d: %s, %s", i-1, i, fmtInterval(prev), fmtInterval(iv))
				}
			}
			if i < 50 {
				if st := At(r, iv.Start); !slices.Equal(st.IMOC, iv.IMOC) || !slices.Equal(st.Shadows, iv.Shadows) {
					t.Fatalf("At(%s) = %v %v, the schedule says %s", utc(iv.Start), st.IMOC, st.Shadows, fmtInterval(iv))
				}
			}
		}
		at, imoc, ok := NextChange(r, from)
		for _, iv := range sched[1:] {
			if !slices.Equal(iv.IMOC, sched[0].IMOC) {
				if !ok || !at.Equal(iv.Start) || !slices.Equal(imoc, iv.IMOC) {
					t.Fatalf("NextChange = %s %v %v, the schedule changes at %s", utc(at), imoc, ok, fmtInterval(iv))
				}
				return
			}
		}
		if ok && at.Before(to) {
			t.Fatalf("NextChange = %s %v, the schedule does not change", utc(at), imoc)
		}
	})
}

// FuzzAway checks any people.yaml (its time away) against a follow-the-sun
// rotation: no panic; every away-conflict hint that names someone names a
// qualified IMOC who is not away at any time in the override's span; and
// comparing the repository with itself changes nothing.
func FuzzAway(f *testing.F) {
	f.Add([]byte(awayPeople))
	f.Add([]byte("people:\n  - {handle: alice, name: A, time_zone: Australia/Lord_Howe, imoc: qualified, away: [{from: 2026-03-01, until: 2026-03-09}, {from: 2026-03-05, until: 2026-03-05}]}\n  - {handle: bob, name: B, imoc: qualified, away: [{from: 2026-03-02, until: 2026-03-01}]}\n  - {handle: carol, name: C, imoc: trainee}\n"))
	f.Add([]byte("people:\n  - {handle: alice, name: A, time_zone: America/Santiago, imoc: qualified, away: [{from: 2025-09-06, until: 2025-09-07}]}\n  - {handle: bob, name: B, imoc: qualified}\n  - {handle: carol, name: C, imoc: qualified, away: [{from: 1900-01-01, until: 9999-12-31}]}\n"))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, people []byte) {
		fsys := fstest.MapFS{
			"people.yaml":      {Data: people},
			"baton.yaml":       {Data: []byte("site: {title: T, base_url: https://t.example/, time_zone: Europe/London}\ngithub: {repo: t/t}\n")},
			"rotations/r.yaml": {Data: []byte(strings.ReplaceAll(ftsRotation, "frank", "alice"))},
		}
		repo, _ := schema.Load(t.Context(), fsys)
		for _, p := range Check(repo, now) {
			if p.Code != "rotation/away-conflict" {
				continue
			}
			m := hintRE.FindStringSubmatch(p.Hint)
			if m == nil {
				t.Fatalf("hint %q", p.Hint)
			}
			if m[1] == "WHO" {
				continue
			}
			from, err1 := time.Parse(time.RFC3339, m[3])
			until, err2 := time.Parse(time.RFC3339, m[4])
			if err1 != nil || err2 != nil || !until.After(from) {
				t.Fatalf("hint %q: %v %v", p.Hint, err1, err2)
			}
			if !repo.Person(m[1]).Qualified() || m[1] == m[2] {
				t.Fatalf("hint names %s: %s", m[1], p.Hint)
			}
			for _, a := range AwayOf(repo, m[1]) {
				if a.Start.Before(until) && from.Before(a.End) {
					t.Fatalf("hint names %s, who is away %s to %s: %s", m[1], a.From, a.Until, p.Hint)
				}
			}
		}
		d := Compare(repo, repo, now, now.AddDate(0, 0, 30))
		if len(d.Changed()) > 0 || len(d.NewGaps) > 0 || len(d.NewConflicts) > 0 {
			t.Fatalf("the repository differs from itself: %+v", d)
		}
	})
}

var hintRE = regexp.MustCompile(`- \{kind: replace, user: ([a-zA-Z0-9-]+), replaces: ([a-z0-9-]+), from: ([^,]+), until: ([^,]+), reason: `)
