package oncall

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

// Large rotations, generated: the figures of the benchmarks below and the
// repository that TestWriteScaleRepo writes for timing the CLI.

var (
	scaleRepo   = flag.String("oncall.scale-repo", "", "TestWriteScaleRepo writes a repository with a large rotation into `DIR`")
	scaleShape  = flag.String("oncall.scale-shape", "perday", "shape of TestWriteScaleRepo's rotation: perday, overlap, overnight or layers")
	scaleWindow = flag.Int("oncall.scale-windows", 2880, "active windows in TestWriteScaleRepo's rotation")
)

var scaleDays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

func hhmm(m int) string {
	m = ((m % 1440) + 1440) % 1440
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// scaleRotation returns a rotation file with n active windows (plus a
// catch-all layer without windows, so that it has no gap) in one of these
// shapes:
//
//   - perday: one layer; each window is on one weekday, at distinct hours,
//     and no two windows overlap.
//   - overlap: one layer with a single participant; every window is on
//     every day, three hours long, starting a few minutes after the previous
//     one, so that they cover the week and the IMOC never changes (the worst
//     case of NextChange, which then looks five years ahead).
//   - overnight: one layer; each window is on one weekday and crosses
//     midnight, overlapping its neighbours.
//   - layers: n/24 layers (at least one) of 24 windows each, in three zones.
func scaleRotation(shape string, n int) string {
	var b strings.Builder
	b.WriteString("name: Scale\ntime_zone: America/New_York\nlayers:\n")
	b.WriteString("  - name: catch-all\n    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob, carol]}\n")
	layer := func(name, zone, people string) {
		fmt.Fprintf(&b, "  - name: %s\n", name)
		if zone != "" {
			fmt.Fprintf(&b, "    time_zone: %s\n", zone)
		}
		fmt.Fprintf(&b, "    rotation: {anchor: 2025-01-06T09:00, every: 1d, participants: [%s]}\n    active:\n", people)
	}
	perDay := (n + 6) / 7
	switch shape {
	case "perday":
		layer("windows", "", "dave, erin, frank")
		step := max(2, 1440/perDay)
		for i := range n {
			from := (i / 7) * step % 1440
			fmt.Fprintf(&b, "      - {days: [%s], from: %q, to: %q}\n", scaleDays[i%7], hhmm(from), hhmm(from+step/2))
		}
	case "overlap":
		layer("windows", "", "dave")
		for i := range n {
			from := i * 7
			fmt.Fprintf(&b, "      - {from: %q, to: %q}\n", hhmm(from), hhmm(from+180))
		}
	case "overnight":
		layer("windows", "", "dave, erin, frank")
		for i := range n {
			from := 18*60 + (i/7)*3%(6*60)
			fmt.Fprintf(&b, "      - {days: [%s], from: %q, to: %q}\n", scaleDays[i%7], hhmm(from), hhmm(from+9*60))
		}
	case "layers":
		zones := []string{"America/New_York", "Europe/Berlin", "Australia/Sydney"}
		for l := range max(1, n/24) {
			layer(fmt.Sprint("l", l), zones[l%len(zones)], "dave, erin, frank")
			for i := range 24 {
				from := i*60 + l%60
				fmt.Fprintf(&b, "      - {days: [%s], from: %q, to: %q}\n", scaleDays[(i+l)%7], hhmm(from), hhmm(from+50))
			}
		}
	case "limits", "limits-churn":
		return limitsRotation(shape == "limits")
	default:
		panic("unknown shape " + shape)
	}
	return b.String()
}

// limitsRotation returns a rotation at every size limit of package schema,
// written to make the arithmetic work as hard as it can: as many layers as
// allowed, hourly handoffs, the longest participants lists, as many windows
// as allowed (one minute each, on every day, so that layers keep falling
// through to the ones below), roster changes, an excluded day every other
// day, and as many overrides and shadows as allowed, nested so that
// thousands are in effect at once and each of their edges changes which. With constant, everyone is alice (the final IMOC never changes, so
// NextChange looks five years ahead); otherwise the holders alternate
// (the schedule changes as often as it can).
func limitsRotation(constant bool) string {
	var b strings.Builder
	people := func(n int) string {
		hs := make([]string, n)
		for i := range hs {
			hs[i] = "alice"
			if !constant && i%2 == 1 {
				hs[i] = "bob"
			}
		}
		return strings.Join(hs, ", ")
	}
	list := people(schema.MaxRotationParticipants)
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe"}
	b.WriteString("name: Limits\ntime_zone: America/New_York\nlayers:\n")
	fmt.Fprintf(&b, "  - name: catch-all\n    rotation: {anchor: 2025-01-06T09:00, every: 1h, participants: [%s]}\n", list)
	windows := 0
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for l := 1; l < schema.MaxRotationLayers; l++ {
		fmt.Fprintf(&b, "  - name: l%d\n    time_zone: %s\n", l, zones[l%len(zones)])
		fmt.Fprintf(&b, "    rotation: {anchor: 2025-01-06T00:%02d, every: 1h, participants: [%s]}\n", l, list)
		if l <= 3 {
			b.WriteString("    changes:\n")
			for c := range 3 {
				fmt.Fprintf(&b, "      - {from: 2026-0%d-01T00:00, participants: [%s]}\n", 3+c, list)
			}
		}
		b.WriteString("    active:\n")
		n := (schema.MaxRotationWindows - windows) / (schema.MaxRotationLayers - l)
		for range n {
			fmt.Fprintf(&b, "      - {from: %q, to: %q}\n", hhmm(2*windows), hhmm(2*windows+1))
			windows++
		}
		if l <= 6 {
			b.WriteString("    exclude: [")
			for d := range schema.MaxRotationExcludes {
				if d > 0 {
					b.WriteString(", ")
				}
				b.WriteString(day0.AddDate(0, 0, 2*d+l%2).Format("2006-01-02"))
			}
			b.WriteString("]\n")
		}
	}
	// Overrides and shadows nest: the i-th starts i hours after now and
	// ends i hours before a year is out, so that each of their edges
	// starts a stretch with a different set of them in effect.
	nested := func(i int) (string, string) {
		from := scaleNow.Add(time.Duration(i+1) * time.Hour)
		return from.Format(time.RFC3339), scaleNow.AddDate(1, 0, 0).Add(-time.Duration(i+1) * time.Hour).Format(time.RFC3339)
	}
	user := "alice"
	if !constant {
		user = "carol"
	}
	b.WriteString("overrides:\n")
	for i := range schema.MaxRotationOverrides {
		from, until := nested(i)
		fmt.Fprintf(&b, "  - {kind: add, user: %s, from: %s, until: %s}\n", user, from, until)
	}
	b.WriteString("shadows:\n")
	for i := range schema.MaxRotationShadows {
		from, until := nested(schema.MaxRotationOverrides + i)
		fmt.Fprintf(&b, "  - {user: tara, with: imoc, from: %s, until: %s}\n", from, until)
	}
	return b.String()
}

// scaleShapes are the shapes and sizes the benchmarks run.
var scaleShapes = []struct {
	shape string
	n     int
}{
	{"perday", 96}, {"perday", 696}, {"perday", 2880},
	{"overlap", 696}, {"overnight", 696}, {"layers", 696},
}

var scaleNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) // a week before the US clock change

