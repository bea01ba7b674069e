package oncall

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

// Tests of the work the arithmetic does as rotations grow. They count work
// (engine.work) rather than time it; the benchmarks in scale_test.go time
// it.

// loadOversized loads a rotation that may be over the size limits, to
// measure the arithmetic itself beyond them.
func loadOversized(t testing.TB, y string) *schema.Rotation {
	t.Helper()
	return loadRepoAllowing(t, map[string]string{"r": y}, map[string]bool{"r": true}).Rotation("r")
}

func (w work) total() int { return w.steps + w.layerEvals + w.blocks + w.spans + w.folds }

// TestHardening05ScheduleWorkIsLinear: a year of schedule costs work in
// proportion to the windows, not to their square. Before, every boundary
// (two per window occurrence) looked at every window of three days for the
// state and of ten days for the next boundary, so four times the windows
// cost sixteen times the work (2,880 windows took minutes).
func TestHardening05ScheduleWorkIsLinear(t *testing.T) {
	for _, shape := range []string{"perday", "overnight", "layers"} {
		// Overnight windows overlap so much that the schedule stays the
		// same; only the windows to unite grow.
		grows := shape != "overnight"
		t.Run(shape, func(t *testing.T) {
			var works [2]work
			var intervals [2]int
			for i, n := range []int{96, 384} {
				e := newEngine(loadOversized(t, scaleRotation(shape, n)))
				intervals[i] = len(e.schedule(scaleNow, scaleNow.AddDate(0, 0, 365)))
				works[i] = e.work
				// Each boundary evaluates about one layer: the others keep
				// what they yield until their own next boundary.
				if w := e.work; w.layerEvals > 2*w.steps+len(e.layers) {
					t.Errorf("%d windows: %d layer evaluations for %d steps", n, w.layerEvals, w.steps)
				}
			}
			if grows && intervals[1] <= 2*intervals[0] {
				t.Fatalf("the larger rotation has %d intervals, the smaller %d: the shapes do not grow", intervals[1], intervals[0])
			}
			r := float64(works[1].total()) / float64(works[0].total())
			t.Logf("work %+v, then %+v: %.1f times", works[0], works[1], r)
			if r > 5 {
				t.Errorf("four times the windows cost %.1f times the work (%+v, then %+v); want at most 5", r, works[0], works[1])
			}
		})
	}
}

// TestHardening05NextChangeCrossesCoveredWeeks: when windows cover the
// whole week and the holder never changes, NextChange looks five years
// ahead in about one step per week (the windows are united once per
// week), not one step per window edge. Before, 696 such windows took
// minutes.
func TestHardening05NextChangeCrossesCoveredWeeks(t *testing.T) {
	e := newEngine(loadOversized(t, scaleRotation("overlap", 696)))
	if at, imoc, ok := e.nextChange(scaleNow); ok {
		t.Fatalf("NextChange = %s %v, want no change (dave holds every window)", at, imoc)
	}
	weeks := Horizon*53 + 1
	if e.work.steps > 2*weeks {
		t.Errorf("%d steps over %d weeks, want at most two a week", e.work.steps, weeks)
	}
	if e.work.blocks > 2*weeks {
		t.Errorf("%d blocks laid out over %d weeks", e.work.blocks, weeks)
	}
}

// TestHardening05OverridesFoldOncePerSegment: overrides and shadows are
// applied once per stretch between their edges and layer answer, not at
// every boundary. Before, every boundary applied every override and
// shadow in the file.
func TestHardening05OverridesFoldOncePerSegment(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: T\ntime_zone: UTC\nlayers:\n  - {name: l, rotation: {anchor: 2025-01-06T00:00, every: 1h, participants: [alice, bob]}}\noverrides:\n")
	const n = 1000
	for i := range n {
		fmt.Fprintf(&b, "  - {kind: add, user: carol, from: 2026-01-01T00:00:00Z, until: 2026-12-01T%02d:%02d:00Z}\n", i/60%24, i%60)
	}
	b.WriteString("shadows:\n")
	for range n {
		b.WriteString("  - {user: tara, with: imoc, from: 2026-01-01T00:00:00Z, until: 2026-12-01T00:00:00Z}\n")
	}
	r := loadRotation(t, b.String())
	e := newEngine(r)
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	sched := e.schedule(from, from.AddDate(0, 0, 30))
	if got, want := len(sched), 30*24; got != want {
		t.Fatalf("%d intervals, want %d (hourly handoffs)", got, want)
	}
	if iv := sched[0]; set(iv.IMOC) != "alice,carol" && set(iv.IMOC) != "bob,carol" || set(iv.Shadows) != "tara" {
		t.Fatalf("first interval %s", fmtInterval(iv))
	}
	// One segment, two layer answers (alice, bob): two folds of 2n.
	if want := 2 * 2 * n; e.work.folds != want {
		t.Errorf("%d overrides and shadows applied over %d steps, want %d", e.work.folds, e.work.steps, want)
	}
}

