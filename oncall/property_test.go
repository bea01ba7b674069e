package oncall

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

var (
	propRotations = flag.Int("oncall.rotations", 20, "random rotations checked by TestProperty")
	propSeed      = flag.Uint64("oncall.seed", 1, "seed of TestProperty's random rotations")
)

var propZones = []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}

// propDays are days around clock changes of propZones in 2025 (and one
// quiet day); each random range starts near one of them.
var propDays = []string{"2025-03-08", "2025-03-29", "2025-04-05", "2025-10-04", "2025-10-25", "2025-11-01", "2025-06-10"}

type gen struct {
	r    *rand.Rand
	locs []*time.Location
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) loc() *time.Location { return g.locs[g.r.IntN(len(g.locs))] }

func (g *gen) people(n int, nobody bool) []string {
	pool := []string{"alice", "bob", "carol", "dave"}
	if nobody {
		pool = append(pool, schema.Nobody)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = pool[g.r.IntN(len(pool))]
	}
	return out
}

// wall returns a wall-clock time on day d (plus up to days more) at an
// hour that often falls in or next to a clock change.
func (g *gen) wall(d time.Time, days int) schema.WallClock {
	d = d.AddDate(0, 0, g.r.IntN(days+1))
	hours := []int{0, 1, 2, 2, 3, 9, 17, 22, g.r.IntN(24)}
	return schema.WallClock{Year: d.Year(), Month: d.Month(), Day: d.Day(),
		Hour: hours[g.r.IntN(len(hours))], Minute: 15 * g.r.IntN(4)}
}

func (g *gen) weekdays() []schema.Weekday {
	var out []schema.Weekday
	for d := range 7 {
		if g.r.IntN(2) == 0 {
			out = append(out, schema.Weekday(d))
		}
	}
	return out
}

// clock returns a time of day for a window: on the hour or half hour, in
// the hours of clock changes, any minute, or late in the evening.
func (g *gen) clock() int {
	switch g.r.IntN(4) {
	case 0:
		return 3600*g.r.IntN(24) + 1800*g.r.IntN(2)
	case 1:
		return 3600*(1+g.r.IntN(3)) + 900*g.r.IntN(4)
	case 2:
		return 60 * g.r.IntN(24*60)
	default:
		return 3600*(20+g.r.IntN(4)) + 60*g.r.IntN(60)
	}
}

// windows returns a layer's active windows: usually one or two, sometimes
// many that overlap, touch, repeat each other or cross midnight.
func (g *gen) windows() []schema.Window {
	n := 1 + g.r.IntN(2)
	if g.r.IntN(3) == 0 {
		n = 5 + g.r.IntN(40)
	}
	var out []schema.Window
	for range n {
		from := g.clock()
		var to int
		switch g.r.IntN(7) {
		case 0: // short, often overlapping the next
			to = min(from+60*(1+g.r.IntN(180)), 24*3600)
		case 1: // overnight
			to = (from + 3600*(12+g.r.IntN(12)) + 60*g.r.IntN(60)) % (24 * 3600)
		case 2:
			to = 24 * 3600
		case 3: // touching the previous one
			if len(out) > 0 {
				from = int(out[len(out)-1].To) % (24 * 3600)
			}
			to = min(from+60*(1+g.r.IntN(300)), 24*3600)
		case 4: // from the hours of clock changes to just after them
			from = 3600 + 60*g.r.IntN(120)
			to = 3*3600 + 60*g.r.IntN(60)
		default:
			to = g.clock()
		}
		w := schema.Window{Days: g.weekdays(), From: schema.Clock(from), To: schema.Clock(to)}
		if len(out) > 0 && g.r.IntN(10) == 0 {
			w = out[g.r.IntN(len(out))] // the same window twice
		}
		out = append(out, w)
	}
	return out
}

