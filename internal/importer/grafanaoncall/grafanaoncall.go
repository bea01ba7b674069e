// Package grafanaoncall imports a Grafana OnCall schedule into a Baton
// rotation: its on-call shifts (rolling users, frequency, interval, by_day,
// week_start, start, duration, rotation_start, until, time zone, priority
// level) and its overrides. Users are matched to people.yaml by e-mail.
//
// Grafana OnCall expands each shift into iCalendar events: a rolling_users
// shift gives turn k (every interval days, weeks or hours from start, or
// every interval by_day occurrences for daily shifts with by_day) to group
// k mod n, each event lasting duration from its start, in the shift's time
// zone. The final schedule puts overrides first, then shifts by priority
// level, highest first; shifts of one level put their people on call
// together. A Baton layer yields one person at a time, so each shift
// becomes a layer (lowest level first), shifts of one level must never
// name two people at once, and a group of several users on call together
// is refused. When the export carries Grafana OnCall's own rendering (GET
// /api/v1/schedules/{id}/final_shifts), the imported rotation is computed
// over the same window and must agree with it interval by interval, or
// nothing is written.
package grafanaoncall

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Export is what the importer reads, and the format of a --from-file: GET
// /api/v1/schedules/{id}, the results of GET
// /api/v1/on_call_shifts?schedule_id={id} and of GET /api/v1/users (every
// page), and the results of GET
// /api/v1/schedules/{id}/final_shifts?start_date=…&end_date=… with the
// window asked for.
type Export struct {
	Schedule    Schedule     `json:"schedule"`
	Shifts      []Shift      `json:"shifts"`
	Users       []User       `json:"users"`
	FinalShifts []FinalShift `json:"final_shifts"`
	// StartDate and EndDate are the final_shifts window, as the API takes
	// them (UTC): 2026-03-02 or 2026-03-02T09:00.
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// Schedule is a Grafana OnCall schedule.
type Schedule struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Type               string   `json:"type"` // web | calendar | ical
	TimeZone           string   `json:"time_zone"`
	Shifts             []string `json:"shifts"`
	ICalURLPrimary     *string  `json:"ical_url_primary"`
	ICalURLOverrides   *string  `json:"ical_url_overrides"`
	EnableWebOverrides *bool    `json:"enable_web_overrides"`
}

// Shift is an on-call shift. Start, rotation_start and until are
// wall-clock values without an offset, as the API gives them.
type Shift struct {
	ID                         string     `json:"id"`
	Name                       string     `json:"name"`
	Type                       string     `json:"type"` // rolling_users | recurrent_event | single_event | override
	TimeZone                   *string    `json:"time_zone"`
	Level                      int        `json:"level"`
	Start                      string     `json:"start"`
	Duration                   int        `json:"duration"`
	RotationStart              string     `json:"rotation_start"`
	Until                      *string    `json:"until"`
	Frequency                  *string    `json:"frequency"` // hourly | daily | weekly | monthly
	Interval                   *int       `json:"interval"`
	WeekStart                  string     `json:"week_start"`
	ByDay                      []string   `json:"by_day"`
	ByMonth                    []int      `json:"by_month"`
	ByMonthday                 []int      `json:"by_monthday"`
	Users                      []string   `json:"users"`
	RollingUsers               [][]string `json:"rolling_users"`
	StartRotationFromUserIndex *int       `json:"start_rotation_from_user_index"`
}

// User is a Grafana OnCall user.
type User struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Username string `json:"username"`
	Timezone string `json:"timezone"`
}

// FinalShift is one user's stretch of the final schedule.
type FinalShift struct {
	UserPK       string    `json:"user_pk"`
	UserEmail    string    `json:"user_email"`
	UserUsername string    `json:"user_username"`
	ShiftStart   time.Time `json:"shift_start"`
	ShiftEnd     time.Time `json:"shift_end"`
}

// Options name the rotation file.
type Options = importer.RotationOptions

