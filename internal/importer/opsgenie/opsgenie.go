// Package opsgenie imports an Opsgenie on-call schedule into a Baton
// rotation: its rotations (type, length, start and end, participants in
// order, time-of-day and weekday-and-time-of-day restrictions), in the
// schedule's time zone, and its overrides. Users are matched to people.yaml
// by e-mail (an Opsgenie username is the user's e-mail address).
//
// Opsgenie puts everyone its rotations name on call together; Baton has one
// person from one layer at a time. A schedule translates exactly when its
// rotations never have two different people on call at once (day and night
// rotations, weekday and weekend rotations), and the importer checks that
// before writing anything. When the export carries Opsgenie's own
// rendering (the final timeline of GET /v2/schedules/{id}/timeline), the
// imported rotation is computed over the same window and must agree with
// it interval by interval, or nothing is written.
package opsgenie

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/schema"
)

// Export is what the importer reads, and the format of a --from-file: the
// data of GET /v2/schedules/{id} (the schedule with its rotations), of GET
// /v2/schedules/{id}/overrides, of GET /v2/users (every page, for names
// and time zones) and of GET /v2/schedules/{id}/timeline (the rendering to
// check against).
type Export struct {
	Schedule  Schedule   `json:"schedule"`
	Overrides []Override `json:"overrides"`
	Users     []User     `json:"users"`
	Timeline  *Timeline  `json:"timeline"`
}

// Schedule is an Opsgenie schedule.
type Schedule struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Timezone  string     `json:"timezone"`
	Enabled   *bool      `json:"enabled"`
	Rotations []Rotation `json:"rotations"`
}

// Rotation is one rotation of a schedule.
type Rotation struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	StartDate       time.Time        `json:"startDate"`
	EndDate         *time.Time       `json:"endDate"`
	Type            string           `json:"type"` // daily | weekly | hourly
	Length          int              `json:"length"`
	Participants    []Participant    `json:"participants"`
	TimeRestriction *TimeRestriction `json:"timeRestriction"`
}

// Participant is a rotation participant, an override's user or a
// timeline period's recipient.
type Participant struct {
	Type     string `json:"type"` // user | none | team | escalation | schedule
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// TimeRestriction limits when a rotation is on call: every day
// (time-of-day, one restriction) or in weekly intervals
// (weekday-and-time-of-day, a list).
type TimeRestriction struct {
	Type         string        `json:"type"`
	Restriction  *Restriction  `json:"restriction"`
	Restrictions []Restriction `json:"restrictions"`
}

// Restriction is one interval of a time restriction.
type Restriction struct {
	StartDay  string `json:"startDay"`
	StartHour int    `json:"startHour"`
	StartMin  int    `json:"startMin"`
	EndDay    string `json:"endDay"`
	EndHour   int    `json:"endHour"`
	EndMin    int    `json:"endMin"`
}

// Override puts a user on call for a while, for the whole schedule or for
// some of its rotations.
type Override struct {
	Alias     string        `json:"alias"`
	User      Participant   `json:"user"`
	StartDate time.Time     `json:"startDate"`
	EndDate   time.Time     `json:"endDate"`
	Rotations []RotationRef `json:"rotations"`
}

// RotationRef names a rotation.
type RotationRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is an Opsgenie user; the username is the e-mail address.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	FullName string `json:"fullName"`
	TimeZone string `json:"timeZone"`
}

// Timeline is Opsgenie's rendering of a schedule over a window.
type Timeline struct {
	StartDate     *time.Time `json:"startDate"`
	EndDate       *time.Time `json:"endDate"`
	FinalTimeline struct {
		Rotations []TimelineRotation `json:"rotations"`
	} `json:"finalTimeline"`
}

// TimelineRotation is one rotation's row of the final timeline: who is on
// call through it, overrides included.
type TimelineRotation struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Periods []Period `json:"periods"`
}

// Period is a stretch of a timeline row.
type Period struct {
	StartDate time.Time   `json:"startDate"`
	EndDate   time.Time   `json:"endDate"`
	Type      string      `json:"type"`
	Recipient Participant `json:"recipient"`
}

// Options name the rotation file.
type Options = importer.RotationOptions

