package oncall

import (
	"slices"
	"testing"
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
