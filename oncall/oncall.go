package oncall

import (
	"math"
	"slices"
	"time"

	"github.com/batonhq/baton/schema"
)

// State is who is on call at one instant.
type State struct {
	// IMOC is the final IMOC set, sorted by handle; empty when nobody is on.
	IMOC []string
	// Shadows are the trainees shadowing at that instant, sorted by handle:
	// those whose shadow entry follows the IMOC slot while someone is on, or
	// follows a person who is in IMOC. Someone in IMOC is never also listed
	// as a shadow.
	Shadows []string
	// Layer is the name of the layer that yielded the IMOC before
	// overrides ("layer N" when unnamed, "" when no layer yielded anyone),
	// and ShiftStart and ShiftEnd the bounds of its shift: the handoffs
	// H(k) and H(k+1), whatever windows or overrides do in between.
	Layer                string
	ShiftStart, ShiftEnd time.Time
	// Overrides are the overrides in effect at that instant, in file order
	// (whether or not they changed the set).
	Overrides []*schema.Override
}

// Interval is a stretch of the final schedule during which the IMOC set and
// the shadows stay the same.
type Interval struct {
	Start, End time.Time
	IMOC       []string // sorted; empty when nobody is on
	Shadows    []string // sorted
}

// Horizon is how far ahead NextChange looks.
const Horizon = 5 // years

// engine is a rotation prepared for evaluation, with the caches of one
// call of At, NextChange or Schedule. It is built once per call and never
// shared: building costs time linear in the size of the rotation, and each
// boundary visited after that costs about the same however many windows,
// overrides or shadows the rotation has.
type engine struct {
	r      *schema.Rotation
	loc    *time.Location
	layers []layerEval
	ovs    []timed // the overrides' instants, in file order
	shs    []timed // the shadows' instants, in file order
	edges  []int64 // override and shadow edges, sorted
	seg    segment
	work   work
}

// work counts what an engine did, for tests and benchmarks that check how
// the work grows with the size of a rotation.
type work struct {
	steps      int // instants at which the final sets were computed
	layerEvals int // layer evaluations
	blocks     int // blocks of windows laid out
	spans      int // window spans laid out in them
	folds      int // overrides and shadows applied
}

// timed is the [from, until) of an override or a shadow, in Unix seconds;
// ok is false when it is empty.
type timed struct {
	from, until int64
	ok          bool
}

func newTimed(from, until time.Time) timed {
	return timed{from.Unix(), until.Unix(), until.After(from)}
}

func (x timed) holds(t int64) bool { return x.ok && x.from <= t && t < x.until }

// segment is a stretch [lo, hi) between two consecutive override or shadow
// edges: the same overrides and shadows are in effect throughout, so the
// final sets depend only on what the layers yield, and are remembered per
// layer answer.
type segment struct {
	lo, hi int64
	ok     bool
	ovs    []int // the overrides in effect, in file order
	shs    []int // the shadows in effect, in file order
	assign bool  // one of ovs is an assign: the layers do not matter
	memo   map[string]final
	last   string // the last layer answer asked for, and its final sets
	lastF  final
	hasL   bool
}

// final is the final IMOC set and shadows for one layer answer.
type final struct{ imoc, shadows []string }

func newEngine(r *schema.Rotation) *engine {
	e := &engine{r: r, loc: r.Location}
	if e.loc == nil {
		e.loc = time.UTC
	}
	e.layers = make([]layerEval, 0, len(r.Layers))
	for i := range r.Layers {
		if l, ok := newLayer(r, i); ok {
			e.layers = append(e.layers, newLayerEval(l, &e.work))
		}
	}
	for _, o := range r.Overrides {
		x := newTimed(o.From, o.Until)
		e.ovs = append(e.ovs, x)
		if x.ok {
			e.edges = append(e.edges, x.from, x.until)
		}
	}
	for _, s := range r.Shadows {
		x := newTimed(s.From, s.Until)
		e.shs = append(e.shs, x)
		if x.ok {
			e.edges = append(e.edges, x.from, x.until)
		}
	}
	slices.Sort(e.edges)
	e.edges = slices.Compact(e.edges)
	return e
}

func (e *engine) time(t int64) time.Time { return time.Unix(t, 0).In(e.loc) }