// Translate turns an export into a plan for repo: one rotation file, the
// people it needs, and notes.
func Translate(repo *schema.Repo, ex *Export, opt Options) (*importer.Plan, error) {
	plan := &importer.Plan{Source: "Grafana OnCall"}
	s := ex.Schedule
	item := fmt.Sprintf("schedule %s (%s)", s.ID, s.Name)
	id, err := importer.RotationID(opt.RotationID, s.Name, "grafana-oncall", s.ID)
	if err != nil {
		return nil, err
	}
	unsupported := func(format string, args ...any) (*importer.Plan, error) {
		plan.DropPeople()
		plan.Note(importer.Unsupported, item, format, args...)
		return plan, nil
	}
	switch s.Type {
	case "web", "calendar":
	case "ical":
		return unsupported("its shifts come from an iCal URL; Baton imports schedules whose shifts are made in Grafana OnCall (web or calendar schedules)")
	default:
		return unsupported("schedule type %q is not web or calendar", s.Type)
	}
	if s.Type == "calendar" && s.ICalURLOverrides != nil && *s.ICalURLOverrides != "" && (s.EnableWebOverrides == nil || !*s.EnableWebOverrides) {
		return unsupported("its overrides come from an iCal URL, which Baton does not read")
	}
	zoneName := s.TimeZone
	if zoneName == "" {
		zoneName = "UTC"
	}
	loc, err := time.LoadLocation(zoneName)
	if err != nil {
		return unsupported("time zone %q is not an IANA zone Baton knows", zoneName)
	}
	var from, to time.Time
	hasWindow := false
	if ex.StartDate != "" && ex.EndDate != "" {
		if from, err = windowTime(ex.StartDate); err == nil {
			to, err = windowTime(ex.EndDate)
		}
		if err != nil {
			return nil, fmt.Errorf("start_date and end_date: %v", err)
		}
		if !to.After(from) {
			return nil, fmt.Errorf("the final shifts window from %s to %s covers no time", ex.StartDate, ex.EndDate)
		}
		hasWindow = true
	}
	t := &translator{plan: plan, people: importer.NewPeople(repo, plan), users: map[string]User{}, byEmail: map[string]User{}, horizon: to}
	for _, u := range ex.Users {
		t.users[u.ID] = u
		t.byEmail[strings.ToLower(u.Email)] = u
	}
	rot := &schema.Rotation{ID: id, Name: s.Name, TimeZone: zoneName, Location: loc}
	var problems []string
	type layer struct {
		l     schema.Layer
		level int
	}
	var layers []layer
	var overrides []Shift
	names := map[string]bool{}
	listed := map[string]bool{}
	for _, sid := range s.Shifts {
		listed[sid] = true
	}
	for _, sh := range ex.Shifts {
		what := fmt.Sprintf("shift %s", sh.ID)
		if sh.Name != "" {
			what = fmt.Sprintf("shift %q", sh.Name)
		}
		if sh.Type == "override" {
			if s.Type == "calendar" && (s.EnableWebOverrides == nil || !*s.EnableWebOverrides) {
				plan.Note(importer.Info, item, "%s is an override, and the schedule does not use overrides made in Grafana OnCall; left out", what)
				continue
			}
			overrides = append(overrides, sh)
			continue
		}
		if s.Shifts != nil && !listed[sh.ID] {
			plan.Note(importer.Info, item, "%s is not among the schedule's shifts; left out", what)
			continue
		}
		zone := zoneName
		if s.Type == "web" {
			zone = "UTC" // web schedules read a shift without a zone in UTC
		}
		if sh.TimeZone != nil && *sh.TimeZone != "" {
			zone = *sh.TimeZone
		}
		sloc, err := time.LoadLocation(zone)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: time zone %q is not an IANA zone Baton knows", what, zone))
			continue
		}
		l, err := t.shift(sh, sloc)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", what, err))
			continue
		}
		if l == nil {
			plan.Note(importer.Info, item, "%s has no turn on call (it ends before its first turn, or has nobody in it); left out", what)
			continue
		}
		name := strings.TrimSpace(sh.Name)
		if name == "" {
			name = "Shift " + sh.ID
		}
		base := name
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", base, n)
		}
		names[name] = true
		l.Name = name
		if sloc.String() != loc.String() {
			l.TimeZone, l.Location = sloc.String(), sloc
		}
		layers = append(layers, layer{*l, sh.Level})
	}
	// Baton lists layers lowest priority first; Grafana OnCall's higher
	// level wins.
	slices.SortStableFunc(layers, func(a, b layer) int { return cmp.Compare(a.level, b.level) })
	for _, l := range layers {
		rot.Layers = append(rot.Layers, l.l)
	}
	if len(problems) == 0 && len(rot.Layers) == 0 {
		problems = append(problems, "it has no shift to import")
	}
	if len(problems) == 0 {
		for i := 0; i < len(layers); {
			j := i + 1
			for j < len(layers) && layers[j].level == layers[i].level {
				j++
			}
			var group []int
			for k := i; k < j; k++ {
				group = append(group, k)
			}
			msg, err := importer.Exclusive(rot, group, latest(to, t.last))
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("shifts of level %d are on call together, and %v", layers[i].level, err))
			case msg != "":
				problems = append(problems, fmt.Sprintf("Grafana OnCall puts the people of shifts of one level (%d) on call together: %s", layers[i].level, msg))
			}
			i = j
		}
	}
	if len(problems) == 0 {
		ovs, ps := t.overrides(overrides)
		problems = append(problems, ps...)
		rot.Overrides = ovs
	}
	if len(problems) > 0 {
		plan.DropPeople()
		for _, p := range problems {
			plan.Note(importer.Unsupported, item, "%s", p)
		}
		return plan, nil
	}
	header := fmt.Sprintf("Imported from Grafana OnCall schedule %s (%q) by `baton import grafana-oncall`.\nEach layer is one shift, in the shift's time zone, lowest priority level first;\na turn that lasts less than its interval is an active window, a shift that\nstarts later or ends is a roster change to or from nobody, and overrides come\nfirst in Grafana OnCall as they do here.", s.ID, s.Name)
	data := importer.RenderRotation(rot, header)
	p := path.Join(schema.RotationsDir, id+".yaml")
	written, ps := schema.ParseRotation(p, data)
	if ps.HasErrors() {
		return nil, fmt.Errorf("the rotation written for %s does not parse: %v", item, ps[0])
	}
	if hasWindow {
		var vendor []importer.Entry
		for _, f := range ex.FinalShifts {
			vendor = append(vendor, importer.Entry{Start: f.ShiftStart, End: f.ShiftEnd, Users: []string{t.handle(f.UserPK, f.UserEmail)}})
		}
		if diff := importer.Compare(written, from, to, vendor); diff != "" {
			return unsupported("the translation does not reproduce Grafana OnCall's final shifts: %s", diff)
		}
		plan.Note(importer.Info, item, "checked against Grafana OnCall's final shifts from %s to %s: identical", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	} else {
		plan.Note(importer.Info, item, "the export has no final shifts window (start_date, end_date), so the translation could not be checked against Grafana OnCall's rendering")
	}
	plan.AddFile(fmt.Sprintf("rotation %s from %s", id, item), p, data)
	return plan, nil
}

