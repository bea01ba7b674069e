package oncall

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const diffPeople = `people:
  - {handle: alice, name: Alice, time_zone: America/New_York, imoc: qualified}
  - {handle: bob, name: Bob, imoc: qualified}
  - {handle: carol, name: Carol, imoc: qualified}
  - {handle: dave, name: Dave, imoc: qualified}
`

// diffRotation is weekly, Monday 09:00 New York, from 5 January 2026:
// shift k goes to [alice, bob, carol][k mod 3]. Over March 2026 (UTC):
//
//	Mar  1 00:00 → Mar  2 14:00  bob    (shift 7)
//	Mar  2 14:00 → Mar  9 13:00  carol  (shift 8; clocks go forward on the 8th)
//	Mar  9 13:00 → Mar 16 13:00  alice  (shift 9)
//	Mar 16 13:00 → Mar 23 13:00  bob    (shift 10)
//	Mar 23 13:00 → Mar 30 13:00  carol  (shift 11)
//	Mar 30 13:00 → Mar 31 00:00  alice  (shift 12)
const diffRotation = `name: Weekly
time_zone: America/New_York
layers:
  - name: weekly
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice, bob, carol]}
`

// fmtDiff writes a diff as lines: "alice + Mar10 16:00 → Mar11 16:00",
// hours per person, then gaps and conflicts.
func fmtDiff(d Diff) []string {
	var out []string
	p := func(sign, h string, ps []Period) {
		for _, x := range ps {
			out = append(out, fmt.Sprintf("%s %s %s %s → %s", h, sign, x.Rotation, x.Start.UTC().Format("Jan02 15:04"), x.End.UTC().Format("Jan02 15:04")))
		}
	}
	for _, pd := range d.People {
		p("+", pd.Person, pd.Gained)
		p("-", pd.Person, pd.Lost)
		out = append(out, fmt.Sprintf("%s %v → %v", pd.Person, pd.Before, pd.After))
	}
	for _, g := range d.NewGaps {
		out = append(out, fmt.Sprintf("gap %s %s → %s", g.Rotation, g.Start.UTC().Format("Jan02 15:04"), g.End.UTC().Format("Jan02 15:04")))
	}
	for _, c := range d.NewConflicts {
		out = append(out, fmt.Sprintf("away %s %s %s → %s (entry %d, shift from %s)", c.Person, c.Rotation, c.OverlapStart.UTC().Format("Jan02 15:04"), c.OverlapEnd.UTC().Format("Jan02 15:04"), c.Away.Index, c.Start.UTC().Format("Jan02 15:04")))
	}
	return out
}

