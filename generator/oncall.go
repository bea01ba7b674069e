package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// On-call pages (internal audience only): how far ahead the page lists
// handoffs, and the range each rotation's calendar file covers.
const (
	handoffHorizon = 14 * 24 * time.Hour
	icalPast       = 30 * 24 * time.Hour
	icalFuture     = 90 * 24 * time.Hour
)

// rotationView is one rotation on oncall/index.html, at Options.Now.
type rotationView struct {
	src       *schema.Rotation
	ID, Name  string
	Org, Zone string
	// IMOC and Shadows are the people on call at Now; empty when nobody is.
	IMOC, Shadows []personView
	// Layer produced the IMOC before overrides; Shift is its shift.
	Layer      string
	ShiftStart time.Time
	ShiftEnd   time.Time
	Overrides  []overrideView
	// Next is the next change of the IMOC set (nil when none within
	// oncall.Horizon years).
	Next *shiftView
	// Shifts is the final schedule from Now over the next 14 days; the
	// first entry is the current stretch, every later one starts with a
	// handoff.
	Shifts []shiftView
	// Calendar is the path of the rotation's iCalendar file, from the site
	// root.
	Calendar string

	// Display values: instants as <time> elements in the rotation's zone
	// (Zone), the 14 days ahead as an agenda of shifts by local day, and
	// the same as a strip of colours (decorative: the agenda says it).
	ShiftStartHTML, ShiftEndHTML template.HTML
	Agenda                       []agendaDay
	Strip                        template.HTML
	Axis                         []string // two-letter weekdays under the strip
}

// agendaDay is one local day of the rotation's next 14 days: the shifts
// that start on it (the first day also holds the current one).
type agendaDay struct {
	Date   string // "Fri 27 Nov"
	Short  string // "Fr"
	Shifts []agendaShift
}

// agendaShift is one stretch of the final schedule.
type agendaShift struct {
	Hours         string // "14:00 – 22:00", "Now – Mon 30 Nov, 09:00"
	IMOC, Shadows []personView
	// Class gives the stretch its colour: "p0" … "p5" by the first IMOC's
	// order of appearance.
	Class string
	// Overrides says which overrides put the IMOC there.
	Overrides []string
}

type personView struct {
	Label string // "Alice Ng (@alice)"
	Zone  string // the person's time zone, "" when unknown
}

type overrideView struct {
	Kind, User, Replaces, Reason string
	From, Until                  time.Time
	FromHTML, UntilHTML          template.HTML // in the rotation's zone
}

type shiftView struct {
	From, Until         time.Time
	FromHTML, UntilHTML template.HTML // in the rotation's zone
	IMOC, Shadows       []personView
	// Cut is set on the last shift of the list when it continues beyond
	// the 14 days shown (Until is then the end of the list, not a handoff).
	Cut bool
}

