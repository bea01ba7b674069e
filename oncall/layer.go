package oncall

import (
	"cmp"
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
	a      int64 // the anchor, civil
	anchor schema.WallClock
	step   int64   // seconds between handoffs for h, d and w
	months int     // months between handoffs for mo
	rel    []int64 // handoff_days: day offsets within a week from the anchor's day, sorted
}

func newGrid(c schema.LayerCycle) (grid, bool) {
	g := grid{a: civilOfWall(c.Anchor), anchor: c.Anchor}
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

// h returns the instant of handoff k (z is the layer's zone).
func (g *grid) h(z *zone, k int64) int64 { return z.resolve(g.civ(k)) }

// shift returns the largest k with h(k) ≤ t: the index from the wall-clock
// difference, corrected by a step or two around clock changes. It never
// walks the grid from the anchor.
func (g *grid) shift(z *zone, t int64) int64 {
	k := g.estimate(z.civil(t))
	for g.h(z, k) > t {
		k--
	}
	for g.h(z, k+1) <= t {
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
	// run[i] is how many shifts after a shift held by people[i] the next
	// one held by someone else comes, so the next handoff that changes the
	// holder is found in one step; nil when everyone is the same person.
	run []int32
}

func newEra(start int64, people []string) era {
	e := era{start: start, people: people}
	n := len(people)
	if !slices.ContainsFunc(people, func(h string) bool { return h != people[0] }) {
		return e // run stays nil: 0 everywhere
	}
	e.run = make([]int32, n)
	// Walk the cycle backwards twice: every position then sees a change of
	// holder within the positions already walked.
	d := int32(0)
	for i := 2*n - 1; i >= 0; i-- {
		if people[i%n] != people[(i+1)%n] {
			d = 1
		} else {
			d++
		}
		if i < n {
			e.run[i] = d
		}
	}
	return e
}

// pos returns the position in people of shift k's holder.
func (e *era) pos(k int64) int64 { return floorMod(e.first+k-e.k0, int64(len(e.people))) }

// runAt returns how many shifts after shift k its holder first changes,
// or 0 when it never does.
func (e *era) runAt(k int64) int64 {
	if e.run == nil {
		return 0
	}
	return int64(e.run[e.pos(k)])
}

// person returns who holds shift k in the era.
func (e *era) person(k int64) string { return e.people[e.pos(k)] }

// eraSpan says that eras[era] is the roster in force from from on (until
// the next span).
type eraSpan struct {
	from int64
	era  int
}

// ival is a half-open interval [from, to) of seconds.
type ival struct{ from, to int64 }

// window is an active window: the weekdays it starts on (bit d for
// weekday d, 0 being Sunday) and its civil offsets from that day's 00:00,
// to > from (past a day when it ends the next day).
type window struct {
	days     uint8
	from, to int64
}

// windows are a layer's active windows, prepared for lookup.
type windows struct {
	// week is the union of the windows over one week, on the civil time
	// line, as offsets from a Sunday 00:00: sorted, disjoint and not
	// touching, within [0, 7 days). Where the layer's zone keeps one UTC
	// offset, an instant is in a window exactly when its civil time is in
	// week.
	week []ival
	// each are the windows as written. Around a clock change each
	// occurrence is resolved on its own: a window that starts in a gap may
	// begin after one that starts later on the wall clock, so unions taken
	// on the wall clock would be wrong there.
	each []window
}

const week = 7 * day

// sunday is the civil time of a Sunday 00:00 (1970-01-04).
const sunday = 3 * day

func newWindows(ws []schema.Window) windows {
	w := windows{each: make([]window, 0, len(ws))}
	n := 0
	for _, sw := range ws {
		x := window{from: int64(sw.From), to: int64(sw.To)}
		if x.to <= x.from {
			x.to += day
		}
		if len(sw.Days) == 0 {
			x.days = 1<<7 - 1
		}
		for _, d := range sw.Days {
			x.days |= 1 << (int(d) % 7)
		}
		w.each = append(w.each, x)
		n += 8 // at most 7 days and a split Saturday
	}
	all := make([]ival, 0, n)
	for _, x := range w.each {
		for d := range int64(7) {
			if x.days&(1<<d) == 0 {
				continue
			}
			a, b := d*day+x.from, d*day+x.to
			if b > week { // Saturday night into Sunday
				all = append(all, ival{a, week}, ival{0, b - week})
			} else {
				all = append(all, ival{a, b})
			}
		}
	}
	slices.SortFunc(all, cmpSpan)
	w.week = all[:0] // united in place: never ahead of what it reads
	for _, s := range all {
		w.week = addSpan(w.week, s)
	}
	return w
}

func cmpSpan(a, b ival) int {
	if c := cmp.Compare(a.from, b.from); c != 0 {
		return c
	}
	return cmp.Compare(a.to, b.to)
}

// addSpan adds s to a sorted union of spans; s must not start before the
// last one does.
func addSpan(u []ival, s ival) []ival {
	if n := len(u); n > 0 && s.from <= u[n-1].to {
		u[n-1].to = max(u[n-1].to, s.to)
		return u
	}
	return append(u, s)
}

// blockLen is the length of a block: the stretch of instants for which a
// layer's windows are laid out at once.
const blockLen = week

// block is the union of a layer's window occurrences over the instants
// [start, end): sorted, disjoint and not touching. Its edges are exactly
// the instants at which the layer becomes active or inactive.
type block struct {
	start, end int64
	spans      []ival
}

// layout fills b with block i, [i·blockLen, (i+1)·blockLen), reusing b's
// storage. It returns how many spans it laid (its work).
func (w *windows) layout(z *zone, i int64, b *block) int {
	b.start, b.end, b.spans = i*blockLen, (i+1)*blockLen, b.spans[:0]
	if off := z.offset(b.start - 5*day); z.hi > b.end+5*day {
		// One UTC offset throughout (see days): every civil time of the
		// days that matter resolves to itself minus off.
		return w.layoutWeek(off, b)
	}
	return w.layoutEach(z, b)
}

// days returns the civil days [x0, x1] whose windows may reach into b. A
// window of day x lies within the civil times [x, x+2 days), which resolve
// to instants less than span away. Their civil times, give or take span,
// are instants within 5 days of the block.
func (b *block) days() (x0, x1 int64) {
	return floorDiv(b.start-span, day) - 2, floorDiv(b.end+span, day)
}

// layoutWeek lays b out from the weekly union, for a stretch where the
// zone keeps the UTC offset off. It returns how many spans it laid.
func (w *windows) layoutWeek(off int64, b *block) int {
	x0, x1 := b.days()
	c0 := x0 * day
	n := 0
	for wk := c0 - floorMod(c0-sunday, week); wk < (x1+2)*day; wk += week {
		for _, s := range w.week {
			b.spans = addSpan(b.spans, ival{wk + s.from - off, wk + s.to - off})
		}
		n += len(w.week)
	}
	return n
}

// layoutEach lays b out by resolving every window occurrence on its own,
// for a stretch with a clock change. It returns how many it resolved.
func (w *windows) layoutEach(z *zone, b *block) int {
	x0, x1 := b.days()
	var occ []ival
	for x := x0; x <= x1; x++ {
		bit := uint8(1) << weekday(x)
		for _, s := range w.each {
			if s.days&bit == 0 {
				continue
			}
			if a, e := z.resolve(x*day+s.from), z.resolve(x*day+s.to); a < e {
				occ = append(occ, ival{a, e})
			}
		}
	}
	slices.SortFunc(occ, cmpSpan)
	for _, s := range occ {
		b.spans = addSpan(b.spans, s)
	}
	return len(occ)
}

// at reports whether t (in [b.start, b.end)) is in a window, and the next
// instant after t at which that may change: an edge or the block's end.
func (b *block) at(t int64) (bool, int64) {
	i, _ := slices.BinarySearchFunc(b.spans, t, func(s ival, t int64) int {
		if s.to <= t {
			return -1
		}
		return 1
	})
	switch {
	case i == len(b.spans):
		return false, b.end
	case b.spans[i].from <= t:
		return true, min(b.spans[i].to, b.end)
	default:
		return false, min(b.spans[i].from, b.end)
	}
}

// layer is a schema.Layer prepared for evaluation. It is not changed after
// newLayer, so evaluations could share it; each keeps its caches in a
// layerEval.
type layer struct {
	index   int
	name    string
	loc     *time.Location
	g       grid
	h0      int64
	eras    []era
	spans   []eraSpan // the roster in force, by time; spans[0] starts at -∞
	win     windows   // no windows: always active
	exclude []int64   // instants: start, end, start, end… of excluded days, sorted
}

func newLayer(r *schema.Rotation, i int) (layer, bool) {
	sl := &r.Layers[i]
	loc := sl.Location
	if loc == nil {
		loc = r.Location
	}
	if loc == nil {
		loc = time.UTC
	}
	l := layer{index: i, name: sl.Name, loc: loc}
	if l.name == "" {
		l.name = fmt.Sprintf("layer %d", i+1)
	}
	g, ok := newGrid(sl.Rotation)
	if !ok || len(sl.Rotation.Participants) == 0 {
		return layer{}, false
	}
	z := newZone(loc)
	l.g = g
	l.h0 = g.h(&z, 0)
	l.eras = append(l.eras, newEra(l.h0, sl.Rotation.Participants))
	for _, ch := range sl.Changes {
		if ch.From.IsZero() || len(ch.Participants) == 0 {
			continue
		}
		e := newEra(z.resolve(civilOfWall(ch.From)), ch.Participants)
		e.k0 = g.shift(&z, e.start)
		if i := slices.Index(ch.Participants, ch.First); i > 0 {
			e.first = int64(i)
		}
		l.eras = append(l.eras, e)
	}
	// The roster at t is that of the last change (in file order) that
	// started by t, else the first: change i is in force from its start
	// until the earliest start of the changes listed after it.
	next := never
	l.spans = make([]eraSpan, 0, len(l.eras))
	for i := len(l.eras) - 1; i >= 1; i-- {
		if l.eras[i].start < next {
			l.spans = append(l.spans, eraSpan{l.eras[i].start, i})
			next = l.eras[i].start
		}
	}
	l.spans = append(l.spans, eraSpan{math.MinInt64, 0})
	slices.Reverse(l.spans)
	l.win = newWindows(sl.Active)
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
			l.exclude[len(l.exclude)-1] = z.resolve((d + 1) * day)
			continue
		}
		l.exclude = append(l.exclude, z.resolve(d*day), z.resolve((d+1)*day))
	}
	return l, true
}