func (g *gen) rotation(start time.Time) *schema.Rotation {
	r := &schema.Rotation{ID: "p", Name: "P", Location: g.loc()}
	for range 1 + g.r.IntN(3) {
		l := schema.Layer{Name: fmt.Sprint("l", len(r.Layers)), Location: r.Location}
		if g.r.IntN(2) == 0 {
			l.Location = g.loc()
		}
		c := &l.Rotation
		c.Anchor = g.wall(start.AddDate(0, 0, -40), 42)
		switch g.r.IntN(7) {
		case 0, 1:
			c.Every = schema.Every{N: 1 + g.r.IntN(12), Unit: schema.Hours}
		case 2:
			c.Every = schema.Every{N: 1 + g.r.IntN(2), Unit: schema.Days}
		case 3:
			c.Every = schema.Every{N: 1, Unit: schema.Days}
			c.HandoffDays = g.weekdays()
		case 4, 5:
			c.Every = schema.Every{N: 1 + g.r.IntN(2), Unit: schema.Weeks}
		case 6:
			c.Every = schema.Every{N: 1, Unit: schema.Months}
			c.Anchor.Day = min(c.Anchor.Day, 28)
		}
		if len(c.HandoffDays) == 0 {
			c.HandoffDays = nil
		}
		c.Participants = g.people(1+g.r.IntN(4), true)
		if g.r.IntN(3) == 0 {
			ps := g.people(1+g.r.IntN(4), true)
			from := g.wall(start.AddDate(0, 0, -2), 5)
			if civilOfWall(from) > civilOfWall(c.Anchor) { // as validation requires
				l.Changes = append(l.Changes, schema.Change{From: from, Participants: ps, First: ps[g.r.IntN(len(ps))]})
			}
		}
		if g.r.IntN(5) < 2 {
			l.Active = g.windows()
		}
		if g.r.IntN(4) == 0 {
			d := start.AddDate(0, 0, g.r.IntN(3))
			l.Exclude = append(l.Exclude, schema.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()})
		}
		r.Layers = append(r.Layers, l)
	}
	for range g.r.IntN(4) {
		from := start.Add(time.Duration(g.r.IntN(72*4)) * 15 * time.Minute)
		o := schema.Override{
			Kind: schema.OverrideKinds[g.r.IntN(4)], User: g.people(1, false)[0],
			From: from, Until: from.Add(time.Duration(1+g.r.IntN(30*4)) * 15 * time.Minute),
		}
		if o.Kind == schema.OverrideReplace {
			o.Replaces = g.people(1, false)[0]
		}
		r.Overrides = append(r.Overrides, o)
	}
	for range g.r.IntN(3) {
		from := start.Add(time.Duration(g.r.IntN(72*4)) * 15 * time.Minute)
		r.Shadows = append(r.Shadows, schema.Shadow{
			User: g.pick("tara", "uma"), With: g.pick(schema.WithIMOC, "alice", "bob"),
			From: from, Until: from.Add(time.Duration(1+g.r.IntN(40*4)) * 15 * time.Minute),
		})
	}
	return r
}

// ref is the reference implementation: every rule of docs/rotations.md written as
// plainly as possible, by walking handoffs and days one at a time over a
// bounded range. It shares only Resolve with the package.
type ref struct {
	r      *schema.Rotation
	layers []refLayer
}

type refLayer struct {
	handoffs []time.Time // H(0), H(1), … past the range's end
	eras     []refEra
	windows  [][2]time.Time
	exclude  [][2]time.Time
	hasWin   bool
}

type refEra struct {
	start  time.Time
	k0     int
	people []string
	first  int
}

// wallAdd returns w ⊕ k·every, on a zone-less calendar.
func wallAdd(w schema.WallClock, every schema.Every, k int) schema.WallClock {
	t := time.Date(w.Year, w.Month, w.Day, w.Hour, w.Minute, w.Second, 0, time.UTC)
	switch every.Unit {
	case schema.Hours:
		t = t.Add(time.Duration(k*every.N) * time.Hour)
	case schema.Days:
		t = t.AddDate(0, 0, k*every.N)
	case schema.Weeks:
		t = t.AddDate(0, 0, 7*k*every.N)
	case schema.Months:
		t = t.AddDate(0, k*every.N, 0)
	}
	return schema.WallClock{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Minute: t.Minute(), Second: t.Second()}
}