// TestCompare works through the diff of typical rota changes over March
// 2026, by hand from the schedule in diffRotation's comment.
func TestCompare(t *testing.T) {
	base := loadWith(t, diffPeople, map[string]string{"w": diffRotation})
	from, to := ts(t, "2026-03-01T00:00:00Z"), ts(t, "2026-03-31T00:00:00Z")
	unchangedHours := []string{"alice 179h0m0s → 179h0m0s", "bob 206h0m0s → 206h0m0s", "carol 335h0m0s → 335h0m0s"}
	tests := []struct {
		name           string
		people, rotate string
		want           []string
	}{
		{
			name:   "no effect",
			rotate: diffRotation + "# a comment, and an override for someone who is not on call then\noverrides:\n  - {kind: replace, user: dave, replaces: alice, from: 2026-03-03T00:00:00Z, until: 2026-03-04T00:00:00Z}\n",
			want:   unchangedHours,
		},
		{
			name:   "new override",
			rotate: diffRotation + "overrides:\n  - {kind: replace, user: dave, replaces: alice, from: 2026-03-10T12:00:00-04:00, until: 2026-03-11T12:00:00-04:00, reason: dentist}\n",
			want: []string{
				"alice - w Mar10 16:00 → Mar11 16:00", "alice 179h0m0s → 155h0m0s",
				"bob 206h0m0s → 206h0m0s", "carol 335h0m0s → 335h0m0s",
				"dave + w Mar10 16:00 → Mar11 16:00", "dave 0s → 24h0m0s",
			},
		},
		{
			// From the change at shift 10, [alice, bob, carol, dave] with
			// dave first: shift 10 dave, 11 alice, 12 bob.
			name:   "roster change",
			rotate: strings.Replace(diffRotation, "participants: [alice, bob, carol]}\n", "participants: [alice, bob, carol]}\n    changes:\n      - {from: 2026-03-16T09:00, participants: [alice, bob, carol, dave], first: dave}\n", 1),
			want: []string{
				"alice + w Mar23 13:00 → Mar30 13:00", "alice - w Mar30 13:00 → Mar31 00:00", "alice 179h0m0s → 336h0m0s",
				"bob + w Mar30 13:00 → Mar31 00:00", "bob - w Mar16 13:00 → Mar23 13:00", "bob 206h0m0s → 49h0m0s",
				"carol - w Mar23 13:00 → Mar30 13:00", "carol 335h0m0s → 167h0m0s",
				"dave + w Mar16 13:00 → Mar23 13:00", "dave 0s → 168h0m0s",
			},
		},
		{
			// Handoffs at 12:00 instead of 09:00: each incoming holder
			// gets three hours less, the outgoing one three more.
			name:   "changed anchor",
			rotate: strings.Replace(diffRotation, "anchor: 2026-01-05T09:00", "anchor: 2026-01-05T12:00", 1),
			want: []string{
				"alice + w Mar16 13:00 → Mar16 16:00", "alice - w Mar09 13:00 → Mar09 16:00", "alice - w Mar30 13:00 → Mar30 16:00", "alice 179h0m0s → 176h0m0s",
				"bob + w Mar02 14:00 → Mar02 17:00", "bob + w Mar23 13:00 → Mar23 16:00", "bob - w Mar16 13:00 → Mar16 16:00", "bob 206h0m0s → 209h0m0s",
				"carol + w Mar09 13:00 → Mar09 16:00", "carol + w Mar30 13:00 → Mar30 16:00", "carol - w Mar02 14:00 → Mar02 17:00", "carol - w Mar23 13:00 → Mar23 16:00", "carol 335h0m0s → 335h0m0s",
			},
		},
		{
			name:   "new gap",
			rotate: diffRotation + "overrides:\n  - {kind: remove, user: bob, from: 2026-03-20T00:00:00Z, until: 2026-03-21T00:00:00Z}\n",
			want: []string{
				"alice 179h0m0s → 179h0m0s",
				"bob - w Mar20 00:00 → Mar21 00:00", "bob 206h0m0s → 182h0m0s",
				"carol 335h0m0s → 335h0m0s",
				"gap w Mar20 00:00 → Mar21 00:00",
			},
		},
		{
			// Time away added in people.yaml: alice's week of 9 March now
			// overlaps it (from midnight in New York, 04:00Z after the
			// clocks went forward).
			name:   "new time away",
			people: strings.Replace(diffPeople, "{handle: alice, name: Alice, time_zone: America/New_York, imoc: qualified}", "{handle: alice, name: Alice, time_zone: America/New_York, imoc: qualified, away: [{from: 2026-03-12, until: 2026-03-20}]}", 1),
			want:   append(slices.Clone(unchangedHours), "away alice w Mar12 04:00 → Mar16 13:00 (entry 0, shift from Mar09 13:00)"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			people := tt.people
			if people == "" {
				people = diffPeople
			}
			rot := tt.rotate
			if rot == "" {
				rot = diffRotation
			}
			after := loadWith(t, people, map[string]string{"w": rot})
			got := fmtDiff(Compare(base, after, from, to))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Compared with itself, nothing changes.
			for _, pd := range Compare(after, after, from, to).People {
				if pd.Changed() || pd.Before != pd.After {
					t.Errorf("self-diff: %+v", pd)
				}
			}
		})
	}
}

// A rotation added or removed counts as nobody on call on the other side.
func TestCompareAddedAndRemoved(t *testing.T) {
	none := loadWith(t, diffPeople, nil)
	one := loadWith(t, diffPeople, map[string]string{"w": diffRotation})
	from, to := ts(t, "2026-03-16T13:00:00Z"), ts(t, "2026-03-17T13:00:00Z")
	got := fmtDiff(Compare(none, one, from, to))
	if diff := cmp.Diff([]string{"bob + w Mar16 13:00 → Mar17 13:00", "bob 0s → 24h0m0s"}, got); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	got = fmtDiff(Compare(one, none, from, to))
	if diff := cmp.Diff([]string{"bob - w Mar16 13:00 → Mar17 13:00", "bob 24h0m0s → 0s"}, got); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
}
