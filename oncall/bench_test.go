package oncall

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

// benchRotation is a realistic follow-the-sun rotation: a weekly catch-all
// under three regional business-hours layers, a roster change, holidays, an
// override and a shadow.
const benchRotation = `name: Global IMOC
time_zone: UTC
layers:
  - name: catch-all
    rotation: {anchor: 2016-01-04T09:00, every: 1w, participants: [alice, bob, carol, dave, erin, frank]}
  - name: apac
    time_zone: Asia/Kolkata
    rotation: {anchor: 2016-01-04T09:00, every: 1w, participants: [priya, alice]}
    active: [{days: [MO, TU, WE, TH, FR], from: "06:00", to: "14:00"}]
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2016-01-04T09:00, every: 1w, participants: [sofia, bob]}
    changes:
      - {from: 2025-09-01T09:00, participants: [sofia, bob, carol], first: carol}
    active: [{days: [MO, TU, WE, TH, FR], from: "08:00", to: "16:00"}]
    exclude: [2026-12-24, 2026-12-25]
  - name: americas
    time_zone: America/New_York
    rotation: {anchor: 2016-01-04T09:00, every: 1d, handoff_days: [MO, TU, WE, TH, FR], participants: [marcus, dave, erin]}
    active: [{days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}]
    exclude: [2026-11-26]
overrides:
  - {kind: replace, user: bob, replaces: sofia, from: 2026-04-06T09:00:00+02:00, until: 2026-04-13T09:00:00+02:00}
shadows:
  - {user: tara, with: imoc, from: 2026-01-01T00:00:00Z, until: 2026-06-01T00:00:00Z}
`

// BenchmarkAt answers for a rotation anchored ten years before the instant.
func BenchmarkAt(b *testing.B) {
	r := loadRotation(b, `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2016-03-07T09:00, every: 1w, participants: [alice, bob, carol, dave]}
`)
	t := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		At(r, t)
	}
}

// BenchmarkAtRecentAnchor is BenchmarkAt with an anchor one week back: the
// two must cost the same.
func BenchmarkAtRecentAnchor(b *testing.B) {
	r := loadRotation(b, `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2026-03-02T09:00, every: 1w, participants: [alice, bob, carol, dave]}
`)
	t := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		At(r, t)
	}
}

// BenchmarkAtFollowTheSun answers for the realistic rotation.
func BenchmarkAtFollowTheSun(b *testing.B) {
	r := loadRotation(b, benchRotation)
	t := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		At(r, t)
	}
}

// BenchmarkScheduleYear computes a year of the realistic rotation.
func BenchmarkScheduleYear(b *testing.B) {
	r := loadRotation(b, benchRotation)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 365)
	for b.Loop() {
		Schedule(r, from, to)
	}
}

// BenchmarkNextChange looks for the next handoff.
func BenchmarkNextChange(b *testing.B) {
	r := loadRotation(b, benchRotation)
	t := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		NextChange(r, t)
	}
}

// BenchmarkScheduleExampleYear is `baton schedule --days 365` for every
// rotation of the example organisation at the repository root (loading
// excluded).
func BenchmarkScheduleExampleYear(b *testing.B) {
	root, err := os.OpenRoot("..")
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	repo, _ := schema.Load(b.Context(), root.FS())
	if len(repo.Rotations) == 0 {
		b.Fatal("the example organisation has no rotations")
	}
	from := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 365)
	for b.Loop() {
		for _, r := range repo.Rotations {
			Schedule(r, from, to)
		}
	}
}

// BenchmarkNextChangeUnderAssign: 20 hourly layers under a ten-year assign
// override. NextChange must cross the override in one step rather than
// visit every hourly handoff of every layer.
func BenchmarkNextChangeUnderAssign(b *testing.B) {
	y := "name: T\ntime_zone: UTC\nlayers:\n"
	for i := range 20 {
		y += fmt.Sprintf("  - {name: l%d, rotation: {anchor: 2025-01-06T%02d:00, every: 1h, participants: [alice, bob]}}\n", i, i)
	}
	y += "overrides:\n  - {kind: assign, user: carol, from: 2025-01-01T00:00:00Z, until: 2035-01-01T00:00:00Z}\n"
	r := loadRotation(b, y)
	t := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, _, ok := NextChange(r, t); ok {
			b.Fatal("the assign override lasts past the horizon: nothing should change")
		}
	}
}

// BenchmarkPersonCalendarsExample is what an internal build of the example
// organisation spends on personal calendars: one 12-month PersonCalendar
// per qualified IMOC.
func BenchmarkPersonCalendarsExample(b *testing.B) {
	root, err := os.OpenRoot("..")
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	repo, _ := schema.Load(b.Context(), root.FS())
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		n := 0
		for _, p := range repo.People {
			if p.Qualified() {
				n += len(PersonCalendar(repo, p.Handle, now).Events)
			}
		}
		b.ReportMetric(float64(n), "events")
	}
}

// BenchmarkCompareExample compares the example organisation with itself
// over 90 days, as `baton schedule diff` and ping on a rota pull request
// do (the schedules of both sides, the walk, the time away).
func BenchmarkCompareExample(b *testing.B) {
	root, err := os.OpenRoot("..")
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	repo, _ := schema.Load(b.Context(), root.FS())
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		Compare(repo, repo, now, now.AddDate(0, 0, 90))
	}
}
