package oncall

import (
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// PersonCalendarMonths is how far ahead a person's calendar reaches.
const PersonCalendarMonths = 12

// sequenceEpoch is the instant SEQUENCE values count minutes from.
var sequenceEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Sequence returns the SEQUENCE of the events of a calendar written at
// stamp: whole minutes since 2000-01-01T00:00Z (0 before). A calendar
// file is computed from the repository alone and cannot remember what it
// said before, so instead of counting revisions, every event carries the
// time the file was made: a later build always has a higher sequence, and
// a client that imported an earlier file takes every event, moved or
// not, as an update.
func Sequence(stamp time.Time) int {
	if !stamp.After(sequenceEpoch) {
		return 0
	}
	return int(stamp.Sub(sequenceEpoch) / time.Minute)
}

// PersonCalendar returns a person's own IMOC shifts on every rotation of
// repo for the PersonCalendarMonths months from now: one event per stretch
// they are on call (see PersonEvents), with DTSTAMP now and SEQUENCE
// Sequence(now).
func PersonCalendar(repo *schema.Repo, handle string, now time.Time) Calendar {
	name := handle
	if p := repo.Person(handle); p != nil && p.Name != "" {
		name = p.Name
	}
	return Calendar{
		ProdID: "-//Baton//IMOC shifts//EN",
		Name:   "IMOC shifts: " + name,
		Stamp:  now,
		Events: PersonEvents(repo, handle, now, now.AddDate(0, PersonCalendarMonths, 0), now),
	}
}

// PersonEvents returns one event per stretch of time the person is on
// call on a rotation of repo (Held: merged where it continues, whatever
// else changes) that overlaps [from, to), keeping its real start and end
// within IcalMargin of the range. Rotations are taken in id order, then
// events by start. Events on several rotations at once are not merged: the
// summary names the rotation.
//
// An event's UID names what the stretch comes from, so that a calendar
// client updates it in place when the stretch moves: the layer and index
// k of the layer shift that gives it, or the start of the override that
// gives it; the stretch's place among those from the same source (a
// follow-the-sun shift gives one stretch per working day); and the
// person: rotation.l<layer>.k<k>.<n>.<handle>@baton. A shift keeps its UID
// when its handoffs move by hours or an override shortens it; it gets a
// new one when the layer's anchor moves by whole shifts or layers are
// reordered (the old event then disappears and a new one appears). Places
// are counted from IcalMargin before the range, so a shift longer than
// that may number its stretches differently in calendars made at
// different times. Every event's SEQUENCE is Sequence(stamp).
func PersonEvents(repo *schema.Repo, handle string, from, to, stamp time.Time) []Event {
	var out []Event
	seq := Sequence(stamp)
	for _, r := range repo.Rotations {
		if !r.WithinLimits() {
			continue
		}
		name := r.Name
		if name == "" {
			name = r.ID
		}
		seen := map[string]int{}
		for _, st := range Held(r, handle, from.Add(-IcalMargin), to.Add(IcalMargin)) {
			key, how := stretchKey(r, st)
			n := seen[key] // the stretch's place among those from the same source
			seen[key]++
			key += fmt.Sprintf(".%d", n)
			if !st.End.After(from) || !st.Start.Before(to) {
				continue
			}
			desc := []string{"Rotation: " + name + " (" + r.ID + ")", how}
			out = append(out, Event{
				UID:         key + "." + handle + "@baton",
				Start:       st.Start,
				End:         st.End,
				Summary:     "IMOC: " + name,
				Description: strings.Join(desc, "\n"),
				IMOC:        []string{handle},
				Sequence:    seq,
			})
		}
	}
	return out
}

// stretchKey returns the identity of what gives a stretch (the first part
// of its UID) and a line saying it, for the event's description.
func stretchKey(r *schema.Rotation, st Stretch) (key, how string) {
	switch {
	case st.Layer >= 0:
		l := &r.Layers[st.Layer]
		loc := l.Location
		if loc == nil {
			loc = rotationZone(r)
		}
		name := l.Name
		if name == "" {
			name = fmt.Sprintf("layer %d", st.Layer+1)
		}
		return fmt.Sprintf("%s.l%d.k%d", r.ID, st.Layer+1, st.Shift),
			fmt.Sprintf("Shift: %s, %s to %s", name, st.ShiftStart.In(loc).Format("Mon 2 Jan 15:04 MST"), st.ShiftEnd.In(loc).Format("Mon 2 Jan 15:04 MST"))
	case st.Override >= 0:
		o := &r.Overrides[st.Override]
		how := "Override: " + o.Kind
		if o.Replaces != "" {
			how += " for " + o.Replaces
		}
		if o.Reason != "" {
			how += " (" + o.Reason + ")"
		}
		return fmt.Sprintf("%s.o%s", r.ID, o.From.UTC().Format(icalTime)), how
	}
	return fmt.Sprintf("%s.t%s", r.ID, st.Start.UTC().Format(icalTime)), "On call"
}
