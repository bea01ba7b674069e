package oncall

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	repo := loadRepoAllowing(t, map[string]string{
		"dst": `name: DST
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-03-09T02:30, every: 1d, participants: [alice, bob]}
    changes:
      - {from: 2025-11-02T01:30, participants: [bob, alice]}
`,
		"business": `name: Business
time_zone: America/New_York
layers:
  - name: business
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob]}
    active: [{days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}]
`,
		"nobody": `name: Nobody
time_zone: UTC
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, nobody]}
`,
		"full": nyWeekly,
		// Broken rotations get their own errors from schema, and no gap
		// computed from a dropped layer or a fallback zone.
		"badzone": `name: Bad zone
time_zone: America/New_Yrok
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, nobody]}
`,
		"badevery": `name: Bad every
time_zone: UTC
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 0w, participants: [alice, bob]}
`,
	}, map[string]bool{"badzone": true, "badevery": true})
	for _, id := range []string{"badzone", "badevery"} {
		if r := repo.Rotation(id); r == nil || !r.HasErrors {
			t.Fatalf("rotation %s should be loaded and marked HasErrors", id)
		}
	}
	got := Check(repo, ts(t, "2025-01-08T15:00:00Z"))
	got.Sort()
	type row struct{ File, Code, Message string }
	var rows []row
	for _, p := range got {
		rows = append(rows, row{p.File, p.Code, p.Message})
		if p.Line < 2 || p.Hint == "" {
			t.Errorf("%s: want a precise position and a hint, got line %d hint %q", p, p.Line, p.Hint)
		}
	}
	want := []row{
		{"rotations/business.yaml", "rotation/gap", "nobody is IMOC from 2025-01-08 17:00 EST to 2025-01-09 09:00 EST (the first gap in the next 90 days)"},
		// The rotation starts in March: until then nobody is on.
		{"rotations/dst.yaml", "rotation/gap", "nobody is IMOC from 2025-01-08 10:00 EST to 2025-03-09 03:30 EDT (the first gap in the next 90 days)"},
		{"rotations/dst.yaml", "rotation/anchor-in-gap", "anchor 2025-03-09T02:30 does not exist in America/New_York: clocks jump from 02:00 to 03:00, so it is read as 2025-03-09 03:30 EDT"},
		{"rotations/dst.yaml", "rotation/anchor-ambiguous", "roster change from 2025-11-02T01:30 happens twice in America/New_York (clocks go back from 02:00 to 01:00); the first occurrence, 2025-11-02 01:30 EDT, is used"},
		{"rotations/nobody.yaml", "rotation/gap", "nobody is IMOC from 2025-01-13 09:00 UTC to 2025-01-20 09:00 UTC (the first gap in the next 90 days)"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}