// windowTime reads a final_shifts start_date or end_date (UTC).
func windowTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD or YYYY-MM-DDTHH:MM", s)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

type translator struct {
	plan           *importer.Plan
	people         *importer.People
	users, byEmail map[string]User
	// horizon is the end of the rendering window; last is the latest date
	// a shift changes at (start, rotation_start, until).
	horizon, last time.Time
}

// handle returns the handle of a Grafana OnCall user, by id (or e-mail).
func (t *translator) handle(id, email string) string {
	u, ok := t.users[id]
	if !ok {
		u, ok = t.byEmail[strings.ToLower(email)]
	}
	if !ok {
		u = User{ID: id, Email: email}
	}
	if u.ID == "" {
		u.ID = strings.ToLower(u.Email)
	}
	return t.people.Handle(importer.User{ID: u.ID, Name: u.Username, Email: u.Email, TimeZone: u.Timezone})
}

// civil is a wall-clock reading as a UTC time.Time (no zone attached).
type civil = time.Time

// parseCivil reads the API's start, rotation_start and until.
func parseCivil(s string) (civil, error) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			// The API stores these as wall-clock values with a UTC
			// offset; the digits are what counts.
			y, m, d := t.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), nil
		}
	}
	return civil{}, fmt.Errorf("%q is not a date and time (YYYY-MM-DDTHH:MM:SS)", s)
}

