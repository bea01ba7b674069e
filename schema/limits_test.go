package schema

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestHardening05RotationLimits: a rotation at a size limit is valid; one
// item more is the error rotation/too-complex, at the list that is too
// long, and marks the rotation as not to be evaluated.
func TestHardening05RotationLimits(t *testing.T) {
	repeat := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	alices := func(n int) string { return strings.TrimSuffix(strings.Repeat("alice, ", n), ", ") }
	const head = "name: Big\ntime_zone: America/New_York\n"
	const layer = "  - name: main\n    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob]}\n"
	day0 := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		limit int
		file  func(n int) string
		where string // line:column of the problem
		msg   string
	}{
		{"layers", MaxRotationLayers, func(n int) string {
			return head + "layers:\n" + repeat(n, func(i int) string {
				return fmt.Sprintf("  - {name: l%d, rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice]}}\n", i)
			})
		}, "4:3", "the rotation has 51 layers, over the limit of 50"},
		{"windows", MaxRotationWindows, func(n int) string {
			// Spread over two layers: the limit is for the whole rotation.
			w := func(i int) string {
				return fmt.Sprintf("      - {days: [MO], from: \"%02d:%02d\", to: \"23:59\"}\n", i/60%24, i%60)
			}
			return head + "layers:\n" + layer + "    active:\n" + repeat(n/2, w) +
				strings.Replace(layer, "main", "second", 1) + "    active:\n" + repeat(n-n/2, w)
		}, "4:3", "the rotation has 501 active windows in all its layers, over the limit of 500"},
		{"participants", MaxRotationParticipants, func(n int) string {
			return head + "layers:\n  - name: main\n    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [" + alices(n) + "]}\n"
		}, "5:67", "this participants list has 1001 handles, over the limit of 1000"},
		{"change participants", MaxRotationParticipants, func(n int) string {
			return head + "layers:\n" + layer + "    changes:\n      - {from: 2025-02-03T09:00, participants: [" + alices(n) + "]}\n"
		}, "7:48", "this participants list has 1001 handles, over the limit of 1000"},
		{"changes", MaxRotationChanges, func(n int) string {
			return head + "layers:\n" + layer + "    changes:\n" + repeat(n, func(i int) string {
				return fmt.Sprintf("      - {from: %s, participants: [bob, alice]}\n", day0.Add(time.Duration(i)*time.Hour).Format("2006-01-02T15:04"))
			})
		}, "7:7", `layer "main" has 501 roster changes, over the limit of 500`},
		{"exclude", MaxRotationExcludes, func(n int) string {
			return head + "layers:\n" + layer + "    exclude: [" + strings.TrimSuffix(repeat(n, func(i int) string {
				return day0.AddDate(0, 0, i).Format("2006-01-02") + ", "
			}), ", ") + "]\n"
		}, "6:14", `layer "main" excludes 2001 days, over the limit of 2000`},
		{"overrides", MaxRotationOverrides, func(n int) string {
			return head + "layers:\n" + layer + "overrides:\n" + repeat(n, func(i int) string {
				return "  - {kind: add, user: bob, from: 2026-01-01T00:00:00Z, until: 2026-01-02T00:00:00Z}\n"
			})
		}, "7:3", "the rotation has 2001 overrides, over the limit of 2000"},
		{"shadows", MaxRotationShadows, func(n int) string {
			return head + "layers:\n" + layer + "shadows:\n" + repeat(n, func(i int) string {
				return "  - {user: tara, with: imoc, from: 2026-01-01T00:00:00Z, until: 2026-01-02T00:00:00Z}\n"
			})
		}, "7:3", "the rotation has 1001 shadows, over the limit of 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{tt.limit, tt.limit + 1} {
				fsys := testRepo()
				edit(t, fsys, rotPath, testRotation, tt.file(n))
				repo, ps := loadAll(t, fsys)
				var got []string
				for _, p := range ps {
					if p.File == rotPath {
						got = append(got, fmt.Sprintf("%s %d:%d %s %s", p.Level, p.Line, p.Column, p.Code, p.Message))
					}
				}
				var want []string
				if n > tt.limit {
					want = []string{fmt.Sprintf("%s %s rotation/too-complex %s: Baton does not work out who is on call from a rotation this large", Error, tt.where, tt.msg)}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%d: problems (-want +got):\n%s", n, diff)
				}
				rot := repo.Rotation("imoc")
				if rot.WithinLimits() != (n <= tt.limit) || rot.HasErrors != (n > tt.limit) {
					t.Errorf("%d: WithinLimits %v, HasErrors %v", n, rot.WithinLimits(), rot.HasErrors)
				}
			}
		})
	}
}
