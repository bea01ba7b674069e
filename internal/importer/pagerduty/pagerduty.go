// Package pagerduty imports a PagerDuty on-call schedule into a Baton
// rotation: its layers (start, end, rotation_virtual_start, turn length,
// users in order, daily and weekly restrictions), in the schedule's time
// zone, and its overrides. Users are matched to people.yaml by e-mail.
//
// The translation is exact or it is refused: when the export carries
// PagerDuty's own rendering (final_schedule.rendered_schedule_entries, as
// GET /schedules/{id} returns with since and until), the imported rotation
// is computed over the same window and must agree with it interval by
// interval, or nothing is written.
package pagerduty

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Export is what the importer reads, and the format of a --from-file: the
// schedule object of GET /schedules/{id} (with since and until, so that it
// carries final_schedule), the overrides of GET
// /schedules/{id}/overrides, and the users of GET /users (for their
// e-mail addresses). Since and Until are the window the schedule was
// rendered over.
type Export struct {
	Schedule  Schedule   `json:"schedule"`
	Overrides []Override `json:"overrides"`
	Users     []User     `json:"users"`
	Since     *time.Time `json:"since"`
	Until     *time.Time `json:"until"`
}

// Schedule is a PagerDuty schedule.
type Schedule struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	TimeZone       string       `json:"time_zone"`
	ScheduleLayers []Layer      `json:"schedule_layers"`
	FinalSchedule  *Subschedule `json:"final_schedule"`
}

// Layer is a schedule layer. The API lists layers highest priority first.
type Layer struct {
	ID                        string        `json:"id"`
	Name                      string        `json:"name"`
	Start                     time.Time     `json:"start"`
	End                       *time.Time    `json:"end"`
	RotationVirtualStart      time.Time     `json:"rotation_virtual_start"`
	RotationTurnLengthSeconds int           `json:"rotation_turn_length_seconds"`
	Users                     []LayerUser   `json:"users"`
	Restrictions              []Restriction `json:"restrictions"`
}

// LayerUser is one member of a layer, in rotation order.
type LayerUser struct {
	User Reference `json:"user"`
}

// Reference is a user reference.
type Reference struct {
	ID      string `json:"id"`
	Summary string `json:"summary"`
}

// Restriction limits when a layer is on call.
type Restriction struct {
	Type            string `json:"type"` // daily_restriction | weekly_restriction
	StartTimeOfDay  string `json:"start_time_of_day"`
	DurationSeconds int    `json:"duration_seconds"`
	StartDayOfWeek  int    `json:"start_day_of_week"` // 1 = Monday … 7 = Sunday
}

// Subschedule is a rendered schedule.
type Subschedule struct {
	RenderedScheduleEntries []Entry `json:"rendered_schedule_entries"`
}

// Entry is one rendered stretch.
type Entry struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	User  Reference `json:"user"`
}

// Override puts a user on call for a while.
type Override struct {
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	User  Reference `json:"user"`
}

// User is a PagerDuty user.
type User struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"`
}

// Options name the rotation file.
type Options = importer.RotationOptions