// weekday returns the weekday of civil day d (day 0 was a Thursday), 0 for
// Sunday.
func weekday(d int64) int { return int(floorMod(d+4, 7)) }

// layerEval is a layer with the caches of one evaluation: the zone's
// current period and the block of windows last laid out. It is never
// shared.
type layerEval struct {
	layer
	work   *work
	z      zone
	blk    block
	hasBlk bool
	val    layerVal // what the layer yields over a stretch of time
}

// layerVal is what a layer yields from from until until.
type layerVal struct {
	person      string
	from, until int64
	ok          bool
}

func newLayerEval(l layer, w *work) layerEval {
	return layerEval{layer: l, work: w, z: newZone(l.loc)}
}

// eraAt returns the index in spans of the roster in force at t.
func (l *layer) eraAt(t int64) int {
	i, _ := slices.BinarySearchFunc(l.spans, t, func(s eraSpan, t int64) int {
		if s.from <= t {
			return -1
		}
		return 1
	})
	return i - 1
}

// window reports whether t is inside one of the layer's windows (always,
// when it has none), and the next instant after t at which that may
// change. A window belongs to the day it starts on.
func (le *layerEval) window(t int64) (bool, int64) {
	if len(le.win.each) == 0 {
		return true, never
	}
	if !le.hasBlk || t < le.blk.start || t >= le.blk.end {
		le.work.spans += le.win.layout(&le.z, floorDiv(t, blockLen), &le.blk)
		le.work.blocks++
		le.hasBlk = true
	}
	return le.blk.at(t)
}

