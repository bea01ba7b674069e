package oncall

import (
	"io"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/ical"
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

const icalTime = ical.Format

// WriteICal writes cal as an iCalendar stream: CRLF line endings, lines
// folded at 75 octets, text escaped, all times in UTC, every event
// TRANSPARENT (on call is not busy time).
//
// It fails, writing nothing, when a time falls outside the years 0 to 9999,
// which the iCalendar format cannot express.
func WriteICal(w io.Writer, cal Calendar) error {
	out := ical.Calendar{ProdID: cal.ProdID, Name: cal.Name, Stamp: cal.Stamp}
	if out.ProdID == "" {
		out.ProdID = "-//Baton//IMOC schedule//EN"
	}
	for _, e := range cal.Events {
		out.Events = append(out.Events, ical.Event{
			UID: e.UID, Start: e.Start, End: e.End,
			Summary: e.Summary, Description: e.Description, Sequence: e.Sequence,
		})
	}
	return ical.Write(w, out)
}
