package oncall

import (
	"fmt"
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

// SwapPlan is how two people exchange shifts on a rotation: the two
// shifts, and the replace overrides that do it.
type SwapPlan struct {
	// A is the first person's shift, B the second's.
	A, B Shift
	// Overrides replace A's holder by B's over each run of A (see Runs),
	// then B's holder by A's over each run of B, in that order, without
	// positions.
	Overrides []schema.Override
}

// SwapError says why a swap cannot be planned, and how to fix it.
type SwapError struct{ Msg, Hint string }

func (e *SwapError) Error() string { return e.Msg }

// PlanSwap plans how a and b exchange shifts on r, given an instant t:
//
//   - a's shift is the one containing t that a holds, on the highest layer
//     where a holds the shift containing t;
//   - b's shift is the one containing t that b holds on another layer (in
//     a follow-the-sun rotation, the same week in another region), else
//     b's next shift after a's on a's layer (in a single weekly layer, b's
//     next week);
//   - b takes a's place wherever a's shift gives a the IMOC slot, and a
//     takes b's wherever b's shift gives b the slot: replace overrides
//     over exactly those runs, with reason.
//
// The overrides are in the zones of the shifts' layers. Overrides already
// in r come first in file order, so whatever they decide for those hours
// still holds.
func PlanSwap(r *schema.Rotation, a, b string, t time.Time, reason string) (SwapPlan, error) {
	var p SwapPlan
	if a == b {
		return p, &SwapError{Msg: "a swap needs two different people", Hint: "name the two people who exchange shifts"}
	}
	stamp := t.UTC().Format(time.RFC3339)
	sa, ok := ShiftAt(r, a, t)
	if !ok {
		return p, &SwapError{Msg: fmt.Sprintf("%s holds no shift of %s at %s", a, r.ID, stamp),
			Hint: fmt.Sprintf("pick an instant in one of %s's shifts (baton schedule --rotation %s shows them)", a, r.ID)}
	}
	sb, ok := ShiftAt(r, b, t)
	if !ok {
		if sb, ok = NextShift(r, sa, b); !ok {
			return p, &SwapError{Msg: fmt.Sprintf("%s holds no shift of %s at %s, nor a later shift on layer %q", b, r.ID, stamp, sa.Name),
				Hint: fmt.Sprintf("to exchange with one of %s's earlier shifts, name %s first and pick an instant in that shift", b, b)}
		}
	}
	p.A, p.B = sa, sb
	ra, rb := Runs(r, sa), Runs(r, sb)
	if len(ra) == 0 || len(rb) == 0 {
		who, sh := a, sa
		if len(ra) > 0 {
			who, sh = b, sb
		}
		return p, &SwapError{Msg: fmt.Sprintf("%s's shift on layer %q of %s from %s gives them no time as IMOC (a higher layer always wins, or the windows are closed)", who, sh.Name, r.ID, sh.Start.Format(time.RFC3339)),
			Hint: "pick another instant, or write the overrides by hand"}
	}
	for _, x := range ra {
		for _, y := range rb {
			if x.Start.Before(y.End) && y.Start.Before(x.End) {
				return p, &SwapError{Msg: fmt.Sprintf("%s and %s are on call together from %s: a swap would leave one of them on call twice", a, b, later(x.Start, y.Start).Format(time.RFC3339)),
					Hint: "write the overrides by hand"}
			}
		}
	}
	add := func(runs []Span, loc *time.Location, user, replaces string) {
		for _, s := range runs {
			p.Overrides = append(p.Overrides, schema.Override{Kind: schema.OverrideReplace, User: user, Replaces: replaces,
				From: s.Start.In(loc), Until: s.End.In(loc), Reason: reason})
		}
	}
	add(ra, sa.Start.Location(), b, a)
	add(rb, sb.Start.Location(), a, b)
	return p, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
