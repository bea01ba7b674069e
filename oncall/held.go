package oncall

import (
	"slices"
	"time"

	"github.com/batonhq/baton/schema"
)

// Stretch is a maximal stretch of time during which one person is in a
// rotation's final IMOC set, and what put them there at its start.
type Stretch struct {
	Start, End time.Time
	// Layer is the index in Rotation.Layers of the layer whose shift gave
	// the person the IMOC slot at Start, or -1 when an override did.
	Layer int
	// Shift is that layer's shift index k, and ShiftStart and ShiftEnd its
	// handoffs H(k) and H(k+1) (zero when Layer is -1).
	Shift                int64
	ShiftStart, ShiftEnd time.Time
	// Override is the index in Rotation.Overrides of the override that put
	// the person in the set at Start when Layer is -1 (the last one in file
	// order that names them), else -1.
	Override int
}

// Held returns the stretches of [from, to) during which person is in r's
// final IMOC set (layers, restrictions and overrides applied), merged
// wherever they continue whatever else changes, clipped to the range, in
// the rotation's time zone. A rotation over the size limits yields none.
func Held(r *schema.Rotation, person string, from, to time.Time) []Stretch {
	if !to.After(from) || !r.WithinLimits() {
		return nil
	}
	return newEngine(r).held(person, from.Unix(), to.Unix())
}

func (e *engine) held(person string, from, to int64) []Stretch {
	var out []Stretch
	on := false
	for x := from; x < to; {
		f, next, li, p := e.stepSource(x)
		next = min(next, to)
		if !slices.Contains(f.imoc, person) {
			on = false
			x = next
			continue
		}
		if on {
			out[len(out)-1].End = e.time(next)
		} else {
			out = append(out, e.source(x, next, li, p, person))
			on = true
		}
		x = next
	}
	return out
}

// source describes where person's place in the final set at x came from.
func (e *engine) source(x, next int64, li int, yielded, person string) Stretch {
	st := Stretch{Start: e.time(x), End: e.time(next), Layer: -1, Override: -1}
	if li >= 0 && yielded == person {
		l := &e.layers[li]
		k := l.g.shift(&l.z, x)
		st.Layer, st.Shift = l.index, k
		st.ShiftStart, st.ShiftEnd = e.time(l.g.h(&l.z, k)), e.time(l.g.h(&l.z, k+1))
		return st
	}
	s := e.segmentAt(x)
	for _, i := range slices.Backward(s.ovs) {
		if o := &e.r.Overrides[i]; o.User == person && o.Kind != schema.OverrideRemove {
			st.Override = i
			break
		}
	}
	return st
}

// layerRuns returns the stretches of [from, to) during which the layer
// with index li in r.Layers is the highest layer that yields someone, and
// yields person: the time the layer's shifts give them before overrides.
func (e *engine) layerRuns(li int, person string, from, to int64) []ival {
	var out []ival
	for x := from; x < to; {
		p, next, i := e.base(x)
		next = min(next, to)
		if i >= 0 && e.layers[i].index == li && p == person {
			if n := len(out); n > 0 && out[n-1].to == x {
				out[n-1].to = next
			} else {
				out = append(out, ival{x, next})
			}
		}
		x = next
	}
	return out
}