func wall(c civil) schema.WallClock {
	return schema.WallClock{Year: c.Year(), Month: c.Month(), Day: c.Day(), Hour: c.Hour(), Minute: c.Minute(), Second: c.Second()}
}

// instant is when the wall clock of loc reads c (Baton's reading: the
// first occurrence; in a gap, the offset before it).
func instant(c civil, loc *time.Location) time.Time { return oncall.Resolve(wall(c), loc) }

var icalDays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

const (
	hour = 3600
	day  = 86400
	week = 7 * day
	// maxSlots bounds a roster padded with empty turns (and an interval).
	maxSlots = 1000
	// maxDuration bounds an event.
	maxDuration = 10 * 366 * day
)

// shift translates a shift into a layer, or says why it cannot; nil when
// the shift never has anyone on call.
func (t *translator) shift(sh Shift, loc *time.Location) (*schema.Layer, error) {
	start, err := parseCivil(sh.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %v", err)
	}
	if sh.Duration <= 0 {
		return nil, fmt.Errorf("duration %d s is not positive", sh.Duration)
	}
	if sh.Duration%60 != 0 {
		return nil, fmt.Errorf("duration %d s is not a whole number of minutes", sh.Duration)
	}
	if sh.Duration > maxDuration {
		return nil, fmt.Errorf("duration %d s is more than ten years", sh.Duration)
	}
	var groups [][]string
	shiftBy := 0 // groups[i] is rolling_users[(i+shiftBy) mod n]
	rotationStart := sh.RotationStart
	switch sh.Type {
	case "rolling_users":
		groups = sh.RollingUsers
		if i := sh.StartRotationFromUserIndex; i != nil && *i > 0 && *i < len(groups) {
			groups = slices.Concat(groups[*i:], groups[:*i])
			shiftBy = *i
		}
	case "recurrent_event":
		// Everyone in users is on call at every occurrence; rotation_start
		// plays no part.
		groups, rotationStart = [][]string{sh.Users}, sh.Start
		if sh.Frequency != nil && *sh.Frequency == "daily" && len(sh.ByDay) > 0 && sh.Interval != nil && *sh.Interval > 1 {
			return nil, fmt.Errorf("a daily recurrent event with by_day and interval %d repeats on the listed days of every %dth day, which Baton's rotations do not express", *sh.Interval, *sh.Interval)
		}
	case "single_event":
		return t.single(sh, start, loc)
	default:
		return nil, fmt.Errorf("type %q is not rolling_users, recurrent_event, single_event or override", sh.Type)
	}
	if len(sh.ByMonth) > 0 || len(sh.ByMonthday) > 0 {
		return nil, fmt.Errorf("by_month and by_monthday limit a shift to months or days of the month, which Baton's windows (days of the week) do not express")
	}
	if sh.Frequency == nil {
		return nil, fmt.Errorf("it has no frequency")
	}
	interval := 1
	if sh.Interval != nil {
		interval = *sh.Interval
	}
	if interval < 1 || interval > maxSlots {
		return nil, fmt.Errorf("interval %d is not between 1 and %d", interval, maxSlots)
	}
	if len(groups) == 0 {
		return nil, nil
	}
	var roster []string
	for i, g := range groups {
		switch len(g) {
		case 0:
			roster = append(roster, schema.Nobody)
		case 1:
			roster = append(roster, t.handle(g[0], ""))
		default:
			var hs []string
			for _, u := range g {
				hs = append(hs, t.handle(u, ""))
			}
			what := fmt.Sprintf("rolling_users group %d", (i+shiftBy)%len(groups)+1)
			if sh.Type == "recurrent_event" {
				what = "users"
			}
			return nil, fmt.Errorf("%s puts %d users on call together (%s); a Baton layer has one person at a time (give each person a shift of their own, or one person per turn)", what, len(g), strings.Join(hs, ", "))
		}
	}
	if !slices.ContainsFunc(roster, func(h string) bool { return h != schema.Nobody }) {
		return nil, nil
	}
	var days []time.Weekday
	for _, d := range sh.ByDay {
		wd, ok := icalDays[d]
		if !ok {
			return nil, fmt.Errorf("by_day %q is not MO … SU", d)
		}
		if !slices.Contains(days, wd) {
			days = append(days, wd)
		}
	}
	if len(days) > 0 && !slices.Contains(days, start.Weekday()) {
		return nil, fmt.Errorf("start %s is a %s, not one of by_day %v; Grafana OnCall moves such a start by rules Baton does not reproduce (set start on a listed day)", sh.Start, start.Weekday(), sh.ByDay)
	}
	tod := func(c civil) int { return c.Hour()*hour + c.Minute()*60 + c.Second() }
	D := sh.Duration
	l := &schema.Layer{}
	c := &l.Rotation
	c.Anchor = wall(start)
	var rs []importer.Restriction
	pad := func(slots, on int) error {
		// Each group holds on slots, then slots-on empty ones.
		if len(roster)*slots > maxSlots {
			return fmt.Errorf("it would need a roster of %d turns in Baton", len(roster)*slots)
		}
		var out []string
		for _, h := range roster {
			for k := range slots {
				if k < on {
					out = append(out, h)
				} else {
					out = append(out, schema.Nobody)
				}
			}
		}
		c.Participants = out
		return nil
	}
	switch freq := *sh.Frequency; {
	case freq == "monthly":
		return nil, fmt.Errorf("a monthly shift lasts a fixed duration while months differ in length, which Baton's rotations do not express")
	case freq == "weekly" && len(days) > 0:
		// Turns are weeks (starting on week_start); events fall on the
		// by_day days of a turn's first week, at start's time of day.
		ws, ok := icalDays[cmp.Or(sh.WeekStart, "SU")]
		if !ok {
			return nil, fmt.Errorf("week_start %q is not MO … SU", sh.WeekStart)
		}
		back := (int(start.Weekday()) - int(ws) + 7) % 7
		c.Anchor = wall(start.AddDate(0, 0, -back))
		c.Every = schema.Every{N: 1, Unit: schema.Weeks}
		if err := pad(interval, 1); err != nil {
			return nil, err
		}
		for _, d := range days {
			next := (int(ws) - int(d) + 7) % 7
			if next == 0 {
				next = 7
			}
			if D > next*day {
				return nil, fmt.Errorf("an event on %s lasts %s, past the start of the next week (week_start %s), where Grafana OnCall and Baton split turns differently", d, dur(D), ws)
			}
			rs = append(rs, importer.Restriction{Day: d, Start: tod(start), Duration: D})
		}
	case freq == "daily" && len(days) > 0:
		// Each group holds interval consecutive by_day occurrences.
		c.Every = schema.Every{N: 1, Unit: schema.Days}
		for _, d := range days {
			c.HandoffDays = append(c.HandoffDays, schema.Weekday(d))
		}
		if err := pad(interval, interval); err != nil {
			return nil, err
		}
		rotationStart = sh.Start // daily shifts with by_day ignore rotation_start
		for _, d := range days {
			next := 7
			for k := 1; k <= 7; k++ {
				if slices.Contains(days, (d+time.Weekday(k))%7) {
					next = k
					break
				}
			}
			if D > next*day {
				return nil, fmt.Errorf("an event on %s lasts %s, past the next listed day's turn", d, dur(D))
			}
			rs = append(rs, importer.Restriction{Day: d, Start: tod(start), Duration: D})
		}
	case freq == "hourly" || freq == "daily" || freq == "weekly":
		if len(days) > 0 {
			return nil, fmt.Errorf("by_day with an hourly frequency is not something Baton's rotations express")
		}
		unit, u := schema.Hours, hour
		switch freq {
		case "daily":
			unit, u = schema.Days, day
		case "weekly":
			unit, u = schema.Weeks, week
		}
		L := interval * u
		switch {
		case D > L:
			return nil, fmt.Errorf("each turn's event (%s) lasts longer than the turn (%d %s), so two groups would be on call together", dur(D), interval, freq)
		case D == L:
			c.Every = schema.Every{N: interval, Unit: unit}
			c.Participants = roster
		case week%L == 0:
			// The pattern repeats every week: windows at each turn's
			// start, lasting duration.
			c.Every = schema.Every{N: interval, Unit: unit}
			c.Participants = roster
			for k := 0; k < week/L; k++ {
				s := start.Add(time.Duration(k*L) * time.Second)
				rs = append(rs, importer.Restriction{Day: s.Weekday(), Start: tod(s), Duration: D})
			}
		case D%u == 0:
			c.Every = schema.Every{N: 1, Unit: unit}
			if err := pad(interval, D/u); err != nil {
				return nil, err
			}
		case D < u && week%u == 0:
			c.Every = schema.Every{N: 1, Unit: unit}
			if err := pad(interval, 1); err != nil {
				return nil, err
			}
			for k := 0; k < week/u; k++ {
				s := start.Add(time.Duration(k*u) * time.Second)
				rs = append(rs, importer.Restriction{Day: s.Weekday(), Start: tod(s), Duration: D})
			}
		default:
			return nil, fmt.Errorf("events of %s every %d %s do not repeat within a week, which Baton's windows need", dur(D), interval, freq)
		}
	default:
		return nil, fmt.Errorf("frequency %q is not hourly, daily, weekly or monthly", freq)
	}
	if len(rs) > 0 {
		ws, err := importer.Windows(rs)
		if err != nil {
			return nil, err
		}
		l.Active = ws
	}
	if err := clocksExist(l, start, D, loc, t.horizon); err != nil {
		return nil, err
	}
	// Eras: nobody until the first event (when the grid starts earlier)
	// or until rotation_start cuts earlier turns off, then the roster;
	// nobody again from until.
	from := instant(start, loc) // the first event
	l.Location = loc
	probe := &schema.Rotation{TimeZone: loc.String(), Location: loc, Layers: []schema.Layer{*l}}
	t.last = latest(t.last, from)
	if rotationStart != "" && rotationStart != sh.Start {
		rsc, err := parseCivil(rotationStart)
		if err != nil {
			return nil, fmt.Errorf("rotation_start: %v", err)
		}
		lo, hi := readings(rsc, loc)
		t.last = latest(t.last, hi)
		if hi.After(from) {
			if e := eventAt(probe, lo, hi); e != nil {
				return nil, fmt.Errorf("rotation_start %s falls inside an event (%s); Grafana OnCall renders that turn differently for shifts made in its web UI and through its API, and its API does not say which this is", rotationStart, e)
			}
			from = hi
		}
	}
	if !from.Equal(instant(wall0(c.Anchor), loc)) {
		w, ok := importer.Wall(from, loc)
		if !ok {
			return nil, fmt.Errorf("the shift starts at %s, the second occurrence of that wall-clock time in %s", from.Format(time.RFC3339), loc)
		}
		rotated := importer.Rotate(probe, 0, from)
		l.Rotation.Participants = []string{schema.Nobody}
		l.Changes = append(l.Changes, schema.Change{From: w, Participants: rotated, First: rotated[0]})
	}
	if sh.Until != nil && *sh.Until != "" {
		uc, err := parseCivil(*sh.Until)
		if err != nil {
			return nil, fmt.Errorf("until: %v", err)
		}
		lo, hi := readings(uc, loc)
		t.last = latest(t.last, hi)
		if !hi.After(from) {
			return nil, nil
		}
		if e := eventAt(probe, lo, hi); e != nil {
			return nil, fmt.Errorf("until %s falls inside or at the start of an event (%s); Grafana OnCall cuts such an event by rules its API does not make clear (set until between events)", *sh.Until, e)
		}
		w, ok := importer.Wall(hi, loc)
		if !ok {
			return nil, fmt.Errorf("until %s is the second occurrence of that wall-clock time in %s", hi.Format(time.RFC3339), loc)
		}
		l.Changes = append(l.Changes, schema.Change{From: w, Participants: []string{schema.Nobody}})
	}
	l.Location = nil
	return l, nil
}

