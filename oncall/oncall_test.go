package oncall

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/schema"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestResolve(t *testing.T) {
	tests := []struct {
		zone, wall, want string
	}{
		// New York springs forward 2025-03-09 02:00 EST → 03:00 EDT.
		{"America/New_York", "2025-03-09T01:59", "2025-03-09T06:59:00Z"},
		{"America/New_York", "2025-03-09T02:00", "2025-03-09T07:00:00Z"}, // gap: 03:00 EDT
		{"America/New_York", "2025-03-09T02:30", "2025-03-09T07:30:00Z"}, // gap: 03:30 EDT
		{"America/New_York", "2025-03-09T03:00", "2025-03-09T07:00:00Z"},
		// New York falls back 2025-11-02 02:00 EDT → 01:00 EST.
		{"America/New_York", "2025-11-02T00:59", "2025-11-02T04:59:00Z"},
		{"America/New_York", "2025-11-02T01:00", "2025-11-02T05:00:00Z"}, // first occurrence (EDT)
		{"America/New_York", "2025-11-02T01:30", "2025-11-02T05:30:00Z"}, // first occurrence (EDT)
		{"America/New_York", "2025-11-02T02:00", "2025-11-02T07:00:00Z"},
		// Berlin: 2025-03-30 02:00 CET → 03:00 CEST; 2025-10-26 03:00 CEST → 02:00 CET.
		{"Europe/Berlin", "2025-03-30T02:30", "2025-03-30T01:30:00Z"},
		{"Europe/Berlin", "2025-10-26T02:30", "2025-10-26T00:30:00Z"},
		{"Europe/Berlin", "2025-10-26T03:00", "2025-10-26T02:00:00Z"},
		// Lord Howe moves by half an hour: 2025-04-06 02:00 → 01:30 and
		// 2025-10-05 02:00 → 02:30.
		{"Australia/Lord_Howe", "2025-04-06T01:45", "2025-04-05T14:45:00Z"}, // first occurrence (+11)
		{"Australia/Lord_Howe", "2025-04-06T02:00", "2025-04-05T15:30:00Z"},
		{"Australia/Lord_Howe", "2025-10-05T02:15", "2025-10-04T15:45:00Z"}, // gap: 02:45 +11
		{"Asia/Kolkata", "2025-03-09T02:30", "2025-03-08T21:00:00Z"},
		{"UTC", "2025-03-09T02:30", "2025-03-09T02:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.wall, func(t *testing.T) {
			w, err := time.Parse("2006-01-02T15:04", tt.wall)
			if err != nil {
				t.Fatal(err)
			}
			wc := schema.WallClock{Year: w.Year(), Month: w.Month(), Day: w.Day(), Hour: w.Hour(), Minute: w.Minute()}
			got := Resolve(wc, mustZone(t, tt.zone))
			if utc(got) != tt.want {
				t.Errorf("Resolve(%s, %s) = %s, want %s", tt.wall, tt.zone, utc(got), tt.want)
			}
			if got.Location().String() != tt.zone {
				t.Errorf("result is in %s, want %s", got.Location(), tt.zone)
			}
		})
	}
}

// TestResolveBruteForce checks Resolve against a scan of every minute of
// 2025 in zones with gaps and overlaps of an hour and of half an hour.
func TestResolveBruteForce(t *testing.T) {
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"} {
		loc := mustZone(t, zone)
		first := map[int64]int64{} // civil minute → first instant
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		// Every transition of these zones is on a multiple of 15 minutes.
		const step = 15 * 60
		for x := start; x < start+366*day; x += step {
			c := civilOf(time.Unix(x, 0), loc)
			if _, ok := first[c]; !ok {
				first[c] = x
			}
		}
		for c := start + day; c < start+364*day; c += step {
			want, ok := first[c]
			if !ok {
				// In a gap: the offset before the gap is that of the minute
				// before the gap starts.
				p := c - step
				for {
					if _, ok := first[p]; ok {
						break
					}
					p -= step
				}
				_, off := time.Unix(first[p], 0).In(loc).Zone()
				want = c - int64(off)
			}
			if got := resolve(c, loc); got != want {
				t.Fatalf("%s: resolve(%s) = %s, want %s", zone, wallOfCivil(c), time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
			}
		}
	}
}

type atCheck struct {
	at, imoc, shadows string // sets comma-separated, "-" for empty
	layer, shift      string // shift "start/end" in UTC; "" skips
}

type nextCheck struct{ at, want string } // want "RFC3339 set" or "none"

type schedCheck struct {
	from, to string
	want     []string // fmtInterval lines
}

const nyWeekly = `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob]}
`