// Translate turns an export into a plan for repo: one rotation file, the
// people it needs, and a note per layer.
func Translate(repo *schema.Repo, ex *Export, opt Options) (*importer.Plan, error) {
	plan := &importer.Plan{Source: "PagerDuty"}
	s := ex.Schedule
	item := fmt.Sprintf("schedule %s (%s)", s.ID, s.Name)
	id, err := importer.RotationID(opt.RotationID, s.Name, "pagerduty", s.ID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil || s.TimeZone == "" {
		plan.Note(importer.Unsupported, item, "time zone %q is not an IANA zone Baton knows", s.TimeZone)
		return plan, nil
	}
	users := map[string]User{}
	for _, u := range ex.Users {
		users[u.ID] = u
	}
	people := importer.NewPeople(repo, plan)
	handle := func(r Reference) string {
		u, ok := users[r.ID]
		if !ok {
			u = User{ID: r.ID, Name: r.Summary}
		}
		return people.Handle(importer.User{ID: u.ID, Name: u.Name, Email: u.Email, TimeZone: u.TimeZone})
	}
	rot := &schema.Rotation{ID: id, Name: s.Name, TimeZone: s.TimeZone, Location: loc}
	var problems []string
	names := map[string]bool{}
	// The API lists the highest-priority layer first; Baton lists the lowest
	// first.
	for i, l := range slices.Backward(s.ScheduleLayers) {
		bl, err := layer(l, loc, handle)
		name := strings.TrimSpace(l.Name)
		if name == "" {
			name = fmt.Sprintf("Layer %d", len(s.ScheduleLayers)-i)
		}
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSpace(l.Name), n)
		}
		names[name] = true
		if err != nil {
			problems = append(problems, fmt.Sprintf("layer %q: %v", name, err))
			continue
		}
		if bl == nil {
			plan.Note(importer.Info, item, "layer %q ends before it starts; left out", name)
			continue
		}
		bl.Name = name
		rot.Layers = append(rot.Layers, *bl)
	}
	for _, o := range ex.Overrides {
		if !o.End.After(o.Start) {
			plan.Note(importer.Info, item, "override %s ends before it starts; left out", o.ID)
			continue
		}
		rot.Overrides = append(rot.Overrides, schema.Override{
			Kind: schema.OverrideAssign, User: handle(o.User),
			From: o.Start.In(loc), Until: o.End.In(loc), Reason: "PagerDuty override " + o.ID,
		})
	}
	if len(problems) > 0 {
		plan.DropPeople()
		for _, p := range problems {
			plan.Note(importer.Unsupported, item, "%s", p)
		}
		return plan, nil
	}
	if len(rot.Layers) == 0 {
		plan.DropPeople()
		plan.Note(importer.Unsupported, item, "it has no layer to import")
		return plan, nil
	}
	if s.FinalSchedule != nil && len(s.FinalSchedule.RenderedScheduleEntries) > 0 {
		from, to := window(ex)
		var vendor []importer.Entry
		for _, e := range s.FinalSchedule.RenderedScheduleEntries {
			vendor = append(vendor, importer.Entry{Start: e.Start, End: e.End, Users: []string{handle(e.User)}})
		}
		if diff := importer.Compare(rot, from, to, vendor); diff != "" {
			plan.DropPeople()
			plan.Note(importer.Unsupported, item, "the translation does not reproduce PagerDuty's final schedule: %s", diff)
			return plan, nil
		}
		plan.Note(importer.Info, item, "checked against PagerDuty's final schedule from %s to %s: identical", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	} else {
		plan.Note(importer.Info, item, "the export has no final_schedule, so the translation could not be checked against PagerDuty's rendering")
	}
	header := fmt.Sprintf("Imported from PagerDuty schedule %s (%q) by `baton import pagerduty`.\nEach layer's anchor is its rotation_virtual_start in %s; a layer that starts\nlater, or ends, does so through a roster change to or from nobody.", s.ID, s.Name, s.TimeZone)
	data := importer.RenderRotation(rot, header)
	p := path.Join(schema.RotationsDir, id+".yaml")
	if _, ps := schema.ParseRotation(p, data); ps.HasErrors() {
		return nil, fmt.Errorf("the rotation written for %s does not parse: %v", item, ps[0])
	}
	plan.AddFile(fmt.Sprintf("rotation %s from %s", id, item), p, data)
	return plan, nil
}

// window is the rendering window: since and until when the export has
// them, else the first and last rendered instants.
func window(ex *Export) (time.Time, time.Time) {
	es := ex.Schedule.FinalSchedule.RenderedScheduleEntries
	from, to := es[0].Start, es[0].End
	for _, e := range es {
		if e.Start.Before(from) {
			from = e.Start
		}
		if e.End.After(to) {
			to = e.End
		}
	}
	if ex.Since != nil {
		from = *ex.Since
	}
	if ex.Until != nil {
		to = *ex.Until
	}
	return from, to
}