func benchScale(b *testing.B, fn func(b *testing.B, r *schema.Rotation)) {
	for _, s := range scaleShapes {
		b.Run(fmt.Sprintf("%s-%d", s.shape, s.n), func(b *testing.B) {
			fn(b, loadRepoAllowing(b, map[string]string{"r": scaleRotation(s.shape, s.n)}, map[string]bool{"r": true}).Rotation("r"))
		})
	}
}

// BenchmarkScaleAt is At on large rotations.
func BenchmarkScaleAt(b *testing.B) {
	benchScale(b, func(b *testing.B, r *schema.Rotation) {
		for b.Loop() {
			at(r, scaleNow)
		}
	})
}

// BenchmarkScaleNextChange is NextChange on large rotations.
func BenchmarkScaleNextChange(b *testing.B) {
	benchScale(b, func(b *testing.B, r *schema.Rotation) {
		for b.Loop() {
			nextChange(r, scaleNow)
		}
	})
}

// BenchmarkScaleScheduleYear is a 365-day Schedule of large rotations.
func BenchmarkScaleScheduleYear(b *testing.B) {
	benchScale(b, func(b *testing.B, r *schema.Rotation) {
		for b.Loop() {
			schedule(r, scaleNow, scaleNow.AddDate(0, 0, 365))
		}
	})
}