func newRef(r *schema.Rotation, end time.Time) *ref {
	rf := &ref{r: r}
	for _, l := range r.Layers {
		var rl refLayer
		c := l.Rotation
		if len(c.HandoffDays) > 0 {
			for w := c.Anchor; ; w = wallAdd(w, c.Every, 1) {
				wd := time.Date(w.Year, w.Month, w.Day, 0, 0, 0, 0, time.UTC).Weekday()
				if slices.Contains(c.HandoffDays, schema.Weekday(wd)) {
					rl.handoffs = append(rl.handoffs, Resolve(w, l.Location))
					if rl.handoffs[len(rl.handoffs)-1].After(end.Add(24 * time.Hour)) {
						break
					}
				}
			}
		} else {
			for k := 0; ; k++ {
				w := wallAdd(c.Anchor, c.Every, k)
				rl.handoffs = append(rl.handoffs, Resolve(w, l.Location))
				if rl.handoffs[k].After(end.Add(24 * time.Hour)) {
					break
				}
			}
		}
		rl.eras = []refEra{{start: rl.handoffs[0], people: c.Participants}}
		for _, ch := range l.Changes {
			e := refEra{start: Resolve(ch.From, l.Location), people: ch.Participants, first: max(0, slices.Index(ch.Participants, ch.First))}
			e.k0 = rl.shift(e.start)
			rl.eras = append(rl.eras, e)
		}
		days := func(fn func(d schema.WallClock, next schema.WallClock)) {
			for d := end.AddDate(0, 0, -12); d.Before(end.AddDate(0, 0, 2)); d = d.AddDate(0, 0, 1) {
				x := schema.WallClock{Year: d.Year(), Month: d.Month(), Day: d.Day()}
				n := d.AddDate(0, 0, 1)
				fn(x, schema.WallClock{Year: n.Year(), Month: n.Month(), Day: n.Day()})
			}
		}
		rl.hasWin = len(l.Active) > 0
		for _, w := range l.Active {
			days(func(d, next schema.WallClock) {
				wd := schema.Weekday(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday())
				if len(w.Days) > 0 && !slices.Contains(w.Days, wd) {
					return
				}
				from := d
				from.Hour, from.Minute = int(w.From)/3600, int(w.From)%3600/60
				to := d
				if w.To <= w.From {
					to = next
				}
				to.Hour, to.Minute = int(w.To)/3600, int(w.To)%3600/60
				if w.To == 24*3600 {
					to = next
				}
				rl.windows = append(rl.windows, [2]time.Time{Resolve(from, l.Location), Resolve(to, l.Location)})
			})
		}
		for _, x := range l.Exclude {
			days(func(d, next schema.WallClock) {
				if d.Date() == x {
					rl.exclude = append(rl.exclude, [2]time.Time{Resolve(d, l.Location), Resolve(next, l.Location)})
				}
			})
		}
		rf.layers = append(rf.layers, rl)
	}
	return rf
}

// shift returns the largest k with H(k) ≤ t, or -1.
func (rl *refLayer) shift(t time.Time) int {
	k := -1
	for i, h := range rl.handoffs {
		if !h.After(t) {
			k = i
		}
	}
	return k
}

func in(t time.Time, iv [2]time.Time) bool { return !t.Before(iv[0]) && t.Before(iv[1]) }

