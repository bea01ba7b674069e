package oncall

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/batonhq/baton/schema"
)

// never is the instant used for "no further boundary".
const never = int64(math.MaxInt64)

// grid is a layer's handoff grid: handoff k is at civil time civ(k), and at
// instant h(k) = resolve(civ(k)).
type grid struct {
	loc    *time.Location
	a      int64 // the anchor, civil
	anchor schema.WallClock
	step   int64   // seconds between handoffs for h, d and w
	months int     // months between handoffs for mo
	rel    []int64 // handoff_days: day offsets within a week from the anchor's day, sorted
}

func newGrid(c schema.LayerCycle, loc *time.Location) (grid, bool) {
	g := grid{loc: loc, a: civilOfWall(c.Anchor), anchor: c.Anchor}
	if c.Anchor.IsZero() || c.Every.N <= 0 {
		return g, false
	}
	n := int64(c.Every.N)
	switch c.Every.Unit {
	case schema.Hours:
		g.step = n * 3600
	case schema.Days:
		g.step = n * day
	case schema.Weeks:
		g.step = n * 7 * day
	case schema.Months:
		g.months = c.Every.N
	default:
		return g, false
	}
	if len(c.HandoffDays) > 0 && g.step == day {
		aw := int64(time.Date(c.Anchor.Year, c.Anchor.Month, c.Anchor.Day, 0, 0, 0, 0, time.UTC).Weekday())
		for _, wd := range c.HandoffDays {
			r := floorMod(int64(wd)-aw, 7)
			if !slices.Contains(g.rel, r) {
				g.rel = append(g.rel, r)
			}
		}
		slices.Sort(g.rel)
	}
	return g, true
}

// civ returns the civil time of handoff k (any integer k).
func (g *grid) civ(k int64) int64 {
	switch {
	case g.rel != nil:
		m := int64(len(g.rel))
		return g.a + (7*floorDiv(k, m)+g.rel[floorMod(k, m)])*day
	case g.months > 0:
		w := g.anchor
		return time.Date(w.Year, w.Month+time.Month(k*int64(g.months)), w.Day, w.Hour, w.Minute, w.Second, 0, time.UTC).Unix()
	default:
		return g.a + k*g.step
	}
}

// estimate returns the largest k with civ(k) ≤ c, computed from the
// difference to the anchor (exact on the civil time line; shift corrects
// for the wall clock's jumps).
func (g *grid) estimate(c int64) int64 {
	switch {
	case g.rel != nil:
		m := int64(len(g.rel))
		d := floorDiv(c-g.a, day)
		w := floorDiv(d, 7)
		r := d - 7*w
		j := int64(0)
		for _, x := range g.rel {
			if x <= r {
				j++
			}
		}
		return w*m + j - 1
	case g.months > 0:
		t := time.Unix(c, 0).UTC()
		mo := int64(t.Year()-g.anchor.Year)*12 + int64(t.Month()-g.anchor.Month)
		k := floorDiv(mo, int64(g.months))
		for g.civ(k) > c {
			k--
		}
		for g.civ(k+1) <= c {
			k++
		}
		return k
	default:
		return floorDiv(c-g.a, g.step)
	}
}

// h returns the instant of handoff k.
func (g *grid) h(k int64) int64 { return resolve(g.civ(k), g.loc) }

// shift returns the largest k with h(k) ≤ t: the index from the wall-clock
// difference, corrected by a step or two around clock changes. It never
// walks the grid from the anchor.
func (g *grid) shift(t int64) int64 {
	k := g.estimate(civilOf(time.Unix(t, 0), g.loc))
	for g.h(k) > t {
		k--
	}
	for g.h(k+1) <= t {
		k++
	}
	return k
}

// era is a roster: from start on, shift k goes to
// people[(first + k - k0) mod len(people)].
type era struct {
	start  int64
	k0     int64
	people []string
	first  int64
}

// window is an active window; from and to are seconds after midnight, and
// to ≤ from means the window ends on the next day.
type window struct {
	days     [7]bool
	from, to int64
}

// layer is a schema.Layer prepared for evaluation.
type layer struct {
	index   int
	name    string
	loc     *time.Location
	g       grid
	h0      int64
	eras    []era
	windows []window
	exclude []int64 // instants: start, end, start, end… of excluded days, sorted
}

