package metrics

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// The fixture (testdata/repo) is read at now = 2026-03-20T12:00Z with the
// window [2026-01-01, now). Its incidents, with minutes from the relevant
// start (– = missing; declared is what places an incident in the window):
//
//	id                         sev  imoc   detect ack mitigate resolve shadows
//	2025-12-20-before-window   SEV4 alice  30     5   120      180     tara     (before the window)
//	2026-01-10-sev1-on-time    SEV1 alice  10     5   60       120     tara
//	2026-01-20-sev2-late       SEV2 bob    30     10  120      360
//	2026-02-03-sev2-overdue    SEV2 alice  20     5   90       180
//	2026-02-14-sev3-no-start   SEV3 alice  –      2   –        –       tara, uma (no started)
//	2026-02-20-maintenance     –    alice                              uma      (maintenance: ignored)
//	2026-03-10-sev3-open       SEV3 alice  40     30  –        –       uma      (still open)
//	2026-03-15-sev1-pending    SEV1 bob    5      1   40       120
//
// Every expected value below is worked out by hand from that table.

var (
	fixtureNow   = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	fixtureSince = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func loadFixture(t testing.TB) *schema.Repo {
	t.Helper()
	repo, problems := schema.Load(t.Context(), os.DirFS("testdata/repo"))
	if n := problems.Count(schema.Error); n > 0 {
		t.Fatalf("fixture has %d errors:\n%v", n, problems)
	}
	return repo
}

func fixtureReport(t testing.TB) *Report {
	t.Helper()
	r, err := Compute(loadFixture(t), Options{Now: fixtureNow, Since: fixtureSince})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mins(n int) time.Duration { return time.Duration(n) * time.Minute }

// stat builds an expected Stat from minutes.
func stat(n, skipped int, mean, median, p90 time.Duration) Stat {
	return Stat{N: n, Skipped: skipped, Mean: mean, Median: median, P90: p90}
}

func TestIncidentFigures(t *testing.T) {
	r := fixtureReport(t)
	none := func(skipped int) Stat { return Stat{Skipped: skipped} }
	want := Incidents{
		// Six incidents in the window (the maintenance and the December
		// incident are out).
		Total: Group{
			Count: 6,
			// detect: 10, 30, 20, 40, 5 (no-start skipped): sum 105 → mean 21;
			// sorted 5 10 20 30 40 → median 20; rank ⌈4.5⌉ = 5 → 40.
			Detect: stat(5, 1, mins(21), mins(20), mins(40)),
			// ack: 5, 10, 5, 2, 30, 1: sum 53 → mean 8 min 50 s = 530 s;
			// sorted 1 2 5 5 10 30 → median (5+5)/2; rank ⌈5.4⌉ = 6 → 30.
			Acknowledge: stat(6, 0, 530*time.Second, mins(5), mins(30)),
			// mitigate: 60, 120, 90, 40 (no-start and open skipped): sum 310
			// → 77.5 min; sorted 40 60 90 120 → median 75; rank 4 → 120.
			Mitigate: stat(4, 2, mins(77)+30*time.Second, mins(75), mins(120)),
			// resolve: 120, 360, 180, 120: sum 780 → 195; sorted 120 120 180
			// 360 → median 150; rank 4 → 360.
			Resolve: stat(4, 2, mins(195), mins(150), mins(360)),
		},
		BySeverity: []SeverityGroup{
			{"SEV1", Group{Count: 2,
				Detect:      stat(2, 0, mins(7)+30*time.Second, mins(7)+30*time.Second, mins(10)),
				Acknowledge: stat(2, 0, mins(3), mins(3), mins(5)),
				Mitigate:    stat(2, 0, mins(50), mins(50), mins(60)),
				Resolve:     stat(2, 0, mins(120), mins(120), mins(120)),
			}},
			{"SEV2", Group{Count: 2,
				Detect:      stat(2, 0, mins(25), mins(25), mins(30)),
				Acknowledge: stat(2, 0, mins(7)+30*time.Second, mins(7)+30*time.Second, mins(10)),
				Mitigate:    stat(2, 0, mins(105), mins(105), mins(120)),
				Resolve:     stat(2, 0, mins(270), mins(270), mins(360)),
			}},
			{"SEV3", Group{Count: 2,
				Detect:      stat(1, 1, mins(40), mins(40), mins(40)),
				Acknowledge: stat(2, 0, mins(16), mins(16), mins(30)),
				Mitigate:    none(2),
				Resolve:     none(2),
			}},
			{"SEV4", Group{}},
		},
	}
	if diff := cmp.Diff(want.Total, r.Incidents.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.BySeverity, r.Incidents.BySeverity); diff != "" {
		t.Errorf("by severity (-want +got):\n%s", diff)
	}

	// Months: January (SEV1 120, SEV2 360), February (SEV2 180; the
	// no-start SEV3 is skipped; the maintenance is not counted), March
	// (SEV3 open, SEV1 120).
	type month struct {
		key     string
		counts  []int
		resolve Stat
	}
	var got []month
	for _, m := range r.Incidents.ByMonth {
		var cs []int
		for _, sc := range m.Severities {
			cs = append(cs, sc.Count)
		}
		if m.Count != cs[0]+cs[1]+cs[2]+cs[3] {
			t.Errorf("%s: count %d is not the sum of %v", m.Month, m.Count, cs)
		}
		got = append(got, month{m.Month, cs, m.Resolve})
	}
	wantMonths := []month{
		{"2026-01", []int{1, 1, 0, 0}, stat(2, 0, mins(240), mins(240), mins(360))},
		{"2026-02", []int{0, 1, 1, 0}, stat(1, 1, mins(180), mins(180), mins(180))},
		{"2026-03", []int{1, 0, 1, 0}, stat(1, 1, mins(120), mins(120), mins(120))},
	}
	if diff := cmp.Diff(wantMonths, got, cmp.AllowUnexported(month{})); diff != "" {
		t.Errorf("by month (-want +got):\n%s", diff)
	}
}

func TestPostmortemFigures(t *testing.T) {
	r := fixtureReport(t)
	// Required: the four resolved SEV1/SEV2 incidents in the window.
	//   sev1-on-time: due 01-10 12:00 + 5 d = 01-15 12:00, approved exactly then → on time
	//   sev2-late:    due 01-20 14:00 + 10 d = 01-30 14:00, approved 02-02 → late
	//   sev2-overdue: due 02-03 03:00 + 10 d = 02-13 03:00, in review at 03-20 → overdue
	//   sev1-pending: due 03-15 22:00 + 5 d = 03-20 22:00, after now → pending, no file → missing
	want := Postmortems{Required: 4, OnTime: 1, Late: 1, Overdue: 1, Pending: 1, Missing: 1}
	if diff := cmp.Diff(want, r.Postmortems); diff != "" {
		t.Errorf("postmortems (-want +got):\n%s", diff)
	}
	wantOverdue := []OverduePostmortem{{
		Incident: "2026-02-03-sev2-overdue", Severity: "SEV2",
		Due: time.Date(2026, 2, 13, 3, 0, 0, 0, time.UTC), Status: "in-review",
	}}
	if diff := cmp.Diff(wantOverdue, r.Overdue.Postmortems); diff != "" {
		t.Errorf("overdue postmortems (-want +got):\n%s", diff)
	}

	// Twelve hours later (03-21 00:00) the pending one is past due (03-20 22:00)
	// and missing, so it is overdue too.
	later, err := Compute(loadFixture(t), Options{Now: fixtureNow.Add(12 * time.Hour), Since: fixtureSince})
	if err != nil {
		t.Fatal(err)
	}
	want = Postmortems{Required: 4, OnTime: 1, Late: 1, Overdue: 2, Pending: 0, Missing: 1}
	if diff := cmp.Diff(want, later.Postmortems); diff != "" {
		t.Errorf("postmortems at 03-21 00:00 (-want +got):\n%s", diff)
	}
	if n := len(later.Overdue.Postmortems); n != 2 || later.Overdue.Postmortems[1].Status != "missing" {
		t.Errorf("overdue at 03-21 00:00: %+v, want two, the second missing", later.Overdue.Postmortems)
	}
}

func TestActionItemFigures(t *testing.T) {
	r := fixtureReport(t)
	// Items (today is 2026-03-20):
	//   sev1-on-time AI-1 carol 02-01 done; AI-2 bob 03-01 open, overdue;
	//                AI-3 carol 04-15 open
	//   sev2-late    AI-1 alice 03-20 open (due today: not overdue);
	//                AI-2 carol 02-15 wontfix
	//   sev2-overdue AI-1 bob 03-10 open, overdue
	//   sev3-no-start AI-1 (no owner, no due) open
	want := ActionItems{
		Total: ItemCounts{Open: 5, Overdue: 2, Done: 1, WontFix: 1},
		ByOwner: []OwnerItems{
			{"alice", ItemCounts{Open: 1}},
			{"bob", ItemCounts{Open: 2, Overdue: 2}},
			{"carol", ItemCounts{Open: 1, Done: 1, WontFix: 1}},
			{"", ItemCounts{Open: 1}},
		},
		// Open and not overdue: 03-20 and 04-15. Weekly from 03-20: both
		// due on or after 03-20; from 03-27 only 04-15; 04-17 none (the
		// fifth point, past the minimum of four).
		Burndown: []BurnPoint{
			{schema.Date{Year: 2026, Month: 3, Day: 20}, 2, 1, 2},
			{schema.Date{Year: 2026, Month: 3, Day: 27}, 2, 1, 1},
			{schema.Date{Year: 2026, Month: 4, Day: 3}, 2, 1, 1},
			{schema.Date{Year: 2026, Month: 4, Day: 10}, 2, 1, 1},
			{schema.Date{Year: 2026, Month: 4, Day: 17}, 2, 1, 0},
		},
	}
	if diff := cmp.Diff(want, r.ActionItems); diff != "" {
		t.Errorf("action items (-want +got):\n%s", diff)
	}
	wantOverdue := []OverdueItem{
		{Incident: "2026-01-10-sev1-on-time", ID: "AI-2", Title: "Overdue item", Priority: "P1", Owner: "bob", Due: schema.Date{Year: 2026, Month: 3, Day: 1}},
		{Incident: "2026-02-03-sev2-overdue", ID: "AI-1", Title: "Overdue too", Priority: "P1", Owner: "bob", Due: schema.Date{Year: 2026, Month: 3, Day: 10}},
	}
	if diff := cmp.Diff(wantOverdue, r.Overdue.ActionItems); diff != "" {
		t.Errorf("overdue items (-want +got):\n%s", diff)
	}
}

func TestIMOCLoad(t *testing.T) {
	r := fixtureReport(t)
	// Rotation: weekly from Mon 2026-01-05 00:00 UTC, alice then bob.
	// Window 01-01 00:00 → 03-20 12:00: nobody until 01-05; then 74.5 days
	// = 10 whole weeks (5 each) + 4.5 days of alice's 11th shift.
	// alice: 5×168 + 108 = 948 h; bob: 5×168 = 840 h.
	// Incidents as IMOC in the window: alice 4 (on-time SEV1, overdue SEV2,
	// no-start SEV3, open SEV3), bob 2 (late SEV2, pending SEV1); the
	// maintenance does not count.
	want := []Load{
		{Person: "alice", Name: "Alice Ng", Incidents: 4, Major: 2, OnCall: 948 * time.Hour},
		{Person: "bob", Name: "Bob Stone", Incidents: 2, Major: 2, OnCall: 840 * time.Hour},
	}
	if diff := cmp.Diff(want, r.IMOCLoad); diff != "" {
		t.Errorf("IMOC load (-want +got):\n%s", diff)
	}
}

func TestFairness(t *testing.T) {
	r := fixtureReport(t)
	// Past (the window): as TestIMOCLoad, alice 948 h, bob 840 h: spread
	// 948/840 = 1.128…
	// Next 90 days, 03-20 12:00 → 06-18 12:00: the rest of alice's shift
	// (60 h until 03-23), then twelve whole weeks from bob's of 03-23 (six
	// each, 1008 h), then 3.5 days of bob's week of 06-15 (84 h): alice
	// 1068 h, bob 1092 h: spread 1.022…
	f := func(v float64) *float64 { return &v }
	want := []RotationFairness{{
		Rotation: "main", Name: "Main IMOC",
		People: []Hours{
			{Person: "alice", Past: 948 * time.Hour, Next: 1068 * time.Hour},
			{Person: "bob", Past: 840 * time.Hour, Next: 1092 * time.Hour},
		},
		PastSpread: f(1.13), NextSpread: f(1.02),
	}}
	if diff := cmp.Diff(want, r.Fairness); diff != "" {
		t.Errorf("fairness (-want +got):\n%s", diff)
	}
	if spread(nil) != nil || *spread([]time.Duration{time.Hour}) != 1 {
		t.Error("spread of nobody or of one person")
	}
}

func TestTraining(t *testing.T) {
	r := fixtureReport(t)
	// Threshold from baton.yaml: 2 incidents, 1 major. Training counts the
	// whole history, so tara's December incident counts although it is
	// before the window; uma's maintenance does not count.
	want := Training{
		Threshold: Threshold{Incidents: 2, Major: 1},
		Trainees: []Trainee{
			{Person: "tara", Name: "Tara Oyelaran", Shadowed: []Shadowed{
				{"2025-12-20-before-window", "SEV4", false},
				{"2026-01-10-sev1-on-time", "SEV1", true},
				{"2026-02-14-sev3-no-start", "SEV3", false},
			}, Incidents: 3, Major: 1, Ready: true},
			{Person: "uma", Name: "Uma Roy", Shadowed: []Shadowed{
				{"2026-02-14-sev3-no-start", "SEV3", false},
				{"2026-03-10-sev3-open", "SEV3", false},
			}, Incidents: 2, Major: 0, MajorNeeded: 1},
			{Person: "vic", Name: "Vic Lam", Shadowed: []Shadowed{}, IncidentsNeeded: 2, MajorNeeded: 1},
		},
	}
	if diff := cmp.Diff(want, r.Training); diff != "" {
		t.Errorf("training (-want +got):\n%s", diff)
	}
}

func TestWindow(t *testing.T) {
	repo := loadFixture(t)
	// The default window at 03-20 starts on 2025-04-01, so the December
	// incident is in it: 7 incidents over 12 months, April 2025 first.
	r, err := Compute(repo, Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Since, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("since = %v, want %v", got, want)
	}
	if got := r.Incidents.Total.Count; got != 7 {
		t.Errorf("incidents = %d, want 7", got)
	}
	if n := len(r.Incidents.ByMonth); n != 12 || r.Incidents.ByMonth[0].Month != "2025-04" || r.Incidents.ByMonth[11].Month != "2026-03" {
		t.Errorf("months = %d from %s, want 12 from 2025-04 to 2026-03", n, r.Incidents.ByMonth[0].Month)
	}
	// An incident declared exactly at since is in; one declared at now is
	// out ([since, now)).
	r, err = Compute(repo, Options{Now: time.Date(2026, 3, 15, 20, 10, 0, 0, time.UTC), Since: time.Date(2026, 1, 10, 10, 15, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// In: sev1-on-time (at since), sev2-late, sev2-overdue, sev3-no-start,
	// sev3-open. Out: sev1-pending (declared at now).
	if got := r.Incidents.Total.Count; got != 5 {
		t.Errorf("half-open window: %d incidents, want 5", got)
	}
	if _, err := Compute(repo, Options{Now: fixtureNow, Since: fixtureNow}); err == nil {
		t.Error("since == now: no error")
	}
	if _, err := Compute(repo, Options{}); err == nil {
		t.Error("zero now: no error")
	}
}

func TestDefaultSince(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now  time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), time.UTC, "2025-12-01T00:00:00Z"},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.UTC, "2026-01-01T00:00:00Z"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2025-02-01T00:00:00Z"},
		// 2026-03-01 03:00 UTC is still February in New York.
		{time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC), ny, "2025-03-01T00:00:00-05:00"},
	} {
		if got := DefaultSince(tc.now, tc.loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("DefaultSince(%v, %v) = %s, want %s", tc.now, tc.loc, got, tc.want)
		}
	}
}

func TestStat(t *testing.T) {
	s := func(secs ...int) []time.Duration {
		var ds []time.Duration
		for _, x := range secs {
			ds = append(ds, time.Duration(x)*time.Second)
		}
		return ds
	}
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want Stat
	}{
		{"empty", nil, Stat{Skipped: 3}},
		{"one", s(42), Stat{N: 1, Mean: sec(42), Median: sec(42), P90: sec(42)}},
		// Mean 1.5 s rounds half away from zero to 2 s; median of two is
		// their mean, also 2 s; p90 rank ⌈1.8⌉ = 2.
		{"round half up", s(2, 1), Stat{N: 2, Mean: sec(2), Median: sec(2), P90: sec(2)}},
		// Unsorted input; mean 10/3 = 3.33 s → 3 s; median 2; rank ⌈2.7⌉ = 3.
		{"three", s(7, 1, 2), Stat{N: 3, Mean: sec(3), Median: sec(2), P90: sec(7)}},
		// Ten values 1..10: p90 is exactly rank 9 (no float rounding up to
		// 10); median (5+6)/2 = 5.5 → 6; mean 5.5 → 6.
		{"ten", s(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), Stat{N: 10, Mean: sec(6), Median: sec(6), P90: sec(9)}},
		// Eleven values 1..11: rank ⌈9.9⌉ = 10; median 6; mean 6.
		{"eleven", s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), Stat{N: 11, Mean: sec(6), Median: sec(6), P90: sec(10)}},
		// Skewed: mean is pulled up by the outlier, median is not.
		{"outlier", s(60, 60, 60, 60, 6000), Stat{N: 5, Mean: sec(1248), Median: sec(60), P90: sec(6000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skipped := 0
			if tc.name == "empty" {
				skipped = 3
			}
			if diff := cmp.Diff(tc.want, newStat(tc.in, skipped)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 min"},
		{29 * time.Second, "0 min"},
		{30 * time.Second, "1 min"},
		{45 * time.Minute, "45 min"},
		{time.Hour, "1 h"},
		{2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{24 * time.Hour, "1 d"},
		{28*time.Hour + 59*time.Minute, "1 d 4 h"},
		{-90 * time.Minute, "−1 h 30 min"},
	} {
		if got := FormatDuration(tc.d); got != tc.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := FormatHours(948*time.Hour + 29*time.Minute); got != "948 h" {
		t.Errorf("FormatHours = %q, want 948 h", got)
	}
}

// TestEmptyRepo: a repository with no incidents, people or rotations gives
// a report with every list present and empty, and charts.
func TestEmptyRepo(t *testing.T) {
	repo := &schema.Repo{Config: &schema.Config{Severities: schema.DefaultSeverities(), Training: schema.Training{Incidents: 3, Major: 1}}}
	r, err := Compute(repo, Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.Incidents.Total.Count != 0 || len(r.Incidents.ByMonth) != 12 || len(r.IMOCLoad) != 0 || len(r.ActionItems.Burndown) != 4 {
		t.Errorf("unexpected figures: %+v", r)
	}
	for _, c := range Charts(r) {
		checkSVG(t, c, c.SVG)
		checkSVG(t, c, c.Narrow)
	}
}

// TestExampleOrgHours checks the hours on call against an independent
// fact: in the example organisation (the repository root) every rotation
// has exactly one IMOC at every instant, so the hours of all people add up
// to the window's length times the number of rotations. With now
// 2026-11-27 12:00 UTC the window starts 2025-12-01 00:00 UTC: 361.5 days,
// 8676 h, so 17352 h for the two rotations.
func TestExampleOrgHours(t *testing.T) {
	repo, problems := schema.Load(t.Context(), os.DirFS(".."))
	if n := problems.Count(schema.Error); n > 0 {
		t.Fatalf("example organisation has %d errors", n)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	r, err := Compute(repo, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Rotations) != 2 {
		t.Fatalf("%d rotations, want 2", len(repo.Rotations))
	}
	for _, rot := range repo.Rotations {
		for _, iv := range oncall.Schedule(rot, r.Since, now) {
			if len(iv.IMOC) != 1 {
				t.Fatalf("%s: %v from %v: the premise (one IMOC at a time) does not hold", rot.ID, iv.IMOC, iv.Start)
			}
		}
	}
	var total time.Duration
	for _, l := range r.IMOCLoad {
		total += l.OnCall
	}
	if want := 2 * 8676 * time.Hour; total != want {
		t.Errorf("hours on call add up to %v, want %v", total, want)
	}
}