func (rf *ref) at(t time.Time) (imoc, shadows []string) {
	for i := len(rf.layers) - 1; i >= 0; i-- {
		rl := &rf.layers[i]
		k := rl.shift(t)
		if k < 0 {
			continue
		}
		if rl.hasWin && !slices.ContainsFunc(rl.windows, func(iv [2]time.Time) bool { return in(t, iv) }) {
			continue
		}
		if slices.ContainsFunc(rl.exclude, func(iv [2]time.Time) bool { return in(t, iv) }) {
			continue
		}
		var e refEra
		for _, x := range rl.eras {
			if !x.start.After(t) {
				e = x
			}
		}
		n := len(e.people)
		p := e.people[((e.first+k-e.k0)%n+n)%n]
		if p != schema.Nobody {
			imoc = []string{p}
			break
		}
	}
	for _, o := range rf.r.Overrides {
		if t.Before(o.From) || !t.Before(o.Until) {
			continue
		}
		has := slices.Contains(imoc, o.User)
		switch o.Kind {
		case schema.OverrideAssign:
			imoc = []string{o.User}
		case schema.OverrideReplace:
			if slices.Contains(imoc, o.Replaces) {
				var next []string
				for _, h := range imoc {
					if h != o.Replaces && h != o.User {
						next = append(next, h)
					}
				}
				imoc = append(next, o.User)
			}
		case schema.OverrideAdd:
			if !has {
				imoc = append(slices.Clone(imoc), o.User)
			}
		case schema.OverrideRemove:
			var next []string
			for _, h := range imoc {
				if h != o.User {
					next = append(next, h)
				}
			}
			imoc = next
		}
	}
	slices.Sort(imoc)
	for _, s := range rf.r.Shadows {
		if t.Before(s.From) || !t.Before(s.Until) || slices.Contains(shadows, s.User) {
			continue
		}
		if (s.With == schema.WithIMOC && len(imoc) > 0) || slices.Contains(imoc, s.With) {
			shadows = append(shadows, s.User)
		}
	}
	slices.Sort(shadows)
	return imoc, shadows
}

func TestProperty(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(*propSeed, 42))}
	for _, z := range propZones {
		g.locs = append(g.locs, mustZone(t, z))
	}
	for i := range *propRotations {
		start, _ := time.Parse("2006-01-02", propDays[g.r.IntN(len(propDays))])
		start = start.Add(time.Duration(g.r.IntN(24)) * time.Hour)
		r := g.rotation(start)
		compareWithRef(t, r, start, g.r, fmt.Sprintf("rotation %d (seed %d)", i, *propSeed))
	}
}