// TestHardening05LimitsWork: on the rotation at every size limit, built to
// make the arithmetic work as hard as it can, the work per step stays
// small and the number of steps is what its boundaries ask for.
func TestHardening05LimitsWork(t *testing.T) {
	r := loadLimits(t, true)
	e := newEngine(r)
	if _, _, ok := e.nextChange(scaleNow); ok {
		t.Fatal("everyone is alice: nothing should change")
	}
	// Boundaries a week: two per window occurrence, plus each excluded
	// day's edges in six layers, plus block ends and override and shadow
	// edges.
	weeks := Horizon*53 + 1
	perWeek := 2*7*schema.MaxRotationWindows + 6*2*7/2*2 + schema.MaxRotationLayers
	if w := e.work; w.steps > weeks*perWeek+2*(schema.MaxRotationOverrides+schema.MaxRotationShadows) {
		t.Errorf("%d steps over five years, want at most %d a week", w.steps, perWeek)
	}
	if w := e.work; w.layerEvals > 2*w.steps {
		t.Errorf("%d layer evaluations for %d steps", w.layerEvals, w.steps)
	}
	// Each stretch between override and shadow edges applies those in
	// effect once (everyone is alice: one layer answer).
	n := schema.MaxRotationOverrides + schema.MaxRotationShadows
	if w := e.work; w.folds > (2*n+1)*n {
		t.Errorf("%d overrides and shadows applied, want at most %d", w.folds, (2*n+1)*n)
	}
}

// TestHardening05TooComplexIsNotEvaluated: a rotation over a size limit
// gets no arithmetic: At, NextChange and Schedule answer nobody, and Check
// reports no gap for it (validation reports rotation/too-complex).
func TestHardening05TooComplexIsNotEvaluated(t *testing.T) {
	y := scaleRotation("perday", schema.MaxRotationWindows+1)
	repo := loadRepoAllowing(t, map[string]string{"r": y}, map[string]bool{"r": true})
	r := repo.Rotation("r")
	if r.WithinLimits() || !r.HasErrors {
		t.Fatalf("a rotation with %d windows: WithinLimits %v, HasErrors %v", schema.MaxRotationWindows+1, r.WithinLimits(), r.HasErrors)
	}
	if st := At(r, scaleNow); len(st.IMOC) != 0 || st.IMOC == nil || st.Layer != "" {
		t.Errorf("At = %+v, want nobody", st)
	}
	if at, imoc, ok := NextChange(r, scaleNow); ok {
		t.Errorf("NextChange = %s %v, want none", at, imoc)
	}
	to := scaleNow.AddDate(0, 0, 3660)
	if s := Schedule(r, scaleNow, to); len(s) != 1 || len(s[0].IMOC) != 0 || !s[0].Start.Equal(scaleNow) || !s[0].End.Equal(to) {
		t.Errorf("Schedule = %v, want one interval with nobody", s)
	}
	// Even when nothing else marked it (a rotation built in code).
	r.HasErrors = false
	if ps := Check(repo, scaleNow); len(ps) != 0 {
		t.Errorf("Check = %v, want nothing", ps)
	}
	// One window fewer is evaluated.
	ok := loadRotation(t, scaleRotation("perday", schema.MaxRotationWindows))
	if st := At(ok, scaleNow); len(st.IMOC) == 0 {
		t.Errorf("At on a rotation at the limit = %+v, want someone", st)
	}
}

// TestZoneMatchesLookup: the zone cache answers exactly as civilOf and
// resolve, walking forwards and backwards by small and large steps through
// zones with unusual clock changes.
func TestZoneMatchesLookup(t *testing.T) {
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia", "America/Santiago",
		"Europe/Dublin", "Antarctica/Troll", "Asia/Kolkata", "UTC", "America/Sao_Paulo", "Pacific/Kiritimati", "Africa/Casablanca", "Asia/Tehran"}
	rnd := rand.New(rand.NewPCG(5, 5))
	lo := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for _, name := range zones {
		loc := mustZone(t, name)
		z := newZone(loc)
		x := lo + rnd.Int64N(hi-lo)
		for range 20000 {
			switch rnd.IntN(4) {
			case 0:
				x = lo + rnd.Int64N(hi-lo)
			case 1:
				x += rnd.Int64N(4 * 3600)
			case 2:
				x -= rnd.Int64N(3 * 3600)
			default:
				x += rnd.Int64N(200 * day)
			}
			if got, want := z.civil(x), civilOf(time.Unix(x, 0), loc); got != want {
				t.Fatalf("%s: civil(%d) = %d, want %d", name, x, got, want)
			}
			c := x + rnd.Int64N(2*span) - span
			if got, want := z.resolve(c), resolve(c, loc); got != want {
				t.Fatalf("%s: resolve(%s) = %d, want %d", name, wallOfCivil(c), got, want)
			}
		}
	}
}

// TestLayoutWeekMatchesEach: where a zone keeps one offset, laying a block
// out from the weekly union gives the same windows as resolving every
// occurrence.
func TestLayoutWeekMatchesEach(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(9, 9))}
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Santiago"}
	first := floorDiv(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), blockLen)
	checked := 0
	for range 3000 {
		loc := mustZone(t, zones[g.r.IntN(len(zones))])
		w := newWindows(g.windows())
		i := first + g.r.Int64N(52*10)
		z := newZone(loc)
		var fast, each block
		fast.start, fast.end = i*blockLen, (i+1)*blockLen
		each.start, each.end = fast.start, fast.end
		if off := z.offset(fast.start - 5*day); z.hi <= fast.end+5*day {
			continue
		} else {
			w.layoutWeek(off, &fast)
		}
		w.layoutEach(&z, &each)
		if a, b := clip(fast), clip(each); !slices.Equal(a, b) {
			t.Fatalf("block %d in %s: from the week %v, one by one %v", i, loc, a, b)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d blocks had one offset throughout", checked)
	}
}

// clip returns b's spans within [b.start, b.end).
func clip(b block) []ival {
	var out []ival
	for _, s := range b.spans {
		if s.to > b.start && s.from < b.end {
			out = append(out, ival{max(s.from, b.start), min(s.to, b.end)})
		}
	}
	return out
}
