// Package ical writes iCalendar streams (RFC 5545): the lines of a
// calendar folded at 75 octets, CRLF line endings and escaped text. It is
// the writing half of all of Baton's calendars (the site's maintenance
// calendar, the rotations' and people's on-call calendars); what goes into
// an event is the caller's decision.
//
// It is not for parsing calendars, time zones (every time is written in
// UTC) or recurrence rules.
package ical

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is one VCALENDAR.
type Calendar struct {
	// ProdID identifies the producer, e.g. "-//Baton//Maintenance//EN".
	ProdID string
	// Name is shown by calendar clients (X-WR-CALNAME); optional.
	Name string
	// Stamp is every event's DTSTAMP: pass a time from the input (the
	// --now flag, the build time), never the clock, so that output is
	// reproducible.
	Stamp  time.Time
	Events []Event
}

// Event is one VEVENT. UID must be stable across runs so that calendar
// clients update an event instead of adding a duplicate, and Sequence must
// not decrease for the same UID.
type Event struct {
	UID                  string
	Start, End           time.Time
	Summary, Description string
	// URL is an absolute address of the event's page; optional.
	URL string
	// Sequence is the revision of the event (SEQUENCE).
	Sequence int
	// Status is TENTATIVE, CONFIRMED or CANCELLED; optional.
	Status string
	// Busy marks the event as time that is taken (TRANSP:OPAQUE); by
	// default events are TRANSPARENT and do not block free/busy time.
	Busy bool
}

// Format is how times are written: UTC, basic format.
const Format = "20060102T150405Z"

// Write writes cal as an iCalendar stream. It fails, writing nothing, when
// a time falls outside the years 0 to 9999, which the format cannot
// express.
func Write(w io.Writer, cal Calendar) error {
	if err := checkTimes(cal); err != nil {
		return err
	}
	lw := &LineWriter{W: w}
	lw.Line("BEGIN", "VCALENDAR")
	lw.Line("VERSION", "2.0")
	lw.Line("PRODID", cal.ProdID)
	lw.Line("CALSCALE", "GREGORIAN")
	lw.Line("METHOD", "PUBLISH")
	if cal.Name != "" {
		lw.Line("X-WR-CALNAME", EscapeText(cal.Name))
	}
	stamp := cal.Stamp.UTC().Format(Format)
	for _, e := range cal.Events {
		lw.Line("BEGIN", "VEVENT")
		lw.Line("UID", EscapeText(e.UID))
		lw.Line("DTSTAMP", stamp)
		lw.Line("DTSTART", e.Start.UTC().Format(Format))
		lw.Line("DTEND", e.End.UTC().Format(Format))
		if e.Sequence > 0 { // 0 is the default
			lw.Line("SEQUENCE", strconv.Itoa(e.Sequence))
		}
		lw.Line("SUMMARY", EscapeText(e.Summary))
		if e.Description != "" {
			lw.Line("DESCRIPTION", EscapeText(e.Description))
		}
		if e.URL != "" {
			lw.Line("URL", e.URL)
		}
		if e.Status != "" {
			lw.Line("STATUS", e.Status)
		}
		if e.Busy {
			lw.Line("TRANSP", "OPAQUE")
		} else {
			lw.Line("TRANSP", "TRANSPARENT")
		}
		lw.Line("END", "VEVENT")
	}
	lw.Line("END", "VCALENDAR")
	if lw.Err != nil {
		return fmt.Errorf("writing iCalendar: %w", lw.Err)
	}
	return nil
}

// checkTimes refuses times whose year has more than four digits (or is
// negative): formatted, they would not be iCalendar date-times.
func checkTimes(cal Calendar) error {
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

// LineWriter writes content lines. The first write error is kept in Err
// and every later line is skipped.
type LineWriter struct {
	W   io.Writer
	Err error
	buf []byte
}

// Line writes "NAME:value" folded at 75 octets (RFC 5545 section 3.1),
// never inside a UTF-8 sequence, and ended by CRLF. value must already be
// escaped where its type needs it (see EscapeText).
func (lw *LineWriter) Line(name, value string) {
	if lw.Err != nil {
		return
	}
	s := name + ":" + value
	b := lw.buf[:0]
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
	lw.buf = b
	_, lw.Err = lw.W.Write(b)
}

// EscapeText escapes a TEXT value (RFC 5545 section 3.3.11) and drops
// control characters other than newlines.
func EscapeText(s string) string {
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