// compareWithRef checks At, Schedule and NextChange on r against the
// reference, minute by minute over the 72 hours from start; rnd picks the
// instants NextChange is asked about.
func compareWithRef(t *testing.T, r *schema.Rotation, start time.Time, rnd *rand.Rand, name string) {
	t.Helper()
	{
		end := start.Add(72 * time.Hour)
		rf := newRef(r, end)
		describe := func() string {
			var b strings.Builder
			fmt.Fprintf(&b, "%s in %s, range %s–%s:\n", name, r.Location, utc(start), utc(end))
			for _, l := range r.Layers {
				fmt.Fprintf(&b, "  layer %s %s: %+v changes=%+v active=%+v exclude=%v\n", l.Name, l.Location, l.Rotation, l.Changes, l.Active, l.Exclude)
			}
			for _, o := range r.Overrides {
				fmt.Fprintf(&b, "  override %s %s/%s %s–%s\n", o.Kind, o.User, o.Replaces, utc(o.From), utc(o.Until))
			}
			for _, s := range r.Shadows {
				fmt.Fprintf(&b, "  shadow %s with %s %s–%s\n", s.User, s.With, utc(s.From), utc(s.Until))
			}
			return b.String()
		}

		// The schedule tiles the range.
		sched := Schedule(r, start, end)
		if len(sched) == 0 || !sched[0].Start.Equal(start) || !sched[len(sched)-1].End.Equal(end) {
			t.Fatalf("%sschedule does not cover the range: %v", describe(), sched)
		}
		for j, iv := range sched {
			if !iv.End.After(iv.Start) {
				t.Fatalf("%sinterval %d is empty: %s", describe(), j, fmtInterval(iv))
			}
			if j > 0 {
				prev := sched[j-1]
				if !prev.End.Equal(iv.Start) {
					t.Fatalf("%sgap or overlap between %s and %s", describe(), fmtInterval(prev), fmtInterval(iv))
				}
				if slices.Equal(prev.IMOC, iv.IMOC) && slices.Equal(prev.Shadows, iv.Shadows) {
					t.Fatalf("%sunmerged intervals %s and %s", describe(), fmtInterval(prev), fmtInterval(iv))
				}
			}
		}

		// Minute by minute, At and the schedule agree with the reference.
		var states []string
		j := 0
		for m := start; m.Before(end); m = m.Add(time.Minute) {
			imoc, shadows := rf.at(m)
			want := set(imoc) + " +" + set(shadows)
			st := At(r, m)
			if got := set(st.IMOC) + " +" + set(st.Shadows); got != want {
				t.Fatalf("%sAt(%s) = %s, reference says %s", describe(), utc(m), got, want)
			}
			for !m.Before(sched[j].End) {
				j++
			}
			if got := set(sched[j].IMOC) + " +" + set(sched[j].Shadows); got != want {
				t.Fatalf("%sschedule at %s says %s, reference says %s", describe(), utc(m), got, want)
			}
			states = append(states, set(imoc))
		}

		// NextChange finds the reference's next change.
		for k := 0; k < len(states); k += 1 + rnd.IntN(900) {
			from := start.Add(time.Duration(k) * time.Minute)
			at, imoc, ok := NextChange(r, from)
			want := -1
			for x := k + 1; x < len(states); x++ {
				if states[x] != states[k] {
					want = x
					break
				}
			}
			switch {
			case want >= 0:
				w := start.Add(time.Duration(want) * time.Minute)
				if !ok || !at.Equal(w) || set(imoc) != states[want] {
					t.Fatalf("%sNextChange(%s) = %s %s %v, reference says %s %s", describe(), utc(from), utc(at), set(imoc), ok, utc(w), states[want])
				}
			case ok && at.Before(end):
				t.Fatalf("%sNextChange(%s) = %s %s, but nothing changes before %s", describe(), utc(from), utc(at), set(imoc), utc(end))
			}
		}
	}
}