// segmentAt returns the segment holding t.
func (e *engine) segmentAt(t int64) *segment {
	s := &e.seg
	if s.ok && s.lo <= t && t < s.hi {
		return s
	}
	s.ok, s.lo, s.hi, s.assign = true, math.MinInt64, never, false
	i, found := slices.BinarySearch(e.edges, t)
	if found {
		s.lo = t
		i++
	} else if i > 0 {
		s.lo = e.edges[i-1]
	}
	if i < len(e.edges) {
		s.hi = e.edges[i]
	}
	s.ovs, s.shs = s.ovs[:0], s.shs[:0]
	for i, x := range e.ovs {
		if x.holds(t) {
			s.ovs = append(s.ovs, i)
			s.assign = s.assign || e.r.Overrides[i].Kind == schema.OverrideAssign
		}
	}
	for i, x := range e.shs {
		if x.holds(t) {
			s.shs = append(s.shs, i)
		}
	}
	clear(s.memo)
	s.hasL = false
	return s
}

// final returns the final sets in the segment when the layers yield
// person ("" for nobody): the overrides in file order, then the shadows.
// The slices are shared: callers copy before they change them.
func (e *engine) final(s *segment, person string) final {
	if s.hasL && s.last == person {
		return s.lastF
	}
	f, ok := s.memo[person]
	if !ok {
		f = e.fold(s, person)
		if s.hasL { // a second answer in this segment: remember them all
			if s.memo == nil {
				s.memo = map[string]final{}
			}
			s.memo[s.last] = s.lastF
			s.memo[person] = f
		}
	}
	s.last, s.lastF, s.hasL = person, f, true
	return f
}

// fold applies the segment's overrides and shadows to what the layers
// yield.
func (e *engine) fold(s *segment, person string) final {
	var set []string
	if person != "" {
		set = []string{person}
	}
	e.work.folds += len(s.ovs) + len(s.shs)
	for _, i := range s.ovs {
		o := &e.r.Overrides[i]
		switch o.Kind {
		case schema.OverrideAssign:
			set = []string{o.User}
		case schema.OverrideReplace:
			if j := slices.Index(set, o.Replaces); j >= 0 {
				set = slices.Delete(slices.Clone(set), j, j+1)
				if !slices.Contains(set, o.User) {
					set = append(set, o.User)
				}
			}
		case schema.OverrideAdd:
			if !slices.Contains(set, o.User) {
				set = append(slices.Clone(set), o.User)
			}
		case schema.OverrideRemove:
			set = slices.DeleteFunc(slices.Clone(set), func(h string) bool { return h == o.User })
		}
	}
	slices.Sort(set)
	f := final{imoc: slices.Clip(set), shadows: []string{}}
	if f.imoc == nil {
		f.imoc = []string{}
	}
	for _, i := range s.shs {
		sh := &e.r.Shadows[i]
		if slices.Contains(f.imoc, sh.User) || slices.Contains(f.shadows, sh.User) {
			continue
		}
		if sh.With == schema.WithIMOC && len(f.imoc) > 0 || slices.Contains(f.imoc, sh.With) {
			f.shadows = append(f.shadows, sh.User)
		}
	}
	slices.Sort(f.shadows)
	f.shadows = slices.Clip(f.shadows)
	return f
}

// base returns who the layers yield at t (the highest layer that yields
// someone), the index in e.layers of that layer (-1 when none does) and
// the first instant after t at which that may change. Only the layers
// from the top down to the one that yields someone matter until then:
// those below it are looked at again when it stops.
func (e *engine) base(t int64) (person string, next int64, li int) {
	next = never
	for i := len(e.layers) - 1; i >= 0; i-- {
		l := &e.layers[i]
		v := &l.val
		if !v.ok || t < v.from || t >= v.until {
			e.work.layerEvals++
			p, _, n := l.eval(t)
			*v = layerVal{person: p, from: t, until: n, ok: true}
		}
		next = min(next, v.until)
		if v.person != "" {
			return v.person, next, i
		}
	}
	return "", next, -1
}

// step returns the final sets at t and the first instant after t at which
// they may change. While an assign override is in effect the layers cannot
// matter (assign replaces whatever they yield, and later overrides and
// shadows work on its result), so only override and shadow edges count: a
// long assign over hourly layers is crossed in one step.
func (e *engine) step(t int64) (final, int64) {
	f, next, _, _ := e.stepSource(t)
	return f, next
}

