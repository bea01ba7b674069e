package schema

import (
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	sevs := []string{"SEV1", "SEV2", "SEV3", "SEV4"}
	tests := []struct {
		s          string
		candidates []string
		want       string
	}{
		{"serach", []string{"website", "api", "search"}, "search"},
		{"sev2", sevs, "SEV2"}, // case does not count
		{"SEV9", sevs, ""},     // SEV1…SEV4 are all one edit away: no guess
		{"SEV", sevs, ""},      // a prefix of all of them
		{"titel", []string{"title", "severity", "component"}, "title"},
		{"xyz", []string{"title"}, ""},                // nothing close
		{"cta", []string{"ann", "bob", "cat"}, "cat"}, // a swap of two letters is one edit
		{"imco", []string{"imoc", "imoc-payments"}, "imoc"},
		{"2026-11-20-chekout-errors", []string{"2026-11-20-checkout-errors", "2026-11-21-checkout-errors"}, "2026-11-20-checkout-errors"},
		{"anything", nil, ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.s, tt.candidates); got != tt.want {
			t.Errorf("Suggest(%q, %v) = %q, want %q", tt.s, tt.candidates, got, tt.want)
		}
	}
}

func TestCancelledMaintenance(t *testing.T) {
	const maint = `---
title: Database upgrade
type: maintenance
status: cancelled
visibility: public
imoc: alice
owner: bob
components:
  - {id: api, impact: under_maintenance}
declared: 2026-01-05T10:00:00Z
scheduled: {from: 2026-01-10T06:00:00Z, until: 2026-01-10T08:00:00Z}
updates:
  - at: 2026-01-05T10:00:00Z
    status: scheduled
    message: We will upgrade the database.
  - at: 2026-01-08T10:00:00Z
    status: cancelled
    message: This maintenance is cancelled.
---
`
	const p = "incidents/2026/2026-01-10-database-upgrade/incident.md"
	for _, tt := range []struct {
		name, resolved string
		want           []found
	}{
		{"with resolved", "resolved: 2026-01-08T10:00:00Z\n", []found{}},
		{"without resolved", "", []found{{Error, p + ":4:9", "incident/resolved-mismatch"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testRepo()
			edit(t, fsys, p, "", maint[:len(maint)-4]+tt.resolved+"---\n")
			repo, ps := loadAll(t, fsys)
			if got := summarise(ps); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v\n%v", got, tt.want, ps)
			}
			if in := repo.Incident("2026-01-10-database-upgrade"); tt.resolved != "" && (in == nil || !in.IsResolved()) {
				t.Errorf("a cancelled maintenance has ended: IsResolved() = false")
			}
		})
	}
}
