package oncall

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/batonhq/baton/schema"
)

// Diff is what a change to the rotations or to people.yaml does to who is
// on call over a range: for each person, the time they gain and lose on
// each rotation, and their hours before and after; the gaps the change
// opens; and the time away it puts on call.
//
// Only the final IMOC sets count (layers, restrictions and overrides
// applied); shadows do not.
type Diff struct {
	From, To time.Time
	// People lists, sorted by handle, everyone on call at some time of the
	// range before or after the change.
	People []PersonDiff
	// NewGaps are the stretches with nobody on call after the change where
	// someone was before (or where the rotation did not exist), by
	// rotation and then time.
	NewGaps []Period
	// NewConflicts are the stretches someone is on call while away after
	// the change but was not before, by time, person and rotation.
	NewConflicts []Conflict
}

// Period is a stretch of time on one rotation.
type Period struct {
	Rotation   string
	Start, End time.Time
}

// PersonDiff is what a change does to one person.
type PersonDiff struct {
	Person string
	// Gained and Lost are the stretches they are on call after the change
	// and not before, and before and not after: maximal per rotation,
	// sorted by start and then rotation.
	Gained, Lost []Period
	// Rotations are their hours on each rotation they are on call on,
	// before or after, sorted by rotation id.
	Rotations []Hours
	// Before and After are their hours on all rotations together.
	Before, After time.Duration
}

// Changed reports whether the person gains or loses any time.
func (p *PersonDiff) Changed() bool { return len(p.Gained) > 0 || len(p.Lost) > 0 }

// Change is one stretch a person gains or loses.
type Change struct {
	// Verb is "gains" or "loses".
	Verb string
	Period
}

// Changes are the person's gains and losses in one list, by start (a gain
// before a loss that starts at the same instant).
func (p *PersonDiff) Changes() []Change {
	out := make([]Change, 0, len(p.Gained)+len(p.Lost))
	for _, g := range p.Gained {
		out = append(out, Change{"gains", g})
	}
	for _, l := range p.Lost {
		out = append(out, Change{"loses", l})
	}
	slices.SortStableFunc(out, func(a, b Change) int { return a.Start.Compare(b.Start) })
	return out
}

// Hours is someone's time on call on one rotation, before and after.
type Hours struct {
	Rotation      string
	Before, After time.Duration
}

// Changed returns the people whose shifts change, sorted by handle.
func (d *Diff) Changed() []PersonDiff {
	var out []PersonDiff
	for _, p := range d.People {
		if p.Changed() {
			out = append(out, p)
		}
	}
	return out
}

// Compare returns what changes between the repositories before and after
// over [from, to). A rotation that exists on one side only is nobody on
// call on the other. Rotations over the size limits answer nobody, as
// everywhere in this package; callers refuse repositories with errors
// before they compare them.
func Compare(before, after *schema.Repo, from, to time.Time) Diff {
	byID := func(repo *schema.Repo) map[string]*schema.Rotation {
		m := map[string]*schema.Rotation{}
		for _, r := range repo.Rotations {
			m[r.ID] = r
		}
		return m
	}
	return compare(byID(before), byID(after), awaySets(before), awaySets(after), from, to)
}

// compare is Compare on the rotations (by id) and time away of each side.
func compare(rotsBefore, rotsAfter map[string]*schema.Rotation, awayBefore, awayAfter map[string]*awaySet, from, to time.Time) Diff {
	d := Diff{From: from, To: to}
	if !to.After(from) {
		return d
	}
	ids := map[string]bool{}
	for id := range rotsBefore {
		ids[id] = true
	}
	for id := range rotsAfter {
		ids[id] = true
	}
	people := map[string]*personAcc{}
	acc := func(h string) *personAcc {
		p := people[h]
		if p == nil {
			p = &personAcc{gained: map[string][]ival{}, lost: map[string][]ival{}, before: map[string]int64{}, after: map[string]int64{}}
			people[h] = p
		}
		return p
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		rb, ra := rotsBefore[id], rotsAfter[id]
		b, a := scheduleOf(rb, from, to), scheduleOf(ra, from, to)
		walk(b, a, from, to, func(x, y int64, bs, as []string) {
			for _, h := range as {
				p := acc(h)
				p.after[id] += y - x
				if !slices.Contains(bs, h) {
					p.gained[id] = addSpan(p.gained[id], ival{x, y})
				}
			}
			for _, h := range bs {
				p := acc(h)
				p.before[id] += y - x
				if !slices.Contains(as, h) {
					p.lost[id] = addSpan(p.lost[id], ival{x, y})
				}
			}
		})
		var loc *time.Location
		if ra != nil {
			loc = rotationZone(ra)
		} else {
			loc = rotationZone(rb)
		}
		at := func(x int64) time.Time { return time.Unix(x, 0).In(loc) }
		if ra != nil {
			for _, g := range subtract(gaps(a), gaps(b)) {
				d.NewGaps = append(d.NewGaps, Period{id, at(g.from), at(g.to)})
			}
		}
		d.NewConflicts = append(d.NewConflicts, newConflicts(id, a, b, awayAfter, awayBefore, at)...)
	}
	for _, h := range slices.Sorted(maps.Keys(people)) {
		p := people[h]
		pd := PersonDiff{Person: h}
		for _, id := range slices.Sorted(maps.Keys(p.gained)) {
			for _, s := range p.gained[id] {
				pd.Gained = append(pd.Gained, Period{id, time.Unix(s.from, 0).UTC(), time.Unix(s.to, 0).UTC()})
			}
		}
		for _, id := range slices.Sorted(maps.Keys(p.lost)) {
			for _, s := range p.lost[id] {
				pd.Lost = append(pd.Lost, Period{id, time.Unix(s.from, 0).UTC(), time.Unix(s.to, 0).UTC()})
			}
		}
		sortPeriods(pd.Gained)
		sortPeriods(pd.Lost)
		rots := map[string]bool{}
		for id := range p.before {
			rots[id] = true
		}
		for id := range p.after {
			rots[id] = true
		}
		for _, id := range slices.Sorted(maps.Keys(rots)) {
			hb, ha := time.Duration(p.before[id])*time.Second, time.Duration(p.after[id])*time.Second
			pd.Rotations = append(pd.Rotations, Hours{Rotation: id, Before: hb, After: ha})
			pd.Before += hb
			pd.After += ha
		}
		d.People = append(d.People, pd)
	}
	slices.SortFunc(d.NewConflicts, func(a, b Conflict) int {
		return cmp.Or(a.OverlapStart.Compare(b.OverlapStart), cmp.Compare(a.Person, b.Person), cmp.Compare(a.Rotation, b.Rotation))
	})
	return d
}