// excluded reports whether t falls on an excluded day, and the next
// instant after t at which that changes.
func (l *layer) excluded(t int64) (bool, int64) {
	i, found := slices.BinarySearch(l.exclude, t)
	in := i%2 == 1
	if found {
		in = i%2 == 0
	}
	next := never
	if j, _ := slices.BinarySearch(l.exclude, t+1); j < len(l.exclude) {
		next = l.exclude[j]
	}
	return in, next
}

// eval returns who the layer yields at t ("" for nobody), the shift
// holding t (-1 before the anchor), and the layer's first boundary after
// t: a handoff that changes the holder, a roster change, a window edge or
// an excluded day's edge. What the layer yields is constant between
// boundaries.
func (le *layerEval) eval(t int64) (person string, k, next int64) {
	if t < le.h0 {
		return "", -1, le.h0
	}
	k = le.g.shift(&le.z, t)
	si := le.eraAt(t)
	e := &le.eras[le.spans[si].era]
	on, next := le.window(t)
	ex, exNext := le.excluded(t)
	next = min(next, exNext)
	if si+1 < len(le.spans) {
		next = min(next, le.spans[si+1].from)
	}
	// The next handoff that changes the holder: a roster repeats every
	// len(people) shifts, so run says how far that is (the next era's start
	// is a boundary of its own).
	if r := e.runAt(k); r > 0 {
		j := k + r
		b := le.g.h(&le.z, j)
		for b <= t { // only when a clock change reorders handoffs
			j++
			b = le.g.h(&le.z, j)
		}
		next = min(next, b)
	}
	if on && !ex {
		if person = e.person(k); person == schema.Nobody {
			person = ""
		}
	}
	return person, k, next
}
