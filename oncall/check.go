package oncall

import (
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton/schema"
)

// GapHorizon is how far ahead [Check] looks for stretches with nobody on.
const GapHorizon = 90 * 24 * time.Hour

// Check adds the validation rules that need rotation arithmetic
// (package schema checks everything else):
//
//   - rotation/gap (warning): the IMOC slot is empty at some time in the
//     GapHorizon after now; the message names the first gap.
//
//   - rotation/anchor-in-gap, rotation/anchor-ambiguous (warnings): an
//     anchor or a roster change's from falls in a clock change, so it does
//     not exist or happens twice in the layer's zone.
//
//   - rotation/away-conflict (error or warning): someone is on call (after
//     overrides) during their time away in people.yaml. It is reported at
//     the away entry, once per entry and rotation for the conflicts that
//     start within AwayErrorWindow of now (an error) and once for those
//     after (a warning), up to AwayHorizon ahead. The hint is the replace
//     override that hands those hours to a qualified participant who is
//     not away then.
//
// Rotations with validation errors are skipped: a dropped layer or a
// fallback zone would only produce misleading gaps. It returns the
// problems unsorted.
func Check(repo *schema.Repo, now time.Time) schema.Problems {
	var ps schema.Problems
	away := awaySets(repo)
	for _, r := range repo.Rotations {
		if r.HasErrors || !r.WithinLimits() {
			continue // its errors are reported; arithmetic on it would mislead
		}
		// How far ahead to look: the gaps' 90 days, or up to the last day
		// away of someone who may be on call on r, within AwayHorizon.
		end := now.Add(GapHorizon)
		for _, h := range onRotation(r) {
			if as := away[h]; as != nil {
				if last := as.entries[as.latest[len(as.entries)-1]].End; last.After(end) {
					end = last
				}
			}
		}
		ps = append(ps, checkRotation(repo, r, now, earliest(end, now.Add(AwayHorizon)), away)...)
	}
	return ps
}

// onRotation returns everyone who may be on call on r: its participants
// and the users of its overrides.
func onRotation(r *schema.Rotation) []string {
	var out []string
	for _, l := range r.Layers {
		out = append(out, l.Rotation.Participants...)
		for _, ch := range l.Changes {
			out = append(out, ch.Participants...)
		}
	}
	for _, o := range r.Overrides {
		out = append(out, o.User)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func problem(r *schema.Rotation, at schema.Pos, code, hint, format string, args ...any) schema.Problem {
	return schema.Problem{
		Level: schema.Warning, File: r.Path, Line: max(at.Line, 1), Column: max(at.Col, 1),
		Code: code, Message: fmt.Sprintf(format, args...), Hint: hint,
	}
}

func checkRotation(repo *schema.Repo, r *schema.Rotation, now, end time.Time, away map[string]*awaySet) schema.Problems {
	var ps schema.Problems
	for i := range r.Layers {
		l := &r.Layers[i]
		loc := l.Location
		if loc == nil {
			loc = r.Location
		}
		if loc == nil {
			loc = time.UTC
		}
		if !l.Rotation.Anchor.IsZero() {
			if p, ok := checkWall(r, l.Rotation.Anchor, loc, "anchor", l.Rotation.PosOf("anchor")); ok {
				ps = append(ps, p)
			}
		}
		for j := range l.Changes {
			ch := &l.Changes[j]
			if ch.From.IsZero() {
				continue
			}
			if p, ok := checkWall(r, ch.From, loc, "roster change from", ch.PosOf("from")); ok {
				ps = append(ps, p)
			}
		}
	}
	if len(r.Layers) == 0 {
		return ps
	}
	ivs := schedule(r, now, end)
	gapEnd := now.Add(GapHorizon)
	for _, iv := range ivs {
		if !iv.Start.Before(gapEnd) {
			break
		}
		if len(iv.IMOC) == 0 {
			ps = append(ps, problem(r, r.PosOf("layers"), "rotation/gap",
				"add a catch-all layer first (no active windows, no nobody) so that some layer always yields someone, or an override for that time",
				"nobody is IMOC from %s to %s (the first gap in the next 90 days)", stamp(iv.Start), stamp(earliest(iv.End, gapEnd.In(iv.End.Location())))))
			break
		}
	}
	if len(away) > 0 {
		ps = append(ps, checkAway(repo, r, ivs, away, now)...)
	}
	return ps
}

// stamp formats an instant for messages: local time with zone abbreviation.
func stamp(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

func clock(c int64) string {
	w := wallOfCivil(c)
	return fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)
}

// checkWall reports a wall-clock value that falls in a clock change.
func checkWall(r *schema.Rotation, w schema.WallClock, loc *time.Location, what string, at schema.Pos) (schema.Problem, bool) {
	lk := lookup(civilOfWall(w), loc)
	got := time.Unix(lk.instant, 0).In(loc)
	switch lk.n {
	case 0:
		return problem(r, at, "rotation/anchor-in-gap",
			fmt.Sprintf("pick a time that exists, e.g. %s, so the handoff reads as written", clock(lk.transition+int64(lk.after))),
			"%s %s does not exist in %s: clocks jump from %s to %s, so it is read as %s",
			what, w, loc, clock(lk.transition+int64(lk.before)), clock(lk.transition+int64(lk.after)), stamp(got)), true
	case 2:
		return problem(r, at, "rotation/anchor-ambiguous",
			"pick a time outside the clock change to remove the doubt; the first occurrence is what Baton uses",
			"%s %s happens twice in %s (clocks go back from %s to %s); the first occurrence, %s, is used",
			what, w, loc, clock(lk.transition+int64(lk.before)), clock(lk.transition+int64(lk.after)), stamp(got)), true
	}
	return schema.Problem{}, false
}