var engineTests = []struct {
	name  string
	rot   string
	at    []atCheck
	next  []nextCheck
	sched []schedCheck
}{
	{
		name: "weekly Monday 09:00 across spring-forward is 167 h",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-03-03T09:00, every: 1w, participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-03-03T13:59:59Z", imoc: "-"},
			{at: "2025-03-09T12:00:00Z", imoc: "alice", layer: "main", shift: "2025-03-03T14:00:00Z/2025-03-10T13:00:00Z"},
			{at: "2025-03-10T12:59:59Z", imoc: "alice"},
			{at: "2025-03-10T13:00:00Z", imoc: "bob", layer: "main", shift: "2025-03-10T13:00:00Z/2025-03-17T13:00:00Z"},
		},
		next: []nextCheck{
			{"2025-03-03T13:00:00Z", "2025-03-03T14:00:00Z alice"},
			{"2025-03-05T00:00:00Z", "2025-03-10T13:00:00Z bob"},
		},
	},
	{
		name: "weekly Monday 09:00 across fall-back is 169 h",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-10-27T09:00, every: 1w, participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-11-01T00:00:00Z", imoc: "alice", layer: "main", shift: "2025-10-27T13:00:00Z/2025-11-03T14:00:00Z"},
			{at: "2025-11-03T13:59:59Z", imoc: "alice"},
			{at: "2025-11-03T14:00:00Z", imoc: "bob"},
		},
	},
	{
		name: "daily 02:30 on the New York spring-forward day is 03:30 EDT",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-03-07T02:30, every: 1d, participants: [alice, bob, carol]}
`,
		at: []atCheck{
			{at: "2025-03-09T07:29:59Z", imoc: "bob", shift: "2025-03-08T07:30:00Z/2025-03-09T07:30:00Z", layer: "main"},
			{at: "2025-03-09T07:30:00Z", imoc: "carol", shift: "2025-03-09T07:30:00Z/2025-03-10T06:30:00Z", layer: "main"},
		},
		next: []nextCheck{
			{"2025-03-09T00:00:00Z", "2025-03-09T07:30:00Z carol"},
			{"2025-03-09T07:30:00Z", "2025-03-10T06:30:00Z alice"},
		},
	},
	{
		name: "daily 01:30 on the fall-back day is the first 01:30",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-10-31T01:30, every: 1d, participants: [alice, bob, carol]}
`,
		at: []atCheck{
			{at: "2025-11-02T05:29:59Z", imoc: "bob"},
			{at: "2025-11-02T05:30:00Z", imoc: "carol", layer: "main", shift: "2025-11-02T05:30:00Z/2025-11-03T06:30:00Z"},
			{at: "2025-11-02T06:30:00Z", imoc: "carol"}, // the second 01:30
		},
		next: []nextCheck{{"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z alice"}},
	},
	{
		name: "12 h shifts across Berlin's spring-forward (11 h)",
		rot: `name: T
time_zone: Europe/Berlin
layers:
  - name: main
    rotation: {anchor: 2025-03-29T08:00, every: 12h, participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-03-30T05:59:59Z", imoc: "bob", layer: "main", shift: "2025-03-29T19:00:00Z/2025-03-30T06:00:00Z"},
			{at: "2025-03-30T06:00:00Z", imoc: "alice", layer: "main", shift: "2025-03-30T06:00:00Z/2025-03-30T18:00:00Z"},
		},
	},
	{
		name: "12 h shifts across Berlin's fall-back (13 h)",
		rot: `name: T
time_zone: Europe/Berlin
layers:
  - name: main
    rotation: {anchor: 2025-10-25T20:00, every: 12h, participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-10-26T06:59:59Z", imoc: "alice", layer: "main", shift: "2025-10-25T18:00:00Z/2025-10-26T07:00:00Z"},
			{at: "2025-10-26T07:00:00Z", imoc: "bob"},
		},
	},
	{
		name: "8 h shifts across Berlin's spring-forward (7 h)",
		rot: `name: T
time_zone: Europe/Berlin
layers:
  - name: main
    rotation: {anchor: 2025-03-29T22:00, every: 8h, participants: [alice, bob, carol]}
`,
		at: []atCheck{
			{at: "2025-03-30T03:59:59Z", imoc: "alice", layer: "main", shift: "2025-03-29T21:00:00Z/2025-03-30T04:00:00Z"},
			{at: "2025-03-30T04:00:00Z", imoc: "bob", layer: "main", shift: "2025-03-30T04:00:00Z/2025-03-30T12:00:00Z"},
		},
	},
	{
		name: "8 h shifts across Berlin's fall-back (9 h)",
		rot: `name: T
time_zone: Europe/Berlin
layers:
  - name: main
    rotation: {anchor: 2025-10-25T22:00, every: 8h, participants: [alice, bob, carol]}
`,
		at: []atCheck{
			{at: "2025-10-26T04:59:59Z", imoc: "alice", layer: "main", shift: "2025-10-25T20:00:00Z/2025-10-26T05:00:00Z"},
			{at: "2025-10-26T05:00:00Z", imoc: "bob"},
		},
	},
	{
		name: "hourly handoffs: the 02:00 handoff in the gap gives an empty shift",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-03-09T00:00, every: 1h, participants: [alice, bob, carol, dave]}