// personAcc gathers one person's diff, by rotation id.
type personAcc struct {
	gained, lost  map[string][]ival
	before, after map[string]int64 // seconds
}

func sortPeriods(ps []Period) {
	slices.SortFunc(ps, func(a, b Period) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Rotation, b.Rotation))
	})
}

// scheduleOf is r's schedule, or nil when r is nil.
func scheduleOf(r *schema.Rotation, from, to time.Time) []Interval {
	if r == nil {
		return nil
	}
	return Schedule(r, from, to)
}

// walk calls fn for each stretch [x, y) of [from, to) during which both
// schedules (each tiling the range, or nil for nobody throughout) keep
// the same IMOC sets, with those sets.
func walk(b, a []Interval, from, to time.Time, fn func(x, y int64, bs, as []string)) {
	i, j := 0, 0
	end := to.Unix()
	for x := from.Unix(); x < end; {
		var bs, as []string
		y := end
		if i < len(b) {
			bs = b[i].IMOC
			y = min(y, b[i].End.Unix())
		}
		if j < len(a) {
			as = a[j].IMOC
			y = min(y, a[j].End.Unix())
		}
		fn(x, y, bs, as)
		if i < len(b) && b[i].End.Unix() == y {
			i++
		}
		if j < len(a) && a[j].End.Unix() == y {
			j++
		}
		x = y
	}
}

// gaps returns the stretches of a schedule with nobody on call.
func gaps(ivs []Interval) []ival {
	var out []ival
	for _, iv := range ivs {
		if len(iv.IMOC) == 0 {
			out = addSpan(out, ival{iv.Start.Unix(), iv.End.Unix()})
		}
	}
	return out
}

// subtract returns a − b for sorted, disjoint span lists.
func subtract(a, b []ival) []ival {
	var out []ival
	j := 0
	for _, s := range a {
		x := s.from
		for j < len(b) && b[j].to <= x {
			j++
		}
		for k := j; k < len(b) && b[k].from < s.to; k++ {
			if b[k].from > x {
				out = append(out, ival{x, b[k].from})
			}
			x = max(x, b[k].to)
		}
		if x < s.to {
			out = append(out, ival{x, s.to})
		}
	}
	return out
}

// newConflicts returns the time away on call in the schedule a (with the
// time away of awayA) that was not on call while away in b (with awayB).
func newConflicts(id string, a, b []Interval, awayA, awayB map[string]*awaySet, at func(int64) time.Time) []Conflict {
	if len(awayA) == 0 {
		return nil
	}
	sa, sb := personStretches(a), personStretches(b)
	var out []Conflict
	for h, stretches := range sa {
		as := awayA[h]
		if as == nil {
			continue
		}
		now := as.intersect(stretches)
		var was []ival
		if bs := awayB[h]; bs != nil {
			was = bs.intersect(sb[h])
		}
		for _, piece := range subtract(now, was) {
			i, _ := slices.BinarySearchFunc(stretches, piece.from, func(v ival, t int64) int {
				if v.to <= t {
					return -1
				}
				return 1
			})
			entry, _ := as.covering(piece.from)
			out = append(out, Conflict{
				Rotation: id, Person: h, Away: entry,
				Start: at(stretches[i].from), End: at(stretches[i].to),
				OverlapStart: at(piece.from), OverlapEnd: at(piece.to),
			})
		}
	}
	return out
}