// Translate turns an export into a plan for repo: one rotation file, the
// people it needs, and notes.
func Translate(repo *schema.Repo, ex *Export, opt Options) (*importer.Plan, error) {
	plan := &importer.Plan{Source: "Opsgenie"}
	s := ex.Schedule
	item := fmt.Sprintf("schedule %s (%s)", s.ID, s.Name)
	id, err := importer.RotationID(opt.RotationID, s.Name, "opsgenie", s.ID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil || s.Timezone == "" {
		plan.Note(importer.Unsupported, item, "time zone %q is not an IANA zone Baton knows", s.Timezone)
		return plan, nil
	}
	if s.Enabled != nil && !*s.Enabled {
		plan.Note(importer.Info, item, "the schedule is disabled in Opsgenie; imported as it would run")
	}
	t := &translator{plan: plan, people: importer.NewPeople(repo, plan), byID: map[string]User{}, byName: map[string]User{}}
	for _, u := range ex.Users {
		t.byID[u.ID] = u
		t.byName[strings.ToLower(u.Username)] = u
	}
	rot := &schema.Rotation{ID: id, Name: s.Name, TimeZone: s.Timezone, Location: loc}
	var problems []string
	names := map[string]bool{}
	byRotation := map[string]int{}
	for i, ro := range s.Rotations {
		name := strings.TrimSpace(ro.Name)
		if name == "" {
			name = fmt.Sprintf("Rotation %d", i+1)
		}
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSpace(ro.Name), n)
		}
		names[name] = true
		l, err := t.layer(ro, loc)
		if err != nil {
			problems = append(problems, fmt.Sprintf("rotation %q: %v", name, err))
			continue
		}
		if l == nil {
			plan.Note(importer.Info, item, "rotation %q ends before it starts; left out", name)
			continue
		}
		l.Name = name
		byRotation[ro.ID] = len(rot.Layers)
		rot.Layers = append(rot.Layers, *l)
	}
	if len(problems) == 0 && len(rot.Layers) == 0 {
		problems = append(problems, "it has no rotation to import")
	}
	var from, to time.Time
	if ex.Timeline != nil {
		from, to = window(ex.Timeline)
	}
	if len(problems) == 0 {
		all := make([]int, len(rot.Layers))
		for i := range all {
			all[i] = i
		}
		last := to
		for _, ro := range s.Rotations {
			last = latest(last, ro.StartDate)
			if ro.EndDate != nil {
				last = latest(last, *ro.EndDate)
			}
		}
		msg, err := importer.Exclusive(rot, all, last)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("Opsgenie puts the people of all rotations on call together, and %v", err))
		case msg != "":
			problems = append(problems, "Opsgenie puts the people of all rotations on call together: "+msg)
		}
	}
	if len(problems) == 0 {
		problems = append(problems, overlapping(ex.Overrides)...)
	}
	if len(problems) == 0 {
		for _, o := range ex.Overrides {
			ovs, err := t.override(rot, o, byRotation, loc)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("override %s: %v", o.Alias, err))
			case !o.EndDate.After(o.StartDate):
				plan.Note(importer.Info, item, "override %s ends before it starts; left out", o.Alias)
			case len(ovs) == 0:
				plan.Note(importer.Info, item, "override %s leaves nobody on call when nobody is on call anyway; left out", o.Alias)
			}
			rot.Overrides = append(rot.Overrides, ovs...)
		}
	}
	if len(problems) > 0 {
		plan.DropPeople()
		for _, p := range problems {
			plan.Note(importer.Unsupported, item, "%s", p)
		}
		return plan, nil
	}
	header := fmt.Sprintf("Imported from Opsgenie schedule %s (%q) by `baton import opsgenie`.\nEach layer is one rotation: its anchor is the rotation's start date in %s;\na rotation's end date is a roster change to nobody. Opsgenie puts the\npeople of all rotations on call together; these rotations never overlap,\nso their order does not matter.", s.ID, s.Name, s.Timezone)
	data := importer.RenderRotation(rot, header)
	p := path.Join(schema.RotationsDir, id+".yaml")
	written, ps := schema.ParseRotation(p, data)
	if ps.HasErrors() {
		return nil, fmt.Errorf("the rotation written for %s does not parse: %v", item, ps[0])
	}
	if ex.Timeline != nil && !to.After(from) {
		plan.Note(importer.Info, item, "the timeline covers no time (no startDate and endDate, and no periods), so the translation could not be checked against Opsgenie's rendering")
	} else if ex.Timeline != nil {
		var vendor []importer.Entry
		for _, tr := range ex.Timeline.FinalTimeline.Rotations {
			for _, pe := range tr.Periods {
				if pe.Type == "forwarding" {
					problems = append(problems, fmt.Sprintf("the timeline forwards %s's notifications to someone else from %s to %s (a forwarding rule); Baton has no forwarding: remove the rule or import without the timeline",
						pe.Recipient.Username+pe.Recipient.Name, pe.StartDate.UTC().Format(time.RFC3339), pe.EndDate.UTC().Format(time.RFC3339)))
					continue
				}
				if pe.Recipient.Type != "user" {
					continue
				}
				vendor = append(vendor, importer.Entry{Start: pe.StartDate, End: pe.EndDate, Users: []string{t.handle(pe.Recipient)}})
			}
		}
		if len(problems) == 0 {
			if diff := importer.Compare(written, from, to, vendor); diff != "" {
				problems = append(problems, "the translation does not reproduce Opsgenie's timeline: "+diff)
			}
		}
		if len(problems) > 0 {
			plan.DropPeople()
			for _, p := range problems {
				plan.Note(importer.Unsupported, item, "%s", p)
			}
			return plan, nil
		}
		plan.Note(importer.Info, item, "checked against Opsgenie's timeline from %s to %s: identical", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	} else {
		plan.Note(importer.Info, item, "the export has no timeline, so the translation could not be checked against Opsgenie's rendering")
	}
	plan.AddFile(fmt.Sprintf("rotation %s from %s", id, item), p, data)
	return plan, nil
}