func newLayer(r *schema.Rotation, i int) (*layer, bool) {
	sl := &r.Layers[i]
	loc := sl.Location
	if loc == nil {
		loc = r.Location
	}
	if loc == nil {
		loc = time.UTC
	}
	l := &layer{index: i, name: sl.Name, loc: loc}
	if l.name == "" {
		l.name = fmt.Sprintf("layer %d", i+1)
	}
	g, ok := newGrid(sl.Rotation, loc)
	if !ok || len(sl.Rotation.Participants) == 0 {
		return nil, false
	}
	l.g = g
	l.h0 = g.h(0)
	l.eras = append(l.eras, era{start: l.h0, people: sl.Rotation.Participants})
	for _, ch := range sl.Changes {
		if ch.From.IsZero() || len(ch.Participants) == 0 {
			continue
		}
		e := era{start: resolve(civilOfWall(ch.From), loc), people: ch.Participants}
		e.k0 = g.shift(e.start)
		if i := slices.Index(ch.Participants, ch.First); i > 0 {
			e.first = int64(i)
		}
		l.eras = append(l.eras, e)
	}
	for _, w := range sl.Active {
		win := window{from: int64(w.From), to: int64(w.To)}
		if win.to <= win.from {
			win.to += day
		}
		if len(w.Days) == 0 {
			win.days = [7]bool{true, true, true, true, true, true, true}
		}
		for _, d := range w.Days {
			win.days[int(d)%7] = true
		}
		l.windows = append(l.windows, win)
	}
	days := make([]int64, 0, len(sl.Exclude))
	for _, d := range sl.Exclude {
		if !d.IsZero() {
			days = append(days, floorDiv(civilOfWall(schema.WallClock{Year: d.Year, Month: d.Month, Day: d.Day}), day))
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	for i, d := range days {
		if i > 0 && days[i-1] == d-1 {
			// Consecutive days merge into one interval.
			l.exclude[len(l.exclude)-1] = resolve((d+1)*day, loc)
			continue
		}
		l.exclude = append(l.exclude, resolve(d*day, loc), resolve((d+1)*day, loc))
	}
	return l, true
}

// weekday returns the weekday of civil day d (day 0 was a Thursday).
func weekday(d int64) int { return int(floorMod(d+4, 7)) }

// at returns who the layer yields at t ("" for nobody) and the shift.
func (l *layer) at(t int64) (person string, k int64) {
	if t < l.h0 {
		return "", -1
	}
	k = l.g.shift(t)
	if !l.active(t) || l.excluded(t) {
		return "", k
	}
	p := l.era(t).person(k)
	if p == schema.Nobody {
		p = ""
	}
	return p, k
}

// era returns the roster in force at t (t ≥ h0).
func (l *layer) era(t int64) *era {
	e := &l.eras[0]
	for i := range l.eras[1:] {
		if l.eras[i+1].start <= t {
			e = &l.eras[i+1]
		}
	}
	return e
}

// person returns who holds shift k in the era.
func (e *era) person(k int64) string {
	return e.people[floorMod(e.first+k-e.k0, int64(len(e.people)))]
}

// active reports whether t is inside one of the layer's windows (always,
// when it has none). A window belongs to the day it starts on, so the day
// before t's is checked too; the day after covers clocks going back across
// midnight.
func (l *layer) active(t int64) bool {
	if len(l.windows) == 0 {
		return true
	}
	d := floorDiv(civilOf(time.Unix(t, 0), l.loc), day)
	for x := d - 1; x <= d+1; x++ {
		for _, w := range l.windows {
			if w.days[weekday(x)] && resolve(x*day+w.from, l.loc) <= t && t < resolve(x*day+w.to, l.loc) {
				return true
			}
		}
	}
	return false
}

// excluded reports whether t falls on an excluded day.
func (l *layer) excluded(t int64) bool {
	i, found := slices.BinarySearch(l.exclude, t)
	if found {
		return i%2 == 0
	}
	return i%2 == 1
}

// next returns the layer's first boundary after t: a handoff, a roster
// change, a window edge or an excluded day's edge. What the layer yields is
// constant between boundaries.
func (l *layer) next(t int64) int64 {
	if t < l.h0 {
		return l.h0
	}
	// The next handoff that changes the person: a roster repeats every
	// len(people) shifts, so if none of the next len(people) differs, no
	// handoff of this era matters (the next era's start is a boundary of its
	// own).
	k := l.g.shift(t)
	e := l.era(t)
	cur, j, n := e.person(k), k+1, int64(len(e.people))
	for j <= k+n && e.person(j) == cur {
		j++
	}
	best := never
	if j <= k+n {
		best = l.g.h(j)
		for best <= t { // only when a clock change reorders handoffs
			j++
			best = l.g.h(j)
		}
	}
	for _, e := range l.eras[1:] {
		if e.start > t && e.start < best {
			best = e.start
		}
	}
	if len(l.windows) > 0 {
		d := floorDiv(civilOf(time.Unix(t, 0), l.loc), day)
		found := false
		for x := d - 1; x <= d+8 && !(found && x > d+1); x++ {
			for _, w := range l.windows {
				if !w.days[weekday(x)] {
					continue
				}
				for _, c := range [2]int64{x*day + w.from, x*day + w.to} {
					if b := resolve(c, l.loc); b > t {
						found = true
						best = min(best, b)
					}
				}
			}
		}
	}
	if i, _ := slices.BinarySearch(l.exclude, t+1); i < len(l.exclude) {
		best = min(best, l.exclude[i])
	}
	return best
}
