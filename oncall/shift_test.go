package oncall

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ftsRotation follows the sun: frank holds nights and weekends, the EMEA
// layer (Berlin, alice and bob in turn) weekdays 09:00–17:00, and the
// Americas layer (New York, carol and erin) weekdays 09:00–17:00, which
// wins the overlap. All three hand over on Mondays at 09:00 local.
const ftsRotation = `name: Follow the sun
time_zone: UTC
layers:
  - name: catch-all
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [frank]}
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice, bob]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
  - name: americas
    time_zone: America/New_York
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [carol, erin]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
`

// TestPlanSwapFollowTheSun swaps two weekly shifts in different zones, by
// hand: the week of 2 March 2026 is shift 8 of both regional layers, so
// alice (EMEA, 8 mod 2 = 0) and carol (Americas) hold it. In UTC, alice's
// shift gives her 08:00–14:00 each weekday (09:00 Berlin, until New York
// opens at 09:00 EST = 14:00Z) and carol's gives her 14:00–22:00. The swap
// is ten replace overrides: carol for alice over alice's five mornings,
// then alice for carol over carol's five afternoons, each in the zone of
// its layer.
func TestPlanSwapFollowTheSun(t *testing.T) {
	repo := loadRepo(t, map[string]string{"fts": ftsRotation})
	r := repo.Rotation("fts")
	p, err := PlanSwap(r, "alice", "carol", ts(t, "2026-03-04T12:00:00Z"), "swap")
	if err != nil {
		t.Fatal(err)
	}
	if p.A.Name != "emea" || p.A.K != 8 || utc(p.A.Start) != "2026-03-02T08:00:00Z" || p.B.Name != "americas" || p.B.K != 8 || utc(p.B.End) != "2026-03-09T13:00:00Z" {
		t.Errorf("shifts %+v %+v", p.A, p.B)
	}
	var got []string
	for _, o := range p.Overrides {
		got = append(got, fmt.Sprintf("%s %s/%s %s %s", o.Kind, o.User, o.Replaces, o.From.Format(time.RFC3339), o.Until.Format(time.RFC3339)))
	}
	var want []string
	for d := 2; d <= 6; d++ {
		want = append(want, fmt.Sprintf("replace carol/alice 2026-03-%02dT09:00:00+01:00 2026-03-%02dT15:00:00+01:00", d, d))
	}
	for d := 2; d <= 6; d++ {
		want = append(want, fmt.Sprintf("replace alice/carol 2026-03-%02dT09:00:00-05:00 2026-03-%02dT17:00:00-05:00", d, d))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("overrides (-want +got):\n%s", diff)
	}

	// Applied, carol has the mornings and alice the afternoons of that
	// week; nothing else moves.
	var lines []string
	for _, o := range p.Overrides {
		lines = append(lines, fmt.Sprintf("  - {kind: replace, user: %s, replaces: %s, from: %s, until: %s, reason: swap}", o.User, o.Replaces, o.From.Format(time.RFC3339), o.Until.Format(time.RFC3339)))
	}
	after := loadRepo(t, map[string]string{"fts": ftsRotation + "overrides:\n" + strings.Join(lines, "\n") + "\n"})
	for at, who := range map[string]string{
		"2026-03-04T10:00:00Z": "carol", "2026-03-04T15:00:00Z": "alice", "2026-03-04T23:00:00Z": "frank",
		"2026-03-11T10:00:00Z": "bob", "2026-03-11T15:00:00Z": "erin",
	} {
		if st := At(after.Rotation("fts"), ts(t, at)); !cmp.Equal(st.IMOC, []string{who}) {
			t.Errorf("at %s: %v, want %s", at, st.IMOC, who)
		}
	}
	d := Compare(repo, after, ts(t, "2026-03-01T00:00:00Z"), ts(t, "2026-03-15T00:00:00Z"))
	var changed []string
	for _, pd := range d.Changed() {
		changed = append(changed, fmt.Sprintf("%s +%d -%d %v→%v", pd.Person, len(pd.Gained), len(pd.Lost), pd.Before, pd.After))
	}
	if diff := cmp.Diff([]string{"alice +5 -5 30h0m0s→40h0m0s", "carol +5 -5 40h0m0s→30h0m0s"}, changed); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}

	// The same swap asked again computes the same overrides (they do not
	// depend on the overrides already in the file).
	again, err := PlanSwap(after.Rotation("fts"), "alice", "carol", ts(t, "2026-03-04T12:00:00Z"), "swap")
	if err != nil || !cmp.Equal(again.Overrides, p.Overrides) {
		t.Errorf("again: %v %v", err, again.Overrides)
	}
}

// In a single weekly layer, the second person's shift is their next one
// after the first person's.
func TestPlanSwapNextWeek(t *testing.T) {
	r := loadRepo(t, map[string]string{"w": `name: W
time_zone: America/New_York
layers:
  - rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice, bob, carol]}
`}).Rotation("w")
	// 9 March (shift 9) is alice's; bob's next is shift 10, 16 March.
	p, err := PlanSwap(r, "alice", "bob", ts(t, "2026-03-10T00:00:00Z"), "swap")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range p.Overrides {
		got = append(got, fmt.Sprintf("%s/%s %s %s", o.User, o.Replaces, o.From.Format(time.RFC3339), o.Until.Format(time.RFC3339)))
	}
	want := []string{"bob/alice 2026-03-09T09:00:00-04:00 2026-03-16T09:00:00-04:00", "alice/bob 2026-03-16T09:00:00-04:00 2026-03-23T09:00:00-04:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, c := range []struct{ a, b, at, msg string }{
		{"alice", "alice", "2026-03-10T00:00:00Z", "a swap needs two different people"},
		{"bob", "alice", "2026-03-10T00:00:00Z", "bob holds no shift of w at 2026-03-10T00:00:00Z"},
		{"alice", "dave", "2026-03-10T00:00:00Z", "dave holds no shift of w at 2026-03-10T00:00:00Z, nor a later shift on layer \"layer 1\""},
	} {
		if _, err := PlanSwap(r, c.a, c.b, ts(t, c.at), ""); err == nil || err.Error() != c.msg {
			t.Errorf("%s %s: %v, want %s", c.a, c.b, err, c.msg)
		}
	}
}
