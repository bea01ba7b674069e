package oncall

import (
	"math"
	"time"

	"github.com/batonhq/baton/schema"
)

// A civil time is a wall-clock reading encoded as seconds since
// 1970-01-01T00:00 of the same (zone-less) calendar. Calendar arithmetic on
// civil times is plain integer arithmetic: a civil day is always 86 400 s.

const day = 86400

// civilOfWall encodes a wall-clock value.
func civilOfWall(w schema.WallClock) int64 {
	return time.Date(w.Year, w.Month, w.Day, w.Hour, w.Minute, w.Second, 0, time.UTC).Unix()
}

// civilOf returns the wall-clock reading of t in loc.
func civilOf(t time.Time, loc *time.Location) int64 {
	_, off := t.In(loc).Zone()
	return t.Unix() + int64(off)
}

// wallOfCivil decodes a civil time.
func wallOfCivil(c int64) schema.WallClock {
	t := time.Unix(c, 0).UTC()
	return schema.WallClock{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Minute: t.Minute(), Second: t.Second()}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// Resolve returns the instant at which the wall clock of loc reads w, by the
// rules of RFC 5545 (section 3.3.5): when w happens twice because clocks go
// back, the first occurrence; when w does not exist because clocks go
// forward, w read with the UTC offset in force before the gap (so 02:30 in a
// 02:00→03:00 gap is 03:30 new time). A nil loc means UTC. The result is in
// loc.
func Resolve(w schema.WallClock, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Unix(resolve(civilOfWall(w), loc), 0).In(loc)
}

// resolve is Resolve on civil seconds, returning Unix seconds.
func resolve(c int64, loc *time.Location) int64 {
	return lookup(c, loc).instant
}

// civilLookup describes how a civil time maps to instants in a zone.
type civilLookup struct {
	instant int64 // the RFC 5545 resolution
	// n is how many instants read c: 0 in a gap, 1 normally, 2 in an
	// overlap.
	n int
	// For a gap or an overlap: the transition instant and the UTC offsets
	// (seconds) before and after it.
	transition    int64
	before, after int
}

// span is larger than any UTC offset a zone has ever used, so every instant
// whose wall clock can read c lies within c ± span.
const span = 16 * 3600

// lookup enumerates the zone periods that can contain an instant whose wall
// clock reads c (usually one, two around a transition) and applies the RFC
// 5545 rules. Periods come in time order, so the first match is the first
// occurrence.
func lookup(c int64, loc *time.Location) civilLookup {
	res := civilLookup{}
	found := false
	havePrev, prevOff := false, 0
	x := c - span
	for range 8 {
		t := time.Unix(x, 0).In(loc)
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if !s.IsZero() {
			lo = s.Unix()
		}
		if !e.IsZero() {
			hi = e.Unix()
		}
		if cand := c - int64(off); cand >= lo && cand < hi {
			res.n++
			if !found {
				found = true
				res.instant = cand
			} else {
				// Second occurrence: the overlap is at the start of this period.
				res.transition, res.before, res.after = lo, prevOff, off
			}
		} else if !found && havePrev && lo+int64(prevOff) <= c && c < lo+int64(off) {
			// c falls in the gap where clocks jumped from prevOff to off.
			found = true
			res.instant = c - int64(prevOff)
			res.transition, res.before, res.after = lo, prevOff, off
		}
		if e.IsZero() || hi > c+span {
			break
		}
		havePrev, prevOff = true, off
		x = hi
	}
	if !found {
		// Unreachable for real zones; keep the answer total.
		_, off := time.Unix(c, 0).In(loc).Zone()
		res.instant = c - int64(off)
	}
	return res
}

// zone answers questions about one location by remembering the last period
// it looked up (a stretch of instants with one UTC offset, usually half a
// year): successive questions about nearby times then cost a comparison
// instead of a zone lookup. Its answers are those of civilOf and resolve.
// It is evaluation state: each evaluation has its own, never shared.
type zone struct {
	loc    *time.Location
	lo, hi int64 // the remembered period [lo, hi); none while lo ≥ hi
	off    int64 // its UTC offset, seconds
}

func newZone(loc *time.Location) zone { return zone{loc: loc} }

// load remembers the period holding instant t.
func (z *zone) load(t int64) {
	tt := time.Unix(t, 0).In(z.loc)
	_, off := tt.Zone()
	s, e := tt.ZoneBounds()
	z.lo, z.hi, z.off = math.MinInt64, math.MaxInt64, int64(off)
	if !s.IsZero() {
		z.lo = s.Unix()
	}
	if !e.IsZero() {
		z.hi = e.Unix()
	}
}

// offset returns the UTC offset in force at instant t.
func (z *zone) offset(t int64) int64 {
	if t < z.lo || t >= z.hi {
		z.load(t)
	}
	return z.off
}

// civil returns the wall-clock reading of instant t (civilOf).
func (z *zone) civil(t int64) int64 { return t + z.offset(t) }

// resolve is resolve(c, z.loc). When one period holds every instant within
// span of c, only one instant reads c, and it is c minus that period's
// offset: lookup would find the same.
func (z *zone) resolve(c int64) int64 {
	if z.lo <= c-span && c+span < z.hi {
		return c - z.off
	}
	t := resolve(c, z.loc)
	z.load(t)
	return t
}
