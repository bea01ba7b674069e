package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

func TestWriteParses(t *testing.T) {
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	cal := Calendar{
		ProdID: "-//Baton//Test//EN", Name: "Acme; maintenance, windows",
		Stamp: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Events: []Event{
			{UID: "https://status.example/incidents/x/", Start: at, End: at.Add(time.Hour), Sequence: 2, Status: "CONFIRMED",
				Summary: "Maintenance: database, upgrade; part 2", Description: "Line one\nLine two " + strings.Repeat("é", 60),
				URL: "https://status.example/incidents/x/"},
			{UID: "y", Start: at, End: at.Add(time.Hour), Status: "CANCELLED", Summary: "Cancelled", Busy: true},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, cal); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line %d is %d octets or cuts a character: %q", i+1, len(line), line)
		}
	}
	parsed, err := ics.ParseCalendar(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	evs := parsed.Events()
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	get := func(p ics.ComponentProperty) string {
		if prop := e.GetProperty(p); prop != nil {
			return prop.Value
		}
		return ""
	}
	if get(ics.ComponentPropertySummary) != "Maintenance: database, upgrade; part 2" ||
		get(ics.ComponentPropertySequence) != "2" || get(ics.ComponentPropertyStatus) != "CONFIRMED" ||
		get(ics.ComponentPropertyTransp) != "TRANSPARENT" {
		t.Errorf("summary %q sequence %q status %q transp %q", get(ics.ComponentPropertySummary), get(ics.ComponentPropertySequence), get(ics.ComponentPropertyStatus), get(ics.ComponentPropertyTransp))
	}
	if d := get(ics.ComponentPropertyDescription); d != "Line one\nLine two "+strings.Repeat("é", 60) {
		t.Errorf("description %q: folding broke it", d)
	}
	if start, err := e.GetStartAt(); err != nil || !start.Equal(at) {
		t.Errorf("start %v %v", start, err)
	}
	if s := evs[1].GetProperty(ics.ComponentPropertyStatus); s == nil || s.Value != "CANCELLED" {
		t.Error("the cancelled event lost its status")
	}
}

func TestWriteRefusesYearsOutOfRange(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, Calendar{Stamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err == nil || buf.Len() != 0 {
		t.Errorf("err %v, wrote %d bytes", err, buf.Len())
	}
}

func TestEscapeText(t *testing.T) {
	if got := EscapeText("a\\b;c,d\r\ne\x01f"); got != `a\\b\;c\,d\nef` {
		t.Errorf("EscapeText = %q", got)
	}
}

func TestFold(t *testing.T) {
	var buf bytes.Buffer
	lw := &LineWriter{W: &buf}
	lw.Line("SUMMARY", strings.Repeat("é", 100)) // 2 octets each
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	if len(lines) != 3 || len(lines[0]) != 74 || lines[1][0] != ' ' || len(lines[1]) != 75 {
		t.Errorf("folded into %q", lines)
	}
	if strings.ReplaceAll(buf.String(), "\r\n ", "") != "SUMMARY:"+strings.Repeat("é", 100)+"\r\n" {
		t.Errorf("unfolding does not give the line back: %q", buf.String())
	}
}