// eventAt returns the probe's stretch on call that meets [lo, hi] (its
// ends included), or nil. Grafana OnCall reads rotation_start and until
// in two ways (see readings); between them there must be no event.
func eventAt(probe *schema.Rotation, lo, hi time.Time) *importer.Entry {
	for _, e := range importer.LayerEntries(probe, 0, lo.AddDate(0, 0, -8), hi.AddDate(0, 0, 8)) {
		if !e.Start.After(hi) && e.End.After(lo) {
			return &e
		}
	}
	return nil
}

func wall0(w schema.WallClock) civil {
	return time.Date(w.Year, w.Month, w.Day, w.Hour, w.Minute, w.Second, 0, time.UTC)
}

// readings returns the two instants a rotation_start or until may mean:
// the wall-clock value in the shift's zone, and the same digits in UTC
// (Grafana OnCall compares it both ways), earlier first.
func readings(c civil, loc *time.Location) (time.Time, time.Time) {
	a, b := instant(c, loc), c
	if b.Before(a) {
		return b, a
	}
	return a, b
}

// single translates a single event: one person on call from start for
// duration.
func (t *translator) single(sh Shift, start civil, loc *time.Location) (*schema.Layer, error) {
	if len(sh.Users) == 0 {
		return nil, nil
	}
	if len(sh.Users) > 1 {
		return nil, fmt.Errorf("a single event puts %d users on call together; a Baton layer has one person at a time", len(sh.Users))
	}
	end := start.Add(time.Duration(sh.Duration) * time.Second)
	if _, ok := importer.Wall(instant(start, loc), loc); !ok {
		return nil, fmt.Errorf("start %s is ambiguous in %s", sh.Start, loc)
	}
	t.last = latest(t.last, instant(end, loc))
	return &schema.Layer{
		Rotation: schema.LayerCycle{Anchor: wall(start), Every: schema.Every{N: 1, Unit: schema.Weeks}, Participants: []string{t.handle(sh.Users[0], "")}},
		Changes:  []schema.Change{{From: wall(end), Participants: []string{schema.Nobody}}},
	}, nil
}

