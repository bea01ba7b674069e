package grafanaoncall

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/schema"
)

// people.yaml of the test repository: two of the schedule's users are
// known (matched by e-mail, whatever the case), the others are new.
const people = `  - {handle: alice, name: Alice Ng, email: Alice@Example.com, imoc: qualified}
  - {handle: bobby, name: Bob Stone, email: bob@example.com, imoc: qualified}
`

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func load(t *testing.T, name string) *Export {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ex Export
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	return &ex
}

func plan(t *testing.T, root *os.Root, ex *Export) *importer.Plan {
	t.Helper()
	repo, _ := schema.Load(t.Context(), root.FS())
	p, err := Translate(repo, ex, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func notes(p *importer.Plan) string {
	var ns []string
	for _, n := range p.Notes {
		ns = append(ns, n.String())
	}
	return strings.Join(ns, "\n")
}

// TestScheduleStandard: for each schedule fixture, Baton's schedule of the
// imported rotation over the fixture's window equals Grafana OnCall's final
// shifts in the fixture (built by hand, see testdata/README.md), interval
// by interval.
func TestScheduleStandard(t *testing.T) {
	for file, n := range map[string]int{"schedule.json": 23, "follow-the-sun.json": 18} {
		t.Run(file, func(t *testing.T) {
			_, root := importertest.Repo(t, people)
			ex := load(t, file)
			p := plan(t, root, ex)
			if p.HasUnsupported() || len(p.Files) != 1 {
				t.Fatalf("notes:\n%s", notes(p))
			}
			rot, ps := schema.ParseRotation(p.Files[0].Path, p.Files[0].Data)
			if ps.HasErrors() {
				t.Fatal(ps)
			}
			handles := map[string]string{"alice@example.com": "alice", "bob@example.com": "bobby"}
			var want []importer.Entry
			for _, f := range ex.FinalShifts {
				h := handles[f.UserEmail]
				if h == "" {
					h = strings.TrimSuffix(f.UserEmail, "@example.com")
				}
				want = append(want, importer.Entry{Start: f.ShiftStart, End: f.ShiftEnd, Users: []string{h}})
			}
			want = importer.Normalize(want)
			from, _ := windowTime(ex.StartDate)
			to, _ := windowTime(ex.EndDate)
			got := importer.Rendered(rot, from, to)
			if len(got) != len(want) || len(want) != n {
				t.Fatalf("Baton has %d intervals, Grafana OnCall %d (want %d):\n%v\n%v", len(got), len(want), n, got, want)
			}
			for i := range want {
				if got[i].String() != want[i].String() {
					t.Errorf("interval %d: Baton %s, Grafana OnCall %s", i, got[i], want[i])
				}
			}
			golden(t, filepath.Join("testdata", "want-"+strings.TrimSuffix(file, ".json")+".yaml"), p.Files[0].Data)
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := os.ReadFile(path)
	if string(got) != string(want) {
		t.Errorf("%s differs (-update to accept):\n%s", path, got)
	}
}

func TestImportWritesRotationAndPeople(t *testing.T) {
	dir, root := importertest.Repo(t, people)
	rep, err := importer.Apply(t.Context(), root, plan(t, root, load(t, "schedule.json")), importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problems.HasErrors() {
		t.Fatalf("problems: %v", rep.Problems)
	}
	if got := strings.Join(rep.Written, " "); got != "rotations/platform-primary.yaml people.yaml" {
		t.Errorf("written: %s", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "people.yaml"))
	for _, want := range []string{
		"  # Imported from Grafana OnCall: set github: to their GitHub login.\n  - handle: dave\n    name: dave\n    email: dave@example.com\n    time_zone: America/Chicago\n    imoc: qualified\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("people.yaml lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "handle: bob\n") || strings.Contains(string(data), "handle: alice\n") {
		t.Errorf("a known person was added again:\n%s", data)
	}
	// Re-running imports nothing new.
	rep, err = importer.Apply(t.Context(), root, plan(t, root, load(t, "schedule.json")), importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Written) != 0 || importer.Summary(rep.Notes) != "0 imported, 1 already there" {
		t.Errorf("second run: wrote %v; %s", rep.Written, importer.Summary(rep.Notes))
	}
}

// TestUnsupported: a feature Baton cannot represent, or a translation that
// does not reproduce Grafana OnCall's final shifts, stops the import of the
// schedule with a note saying why, and nothing is written.
func TestUnsupported(t *testing.T) {
	for file, want := range map[string]string{
		"unsupported-group.json": `unsupported: schedule SPLATFORM1 (Platform Primary): shift "Weekly": rolling_users group 2 puts 2 users on call together (alice, bobby); a Baton layer has one person at a time`,
		"differs.json":           "unsupported: schedule SPLATFORM1 (Platform Primary): the translation does not reproduce Grafana OnCall's final shifts: the vendor has bobby from 2026-03-06T22:00:00Z to 2026-03-09T13:00:00Z where Baton has bobby from 2026-03-06T22:00:00Z to 2026-03-09T12:00:00Z",
	} {
		t.Run(file, func(t *testing.T) {
			dir, root := importertest.Repo(t, people)
			p := plan(t, root, load(t, file))
			if !strings.Contains(notes(p), want) {
				t.Errorf("notes:\n%s\nwant %s", notes(p), want)
			}
			if len(p.People) != 0 {
				t.Errorf("people would be added: %v", p.People)
			}
			rep, err := importer.Apply(t.Context(), root, p, importer.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Written) != 0 {
				t.Errorf("wrote %v", rep.Written)
			}
			if _, err := os.Stat(filepath.Join(dir, "rotations")); !os.IsNotExist(err) {
				t.Errorf("rotations/ exists")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestShiftShapes: each shape of shift Baton expresses, and the ones it
// refuses, on a one-shift schedule without a rendering to check against.
func TestShiftShapes(t *testing.T) {
	ny := "America/New_York"
	base := func() Shift {
		return Shift{ID: "O1", Name: "S", Type: "rolling_users", TimeZone: &ny, Start: "2026-03-02T09:00:00", RotationStart: "2026-03-02T09:00:00",
			Duration: 604800, Frequency: ptr("weekly"), Interval: ptr(1), WeekStart: "MO", RollingUsers: [][]string{{"UALICE7K2M"}, {"UBOB4N8Q1R"}}}
	}
	for _, c := range []struct {
		name string
		edit func(*Shift)
		want string
	}{
		{"weekly", func(*Shift) {}, "anchor: 2026-03-02T09:00\n      every: 1w\n      participants: [alice, bobby]\n"},
		{"two-weekly turns of one week", func(s *Shift) { s.Interval = ptr(2) }, "every: 1w\n      participants: [alice, nobody, bobby, nobody]\n"},
		{"two-weekly turns of two weeks", func(s *Shift) { s.Interval = ptr(2); s.Duration = 2 * 604800 }, "every: 2w\n      participants: [alice, bobby]\n"},
		{"daily 8 hours", func(s *Shift) { s.Frequency = ptr("daily"); s.Duration = 8 * 3600 }, "every: 1d\n      participants: [alice, bobby]\n    active:\n      - {from: \"09:00\", to: \"17:00\"}\n"},
		{"every other day 8 hours", func(s *Shift) { s.Frequency = ptr("daily"); s.Interval = ptr(2); s.Duration = 8 * 3600 },
			"every: 1d\n      participants: [alice, nobody, bobby, nobody]\n    active:\n      - {from: \"09:00\", to: \"17:00\"}\n"},
		{"hourly 8 of 12", func(s *Shift) { s.Frequency = ptr("hourly"); s.Interval = ptr(12); s.Duration = 8 * 3600 },
			"every: 12h\n      participants: [alice, bobby]\n    active:\n      - {from: \"09:00\", to: \"17:00\"}\n      - {from: \"21:00\", to: \"05:00\"}\n"},
		{"daily by_day, two days each", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Interval = ptr(2)
			s.Duration = 8 * 3600
			s.ByDay = []string{"MO", "TU", "WE", "TH", "FR"}
		}, "handoff_days: [MO, TU, WE, TH, FR]\n      participants: [alice, alice, bobby, bobby]\n"},
		{"weekly by_day from a Wednesday", func(s *Shift) {
			s.Start, s.RotationStart = "2026-03-04T09:00:00", "2026-03-04T09:00:00"
			s.Duration = 8 * 3600
			s.ByDay = []string{"MO", "WE", "FR"}
		}, "anchor: 2026-03-02T09:00\n      every: 1w\n      participants: [nobody]\n    changes:\n      - {from: 2026-03-04T09:00, participants: [alice, bobby], first: alice}\n    active:\n      - {days: [MO, WE, FR], from: \"09:00\", to: \"17:00\"}\n"},
		{"rotation_start between events", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Duration = 8 * 3600
			s.RotationStart = "2026-03-05T23:00:00"
		},
			"participants: [nobody]\n    changes:\n      - {from: 2026-03-05T23:00, participants: [bobby, alice], first: bobby}\n"},
		{"until between events", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Duration = 8 * 3600
			s.Until = ptr("2026-03-10T22:00:00")
		},
			"changes:\n      - {from: 2026-03-10T22:00, participants: [nobody]}\n"},
		{"recurrent event", func(s *Shift) { s.Type = "recurrent_event"; s.RollingUsers = nil; s.Users = []string{"UBOB4N8Q1R"} }, "every: 1w\n      participants: [bobby]\n"},
		{"single event", func(s *Shift) { s.Type = "single_event"; s.Users = []string{"UBOB4N8Q1R"}; s.Duration = 3600 },
			"anchor: 2026-03-02T09:00\n      every: 1w\n      participants: [bobby]\n    changes:\n      - {from: 2026-03-02T10:00, participants: [nobody]}\n"},
		{"monthly", func(s *Shift) { s.Frequency = ptr("monthly") }, "unsupported: " + `schedule S1 (X): shift "S": a monthly shift lasts a fixed duration`},
		{"by_monthday", func(s *Shift) { s.ByMonthday = []int{1} }, "by_month and by_monthday limit a shift"},
		{"event longer than its turn", func(s *Shift) { s.Frequency = ptr("daily"); s.Duration = 25 * 3600 }, "lasts longer than the turn (1 daily), so two groups would be on call together"},
		{"start off by_day", func(s *Shift) { s.ByDay = []string{"TU"}; s.Duration = 3600 }, "start 2026-03-02T09:00:00 is a Monday, not one of by_day [TU]"},
		{"rotation_start inside an event", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Duration = 8 * 3600
			s.RotationStart = "2026-03-05T12:00:00"
		},
			"rotation_start 2026-03-05T12:00:00 falls inside an event"},
		{"until inside an event (one of its readings)", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Duration = 8 * 3600
			s.Until = ptr("2026-03-10T19:00:00")
		},
			"until 2026-03-10T19:00:00 falls inside or at the start of an event (alice from 2026-03-10T13:00:00Z to 2026-03-10T21:00:00Z)"},
		{"a clock that does not exist", func(s *Shift) {
			s.Frequency = ptr("daily")
			s.Duration = 3600
			s.Start, s.RotationStart = "2026-03-02T02:30:00", "2026-03-02T02:30:00"
		},
			"its events start or end at 02:30, which on 2026-03-08 does not exist or happens twice in America/New_York"},
		{"nobody in it", func(s *Shift) { s.RollingUsers = [][]string{{}} }, "note: schedule S1 (X): shift \"S\" has no turn on call"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, root := importertest.Repo(t, people)
			sh := base()
			c.edit(&sh)
			ex := &Export{Schedule: Schedule{ID: "S1", Name: "X", Type: "web", TimeZone: ny}, Shifts: []Shift{sh}, Users: load(t, "schedule.json").Users}
			p := plan(t, root, ex)
			got := notes(p)
			if len(p.Files) == 1 {
				got += "\n" + string(p.Files[0].Data)
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// TestScheduleRules: shifts of one level that overlap with different
// people, overrides that overlap with different users or name several,
// and schedules whose shifts or overrides come from iCal URLs are refused.
func TestScheduleRules(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Export)
		want string
	}{
		{"one level", func(ex *Export) { ex.Shifts[1].Level = 1 }, `Grafana OnCall puts the people of shifts of one level (1) on call together: bobby would be on call in "Weekly" and dave in "Business hours" at the same time, from 2026-03-02T14:00:00Z to 2026-03-02T22:00:00Z`},
		{"overlapping overrides", func(ex *Export) {
			o := ex.Shifts[3]
			o.ID, o.Users, o.Start = "OOVERRIDE2", []string{"UDAVE9W2X5"}, "2026-03-13T07:00:00"
			ex.Shifts = append(ex.Shifts, o)
		}, "overrides OOVERRIDE and OOVERRIDE2 overlap with different users"},
		{"override of two", func(ex *Export) { ex.Shifts[3].Users = append(ex.Shifts[3].Users, "UDAVE9W2X5") }, "override OOVERRIDE puts 2 users on call; the API does not say which"},
		{"ical", func(ex *Export) { ex.Schedule.Type = "ical" }, "its shifts come from an iCal URL"},
		{"ical overrides", func(ex *Export) {
			ex.Schedule.Type = "calendar"
			ex.Schedule.ICalURLOverrides = ptr("https://calendar.example/overrides.ics")
		}, "its overrides come from an iCal URL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, root := importertest.Repo(t, people)
			ex := load(t, "schedule.json")
			c.edit(ex)
			p := plan(t, root, ex)
			if !strings.Contains(notes(p), c.want) || len(p.Files) != 0 {
				t.Errorf("notes:\n%s\nwant %s", notes(p), c.want)
			}
		})
	}
}

func TestWindowErrors(t *testing.T) {
	_, root := importertest.Repo(t, people)
	repo, _ := schema.Load(t.Context(), root.FS())
	for _, c := range [][2]string{{"2026-03-02", "2026-03-02"}, {"2026-03-02", "next week"}} {
		ex := load(t, "schedule.json")
		ex.StartDate, ex.EndDate = c[0], c[1]
		if _, err := Translate(repo, ex, Options{}); err == nil || !strings.Contains(err.Error(), "start_date and end_date") && !strings.Contains(err.Error(), "covers no time") {
			t.Errorf("%v: %v", c, err)
		}
	}
}
