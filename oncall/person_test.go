package oncall

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
)

// parsedEvent is what a calendar client sees of one event.
type parsedEvent struct {
	UID, Start, End, Summary, Transp string
	Sequence                         int
}

// parseCalendar writes cal and reads it back with golang-ical.
func parseCalendar(t *testing.T, cal Calendar) (map[string]parsedEvent, []string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteICal(&buf, cal); err != nil {
		t.Fatal(err)
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the calendar: %v\n%s", err, buf.String())
	}
	out := map[string]parsedEvent{}
	var order []string
	for _, e := range parsed.Events() {
		start, err1 := e.GetStartAt()
		end, err2 := e.GetEndAt()
		if err1 != nil || err2 != nil {
			t.Fatalf("event %s: %v %v", e.Id(), err1, err2)
		}
		pe := parsedEvent{UID: e.Id(), Start: utc(start), End: utc(end), Summary: ics.FromText(e.GetProperty(ics.ComponentPropertySummary).Value)}
		if p := e.GetProperty(ics.ComponentPropertyTransp); p != nil {
			pe.Transp = p.Value
		}
		if p := e.GetProperty(ics.ComponentPropertySequence); p != nil {
			pe.Sequence, _ = strconv.Atoi(p.Value)
		}
		if _, dup := out[pe.UID]; dup {
			t.Fatalf("UID %s twice", pe.UID)
		}
		out[pe.UID] = pe
		order = append(order, pe.UID)
	}
	return out, order
}

// A person's calendar: their own shifts for twelve months, transparent,
// with UIDs that stay when a shift moves and a higher SEQUENCE in a later
// calendar.
func TestPersonCalendar(t *testing.T) {
	now := ts(t, "2026-03-01T00:00:00Z")
	repo := loadWith(t, diffPeople, map[string]string{"w": diffRotation})
	cal := PersonCalendar(repo, "alice", now)
	if cal.Name != "IMOC shifts: Alice" {
		t.Errorf("name %q", cal.Name)
	}
	evs, order := parseCalendar(t, cal)
	// alice holds every third week from shift 9 (9 March): 17 shifts start
	// within the twelve months.
	if len(order) != 17 || order[0] != "w.l1.k9.0.alice@baton" || order[16] != "w.l1.k57.0.alice@baton" {
		t.Fatalf("%d events: %v", len(order), order)
	}
	first := evs["w.l1.k9.0.alice@baton"]
	want := parsedEvent{UID: "w.l1.k9.0.alice@baton", Start: "2026-03-09T13:00:00Z", End: "2026-03-16T13:00:00Z", Summary: "IMOC: Weekly", Transp: "TRANSPARENT", Sequence: Sequence(now)}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("first event (-want +got):\n%s", diff)
	}
	if Sequence(now) != 13760640 { // minutes from 2000-01-01 to 2026-03-01
		t.Errorf("Sequence = %d", Sequence(now))
	}
	for _, e := range evs {
		if e.Transp != "TRANSPARENT" || e.Summary != "IMOC: Weekly" {
			t.Errorf("event %+v", e)
		}
	}

	// The shift moves: handoffs at 12:00, and dave takes alice's first day.
	// A day later the calendar has the same UID with the new times and a
	// higher SEQUENCE.
	moved := strings.Replace(diffRotation, "anchor: 2026-01-05T09:00", "anchor: 2026-01-05T12:00", 1) +
		"overrides:\n  - {kind: replace, user: dave, replaces: alice, from: 2026-03-09T12:00:00-04:00, until: 2026-03-10T12:00:00-04:00}\n" +
		"  - {kind: replace, user: alice, replaces: bob, from: 2026-03-18T00:00:00Z, until: 2026-03-19T00:00:00Z, reason: swap}\n"
	later := now.Add(24 * time.Hour)
	repo = loadWith(t, diffPeople, map[string]string{"w": moved})
	evs2, order2 := parseCalendar(t, PersonCalendar(repo, "alice", later))
	got := evs2["w.l1.k9.0.alice@baton"]
	want = parsedEvent{UID: "w.l1.k9.0.alice@baton", Start: "2026-03-10T16:00:00Z", End: "2026-03-16T16:00:00Z", Summary: "IMOC: Weekly", Transp: "TRANSPARENT", Sequence: Sequence(later)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("moved event (-want +got):\n%s", diff)
	}
	if got.Sequence <= first.Sequence {
		t.Errorf("SEQUENCE %d, not above %d", got.Sequence, first.Sequence)
	}
	// The day alice takes from bob is an event of its own, named after the
	// override.
	o := evs2["w.o20260318T000000Z.0.alice@baton"]
	if o.Start != "2026-03-18T00:00:00Z" || o.End != "2026-03-19T00:00:00Z" {
		t.Errorf("override event %+v (events %v)", o, order2)
	}
	if len(order2) != 19 { // k60 now starts before the end
		t.Errorf("%d events after the move: %v", len(order2), order2)
	}
}

// A follow-the-sun shift gives one event per working day, numbered within
// the shift, on the person's calendar only.
func TestPersonCalendarFollowTheSun(t *testing.T) {
	rot := `name: FTS
time_zone: UTC
layers:
  - name: catch-all
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [dave]}
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice, bob]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
`
	repo := loadWith(t, diffPeople, map[string]string{"fts": rot})
	from := ts(t, "2026-03-02T00:00:00Z")
	evs := PersonEvents(repo, "alice", from, from.Add(7*24*time.Hour), from)
	var got []string
	for _, e := range evs {
		got = append(got, e.UID+" "+utc(e.Start)+" "+utc(e.End))
	}
	// 2 March is shift 8 of emea: alice (8 mod 2 = 0), 09:00–17:00 CET.
	want := []string{
		"fts.l2.k8.0.alice@baton 2026-03-02T08:00:00Z 2026-03-02T16:00:00Z",
		"fts.l2.k8.1.alice@baton 2026-03-03T08:00:00Z 2026-03-03T16:00:00Z",
		"fts.l2.k8.2.alice@baton 2026-03-04T08:00:00Z 2026-03-04T16:00:00Z",
		"fts.l2.k8.3.alice@baton 2026-03-05T08:00:00Z 2026-03-05T16:00:00Z",
		"fts.l2.k8.4.alice@baton 2026-03-06T08:00:00Z 2026-03-06T16:00:00Z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if evs := PersonEvents(repo, "nobody-here", from, from.Add(time.Hour), from); len(evs) != 0 {
		t.Errorf("someone not on any rotation: %v", evs)
	}
}