// clocksExist refuses events that start or end at a wall-clock time that
// does not exist, or happens twice, on a day when clocks change: Grafana
// OnCall cannot place such an event (it leaves it out).
func clocksExist(l *schema.Layer, start civil, d int, loc *time.Location, until time.Time) error {
	clocks := map[int]bool{}
	add := func(c int) { clocks[(c%day+day)%day] = true }
	for _, w := range l.Active {
		add(int(w.From))
		add(int(w.To))
	}
	if len(l.Active) == 0 {
		step := day
		if l.Rotation.Every.Unit == schema.Hours {
			step = l.Rotation.Every.N * hour
		}
		s := start.Hour()*hour + start.Minute()*60 + start.Second()
		for k := 0; k < week; k += step {
			add(s + k)
			add(s + k + d)
		}
	}
	// Clocks change on the same dates every year or so: two years of days
	// from the start, or from a year before until, tell.
	from := start.Truncate(24 * time.Hour)
	if u := until.AddDate(-1, 0, 0); u.After(instant(from, loc)) {
		from = time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	}
	end := instant(from, loc).AddDate(2, 0, 0)
	for date := from; instant(date, loc).Before(end); date = date.AddDate(0, 0, 1) {
		for cl := range clocks {
			w := date.Add(time.Duration(cl) * time.Second)
			at := instant(w, loc)
			ok := true
			if got, first := importer.Wall(at, loc); got != wall(w) || !first {
				ok = false // in a gap
			}
			for _, shift := range []time.Duration{30 * time.Minute, time.Hour} {
				if again, _ := importer.Wall(at.Add(shift), loc); again == wall(w) {
					ok = false // happens twice
				}
			}
			if !ok {
				return fmt.Errorf("its events start or end at %s, which on %s does not exist or happens twice in %s (clocks change); Grafana OnCall leaves such an event out", clock(cl), date.Format("2006-01-02"), loc)
			}
		}
	}
	return nil
}

