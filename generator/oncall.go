package generator

import (
	"bytes"
	"cmp"
	"slices"
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
}

type personView struct {
	Label string // "Alice Ng (@alice)"
	Zone  string // the person's time zone, "" when unknown
}

type overrideView struct {
	Kind, User, Replaces, Reason string
	From, Until                  time.Time
}

type shiftView struct {
	From, Until   time.Time
	IMOC, Shadows []personView
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
		if r.Location != nil {
			rv.Zone = r.Location.String()
		}
		for _, o := range st.Overrides {
			rv.Overrides = append(rv.Overrides, overrideView{
				Kind: o.Kind, User: personLabel(repo, o.User), Reason: o.Reason, From: o.From, Until: o.Until,
			})
			if o.Replaces != "" {
				rv.Overrides[len(rv.Overrides)-1].Replaces = personLabel(repo, o.Replaces)
			}
		}
		if at, imoc, ok := oncall.NextChange(r, now); ok {
			rv.Next = &shiftView{From: at, IMOC: people(imoc)}
		}
		end := now.Add(handoffHorizon)
		for _, iv := range oncall.Schedule(r, now, end) {
			rv.Shifts = append(rv.Shifts, shiftView{From: iv.Start, Until: iv.End, IMOC: people(iv.IMOC), Shadows: people(iv.Shadows),
				Cut: iv.End.Equal(end)})
		}
		out = append(out, rv)
	}
	slices.SortFunc(out, func(a, b *rotationView) int { return cmp.Compare(a.ID, b.ID) })
	return out
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