`,
		at: []atCheck{
			{at: "2025-03-09T06:59:59Z", imoc: "bob"},
			{at: "2025-03-09T07:00:00Z", imoc: "dave", shift: "2025-03-09T07:00:00Z/2025-03-09T08:00:00Z", layer: "main"},
		},
	},
	{
		name: "business hours over an after-hours fallback, a window across midnight, an excluded day",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: after-hours
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [dave, erin]}
  - name: business
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
      - {days: [FR], from: "22:00", to: "02:00"}
    exclude: [2025-01-09]
`,
		at: []atCheck{
			{at: "2025-01-08T15:00:00Z", imoc: "alice", layer: "business", shift: "2025-01-06T14:00:00Z/2025-01-13T14:00:00Z"},
			{at: "2025-01-08T23:00:00Z", imoc: "dave", layer: "after-hours"},
			{at: "2025-01-09T15:00:00Z", imoc: "dave"},
			{at: "2025-01-10T15:00:00Z", imoc: "alice"},
			{at: "2025-01-11T06:30:00Z", imoc: "alice"}, // Saturday 01:30, the Friday night window
			{at: "2025-01-11T07:00:00Z", imoc: "dave"},
		},
		next: []nextCheck{{"2025-01-08T15:00:00Z", "2025-01-08T22:00:00Z dave"}},
		sched: []schedCheck{{"2025-01-09T00:00:00Z", "2025-01-11T12:00:00Z", []string{
			"2025-01-09T00:00:00Z 2025-01-10T14:00:00Z dave",
			"2025-01-10T14:00:00Z 2025-01-10T22:00:00Z alice",
			"2025-01-10T22:00:00Z 2025-01-11T03:00:00Z dave",
			"2025-01-11T03:00:00Z 2025-01-11T07:00:00Z alice",
			"2025-01-11T07:00:00Z 2025-01-11T12:00:00Z dave",
		}}},
	},
	{
		name: "follow-the-sun: in July the drift leaves 23:00–00:00 UTC to the catch-all",
		rot: `name: T
time_zone: UTC
layers:
  - name: catch-all
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [frank]}
  - name: apac
    time_zone: Asia/Kolkata
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [priya]}
    active: [{from: "05:30", to: "13:30"}]
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [sofia]}
    active: [{from: "08:00", to: "16:00"}]
  - name: americas
    time_zone: America/New_York
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [marcus]}
    active: [{from: "09:00", to: "19:00"}]
`,
		sched: []schedCheck{
			{"2025-01-15T00:00:00Z", "2025-01-16T00:00:00Z", []string{
				"2025-01-15T00:00:00Z 2025-01-15T07:00:00Z priya",
				"2025-01-15T07:00:00Z 2025-01-15T14:00:00Z sofia",
				"2025-01-15T14:00:00Z 2025-01-16T00:00:00Z marcus",
			}},
			{"2025-07-15T00:00:00Z", "2025-07-16T00:00:00Z", []string{
				"2025-07-15T00:00:00Z 2025-07-15T06:00:00Z priya",
				"2025-07-15T06:00:00Z 2025-07-15T13:00:00Z sofia",
				"2025-07-15T13:00:00Z 2025-07-15T23:00:00Z marcus",
				"2025-07-15T23:00:00Z 2025-07-16T00:00:00Z frank",
			}},
		},
		at: []atCheck{{at: "2025-07-15T23:30:00Z", imoc: "frank", layer: "catch-all"}},
	},
	{
		name: "replace and assign spanning handoffs; shadows follow the IMOC and a person",
		rot: nyWeekly + `overrides:
  - {kind: replace, user: carol, replaces: alice, from: 2025-01-12T12:00:00-05:00, until: 2025-01-14T12:00:00-05:00, reason: swap}
  - {kind: assign, user: dave, from: 2025-01-19T12:00:00-05:00, until: 2025-01-21T12:00:00-05:00}
shadows:
  - {user: tara, with: imoc, from: 2025-01-12T00:00:00-05:00, until: 2025-01-14T00:00:00-05:00}
  - {user: uma, with: bob, from: 2025-01-01T00:00:00-05:00, until: 2025-03-01T00:00:00-05:00}
`,
		at: []atCheck{
			{at: "2025-01-12T18:00:00Z", imoc: "carol", shadows: "tara", layer: "main", shift: "2025-01-06T14:00:00Z/2025-01-13T14:00:00Z"},
			{at: "2025-01-13T15:00:00Z", imoc: "bob", shadows: "tara,uma"},
			{at: "2025-01-20T15:00:00Z", imoc: "dave", shadows: "-"},
		},
		next: []nextCheck{
			{"2025-01-12T05:00:00Z", "2025-01-12T17:00:00Z carol"},
			{"2025-01-19T18:00:00Z", "2025-01-21T17:00:00Z alice"},
		},
		sched: []schedCheck{{"2025-01-12T05:00:00Z", "2025-01-22T00:00:00Z", []string{
			"2025-01-12T05:00:00Z 2025-01-12T17:00:00Z alice +tara",
			"2025-01-12T17:00:00Z 2025-01-13T14:00:00Z carol +tara",
			"2025-01-13T14:00:00Z 2025-01-14T05:00:00Z bob +tara,uma",
			"2025-01-14T05:00:00Z 2025-01-19T17:00:00Z bob +uma",
			"2025-01-19T17:00:00Z 2025-01-21T17:00:00Z dave",
			"2025-01-21T17:00:00Z 2025-01-22T00:00:00Z alice",
		}}},
	},
	{
		name: "nobody slots, add and remove, replace only where the replaced person is on",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, nobody]}