// TestPropertyClockChangeWindows compares windows that overlap around
// clock changes with the reference. A window that starts in a gap begins
// after one that starts later on the wall clock (02:30 in a 02:00→03:00
// gap is 03:30 new time), so uniting windows on the wall clock before
// resolving them would be wrong there: [01:00, 03:10) and [02:30, 05:00)
// leave 03:10–03:30 new time uncovered.
func TestPropertyClockChangeWindows(t *testing.T) {
	w := func(days []schema.Weekday, from, to string) schema.Window {
		c := func(s string) schema.Clock {
			v, err := time.Parse("15:04", s)
			if s == "24:00" {
				return 24 * 3600
			}
			if err != nil {
				t.Fatal(err)
			}
			return schema.Clock(v.Hour()*3600 + v.Minute()*60)
		}
		return schema.Window{Days: days, From: c(from), To: c(to)}
	}
	sa, su := []schema.Weekday{schema.Weekday(time.Saturday)}, []schema.Weekday{schema.Weekday(time.Sunday)}
	cases := []struct {
		name, zone, start string
		active            []schema.Window
	}{
		{"overlap across a gap", "America/New_York", "2026-03-07T12:00:00Z",
			[]schema.Window{w(su, "01:00", "03:10"), w(su, "02:30", "05:00")}},
		{"nested across a gap", "America/New_York", "2026-03-07T12:00:00Z",
			[]schema.Window{w(su, "02:15", "04:00"), w(su, "03:00", "03:20"), w(nil, "09:00", "09:30")}},
		{"touching at a gap", "Europe/Berlin", "2026-03-28T12:00:00Z",
			[]schema.Window{w(su, "01:00", "02:00"), w(su, "02:00", "02:40"), w(su, "02:40", "03:00"), w(su, "03:00", "03:05")}},
		{"overnight into a gap", "America/New_York", "2026-03-07T12:00:00Z",
			[]schema.Window{w(sa, "22:00", "02:30"), w(su, "02:45", "03:40"), w(nil, "03:50", "03:20")}},
		{"half-hour gap", "Australia/Lord_Howe", "2025-10-04T00:00:00Z",
			[]schema.Window{w(nil, "01:45", "02:40"), w(nil, "02:10", "03:00"), w(nil, "02:20", "02:25")}},
		{"overlap when clocks go back", "America/New_York", "2026-10-31T12:00:00Z",
			[]schema.Window{w(su, "01:00", "01:30"), w(su, "01:15", "02:00"), w(sa, "23:00", "01:20"), w(su, "01:40", "01:10")}},
		{"gap at midnight", "America/Santiago", "2025-09-05T12:00:00Z",
			[]schema.Window{w(nil, "22:00", "24:00"), w(nil, "00:30", "02:00"), w(nil, "23:30", "00:10")}},
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc := mustZone(t, c.zone)
			anchor := schema.WallClock{Year: 2025, Month: 1, Day: 6, Hour: 9}
			r := &schema.Rotation{ID: "c", Name: "C", Location: loc, Layers: []schema.Layer{
				{Name: "catch-all", Location: loc, Rotation: schema.LayerCycle{Anchor: anchor, Every: schema.Every{N: 1, Unit: schema.Weeks}, Participants: []string{"bob"}}},
				{Name: "windows", Location: loc, Rotation: schema.LayerCycle{Anchor: anchor, Every: schema.Every{N: 1, Unit: schema.Days}, Participants: []string{"alice", "carol"}}, Active: c.active},
			}}
			compareWithRef(t, r, ts(t, c.start), rnd, c.name)
		})
	}
}

// modify returns a copy of r changed as a person editing the file might:
// a swap planned by PlanSwap (when one can be), new overrides, or a layer's
// anchor moved, and what it did.
func (g *gen) modify(r *schema.Rotation, start time.Time) (*schema.Rotation, string) {
	c := *r
	c.Overrides = slices.Clone(r.Overrides)
	var did []string
	if g.r.IntN(2) == 0 {
		t := start.Add(time.Duration(g.r.IntN(72*4)) * 15 * time.Minute)
		a, b := g.people(1, false)[0], g.people(1, false)[0]
		if st := At(r, t); len(st.IMOC) > 0 && g.r.IntN(4) > 0 {
			a = st.IMOC[0] // usually someone who holds a shift then
		}
		for b == a {
			b = g.people(1, false)[0]
		}
		if p, err := PlanSwap(r, a, b, t, "swap"); err == nil {
			c.Overrides = append(c.Overrides, p.Overrides...)
			did = append(did, fmt.Sprintf("swap %s %s at %s (%d overrides)", a, b, utc(t), len(p.Overrides)))
		}
	}
	for range g.r.IntN(3) {
		from := start.Add(time.Duration(g.r.IntN(72*4)) * 15 * time.Minute)
		o := schema.Override{
			Kind: schema.OverrideKinds[g.r.IntN(4)], User: g.people(1, false)[0],
			From: from, Until: from.Add(time.Duration(1+g.r.IntN(30*4)) * 15 * time.Minute),
		}
		if o.Kind == schema.OverrideReplace {
			o.Replaces = g.people(1, false)[0]
		}
		c.Overrides = append(c.Overrides, o)
		did = append(did, fmt.Sprintf("override %s %s/%s %s–%s", o.Kind, o.User, o.Replaces, utc(o.From), utc(o.Until)))
	}
	if g.r.IntN(4) == 0 {
		c.Layers = slices.Clone(r.Layers)
		i := g.r.IntN(len(c.Layers))
		w := c.Layers[i].Rotation.Anchor
		shifted := time.Date(w.Year, w.Month, w.Day, w.Hour+g.r.IntN(48)-24, w.Minute, 0, 0, time.UTC)
		moved := schema.WallClock{Year: shifted.Year(), Month: shifted.Month(), Day: min(shifted.Day(), 28), Hour: shifted.Hour(), Minute: shifted.Minute()}
		// As validation requires, roster changes stay after the anchor.
		if !slices.ContainsFunc(c.Layers[i].Changes, func(ch schema.Change) bool { return civilOfWall(ch.From) <= civilOfWall(moved) }) {
			c.Layers[i].Rotation.Anchor = moved
			did = append(did, fmt.Sprintf("anchor of layer %d moved to %s", i, moved))
		}
	}
	return &c, strings.Join(did, "; ")
}

