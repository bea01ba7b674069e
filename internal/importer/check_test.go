package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestNormalizeUnion: overlapping entries put everyone on call together;
// neighbours with the same people merge; empty entries go.
func TestNormalizeUnion(t *testing.T) {
	got := Normalize([]Entry{
		{Start: at("2026-03-02T10:00:00Z"), End: at("2026-03-02T14:00:00Z"), Users: []string{"bob"}},
		{Start: at("2026-03-02T08:00:00Z"), End: at("2026-03-02T12:00:00Z"), Users: []string{"ana"}},
		{Start: at("2026-03-02T14:00:00Z"), End: at("2026-03-02T15:00:00Z"), Users: []string{"bob"}},
		{Start: at("2026-03-02T15:00:00Z"), End: at("2026-03-02T16:00:00Z")},
		{Start: at("2026-03-02T16:00:00Z"), End: at("2026-03-02T17:00:00Z"), Users: []string{"cy", "ana", "cy"}},
	})
	var s []string
	for _, e := range got {
		s = append(s, e.String())
	}
	want := "ana from 2026-03-02T08:00:00Z to 2026-03-02T10:00:00Z; " +
		"ana, bob from 2026-03-02T10:00:00Z to 2026-03-02T12:00:00Z; " +
		"bob from 2026-03-02T12:00:00Z to 2026-03-02T15:00:00Z; " +
		"ana, cy from 2026-03-02T16:00:00Z to 2026-03-02T17:00:00Z"
	if strings.Join(s, "; ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(s, "; "), want)
	}
}

func rotation(t *testing.T, yaml string) *schema.Rotation {
	t.Helper()
	r, ps := schema.ParseRotation("rotations/x.yaml", []byte(yaml))
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	return r
}

// TestExclusive: layers that take turns (here: days and nights) are
// exclusive; layers that overlap with different people are not, and the
// first overlap is named, even when it comes only after the rendering
// window (a late roster change).
func TestExclusive(t *testing.T) {
	base := `name: X
time_zone: Europe/Berlin
layers:
  - name: days
    rotation: {anchor: 2026-03-02T08:00, every: 1d, participants: [ana, bob]}
    active: [{from: "08:00", to: "20:00"}]
  - name: nights
    rotation: {anchor: 2026-03-02T20:00, every: 1w, participants: [cy, dee, eve]}
    active: [{from: "20:00", to: "08:00"}]
`
	r := rotation(t, base)
	if msg, err := Exclusive(r, []int{0, 1}, at("2026-04-01T00:00:00Z")); msg != "" || err != nil {
		t.Errorf("days and nights: %q %v", msg, err)
	}
	late := rotation(t, base+`  - name: evening
    rotation: {anchor: 2027-01-04T19:00, every: 1d, participants: [zed]}
    active: [{from: "19:00", to: "21:00"}]
`)
	msg, err := Exclusive(late, []int{0, 1, 2}, at("2026-04-01T00:00:00Z"))
	if err != nil || !strings.Contains(msg, `in "days" and zed in "evening" at the same time, from 2027-01-04T18:00:00Z to 2027-01-04T19:00:00Z`) {
		t.Errorf("late change: %q %v", msg, err)
	}
	// The same person in both layers is no conflict.
	same := rotation(t, strings.Replace(base, "[cy, dee, eve]}\n    active: [{from: \"20:00\", to: \"08:00\"}]", "[ana]}", 1)+"")
	same.Layers[0].Rotation.Participants = []string{"ana"}
	if msg, err := Exclusive(same, []int{0, 1}, at("2026-04-01T00:00:00Z")); msg != "" || err != nil {
		t.Errorf("same person: %q %v", msg, err)
	}
	// One layer alone is always exclusive.
	if msg, err := Exclusive(late, []int{1}, at("2026-04-01T00:00:00Z")); msg != "" || err != nil {
		t.Errorf("one layer: %q %v", msg, err)
	}
}

func TestSpan(t *testing.T) {
	for yaml, want := range map[string]string{
		"rotation: {anchor: 2026-03-02T08:00, every: 1d, participants: [a, b, c]}":                          "504h0m0s", // lcm(3 d, 7 d)
		"rotation: {anchor: 2026-03-02T08:00, every: 8h, participants: [a, b, c]}":                          "168h0m0s",
		"rotation: {anchor: 2026-03-02T08:00, every: 1d, handoff_days: [MO, WE, FR], participants: [a, b]}": "336h0m0s",
		"rotation: {anchor: 2026-03-02T08:00, every: 1mo, participants: [a]}":                               "error: months differ in length",
		"rotation: {anchor: 2026-03-02T08:00, every: 1w, participants: [a, b, c, d, e, f, g, h, i, j, k, l, m]}\n    changes: [{from: 2026-04-06T08:00, participants: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]}]": "error: repeat only every 1547 days",
	} {
		r := rotation(t, "name: X\ntime_zone: UTC\nlayers:\n  - name: l\n    "+yaml+"\n")
		span, err := Span(r, []int{0})
		got := fmt.Sprint(span)
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, want) && !(strings.HasPrefix(want, "error: ") && strings.Contains(got, strings.TrimPrefix(want, "error: "))) {
			t.Errorf("%s: %s, want %s", yaml, got, want)
		}
	}
}

// TestRanges: the exclusivity check looks one span after each date that
// changes the pattern, or up to the next such date; an anchor centuries
// before the others does not make it walk the centuries between.
func TestRanges(t *testing.T) {
	week := 7 * 24 * time.Hour
	got := ranges([]time.Time{at("2026-03-09T00:00:00Z"), at("1926-03-02T00:00:00Z"), at("2026-03-02T00:00:00Z"), at("2026-03-09T00:00:00Z")}, week)
	var s []string
	for _, r := range got {
		s = append(s, r[0].Format(time.DateOnly)+"→"+r[1].Format(time.DateOnly))
	}
	if want := "1926-03-02→1926-03-09 2026-03-02→2026-03-09 2026-03-09→2026-03-16"; strings.Join(s, " ") != want {
		t.Errorf("ranges: %s, want %s", strings.Join(s, " "), want)
	}
}

// TestCompareBoundsTheWindow: a rendering window from a file can be
// anything; Compare refuses to render more than two years rather than
// spend minutes and gigabytes on a crafted one.
func TestCompareBoundsTheWindow(t *testing.T) {
	r := rotation(t, "name: X\ntime_zone: UTC\nlayers:\n  - name: l\n    rotation: {anchor: 2026-03-02T08:00, every: 1w, participants: [a]}\n")
	got := Compare(r, at("2026-03-02T00:00:00Z"), at("3026-03-02T00:00:00Z"), nil)
	if want := "the vendor's rendering runs from 2026-03-02T00:00:00Z to 3026-03-02T00:00:00Z, more than two years; Baton compares at most two years"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