// deriveOnCall computes the on-call view of every rotation at now, sorted
// by rotation id. Only internal builds call it.
func deriveOnCall(repo *schema.Repo, now time.Time) []*rotationView {
	people := func(hs []string) []personView {
		out := make([]personView, 0, len(hs))
		for _, h := range hs {
			pv := personView{Label: personLabel(repo, h)}
			if p := repo.Person(h); p != nil {
				pv.Zone = p.TimeZone
			}
			out = append(out, pv)
		}
		return out
	}
	var out []*rotationView
	for _, r := range repo.Rotations {
		st := oncall.At(r, now)
		rv := &rotationView{
			src: r, ID: r.ID, Name: cmp.Or(r.Name, r.ID), Org: r.Org,
			IMOC: people(st.IMOC), Shadows: people(st.Shadows),
			Layer: st.Layer, ShiftStart: st.ShiftStart, ShiftEnd: st.ShiftEnd,
			Calendar: "oncall/" + r.ID + ".ics",
		}
		loc := r.Location
		if loc == nil {
			loc = time.UTC
		}
		rv.Zone = loc.String()
		tag := func(t time.Time) template.HTML { return zoneTimeTag(t, loc) }
		if !st.ShiftStart.IsZero() {
			rv.ShiftStartHTML, rv.ShiftEndHTML = tag(st.ShiftStart), tag(st.ShiftEnd)
		}
		for _, o := range st.Overrides {
			rv.Overrides = append(rv.Overrides, overrideView{
				Kind: o.Kind, User: personLabel(repo, o.User), Reason: o.Reason, From: o.From, Until: o.Until,
				FromHTML: tag(o.From), UntilHTML: tag(o.Until),
			})
			if o.Replaces != "" {
				rv.Overrides[len(rv.Overrides)-1].Replaces = personLabel(repo, o.Replaces)
			}
		}
		if at, imoc, ok := oncall.NextChange(r, now); ok {
			rv.Next = &shiftView{From: at, FromHTML: tag(at), IMOC: people(imoc)}
		}
		end := now.Add(handoffHorizon)
		ivs := oncall.Schedule(r, now, end)
		for _, iv := range ivs {
			rv.Shifts = append(rv.Shifts, shiftView{From: iv.Start, Until: iv.End, IMOC: people(iv.IMOC), Shadows: people(iv.Shadows),
				FromHTML: shortTimeTag(iv.Start, loc), UntilHTML: shortTimeTag(iv.End, loc), Cut: iv.End.Equal(end)})
		}
		rv.Agenda, rv.Strip, rv.Axis = agenda(repo, r, ivs, now, loc)
		out = append(out, rv)
	}
	slices.SortFunc(out, func(a, b *rotationView) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// agenda lays out the schedule ivs (from now, 14 days) by local day in
// loc, each day with the stretches that overlap it, and draws the same as
// a strip. Each stretch gets a colour class by the order in which its
// first IMOC appears. It returns the days, the strip and the weekdays
// under the strip.
func agenda(repo *schema.Repo, r *schema.Rotation, ivs []oncall.Interval, now time.Time, loc *time.Location) ([]agendaDay, template.HTML, []string) {
	names := func(hs []string) []personView {
		out := make([]personView, len(hs))
		for i, h := range hs {
			out[i] = personView{Label: personName(repo, h)}
		}
		return out
	}
	const n = int(handoffHorizon / (24 * time.Hour))
	y, mo, d := now.In(loc).Date()
	starts := make([]time.Time, n+1)
	days := make([]agendaDay, n)
	axis := make([]string, n)
	for i := range starts {
		starts[i] = time.Date(y, mo, d+i, 0, 0, 0, 0, loc)
		if i < n {
			days[i] = agendaDay{Date: starts[i].Format("Mon 2 Jan"), Short: starts[i].Format("Mon")[:2]}
			axis[i] = days[i].Short
		}
	}
	days[0].Date += " (today)"
	colour := map[string]int{}
	classOf := func(imoc []string) string {
		if len(imoc) == 0 {
			return "nb"
		}
		c, ok := colour[imoc[0]]
		if !ok {
			c = len(colour)
			colour[imoc[0]] = c
		}
		return fmt.Sprintf("p%d", c%6)
	}
	overrides := func(iv oncall.Interval) []string {
		var out []string
		if len(iv.IMOC) == 0 {
			return nil
		}
		for _, o := range oncall.At(r, iv.Start).Overrides {
			if o.Kind == schema.OverrideRemove || !slices.Contains(iv.IMOC, o.User) {
				continue
			}
			text := o.Kind + " " + personName(repo, o.User)
			if o.Replaces != "" {
				text += " for " + personName(repo, o.Replaces)
			}
			if o.Reason != "" {
				text += " (" + o.Reason + ")"
			}
			out = append(out, text)
		}
		return out
	}

	var strip strings.Builder
	total := starts[n].Sub(starts[0]).Hours()
	x := func(t time.Time) string { return num1(t.Sub(starts[0]).Hours()) }
	fmt.Fprintf(&strip, `<svg class="strip" viewBox="0 0 %s 12" preserveAspectRatio="none" width="100%%" height="24" focusable="false">`, num1(total))
	fmt.Fprintf(&strip, `<rect class="bg" width="%s" height="12"/>`, num1(total))
	for _, iv := range ivs {
		class := classOf(iv.IMOC)
		from, until := iv.Start, earlier(iv.End, starts[n])
		if !until.After(from) {
			continue
		}
		fmt.Fprintf(&strip, `<rect class="%s" x="%s" width="%s" height="12"/>`, class, x(from), num1(until.Sub(from).Hours()))
		ov := overrides(iv)
		for i := range days {
			a, b := later(starts[i], from), earlier(starts[i+1], until)
			if !b.After(a) {
				continue
			}
			s := agendaShift{IMOC: names(iv.IMOC), Shadows: names(iv.Shadows), Class: class, Overrides: ov}
			if class == "nb" {
				s.Class = ""
			}
			switch {
			case a.Equal(starts[i]) && b.Equal(starts[i+1]):
				s.Hours = "All day"
			default:
				fromText, untilText := a.In(loc).Format("15:04"), b.In(loc).Format("15:04")
				if a.Equal(now) {
					fromText = "Now"
				}
				if b.Equal(starts[i+1]) {
					untilText = "24:00"
				}
				s.Hours = fromText + " – " + untilText
			}
			days[i].Shifts = append(days[i].Shifts, s)
		}
	}
	for _, t := range starts[1:n] {
		fmt.Fprintf(&strip, `<rect class="tick" x="%s" width="0.4" height="12"/>`, x(t))
	}
	fmt.Fprintf(&strip, `<rect class="nowline" x="%s" width="0.8" height="12"/>`, x(now))
	strip.WriteString(`</svg>`)
	return days, template.HTML(strip.String()), axis // numbers and fixed class names only
}

// earlier returns the earlier of two instants.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// num1 formats a coordinate with at most one decimal.
func num1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// shortTimeTag is an instant in loc without the year and the zone (which
// the page names once): "Fri 27 Nov, 14:00".
func shortTimeTag(t time.Time, loc *time.Location) template.HTML {
	return template.HTML(`<time datetime="` + html.EscapeString(t.UTC().Format(time.RFC3339)) + `">` +
		html.EscapeString(t.In(loc).Format("Mon 2 Jan, 15:04")) + `</time>`)
}

// renderCalendar writes the iCalendar file of one rotation: its final
// schedule from 30 days before Now to 90 days after, one event per stretch
// with someone on call, people by name. UIDs are oncall.Events' (rotation
// id and start instant), so subscribed calendars update events in place;
// DTSTAMP is Now, so the file is reproducible.
func renderCalendar(repo *schema.Repo, rv *rotationView, now time.Time) ([]byte, error) {
	r := rv.src
	names := func(hs []string) string {
		ls := make([]string, len(hs))
		for i, h := range hs {
			ls[i] = personLabel(repo, h)
		}
		return strings.Join(ls, ", ")
	}
	cal := oncall.Calendar{Name: rv.Name, Stamp: now}
	for _, ev := range oncall.Events(r, now.Add(-icalPast), now.Add(icalFuture)) {
		ev.Summary = rv.Name + ": " + names(ev.IMOC)
		ev.Description = "IMOC: " + names(ev.IMOC)
		if len(ev.Shadows) > 0 {
			ev.Summary += " (shadow: " + names(ev.Shadows) + ")"
			ev.Description += "\nShadows: " + names(ev.Shadows)
		}
		ev.Description += "\nRotation: " + rv.Name + " (" + r.ID + ")"
		cal.Events = append(cal.Events, ev)
	}
	var buf bytes.Buffer
	if err := oncall.WriteICal(&buf, cal); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// personCalendarPath is where the personal calendar of a person is
// published, from the site root.
func personCalendarPath(handle string) string { return "oncall/people/" + handle + ".ics" }

// personCalendarHandles lists who gets a personal calendar: every
// qualified IMOC, by handle (validation makes sure nobody else takes
// shifts), when there are rotations. Handles are checked, so they are safe
// in a path.
func personCalendarHandles(repo *schema.Repo) []string {
	if len(repo.Rotations) == 0 {
		return nil
	}
	var out []string
	for _, p := range repo.People {
		if p.Qualified() && schema.CheckHandle(p.Handle) && !slices.Contains(out, p.Handle) {
			out = append(out, p.Handle)
		}
	}
	slices.Sort(out)
	return out
}

// renderPersonCalendar writes a person's own shifts on every rotation for
// the 12 months from now: oncall.PersonCalendar, the same file as `baton
// schedule --person HANDLE --ical --now NOW`. Events are transparent (they
// do not mark the person busy), UIDs follow the shift that gives each
// stretch, and SEQUENCE grows with now.
func renderPersonCalendar(repo *schema.Repo, handle string, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	if err := oncall.WriteICal(&buf, oncall.PersonCalendar(repo, handle, now)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