// layer translates one layer, or says why it cannot. It returns nil for a
// layer that ends before it starts.
func layer(l Layer, loc *time.Location, handle func(Reference) string) (*schema.Layer, error) {
	if len(l.Users) == 0 {
		return nil, fmt.Errorf("it has no users")
	}
	if l.End != nil && !l.End.After(l.Start) {
		return nil, nil
	}
	every, err := turn(l.RotationTurnLengthSeconds)
	if err != nil {
		return nil, err
	}
	var us []string
	for _, u := range l.Users {
		us = append(us, handle(u.User))
	}
	anchor, ok := importer.Wall(l.RotationVirtualStart, loc)
	if !ok {
		return nil, fmt.Errorf("rotation_virtual_start %s is the second occurrence of a wall-clock time in %s; a Baton anchor names the first", l.RotationVirtualStart.Format(time.RFC3339), loc)
	}
	bl := &schema.Layer{Rotation: schema.LayerCycle{Anchor: anchor, Every: every, Participants: us}}
	if l.Start.Before(l.RotationVirtualStart) {
		// Move the anchor back by whole cycles of the roster, so that the
		// grid and who holds each turn stay the same, to or before start.
		n := len(us)
		cycle := int64(l.RotationTurnLengthSeconds) * int64(n)
		back := (l.RotationVirtualStart.Unix() - l.Start.Unix() + cycle - 1) / cycle
		c := civil(anchor) - back*cycle
		bl.Rotation.Anchor = wallOf(c)
	}
	probe := &schema.Rotation{TimeZone: loc.String(), Location: loc, Layers: []schema.Layer{*bl}}
	if !l.Start.Equal(oncall.Resolve(bl.Rotation.Anchor, loc)) {
		// The layer begins after its grid does: nobody until start, then the
		// roster, rotated so that its first entry holds the turn running at
		// start.
		from, ok := importer.Wall(l.Start, loc)
		if !ok {
			return nil, fmt.Errorf("start %s is the second occurrence of a wall-clock time in %s", l.Start.Format(time.RFC3339), loc)
		}
		k := turnIndex(probe, l.Start, len(us))
		bl.Rotation.Participants = []string{schema.Nobody}
		rotated := slices.Concat(us[k:], us[:k])
		bl.Changes = append(bl.Changes, schema.Change{From: from, Participants: rotated, First: rotated[0]})
	}
	if l.End != nil {
		until, ok := importer.Wall(*l.End, loc)
		if !ok {
			return nil, fmt.Errorf("end %s is the second occurrence of a wall-clock time in %s", l.End.Format(time.RFC3339), loc)
		}
		bl.Changes = append(bl.Changes, schema.Change{From: until, Participants: []string{schema.Nobody}})
	}
	var rs []importer.Restriction
	for _, r := range l.Restrictions {
		start, err := timeOfDay(r.StartTimeOfDay)
		if err != nil {
			return nil, err
		}
		ir := importer.Restriction{Start: start, Duration: r.DurationSeconds}
		switch r.Type {
		case "daily_restriction":
			ir.Daily = true
		case "weekly_restriction":
			if r.StartDayOfWeek < 1 || r.StartDayOfWeek > 7 {
				return nil, fmt.Errorf("a weekly restriction starts on day %d (PagerDuty counts 1 = Monday to 7 = Sunday)", r.StartDayOfWeek)
			}
			ir.Day = time.Weekday(r.StartDayOfWeek % 7)
		default:
			return nil, fmt.Errorf("restriction type %q is not daily_restriction or weekly_restriction", r.Type)
		}
		rs = append(rs, ir)
	}
	if len(rs) > 0 {
		ws, err := importer.Windows(rs)
		if err != nil {
			return nil, err
		}
		bl.Active = ws
	}
	return bl, nil
}

// turnIndex returns which roster position (0 … n−1) holds the turn
// running at t on the probe layer: each position is given a distinct
// placeholder name and the layer asked who is on at t.
func turnIndex(probe *schema.Rotation, t time.Time, n int) int {
	p := *probe
	p.Layers = slices.Clone(probe.Layers)
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "p" + strconv.Itoa(i)
	}
	p.Layers[0].Rotation.Participants = ps
	st := oncall.At(&p, t)
	if len(st.IMOC) == 0 {
		return 0
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(st.IMOC[0], "p"))
	return i
}

// turn converts a turn length to Baton's every: whole weeks, days or
// hours of the wall clock.
func turn(sec int) (schema.Every, error) {
	switch {
	case sec <= 0:
		return schema.Every{}, fmt.Errorf("turn length %d s is not positive", sec)
	case sec%(7*86400) == 0:
		return schema.Every{N: sec / (7 * 86400), Unit: schema.Weeks}, nil
	case sec%86400 == 0:
		return schema.Every{N: sec / 86400, Unit: schema.Days}, nil
	case sec%3600 == 0:
		return schema.Every{N: sec / 3600, Unit: schema.Hours}, nil
	}
	return schema.Every{}, fmt.Errorf("turn length %d s is not a whole number of hours; Baton hands off every N hours, days or weeks", sec)
}

func timeOfDay(s string) (int, error) {
	t, err := time.Parse("15:04:05", s)
	if err != nil {
		return 0, fmt.Errorf("start_time_of_day %q is not HH:MM:SS", s)
	}
	return t.Hour()*3600 + t.Minute()*60 + t.Second(), nil
}

func civil(w schema.WallClock) int64 {
	return time.Date(w.Year, w.Month, w.Day, w.Hour, w.Minute, w.Second, 0, time.UTC).Unix()
}

func wallOf(c int64) schema.WallClock {
	t := time.Unix(c, 0).UTC()
	return schema.WallClock{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Minute: t.Minute(), Second: t.Second()}
}
