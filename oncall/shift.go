package oncall

import (
	"time"

	"github.com/batonhq/baton/schema"
)

// Shift is one shift of a layer, [H(k), H(k+1)), and who holds it by the
// layer's roster (whatever its windows, excluded days and the rotation's
// overrides do in between).
type Shift struct {
	// Layer is the index in Rotation.Layers, Name the layer's name ("layer
	// N" when it has none).
	Layer int
	Name  string
	// K is the shift's index; Start and End are H(K) and H(K+1), in the
	// layer's time zone.
	K          int64
	Start, End time.Time
	Holder     string
}

// Span is a half-open stretch of time [Start, End).
type Span struct{ Start, End time.Time }

// MaxShiftSearch bounds how many shifts NextShift looks ahead.
const MaxShiftSearch = 1000

// ShiftAt returns the shift containing t that person holds on one of r's
// layers, looking at the highest layer first, and whether there is one.
// The roster in force at t decides who holds a shift.
func ShiftAt(r *schema.Rotation, person string, t time.Time) (Shift, bool) {
	if !r.WithinLimits() || person == "" || person == schema.Nobody {
		return Shift{}, false
	}
	e := newEngine(r)
	x := t.Unix()
	for i := len(e.layers) - 1; i >= 0; i-- {
		l := &e.layers[i]
		if x < l.h0 {
			continue
		}
		k := l.g.shift(&l.z, x)
		if l.holder(k, x) == person {
			return l.shiftOf(k, person), true
		}
	}
	return Shift{}, false
}

// NextShift returns the first shift after sh in the same layer that person
// holds (by the roster in force when it starts), looking at most
// MaxShiftSearch shifts ahead, and whether there is one.
func NextShift(r *schema.Rotation, sh Shift, person string) (Shift, bool) {
	if !r.WithinLimits() || person == "" || person == schema.Nobody {
		return Shift{}, false
	}
	e := newEngine(r)
	for i := range e.layers {
		l := &e.layers[i]
		if l.index != sh.Layer {
			continue
		}
		for k := sh.K + 1; k <= sh.K+MaxShiftSearch; k++ {
			if l.holder(k, l.g.h(&l.z, k)) == person {
				return l.shiftOf(k, person), true
			}
		}
	}
	return Shift{}, false
}

// Runs returns the stretches of sh during which its layer is the highest
// one that yields someone and yields sh.Holder: the time the shift really
// gives its holder the IMOC slot, before overrides. They are in the
// rotation's time zone.
func Runs(r *schema.Rotation, sh Shift) []Span {
	if !r.WithinLimits() || !sh.End.After(sh.Start) {
		return nil
	}
	e := newEngine(r)
	var out []Span
	for _, s := range e.layerRuns(sh.Layer, sh.Holder, sh.Start.Unix(), sh.End.Unix()) {
		out = append(out, Span{e.time(s.from), e.time(s.to)})
	}
	return out
}

// holder returns who holds shift k by the roster in force at instant at.
func (l *layerEval) holder(k, at int64) string {
	e := &l.eras[l.spans[l.eraAt(at)].era]
	return e.person(k)
}

// shiftOf describes shift k held by person.
func (l *layerEval) shiftOf(k int64, person string) Shift {
	return Shift{
		Layer: l.index, Name: l.name, K: k, Holder: person,
		Start: time.Unix(l.g.h(&l.z, k), 0).In(l.loc), End: time.Unix(l.g.h(&l.z, k+1), 0).In(l.loc),
	}
}