overrides:
  - {kind: add, user: erin, from: 2025-01-07T00:00:00Z, until: 2025-01-08T00:00:00Z}
  - {kind: remove, user: alice, from: 2025-01-07T12:00:00Z, until: 2025-01-07T13:00:00Z}
  - {kind: replace, user: bob, replaces: alice, from: 2025-01-14T00:00:00Z, until: 2025-01-15T00:00:00Z}
  - {kind: add, user: carol, from: 2025-01-14T00:00:00Z, until: 2025-01-15T00:00:00Z}
`,
		at: []atCheck{
			{at: "2025-01-07T06:00:00Z", imoc: "alice,erin"},
			{at: "2025-01-07T12:30:00Z", imoc: "erin"},
			{at: "2025-01-10T00:00:00Z", imoc: "alice"},
			{at: "2025-01-14T06:00:00Z", imoc: "carol", layer: ""},
			{at: "2025-01-16T00:00:00Z", imoc: "-"},
		},
		next: []nextCheck{
			{"2025-01-10T00:00:00Z", "2025-01-13T14:00:00Z -"},
			{"2025-01-13T14:00:00Z", "2025-01-14T00:00:00Z carol"},
		},
	},
	{
		name: "a roster change mid-shift splits the shift; first takes over",
		rot: nyWeekly + `    changes:
      - {from: 2025-01-15T12:00, participants: [carol, dave, erin], first: dave}
`,
		at: []atCheck{
			{at: "2025-01-15T16:59:59Z", imoc: "bob"},
			{at: "2025-01-15T17:00:00Z", imoc: "dave", layer: "main", shift: "2025-01-13T14:00:00Z/2025-01-20T14:00:00Z"},
			{at: "2025-01-20T14:00:00Z", imoc: "erin"},
			{at: "2025-01-27T14:00:00Z", imoc: "carol"},
			{at: "2025-02-03T14:00:00Z", imoc: "dave"},
		},
		next: []nextCheck{{"2025-01-14T00:00:00Z", "2025-01-15T17:00:00Z dave"}},
	},
	{
		name: "handoff_days: weekday handoffs, the Friday holder keeps the weekend",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1d, handoff_days: [MO, TU, WE, TH, FR], participants: [alice, bob, carol]}
`,
		at: []atCheck{
			{at: "2025-01-06T15:00:00Z", imoc: "alice"},
			{at: "2025-01-07T15:00:00Z", imoc: "bob"},
			{at: "2025-01-08T15:00:00Z", imoc: "carol"},
			{at: "2025-01-09T15:00:00Z", imoc: "alice"},
			{at: "2025-01-12T15:00:00Z", imoc: "bob", layer: "main", shift: "2025-01-10T14:00:00Z/2025-01-13T14:00:00Z"},
			{at: "2025-01-13T14:00:00Z", imoc: "carol"},
		},
	},
	{
		name: "handoff_days: an anchor on an unlisted day starts at the next listed day",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-01-05T09:00, every: 1d, handoff_days: [MO], participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-01-05T20:00:00Z", imoc: "-"},
			{at: "2025-01-06T14:00:00Z", imoc: "alice"},
			{at: "2025-01-13T14:00:00Z", imoc: "bob", shift: "2025-01-13T14:00:00Z/2025-01-20T14:00:00Z", layer: "main"},
		},
	},
	{
		name: "monthly handoffs keep the local time across DST",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2025-01-15T09:00, every: 1mo, participants: [alice, bob]}