// BenchmarkScaleCheck is the arithmetic part of validate (the 90-day gap
// check) on large rotations.
func BenchmarkScaleCheck(b *testing.B) {
	benchScale(b, func(b *testing.B, r *schema.Rotation) {
		for b.Loop() {
			checkRotation(&schema.Repo{}, r, scaleNow, scaleNow.Add(GapHorizon), nil)
		}
	})
}

// TestWriteScaleRepo writes a repository with one large rotation, for
// timing the CLI on it:
//
//	go test ./oncall -run TestWriteScaleRepo -oncall.scale-repo /tmp/scale -oncall.scale-windows 2880
//	go run ./cmd/baton --repo /tmp/scale --now 2026-03-02T12:00:00Z validate
func TestWriteScaleRepo(t *testing.T) {
	if *scaleRepo == "" {
		t.Skip("set -oncall.scale-repo DIR to write the repository")
	}
	files := map[string]string{
		"people.yaml": testPeople,
		"baton.yaml": "site: {title: T, base_url: https://t.example/, time_zone: UTC}\n" +
			"github: {repo: t/t}\ncomponents:\n  - {id: api, name: API, tier: 1}\n",
		"rotations/scale.yaml": scaleRotation(*scaleShape, *scaleWindow),
	}
	for name, data := range files {
		p := filepath.Join(*scaleRepo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %s (%d bytes of rotation)", *scaleRepo, len(files["rotations/scale.yaml"]))
}

// loadLimits loads limitsRotation through the real loader: it must be
// within the limits, and under the file size limit.
func loadLimits(t testing.TB, constant bool) *schema.Rotation {
	t.Helper()
	y := limitsRotation(constant)
	if len(y) > schema.MaxFileSize {
		t.Fatalf("the rotation at the limits is %d bytes, over the file size limit", len(y))
	}
	return loadRotation(t, y)
}

func reportWork(b *testing.B, w work) {
	b.ReportMetric(float64(w.steps), "steps/op")
	b.ReportMetric(float64(w.layerEvals), "layer-evals/op")
	b.ReportMetric(float64(w.spans), "spans/op")
	b.ReportMetric(float64(w.folds), "folds/op")
}

// BenchmarkLimits times the functions on the rotations at the size limits
// (the most work a valid rotation file can ask for), with the work done.
func BenchmarkLimits(b *testing.B) {
	for _, constant := range []bool{true, false} {
		name := "churn"
		if constant {
			name = "constant"
		}
		r := loadLimits(b, constant)
		b.Run("At/"+name, func(b *testing.B) {
			for b.Loop() {
				At(r, scaleNow)
			}
		})
		b.Run("NextChange/"+name, func(b *testing.B) {
			var w work
			for b.Loop() {
				e := newEngine(r)
				e.nextChange(scaleNow)
				w = e.work
			}
			reportWork(b, w)
		})
		b.Run("Schedule365/"+name, func(b *testing.B) {
			var w work
			n := 0
			for b.Loop() {
				e := newEngine(r)
				n = len(e.schedule(scaleNow, scaleNow.AddDate(0, 0, 365)))
				w = e.work
			}
			reportWork(b, w)
			b.ReportMetric(float64(n), "intervals/op")
		})
		b.Run("Check/"+name, func(b *testing.B) {
			for b.Loop() {
				checkRotation(&schema.Repo{}, r, scaleNow, scaleNow.Add(GapHorizon), nil)
			}
		})
	}
}
