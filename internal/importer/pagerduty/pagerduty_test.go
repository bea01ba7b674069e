package pagerduty

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

func plan(t *testing.T, root *os.Root, name string) *importer.Plan {
	t.Helper()
	repo, _ := schema.Load(t.Context(), root.FS())
	p, err := Translate(repo, load(t, name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestScheduleStandard: for each schedule fixture, Baton's schedule of the
// imported rotation over the fixture's window equals PagerDuty's final
// schedule in the fixture (built by hand, see testdata/README.md),
// interval by interval.
func TestScheduleStandard(t *testing.T) {
	for file, n := range map[string]int{"schedule.json": 21, "follow-the-sun.json": 9} {
		t.Run(file, func(t *testing.T) {
			_, root := importertest.Repo(t, people)
			p := plan(t, root, file)
			if p.HasUnsupported() || len(p.Files) != 1 {
				t.Fatalf("notes: %v", p.Notes)
			}
			rot, ps := schema.ParseRotation(p.Files[0].Path, p.Files[0].Data)
			if ps.HasErrors() {
				t.Fatal(ps)
			}
			ex := load(t, file)
			handles := map[string]string{"bob@example.com": "bobby"}
			email := map[string]string{}
			for _, u := range ex.Users {
				email[u.ID] = u.Email
			}
			var want []importer.Entry
			for _, e := range ex.Schedule.FinalSchedule.RenderedScheduleEntries {
				h := handles[email[e.User.ID]]
				if h == "" {
					h = strings.TrimSuffix(strings.ToLower(email[e.User.ID]), "@example.com")
				}
				want = append(want, importer.Entry{Start: e.Start, End: e.End, Users: []string{h}})
			}
			got := importer.Rendered(rot, *ex.Since, *ex.Until)
			want = importer.Normalize(want)
			if len(got) != len(want) || len(want) != n {
				t.Fatalf("Baton has %d intervals, PagerDuty %d (want %d):\n%v\n%v", len(got), len(want), n, got, want)
			}
			for i := range want {
				if got[i].String() != want[i].String() {
					t.Errorf("interval %d: Baton %s, PagerDuty %s", i, got[i], want[i])
				}
			}
		})
	}
}

func TestImportWritesRotationAndPeople(t *testing.T) {
	dir, root := importertest.Repo(t, people)
	rep, err := importer.Apply(t.Context(), root, plan(t, root, "schedule.json"), importer.Options{Now: now})
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
		"# Who is who.\npeople:\n  - {handle: alice",
		"  # Imported from PagerDuty: set github: to their GitHub login.\n  - handle: carol\n    name: Carol Diaz\n    email: carol@example.com\n    time_zone: America/New_York\n    imoc: qualified\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("people.yaml lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "handle: bob\n") {
		t.Errorf("bob was added although people.yaml has him as bobby:\n%s", data)
	}
	rot, _ := os.ReadFile(filepath.Join(dir, "rotations", "platform-primary.yaml"))
	for _, want := range []string{
		"      participants: [alice, bobby, carol]\n",
		"      participants: [nobody]\n    changes:\n      - {from: 2026-03-03T12:00, participants: [erin, dave], first: erin}\n      - {from: 2026-03-12T13:00, participants: [nobody]}\n",
		"      - {days: [MO], from: \"17:00\", to: \"17:00\"}\n      - {days: [TU], from: \"17:00\", to: \"09:00\"}\n",
		"  - {kind: assign, user: erin, from: 2026-03-12T20:00:00-04:00, until: 2026-03-13T08:00:00-04:00, reason: \"PagerDuty override POVER01\"}\n",
	} {
		if !strings.Contains(string(rot), want) {
			t.Errorf("rotation lacks %q:\n%s", want, rot)
		}
	}

	// Re-running imports nothing new.
	rep, err = importer.Apply(t.Context(), root, plan(t, root, "schedule.json"), importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Written) != 0 || importer.Summary(rep.Notes) != "0 imported, 1 already there" {
		t.Errorf("second run: wrote %v; %s", rep.Written, importer.Summary(rep.Notes))
	}
}

// TestUnsupported: a feature Baton cannot represent, or a translation that
// would not reproduce PagerDuty's rendering, stops the import of the
// schedule with a note saying why, and nothing is written.
func TestUnsupported(t *testing.T) {
	for file, want := range map[string]string{
		"unsupported-turn.json": `unsupported: schedule PSCHED1 (Platform Primary): layer "Business hours": turn length 5400 s is not a whole number of hours`,
		"differs.json":          "unsupported: schedule PSCHED1 (Platform Primary): the translation does not reproduce PagerDuty's final schedule: the vendor has bobby from 2026-03-08T21:00:00Z to 2026-03-09T14:00:00Z where Baton has bobby from 2026-03-08T21:00:00Z to 2026-03-09T13:00:00Z",
	} {
		t.Run(file, func(t *testing.T) {
			dir, root := importertest.Repo(t, people)
			p := plan(t, root, file)
			var notes []string
			for _, n := range p.Notes {
				notes = append(notes, n.String())
			}
			if !strings.Contains(strings.Join(notes, "\n"), want) {
				t.Errorf("notes:\n%s\nwant %s", strings.Join(notes, "\n"), want)
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

func TestWindows(t *testing.T) {
	ws, err := importer.Windows([]importer.Restriction{{Day: time.Friday, Start: 17 * 3600, Duration: 3*86400 - 8*3600}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		var ds []string
		for _, d := range w.Days {
			ds = append(ds, d.String())
		}
		got = append(got, strings.Join(ds, ",")+" "+w.From.String()+"-"+w.To.String())
	}
	if s := strings.Join(got, "; "); s != "FR,SA 17:00-17:00; SU 17:00-09:00" {
		t.Errorf("windows: %s", s)
	}
	for _, r := range []importer.Restriction{{Daily: true, Start: 30, Duration: 3600}, {Daily: true, Duration: 2 * 86400}, {Duration: 0}} {
		if _, err := importer.Windows([]importer.Restriction{r}); err == nil {
			t.Errorf("%+v: no error", r)
		}
	}
}