func clock(s int) string { return fmt.Sprintf("%02d:%02d", s/hour, s%hour/60) }

func dur(s int) string { return (time.Duration(s) * time.Second).String() }

// overrides translates override shifts: each puts its one user on call
// from start for duration (in the override's zone, UTC by default), above
// every shift. Overlapping overrides of different users are refused: their
// priority is not in the API.
func (t *translator) overrides(shs []Shift) ([]schema.Override, []string) {
	var out []schema.Override
	var problems []string
	type span struct {
		from, until time.Time
		user, id    string
	}
	var spans []span
	for _, sh := range shs {
		what := "override " + sh.ID
		z := "UTC"
		if sh.TimeZone != nil && *sh.TimeZone != "" {
			z = *sh.TimeZone
		}
		loc, err := time.LoadLocation(z)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: time zone %q is not an IANA zone Baton knows", what, z))
			continue
		}
		start, err := parseCivil(sh.Start)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: start: %v", what, err))
			continue
		}
		if sh.RotationStart != "" && sh.RotationStart != sh.Start {
			if rsc, err := parseCivil(sh.RotationStart); err != nil || rsc.After(start) {
				problems = append(problems, fmt.Sprintf("%s: rotation_start %s is after start %s, which Grafana OnCall renders by rules its API does not make clear", what, sh.RotationStart, sh.Start))
				continue
			}
		}
		if sh.Duration <= 0 {
			t.plan.Note(importer.Info, "override "+sh.ID, "it lasts no time; left out")
			continue
		}
		if sh.Duration > maxDuration {
			problems = append(problems, fmt.Sprintf("%s lasts more than ten years", what))
			continue
		}
		switch len(sh.Users) {
		case 0:
			t.plan.Note(importer.Info, "override "+sh.ID, "it has nobody in it, so Grafana OnCall ignores it; left out")
			continue
		case 1:
		default:
			problems = append(problems, fmt.Sprintf("%s puts %d users on call; the API does not say which of them Grafana OnCall uses (an override made in the web UI puts only one of them on call)", what, len(sh.Users)))
			continue
		}
		from := instant(start, loc)
		until := instant(start.Add(time.Duration(sh.Duration)*time.Second), loc)
		user := t.handle(sh.Users[0], "")
		for _, o := range spans {
			if o.user != user && o.from.Before(until) && from.Before(o.until) {
				problems = append(problems, fmt.Sprintf("overrides %s and %s overlap with different users; Grafana OnCall's API does not give their priority, so Baton cannot tell who wins", o.id, sh.ID))
			}
		}
		spans = append(spans, span{from, until, user, sh.ID})
		out = append(out, schema.Override{Kind: schema.OverrideAssign, User: user, From: from, Until: until, Reason: "Grafana OnCall override " + sh.ID})
	}
	return out, problems
}