`,
		at: []atCheck{
			{at: "2025-02-15T13:59:59Z", imoc: "alice"},
			{at: "2025-02-15T14:00:00Z", imoc: "bob"},
			{at: "2025-03-20T00:00:00Z", imoc: "alice", layer: "main", shift: "2025-03-15T13:00:00Z/2025-04-15T13:00:00Z"},
		},
	},
	{
		name: "an anchor ten years back",
		rot: `name: T
time_zone: America/New_York
layers:
  - name: main
    rotation: {anchor: 2015-01-05T09:00, every: 1w, participants: [alice, bob, carol, dave, erin, frank, marcus]}
`,
		at: []atCheck{
			{at: "2025-01-06T13:59:59Z", imoc: "dave"},
			{at: "2025-01-06T14:00:00Z", imoc: "erin", layer: "main", shift: "2025-01-06T14:00:00Z/2025-01-13T14:00:00Z"},
		},
	},
	{
		name: "a single participant never changes",
		rot: `name: T
time_zone: UTC
layers:
  - name: main
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice]}
`,
		next: []nextCheck{{"2025-02-01T00:00:00Z", "none"}},
	},
}

func TestEngine(t *testing.T) {
	for _, tt := range engineTests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRotation(t, tt.rot)
			for _, c := range tt.at {
				st := At(r, ts(t, c.at))
				if got := set(st.IMOC); got != c.imoc {
					t.Errorf("At(%s).IMOC = %s, want %s", c.at, got, c.imoc)
				}
				if c.shadows != "" && set(st.Shadows) != c.shadows {
					t.Errorf("At(%s).Shadows = %s, want %s", c.at, set(st.Shadows), c.shadows)
				}
				if c.layer != "" && st.Layer != c.layer {
					t.Errorf("At(%s).Layer = %q, want %q", c.at, st.Layer, c.layer)
				}
				if c.shift != "" {
					if got := utc(st.ShiftStart) + "/" + utc(st.ShiftEnd); got != c.shift {
						t.Errorf("At(%s) shift = %s, want %s", c.at, got, c.shift)
					}
				}
			}
			for _, c := range tt.next {
				at, imoc, ok := NextChange(r, ts(t, c.at))
				got := "none"
				if ok {
					got = utc(at) + " " + set(imoc)
				}
				if got != c.want {
					t.Errorf("NextChange(%s) = %s, want %s", c.at, got, c.want)
				}
			}
			for _, c := range tt.sched {
				var got []string
				for _, iv := range Schedule(r, ts(t, c.from), ts(t, c.to)) {
					got = append(got, fmtInterval(iv))
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("Schedule(%s, %s) (-want +got):\n%s", c.from, c.to, diff)
				}
			}
		})
	}
}

func TestShiftDurations(t *testing.T) {
	// The shift lengths the issue names, as durations rather than instants.
	for _, tt := range []struct {
		rot, at string
		want    time.Duration
	}{
		{strings.Replace(nyWeekly, "2025-01-06", "2025-03-03", 1), "2025-03-09T12:00:00Z", 167 * time.Hour},
		{strings.Replace(nyWeekly, "2025-01-06", "2025-10-27", 1), "2025-11-01T12:00:00Z", 169 * time.Hour},
	} {
		st := At(loadRotation(t, tt.rot), ts(t, tt.at))
		if got := st.ShiftEnd.Sub(st.ShiftStart); got != tt.want {
			t.Errorf("shift at %s lasts %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestScheduleEmptyRange(t *testing.T) {
	r := loadRotation(t, nyWeekly)
	if got := Schedule(r, ts(t, "2025-02-01T00:00:00Z"), ts(t, "2025-02-01T00:00:00Z")); got != nil {
		t.Errorf("Schedule over an empty range = %v, want nil", got)
	}
	st := At(r, ts(t, "2025-02-01T00:00:00Z"))
	if !slices.Equal(st.IMOC, []string{"alice"}) && !slices.Equal(st.IMOC, []string{"bob"}) {
		t.Errorf("At = %v", st.IMOC)
	}
}
