package opsgenie

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

// TestScheduleStandard: Baton's schedule of the imported rotation over the
// timeline's window equals Opsgenie's final timeline in the fixture (built
// by hand, see testdata/README.md), interval by interval.
func TestScheduleStandard(t *testing.T) {
	_, root := importertest.Repo(t, people)
	ex := load(t, "schedule.json")
	p := plan(t, root, ex)
	if p.HasUnsupported() || len(p.Files) != 1 {
		t.Fatalf("notes:\n%s", notes(p))
	}
	rot, ps := schema.ParseRotation(p.Files[0].Path, p.Files[0].Data)
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	handles := map[string]string{"alice@example.com": "alice", "bob@example.com": "bobby", "carol@example.com": "carol", "dave@example.com": "dave", "erin@example.com": "erin", "frank@example.com": "frank", "gina@example.com": "gina"}
	var want []importer.Entry
	for _, row := range ex.Timeline.FinalTimeline.Rotations {
		for _, pe := range row.Periods {
			want = append(want, importer.Entry{Start: pe.StartDate, End: pe.EndDate, Users: []string{handles[pe.Recipient.Name]}})
		}
	}
	want = importer.Normalize(want)
	got := importer.Rendered(rot, *ex.Timeline.StartDate, *ex.Timeline.EndDate)
	if len(got) != len(want) || len(want) != 32 {
		t.Fatalf("Baton has %d intervals, Opsgenie %d (want 32):\n%v\n%v", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i].String() != want[i].String() {
			t.Errorf("interval %d: Baton %s, Opsgenie %s", i, got[i], want[i])
		}
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
	if got := strings.Join(rep.Written, " "); got != "rotations/platform-on-call.yaml people.yaml" {
		t.Errorf("written: %s", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "people.yaml"))
	for _, want := range []string{
		"  # Imported from Opsgenie: set github: to their GitHub login.\n  - handle: dave\n    name: Dave Okafor\n    email: dave@example.com\n    time_zone: America/Chicago\n    imoc: qualified\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("people.yaml lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "handle: bob\n") || strings.Contains(string(data), "handle: alice\n") {
		t.Errorf("a known person was added again:\n%s", data)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "rotations", "platform-on-call.yaml"))
	want, _ := os.ReadFile(filepath.Join("testdata", "want-platform-on-call.yaml"))
	if string(got) != string(want) {
		if *update {
			_ = os.WriteFile(filepath.Join("testdata", "want-platform-on-call.yaml"), got, 0o644)
		}
		t.Errorf("rotation differs from testdata/want-platform-on-call.yaml (-update to accept):\n%s", got)
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

// TestUnsupported: a feature Baton cannot represent, rotations that would
// put two people on call at once, or a translation that does not
// reproduce Opsgenie's timeline stops the import of the schedule with a
// note saying why, and nothing is written.
func TestUnsupported(t *testing.T) {
	for file, want := range map[string]string{
		"unsupported-team.json": `unsupported: schedule 5a7c9e1b-3d2f-4c6a-8b0e-1f2a3b4c5d6e (Platform On-Call): rotation "Weekend days": participant "platform" is a team; Baton's rotations name people`,
		"overlap.json":          `unsupported: schedule 5a7c9e1b-3d2f-4c6a-8b0e-1f2a3b4c5d6e (Platform On-Call): Opsgenie puts the people of all rotations on call together: bobby would be on call in "After hours" and frank in "Weekend days" at the same time, from 2026-03-04T22:00:00Z to 2026-03-05T02:00:00Z`,
		"differs.json":          "unsupported: schedule 5a7c9e1b-3d2f-4c6a-8b0e-1f2a3b4c5d6e (Platform On-Call): the translation does not reproduce Opsgenie's timeline: the vendor has bobby from 2026-03-08T21:00:00Z to 2026-03-09T11:00:00Z where Baton has bobby from 2026-03-08T21:00:00Z to 2026-03-09T10:00:00Z",
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

func TestRestrictions(t *testing.T) {
	for _, c := range []struct {
		tr   TimeRestriction
		want string
	}{
		{TimeRestriction{Type: "time-of-day", Restriction: &Restriction{StartHour: 22, EndHour: 6, EndMin: 30}}, `{from: "22:00", to: "06:30"}`},
		{TimeRestriction{Type: "time-of-day", Restriction: &Restriction{StartHour: 0, EndHour: 24}}, `{from: "00:00", to: "00:00"}`},
		{TimeRestriction{Type: "weekday-and-time-of-day", Restrictions: []Restriction{{StartDay: "friday", StartHour: 18, EndDay: "monday", EndHour: 9}}}, `{days: [FR, SA], from: "18:00", to: "18:00"}; {days: [SU], from: "18:00", to: "09:00"}`},
		{TimeRestriction{Type: "weekday-and-time-of-day", Restrictions: []Restriction{{StartDay: "Sunday", StartHour: 20, EndDay: "sunday", EndHour: 23, EndMin: 30}}}, `{days: [SU], from: "20:00", to: "23:30"}`},
		{TimeRestriction{Type: "time-of-day", Restriction: &Restriction{StartHour: 9, EndHour: 9}}, `error: it is unclear whether that is all day or never`},
		{TimeRestriction{Type: "weekday-and-time-of-day", Restrictions: []Restriction{{StartDay: "monday", StartHour: 9, EndDay: "monday", EndHour: 9}}}, `error: the whole week or never`},
		{TimeRestriction{Type: "weekday-and-time-of-day", Restrictions: []Restriction{{StartDay: "mon", EndDay: "monday", EndHour: 9}}}, `error: does not name weekdays`},
		{TimeRestriction{Type: "time-of-day", Restriction: &Restriction{StartHour: 25}}, `error: is not a time of day`},
		{TimeRestriction{Type: "weekly"}, `error: is not time-of-day or weekday-and-time-of-day`},
	} {
		got := ""
		rs, err := restrictions(&c.tr)
		if err == nil {
			ws, werr := importer.Windows(rs)
			err = werr
			var s []string
			for _, w := range ws {
				var ds []string
				for _, d := range w.Days {
					ds = append(ds, d.String())
				}
				day := ""
				if len(ds) > 0 && len(ds) < 7 {
					day = "days: [" + strings.Join(ds, ", ") + "], "
				}
				s = append(s, "{"+day+`from: "`+w.From.String()+`", to: "`+w.To.String()+`"}`)
			}
			got = strings.Join(s, "; ")
		}
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != c.want && !(strings.HasPrefix(c.want, "error: ") && strings.Contains(got, strings.TrimPrefix(c.want, "error: "))) {
			t.Errorf("%+v: %s, want %s", c.tr, got, c.want)
		}
	}
}

// TestOverridesAndParticipants: an override limited to a rotation that has
// nobody on call for part of it, or that leaves another rotation's person
// on call beside it, is refused, and so are overlapping overrides; a
// "none" participant is an empty slot, and an override for "none" removes
// whoever is on call; forwarding periods in the timeline are refused.
func TestOverridesAndParticipants(t *testing.T) {
	mk := func() *Export {
		ex := load(t, "schedule.json")
		ex.Timeline = nil
		return ex
	}
	_, root := importertest.Repo(t, people)

	ex := mk()
	ex.Overrides[1].EndDate = ex.Overrides[1].EndDate.Add(time.Hour) // into Saturday evening
	if n := notes(plan(t, root, ex)); !strings.Contains(n, `override 0b7e4c5d-gina-saturday: it applies only to "Weekend days", but "After hours" has carol from 2026-03-14T21:00:00Z to 2026-03-14T22:00:00Z then`) {
		t.Errorf("override into the evening:\n%s", n)
	}
	ex = mk()
	ex.Overrides[1].StartDate = ex.Overrides[1].StartDate.Add(-24 * time.Hour) // from Friday 09:00
	ex.Overrides[1].EndDate = ex.Overrides[1].StartDate.Add(time.Hour)
	if n := notes(plan(t, root, ex)); !strings.Contains(n, `"Weekend days", which have nobody on call from 2026-03-13T13:00:00Z; Opsgenie does not document`) {
		t.Errorf("override on a weekday:\n%s", n)
	}
	ex = mk()
	ex.Schedule.Rotations[1].Participants = append(ex.Schedule.Rotations[1].Participants, Participant{Type: "none"})
	p := plan(t, root, ex)
	if p.HasUnsupported() || !strings.Contains(string(p.Files[0].Data), "participants: [alice, bobby, carol, nobody]") {
		t.Errorf("none:\n%s\n%s", notes(p), p.Files[0].Data)
	}
	if !strings.Contains(notes(p), "the export has no timeline") {
		t.Errorf("no timeline note:\n%s", notes(p))
	}
	ex = mk()
	ex.Timeline = &Timeline{}
	if p = plan(t, root, ex); !strings.Contains(notes(p), "the timeline covers no time") || len(p.Files) != 1 {
		t.Errorf("empty timeline:\n%s", notes(p))
	}
	ex = mk()
	ex.Overrides[0].User = Participant{Type: "none"} // the night of 12 March: carol, then nobody
	p = plan(t, root, ex)
	if p.HasUnsupported() || !strings.Contains(string(p.Files[0].Data), `{kind: remove, user: carol, from: 2026-03-12T20:00:00-04:00, until: 2026-03-13T08:00:00-04:00, reason: "Opsgenie override 9d3f1e2a-erin-night (nobody on call)"}`) {
		t.Errorf("none override:\n%s\n%s", notes(p), p.Files[0].Data)
	}
	ex = mk()
	ex.Overrides[1].StartDate = ex.Overrides[0].StartDate
	if n := notes(plan(t, root, ex)); !strings.Contains(n, "overrides 9d3f1e2a-erin-night and 0b7e4c5d-gina-saturday overlap; Opsgenie does not document which of them wins") {
		t.Errorf("overlapping overrides:\n%s", n)
	}
	ex = load(t, "schedule.json")
	row := &ex.Timeline.FinalTimeline.Rotations[1]
	row.Periods[0].Type = "forwarding"
	if n := notes(plan(t, root, ex)); !strings.Contains(n, "(a forwarding rule); Baton has no forwarding") {
		t.Errorf("forwarding:\n%s", n)
	}
}
