package oncall

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/schema"
)

// Calendar is an iCalendar file (RFC 5545) of on-call shifts.
type Calendar struct {
	// ProdID identifies the producer; empty means "-//Baton//IMOC schedule//EN".
	ProdID string
	// Name is shown by calendar clients (X-WR-CALNAME); optional.
	Name string
	// Stamp is every event's DTSTAMP. Pass a time from the input (the
	// --now flag, the build time), never the clock, so that output is
	// reproducible.
	Stamp  time.Time
	Events []Event
}

// Event is one VEVENT. UID must be stable across runs so that calendar
// clients update an event instead of adding a duplicate.
type Event struct {
	UID                  string
	Start, End           time.Time
	Summary, Description string
	// IMOC and Shadows are the handles on call during the event, sorted, as
	// in the Interval it was made from ([Events] fills them; WriteICal does
	// not use them). Callers that word the summary themselves use these
	// rather than asking At again.
	IMOC, Shadows []string
	// Sequence is the event's SEQUENCE (RFC 5545 section 3.8.7.4), written
	// when it is above zero: calendar clients take an event whose UID they
	// know as an update when its sequence is higher.
	Sequence int
}

// Events returns one event per interval of r's final schedule that
// overlaps [from, to) and has someone on call. Events keep their real
// bounds (the range is widened by IcalMargin on each side to find them),
// and their UID is the rotation's id and the start instant, so a calendar
// subscribed to a regenerated file updates events rather than duplicating
// them.
func Events(r *schema.Rotation, from, to time.Time) []Event {
	var out []Event
	for _, iv := range Schedule(r, from.Add(-IcalMargin), to.Add(IcalMargin)) {
		if len(iv.IMOC) == 0 || !iv.End.After(from) || !iv.Start.Before(to) {
			continue
		}
		name := r.Name
		if name == "" {
			name = r.ID
		}
		summary := name + ": " + strings.Join(iv.IMOC, ", ")
		desc := "IMOC: " + strings.Join(iv.IMOC, ", ")
		if len(iv.Shadows) > 0 {
			summary += " (shadow: " + strings.Join(iv.Shadows, ", ") + ")"
			desc += "\nShadows: " + strings.Join(iv.Shadows, ", ")
		}
		desc += "\nRotation: " + name + " (" + r.ID + ")"
		out = append(out, Event{
			UID:         r.ID + "-" + iv.Start.UTC().Format(icalTime) + "@baton",
			Start:       iv.Start,
			End:         iv.End,
			Summary:     summary,
			Description: desc,
			IMOC:        iv.IMOC,
			Shadows:     iv.Shadows,
		})
	}
	return out
}

// IcalMargin is how far [Events] looks beyond its range for the real start
// and end of the first and last shift.
const IcalMargin = 62 * 24 * time.Hour

const icalTime = "20060102T150405Z"

// WriteICal writes cal as an iCalendar stream: CRLF line endings, lines
// folded at 75 octets, text escaped, all times in UTC.
//
// It fails, writing nothing, when a time falls outside the years 0 to 9999,
// which the iCalendar format cannot express.
func WriteICal(w io.Writer, cal Calendar) error {
	if err := checkICalTimes(cal); err != nil {
		return err
	}
	iw := &icalWriter{w: w}
	prod := cal.ProdID
	if prod == "" {
		prod = "-//Baton//IMOC schedule//EN"
	}
	stamp := cal.Stamp.UTC().Format(icalTime)
	iw.line("BEGIN", "VCALENDAR")
	iw.line("VERSION", "2.0")
	iw.line("PRODID", prod)
	iw.line("CALSCALE", "GREGORIAN")
	iw.line("METHOD", "PUBLISH")
	if cal.Name != "" {
		iw.line("X-WR-CALNAME", escapeText(cal.Name))
	}
	for _, e := range cal.Events {
		iw.line("BEGIN", "VEVENT")
		iw.line("UID", escapeText(e.UID))
		iw.line("DTSTAMP", stamp)
		iw.line("DTSTART", e.Start.UTC().Format(icalTime))
		iw.line("DTEND", e.End.UTC().Format(icalTime))
		if e.Sequence > 0 {
			iw.line("SEQUENCE", strconv.Itoa(e.Sequence))
		}
		iw.line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			iw.line("DESCRIPTION", escapeText(e.Description))
		}
		iw.line("TRANSP", "TRANSPARENT")
		iw.line("END", "VEVENT")
	}
	iw.line("END", "VCALENDAR")
	if iw.err != nil {
		return fmt.Errorf("writing iCalendar: %w", iw.err)
	}
	return nil
}

// checkICalTimes refuses times whose year has more than four digits (or
// is negative): formatted, they would not be iCalendar date-times.
func checkICalTimes(cal Calendar) error {
	bad := func(t time.Time) bool { y := t.UTC().Year(); return y < 0 || y > 9999 }
	if bad(cal.Stamp) {
		return fmt.Errorf("writing iCalendar: the stamp %s is outside the years 0 to 9999", cal.Stamp.UTC().Format(time.RFC3339))
	}
	for _, e := range cal.Events {
		for _, t := range []time.Time{e.Start, e.End} {
			if bad(t) {
				return fmt.Errorf("writing iCalendar: event %q has a time outside the years 0 to 9999 (%s)", e.UID, t.UTC().String())
			}
		}
	}
	return nil
}

type icalWriter struct {
	w   io.Writer
	err error
	buf []byte
}

// line writes "NAME:value" folded at 75 octets (RFC 5545 section 3.1),
// never inside a UTF-8 sequence.
func (iw *icalWriter) line(name, value string) {
	if iw.err != nil {
		return
	}
	s := name + ":" + value
	b := iw.buf[:0]
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b = append(b, s[:cut]...)
		b = append(b, "\r\n "...)
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b = append(b, s...)
	b = append(b, "\r\n"...)
	iw.buf = b
	_, iw.err = iw.w.Write(b)
}

// escapeText escapes a TEXT value (RFC 5545 section 3.3.11) and drops
// control characters other than newlines.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\\', r == ';', r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