// stepSource is step, and where the final set came from: the index in
// e.layers of the layer that yielded someone (-1 when none did, or while
// an assign override makes the layers irrelevant) and whom it yielded.
func (e *engine) stepSource(t int64) (f final, next int64, li int, person string) {
	e.work.steps++
	s := e.segmentAt(t)
	if s.assign {
		return e.final(s, ""), s.hi, -1, ""
	}
	p, next, li := e.base(t)
	return e.final(s, p), min(next, s.hi), li, p
}

// At returns the final IMOC set and shadows at t, and the layer and shift
// that produced the set (docs/rotations.md). Times in the result are in the rotation's time
// zone. Instants are taken to the second.
//
// A rotation over the size limits of package schema (which validation
// reports as rotation/too-complex) is not evaluated: At, NextChange and
// Schedule answer as if nobody were ever on call.
func At(r *schema.Rotation, t time.Time) State {
	if !r.WithinLimits() {
		return State{IMOC: []string{}, Shadows: []string{}}
	}
	return at(r, t)
}

func at(r *schema.Rotation, t time.Time) State { return newEngine(r).state(t.Unix()) }

// state is At.
func (e *engine) state(x int64) State {
	r := e.r
	st := State{IMOC: []string{}, Shadows: []string{}}
	person := ""
	for i := len(e.layers) - 1; i >= 0; i-- {
		l := &e.layers[i]
		if p, k, _ := l.eval(x); p != "" {
			person = p
			st.Layer = l.name
			st.ShiftStart, st.ShiftEnd = e.time(l.g.h(&l.z, k)), e.time(l.g.h(&l.z, k+1))
			break
		}
	}
	s := e.segmentAt(x)
	for _, i := range s.ovs {
		st.Overrides = append(st.Overrides, &r.Overrides[i])
	}
	f := e.final(s, person)
	st.IMOC, st.Shadows = slices.Clone(f.imoc), slices.Clone(f.shadows)
	return st
}

// NextChange returns the first instant after t at which the final IMOC set
// differs from the set at t, and the new set. ok is false when nothing
// changes within [Horizon] years. Shadow changes alone do not count.
func NextChange(r *schema.Rotation, t time.Time) (at time.Time, imoc []string, ok bool) {
	if !r.WithinLimits() {
		return time.Time{}, nil, false
	}
	return nextChange(r, t)
}

func nextChange(r *schema.Rotation, t time.Time) (at time.Time, imoc []string, ok bool) {
	return newEngine(r).nextChange(t)
}

// nextChange is NextChange.
func (e *engine) nextChange(t time.Time) (at time.Time, imoc []string, ok bool) {
	limit := t.AddDate(Horizon, 0, 0).Unix()
	cur, x := e.step(t.Unix())
	for x <= limit {
		f, next := e.step(x)
		if !slices.Equal(f.imoc, cur.imoc) {
			return e.time(x), slices.Clone(f.imoc), true
		}
		x = next
	}
	return time.Time{}, nil, false
}

// Schedule returns the final schedule over [from, to): consecutive
// intervals that tile the range exactly, merged wherever the same IMOC set
// and shadows continue. Nobody-on stretches are intervals with an empty
// IMOC set. The first interval starts at from and the last ends at to (both
// converted to the rotation's time zone); it returns nil when to ≤ from.
func Schedule(r *schema.Rotation, from, to time.Time) []Interval {
	if !to.After(from) {
		return nil
	}
	if !r.WithinLimits() {
		return []Interval{{Start: from.In(rotationZone(r)), End: to.In(rotationZone(r)), IMOC: []string{}, Shadows: []string{}}}
	}
	return schedule(r, from, to)
}

func schedule(r *schema.Rotation, from, to time.Time) []Interval {
	return newEngine(r).schedule(from, to)
}

// schedule is Schedule for from < to.
func (e *engine) schedule(from, to time.Time) []Interval {
	end := to.Unix()
	f, x := e.step(from.Unix())
	out := []Interval{{Start: from.In(e.loc), IMOC: slices.Clone(f.imoc), Shadows: slices.Clone(f.shadows)}}
	for x < end {
		g, next := e.step(x)
		if last := &out[len(out)-1]; !slices.Equal(g.imoc, last.IMOC) || !slices.Equal(g.shadows, last.Shadows) {
			last.End = e.time(x)
			out = append(out, Interval{Start: last.End, IMOC: slices.Clone(g.imoc), Shadows: slices.Clone(g.shadows)})
		}
		x = next
	}
	out[len(out)-1].End = to.In(e.loc)
	return out
}

// rotationZone is the zone of a rotation's results.
func rotationZone(r *schema.Rotation) *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}
