package oncall

import (
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

// engine is a rotation prepared for evaluation. It is built per call and
// never shared.
type engine struct {
	r      *schema.Rotation
	loc    *time.Location
	layers []*layer
	edges  []int64 // override and shadow edges, sorted
}

func newEngine(r *schema.Rotation) *engine {
	e := &engine{r: r, loc: r.Location}
	if e.loc == nil {
		e.loc = time.UTC
	}
	for i := range r.Layers {
		if l, ok := newLayer(r, i); ok {
			e.layers = append(e.layers, l)
		}
	}
	for _, o := range r.Overrides {
		if o.Until.After(o.From) {
			e.edges = append(e.edges, o.From.Unix(), o.Until.Unix())
		}
	}
	for _, s := range r.Shadows {
		if s.Until.After(s.From) {
			e.edges = append(e.edges, s.From.Unix(), s.Until.Unix())
		}
	}
	slices.Sort(e.edges)
	e.edges = slices.Compact(e.edges)
	return e
}

func (e *engine) time(t int64) time.Time { return time.Unix(t, 0).In(e.loc) }

func within(from, until time.Time, t int64) bool {
	return until.After(from) && from.Unix() <= t && t < until.Unix()
}

// at computes the state at t; with detail it also fills the layer, shift
// and overrides.
func (e *engine) at(t int64, detail bool) State {
	var st State
	var set []string
	for i := len(e.layers) - 1; i >= 0; i-- {
		l := e.layers[i]
		if p, k := l.at(t); p != "" {
			set = []string{p}
			if detail {
				st.Layer = l.name
				st.ShiftStart, st.ShiftEnd = e.time(l.g.h(k)), e.time(l.g.h(k+1))
			}
			break
		}
	}
	for i := range e.r.Overrides {
		o := &e.r.Overrides[i]
		if !within(o.From, o.Until, t) {
			continue
		}
		if detail {
			st.Overrides = append(st.Overrides, o)
		}
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
	st.IMOC = set
	if st.IMOC == nil {
		st.IMOC = []string{}
	}
	st.Shadows = []string{}
	for _, s := range e.r.Shadows {
		if !within(s.From, s.Until, t) || slices.Contains(st.IMOC, s.User) || slices.Contains(st.Shadows, s.User) {
			continue
		}
		if s.With == schema.WithIMOC && len(st.IMOC) > 0 || slices.Contains(st.IMOC, s.With) {
			st.Shadows = append(st.Shadows, s.User)
		}
	}
	slices.Sort(st.Shadows)
	return st
}

// next returns the first instant after t at which anything may change.
// While an assign override is in effect the layers cannot matter (assign
// replaces whatever they yield, and later overrides and shadows work on its
// result), so only override and shadow edges count: a long assign over
// hourly layers is crossed in one step.
func (e *engine) next(t int64) int64 {
	best := never
	if i, _ := slices.BinarySearch(e.edges, t+1); i < len(e.edges) {
		best = e.edges[i]
	}
	if e.assigned(t) {
		return best
	}
	for _, l := range e.layers {
		best = min(best, l.next(t))
	}
	return best
}

// assigned reports whether an assign override is in effect at t.
func (e *engine) assigned(t int64) bool {
	for i := range e.r.Overrides {
		if o := &e.r.Overrides[i]; o.Kind == schema.OverrideAssign && within(o.From, o.Until, t) {
			return true
		}
	}
	return false
}

// At returns the final IMOC set and shadows at t, and the layer and shift
// that produced the set (docs/rotations.md). Times in the result are in the
// rotation's time zone. Instants are taken to the second.
func At(r *schema.Rotation, t time.Time) State {
	return newEngine(r).at(t.Unix(), true)
}

// NextChange returns the first instant after t at which the final IMOC set
// differs from the set at t, and the new set. ok is false
// when nothing changes within [Horizon] years. Shadow changes alone do not
// count.
func NextChange(r *schema.Rotation, t time.Time) (at time.Time, imoc []string, ok bool) {
	e := newEngine(r)
	limit := t.AddDate(Horizon, 0, 0).Unix()
	cur := e.at(t.Unix(), false).IMOC
	for x := e.next(t.Unix()); x <= limit; x = e.next(x) {
		if s := e.at(x, false).IMOC; !slices.Equal(s, cur) {
			return e.time(x), s, true
		}
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
	e := newEngine(r)
	end := to.Unix()
	st := e.at(from.Unix(), false)
	out := []Interval{{Start: from.In(e.loc), IMOC: st.IMOC, Shadows: st.Shadows}}
	for x := e.next(from.Unix()); x < end; x = e.next(x) {
		s := e.at(x, false)
		last := &out[len(out)-1]
		if slices.Equal(s.IMOC, last.IMOC) && slices.Equal(s.Shadows, last.Shadows) {
			continue
		}
		last.End = e.time(x)
		out = append(out, Interval{Start: last.End, IMOC: s.IMOC, Shadows: s.Shadows})
	}
	out[len(out)-1].End = to.In(e.loc)
	return out
}