// overlapping reports overrides that overlap in time: Opsgenie does not
// document which of them wins.
func overlapping(os []Override) []string {
	var out []string
	for i, a := range os {
		for _, b := range os[i+1:] {
			if a.StartDate.Before(b.EndDate) && b.StartDate.Before(a.EndDate) && a.EndDate.After(a.StartDate) && b.EndDate.After(b.StartDate) {
				out = append(out, fmt.Sprintf("overrides %s and %s overlap; Opsgenie does not document which of them wins, so Baton cannot reproduce them exactly", a.Alias, b.Alias))
			}
		}
	}
	return out
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// window is the timeline's window: its startDate and endDate, else the
// first and last instants of its periods.
func window(tl *Timeline) (time.Time, time.Time) {
	var from, to time.Time
	first := true
	for _, tr := range tl.FinalTimeline.Rotations {
		for _, p := range tr.Periods {
			if first || p.StartDate.Before(from) {
				from = p.StartDate
			}
			if first || p.EndDate.After(to) {
				to = p.EndDate
			}
			first = false
		}
	}
	if tl.StartDate != nil {
		from = *tl.StartDate
	}
	if tl.EndDate != nil {
		to = *tl.EndDate
	}
	return from, to
}

type translator struct {
	plan         *importer.Plan
	people       *importer.People
	byID, byName map[string]User
}

// handle returns the handle of an Opsgenie user, however it is referred to
// (by id, by username, or by name in a timeline), keyed by the e-mail
// address so that each user becomes one person.
func (t *translator) handle(p Participant) string {
	u, ok := t.byID[p.ID]
	if !ok {
		u, ok = t.byName[strings.ToLower(p.Username)]
	}
	if !ok {
		u, ok = t.byName[strings.ToLower(p.Name)]
	}
	if !ok {
		u = User{ID: p.ID, Username: p.Username}
		if u.Username == "" && strings.Contains(p.Name, "@") {
			u.Username = p.Name
		}
	}
	key := strings.ToLower(u.Username)
	if key == "" {
		key = u.ID
	}
	return t.people.Handle(importer.User{ID: key, Name: u.FullName, Email: u.Username, TimeZone: u.TimeZone})
}

// layer translates one rotation, or says why it cannot. It returns nil for
// a rotation that ends before it starts.
func (t *translator) layer(ro Rotation, loc *time.Location) (*schema.Layer, error) {
	if len(ro.Participants) == 0 {
		return nil, fmt.Errorf("it has no participants")
	}
	if ro.EndDate != nil && !ro.EndDate.After(ro.StartDate) {
		return nil, nil
	}
	n := ro.Length
	if n == 0 {
		n = 1
	}
	if n < 0 {
		return nil, fmt.Errorf("length %d is not positive", n)
	}
	var every schema.Every
	switch ro.Type {
	case "hourly":
		every = schema.Every{N: n, Unit: schema.Hours}
	case "daily":
		every = schema.Every{N: n, Unit: schema.Days}
	case "weekly":
		every = schema.Every{N: n, Unit: schema.Weeks}
	default:
		return nil, fmt.Errorf("type %q is not hourly, daily or weekly", ro.Type)
	}
	var us []string
	for _, p := range ro.Participants {
		switch p.Type {
		case "user":
			us = append(us, t.handle(p))
		case "none":
			us = append(us, schema.Nobody)
		default:
			who := p.Name
			if who == "" {
				who = p.ID
			}
			return nil, fmt.Errorf("participant %q is a %s; Baton's rotations name people (list the members, or add them to people.yaml and to the rotation by hand)", who, p.Type)
		}
	}
	anchor, ok := importer.Wall(ro.StartDate, loc)
	if !ok {
		return nil, fmt.Errorf("startDate %s is the second occurrence of a wall-clock time in %s; a Baton anchor names the first", ro.StartDate.Format(time.RFC3339), loc)
	}
	l := &schema.Layer{Rotation: schema.LayerCycle{Anchor: anchor, Every: every, Participants: us}}
	if ro.EndDate != nil {
		until, ok := importer.Wall(*ro.EndDate, loc)
		if !ok {
			return nil, fmt.Errorf("endDate %s is the second occurrence of a wall-clock time in %s", ro.EndDate.Format(time.RFC3339), loc)
		}
		l.Changes = append(l.Changes, schema.Change{From: until, Participants: []string{schema.Nobody}})
	}
	if tr := ro.TimeRestriction; tr != nil {
		rs, err := restrictions(tr)
		if err != nil {
			return nil, err
		}
		if l.Active, err = importer.Windows(rs); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// restrictions converts a time restriction: time-of-day is a window every
// day (an end before the start runs past midnight); each
// weekday-and-time-of-day interval runs from its start day and time to
// its end day and time (an end before the start in the week runs into the
// next week).
func restrictions(tr *TimeRestriction) ([]importer.Restriction, error) {
	clock := func(h, m int, what string) (int, error) {
		if h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
			return 0, fmt.Errorf("a restriction's %s %02d:%02d is not a time of day", what, h, m)
		}
		return h*3600 + m*60, nil
	}
	switch tr.Type {
	case "time-of-day":
		if tr.Restriction == nil {
			return nil, fmt.Errorf("a time-of-day restriction without its restriction")
		}
		r := tr.Restriction
		start, err := clock(r.StartHour, r.StartMin, "start")
		if err != nil {
			return nil, err
		}
		end, err := clock(r.EndHour, r.EndMin, "end")
		if err != nil {
			return nil, err
		}
		d := ((end-start)%86400 + 86400) % 86400
		if d == 0 && end != start {
			d = 86400 // 00:00 to 24:00
		}
		if d == 0 {
			return nil, fmt.Errorf("a time-of-day restriction starts and ends at %02d:%02d; it is unclear whether that is all day or never", r.StartHour, r.StartMin)
		}
		return []importer.Restriction{{Daily: true, Start: start % 86400, Duration: d}}, nil
	case "weekday-and-time-of-day":
		if len(tr.Restrictions) == 0 {
			return nil, fmt.Errorf("a weekday-and-time-of-day restriction without restrictions")
		}
		var out []importer.Restriction
		for _, r := range tr.Restrictions {
			sd, ok1 := weekday(r.StartDay)
			ed, ok2 := weekday(r.EndDay)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("a restriction from %q to %q does not name weekdays (monday … sunday)", r.StartDay, r.EndDay)
			}
			start, err := clock(r.StartHour, r.StartMin, "start")
			if err != nil {
				return nil, err
			}
			end, err := clock(r.EndHour, r.EndMin, "end")
			if err != nil {
				return nil, err
			}
			const week = 7 * 86400
			s, e := monday(sd)*86400+start, monday(ed)*86400+end
			d := ((e-s)%week + week) % week
			if d == 0 && e != s {
				d = week // … to the same time a week later (24:00)
			}
			if d == 0 {
				return nil, fmt.Errorf("a restriction starts and ends on %s at %02d:%02d; it is unclear whether that is the whole week or never", r.StartDay, r.StartHour, r.StartMin)
			}
			dm := s / 86400 % 7 // days from Monday
			out = append(out, importer.Restriction{Day: time.Weekday((dm + 1) % 7), Start: s % 86400, Duration: d})
		}
		return out, nil
	}
	return nil, fmt.Errorf("time restriction type %q is not time-of-day or weekday-and-time-of-day", tr.Type)
}

// maxOverride bounds the overrides whose effect is worked out turn by turn.
const maxOverride = 366 * 24 * time.Hour

var weekdays = map[string]time.Weekday{"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday}

func weekday(s string) (time.Weekday, bool) {
	d, ok := weekdays[strings.ToLower(s)]
	return d, ok
}

// monday counts days from Monday (0) to Sunday (6).
func monday(d time.Weekday) int { return (int(d) + 6) % 7 }

// override translates an override. One for the whole schedule puts its
// user on call instead of everyone (assign); with the user "none" it leaves
// nobody on call (a remove for each person the rotations have on call
// then). One limited to some rotations is the same when those rotations
// have someone on call all through it and the others nobody; otherwise
// Opsgenie's rendering of it depends on rules it does not document, and
// the import stops.
func (t *translator) override(rot *schema.Rotation, o Override, byRotation map[string]int, loc *time.Location) ([]schema.Override, error) {
	if !o.EndDate.After(o.StartDate) {
		return nil, nil
	}
	if o.User.Type != "" && o.User.Type != "user" && o.User.Type != "none" {
		return nil, fmt.Errorf("it puts a %s on call; Baton's overrides name people", o.User.Type)
	}
	var onCall []importer.Entry
	if (len(o.Rotations) > 0 || o.User.Type == "none") && o.EndDate.Sub(o.StartDate) > maxOverride {
		return nil, fmt.Errorf("it lasts more than a year; Baton checks overrides for nobody or for some rotations over a year at most")
	}
	if len(o.Rotations) > 0 {
		listed := map[int]bool{}
		var names []string
		for _, r := range o.Rotations {
			i, ok := byRotation[r.ID]
			if !ok {
				return nil, fmt.Errorf("it applies to rotation %s (%s), which is not in the schedule", r.ID, r.Name)
			}
			listed[i] = true
			names = append(names, fmt.Sprintf("%q", rot.Layers[i].Name))
		}
		for i := range rot.Layers {
			es := importer.LayerEntries(rot, i, o.StartDate, o.EndDate)
			if listed[i] {
				onCall = append(onCall, es...)
			} else if len(es) > 0 {
				return nil, fmt.Errorf("it applies only to %s, but %q has %s then; Baton cannot leave one rotation's person on call beside an override",
					strings.Join(names, ", "), rot.Layers[i].Name, es[0])
			}
		}
		onCall = importer.Normalize(onCall)
		gap := o.StartDate
		for _, c := range onCall {
			if c.Start.After(gap) {
				break
			}
			gap = c.End
		}
		if gap.Before(o.EndDate) {
			return nil, fmt.Errorf("it applies only to %s, which have nobody on call from %s; Opsgenie does not document whether such an override puts its user on call there, so Baton cannot reproduce it exactly (limit the override to the rotation's on-call time, or apply it to the whole schedule)",
				strings.Join(names, ", "), gap.UTC().Format(time.RFC3339))
		}
	} else if o.User.Type == "none" {
		for i := range rot.Layers {
			onCall = append(onCall, importer.LayerEntries(rot, i, o.StartDate, o.EndDate)...)
		}
	}
	reason := "Opsgenie override " + o.Alias
	if o.User.Type == "none" {
		// Nobody on call: remove whoever the rotations have on call then.
		var out []schema.Override
		seen := map[string]bool{}
		for _, e := range onCall {
			for _, h := range e.Users {
				if !seen[h] {
					seen[h] = true
					out = append(out, schema.Override{Kind: schema.OverrideRemove, User: h, From: o.StartDate.In(loc), Until: o.EndDate.In(loc), Reason: reason + " (nobody on call)"})
				}
			}
		}
		return out, nil
	}
	return []schema.Override{{
		Kind: schema.OverrideAssign, User: t.handle(o.User),
		From: o.StartDate.In(loc), Until: o.EndDate.In(loc), Reason: reason,
	}}, nil
}
