package oncall

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
)

func TestWriteICalParses(t *testing.T) {
	r := loadRotation(t, nyWeekly+`overrides:
  - {kind: replace, user: carol, replaces: alice, from: 2025-01-12T12:00:00-05:00, until: 2025-01-14T12:00:00-05:00, reason: swap}
shadows:
  - {user: tara, with: imoc, from: 2025-01-12T00:00:00-05:00, until: 2025-01-14T00:00:00-05:00}
`)
	r.Name = "Platform IMOC; nights, weekends & more — ünïcödé, with a name long enough to be folded over several lines"
	from, to := ts(t, "2025-01-12T00:00:00Z"), ts(t, "2025-01-21T00:00:00Z")
	cal := Calendar{Name: r.Name, Stamp: ts(t, "2025-01-01T00:00:00Z"), Events: Events(r, from, to)}
	var buf bytes.Buffer
	if err := WriteICal(&buf, cal); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
	}

	parsed, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the output: %v\n%s", err, out)
	}
	type ev struct{ UID, Start, End, Summary string }
	var got []ev
	for _, e := range parsed.Events() {
		start, err1 := e.GetStartAt()
		end, err2 := e.GetEndAt()
		if err1 != nil || err2 != nil {
			t.Fatalf("event %s: %v %v", e.Id(), err1, err2)
		}
		got = append(got, ev{e.Id(), utc(start), utc(end), ics.FromText(e.GetProperty(ics.ComponentPropertySummary).Value)})
	}
	// The first and last events keep their real bounds beyond the range.
	want := []ev{
		{"r-20250106T140000Z@baton", "2025-01-06T14:00:00Z", "2025-01-12T05:00:00Z", r.Name + ": alice"},
		{"r-20250112T050000Z@baton", "2025-01-12T05:00:00Z", "2025-01-12T17:00:00Z", r.Name + ": alice (shadow: tara)"},
		{"r-20250112T170000Z@baton", "2025-01-12T17:00:00Z", "2025-01-13T14:00:00Z", r.Name + ": carol (shadow: tara)"},
		{"r-20250113T140000Z@baton", "2025-01-13T14:00:00Z", "2025-01-14T05:00:00Z", r.Name + ": bob (shadow: tara)"},
		{"r-20250114T050000Z@baton", "2025-01-14T05:00:00Z", "2025-01-20T14:00:00Z", r.Name + ": bob"},
		{"r-20250120T140000Z@baton", "2025-01-20T14:00:00Z", "2025-01-27T14:00:00Z", r.Name + ": alice"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed events (-want +got):\n%s\n%s", diff, out)
	}
	if n := strings.Count(out, "DTSTAMP:20250101T000000Z\r\n"); n != len(want) {
		t.Errorf("%d DTSTAMPs, want %d", n, len(want))
	}
}

// TestHardening19ICalYear10000: a time past 9999-12-31 cannot be an
// iCalendar date-time; WriteICal fails and writes nothing instead of
// writing "100000101T000000Z".
func TestHardening19ICalYear10000(t *testing.T) {
	late := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	for name, cal := range map[string]Calendar{
		"stamp": {Stamp: late},
		"end":   {Stamp: ok, Events: []Event{{UID: "r-1", Start: ok, End: late, Summary: "x"}}},
		"start": {Stamp: ok, Events: []Event{{UID: "r-1", Start: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), End: ok, Summary: "x"}}},
	} {
		var buf bytes.Buffer
		err := WriteICal(&buf, cal)
		if err == nil || !strings.Contains(err.Error(), "outside the years 0 to 9999") {
			t.Errorf("%s: error %v", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q", name, buf.String())
		}
	}
	var buf bytes.Buffer
	if err := WriteICal(&buf, Calendar{Stamp: ok, Events: []Event{{UID: "r-1", Start: ok, End: ok.Add(time.Hour), Summary: "x"}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "DTEND:99991231T010000Z\r\n") {
		t.Errorf("the last year is not written:\n%s", buf.String())
	}
}