// TestPropertyDiff: for random rotations and random swaps, overrides and
// anchor moves, the gained and lost stretches of Compare account exactly,
// minute by minute and person by person, for the difference between the
// two schedules (checked against the reference implementation), and the
// hours before and after are the minutes each person is on call.
func TestPropertyDiff(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(*propSeed, 43))}
	for _, z := range propZones {
		g.locs = append(g.locs, mustZone(t, z))
	}
	swaps := 0
	for i := range *propRotations * 3 {
		start, _ := time.Parse("2006-01-02", propDays[g.r.IntN(len(propDays))])
		start = start.Add(time.Duration(g.r.IntN(24)) * time.Hour)
		end := start.Add(72 * time.Hour)
		before := g.rotation(start)
		after, did := g.modify(before, start)
		if strings.Contains(did, "swap") {
			swaps++
		}
		name := fmt.Sprintf("rotation %d (seed %d): %s", i, *propSeed, did)
		d := compare(map[string]*schema.Rotation{"p": before}, map[string]*schema.Rotation{"p": after}, nil, nil, start, end)
		rb, ra := newRef(before, end), newRef(after, end)
		people := map[string]*PersonDiff{}
		for k := range d.People {
			people[d.People[k].Person] = &d.People[k]
		}
		in := func(ps []Period, m time.Time) bool {
			return slices.ContainsFunc(ps, func(p Period) bool { return !m.Before(p.Start) && m.Before(p.End) })
		}
		minutes := map[string][2]int{}
		for m := start; m.Before(end); m = m.Add(time.Minute) {
			b, _ := rb.at(m)
			a, _ := ra.at(m)
			for _, h := range []string{"alice", "bob", "carol", "dave"} {
				inB, inA := slices.Contains(b, h), slices.Contains(a, h)
				c := minutes[h]
				if inB {
					c[0]++
				}
				if inA {
					c[1]++
				}
				minutes[h] = c
				var gained, lost bool
				if p := people[h]; p != nil {
					gained, lost = in(p.Gained, m), in(p.Lost, m)
				}
				if gained != (inA && !inB) || lost != (inB && !inA) {
					t.Fatalf("%s\nat %s %s: before %v after %v, but gained=%v lost=%v\n%+v", name, utc(m), h, inB, inA, gained, lost, people[h])
				}
			}
		}
		for h, c := range minutes {
			p := people[h]
			if p == nil {
				if c != [2]int{} {
					t.Fatalf("%s\n%s is on call %v minutes but not in the diff", name, h, c)
				}
				continue
			}
			if int(p.Before/time.Minute) != c[0] || int(p.After/time.Minute) != c[1] || p.Before%time.Minute != 0 || p.After%time.Minute != 0 {
				t.Fatalf("%s\n%s: hours %v → %v, reference minutes %v", name, h, p.Before, p.After, c)
			}
		}
	}
	if swaps == 0 {
		t.Error("no random swap could be planned: the generator needs looking at")
	}
	t.Logf("%d rotations, %d with a swap", *propRotations*3, swaps)
}
