package metrics

import (
	"cmp"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Options are the inputs of [Compute] besides the repository.
type Options struct {
	// Now is the current time (the CLI's --now or the clock). Required.
	Now time.Time
	// Since starts the report window [Since, Now); zero means
	// DefaultSince(Now, the site's time zone).
	Since time.Time
}

// DefaultSince returns the default start of the report window: midnight on
// the first day of the month eleven months before now's month, in loc, so
// that the window holds twelve calendar months, the current one included.
func DefaultSince(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	return time.Date(t.Year(), t.Month()-11, 1, 0, 0, 0, 0, loc)
}

// Report holds every figure of the process report. See the package
// documentation for the definitions and docs/metrics.md for the JSON shape.
type Report struct {
	// Now and Since bound the window [Since, Now); both are in UTC.
	Now   time.Time `json:"now"`
	Since time.Time `json:"since"`
	// TimeZone is the site's time zone, in which months and dates are
	// counted.
	TimeZone string `json:"time_zone"`
	// Severities lists the severities in the order every breakdown uses:
	// baton.yaml's order, then any unknown ids found on incidents, sorted.
	Severities  []SeverityInfo `json:"severities"`
	Incidents   Incidents      `json:"incidents"`
	Postmortems Postmortems    `json:"postmortems"`
	ActionItems ActionItems    `json:"action_items"`
	IMOCLoad    []Load         `json:"imoc_load"`
	// Fairness is how each rotation's on-call time is spread over its
	// people, in the window and in the FairnessDays days from Now.
	Fairness []RotationFairness `json:"fairness"`
	Training Training           `json:"training"`
	Overdue  Overdue            `json:"overdue"`

	loc *time.Location
}

// Location returns the site's time zone (never nil).
func (r *Report) Location() *time.Location {
	if r.loc == nil {
		return time.UTC
	}
	return r.loc
}

// SeverityInfo describes one severity.
type SeverityInfo struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Major bool   `json:"major"`
}

// Group is the count of a group of incidents and their four durations.
type Group struct {
	Count       int  `json:"count"`
	Detect      Stat `json:"time_to_detect"`
	Acknowledge Stat `json:"time_to_acknowledge"`
	Mitigate    Stat `json:"time_to_mitigate"`
	Resolve     Stat `json:"time_to_resolve"`
}

// SeverityGroup is the Group of one severity.
type SeverityGroup struct {
	Severity string `json:"severity"`
	Group
}

// SeverityCount is how many incidents of a severity a month had.
type SeverityCount struct {
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// MonthGroup is the Group of one calendar month, with its count per
// severity (every severity, in Report.Severities order).
type MonthGroup struct {
	// Month is YYYY-MM in the site's time zone.
	Month      string          `json:"month"`
	Severities []SeverityCount `json:"severities"`
	Group
}

// Incidents holds the figures about the incidents declared in the window.
type Incidents struct {
	Total Group `json:"total"`
	// BySeverity has one entry per severity, in Report.Severities order,
	// including those with no incident.
	BySeverity []SeverityGroup `json:"by_severity"`
	// ByMonth has one entry per calendar month of the window, oldest
	// first, including months with no incident.
	ByMonth []MonthGroup `json:"by_month"`
}

// Postmortems counts the postmortems required by the incidents in the
// window: Required = OnTime + Late + Overdue + Pending, and Missing counts
// those among Overdue and Pending with no postmortem.md.
type Postmortems struct {
	Required int `json:"required"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Overdue  int `json:"overdue"`
	Pending  int `json:"pending"`
	Missing  int `json:"missing"`
}

// ItemCounts counts action items by state. Overdue items are also Open.
type ItemCounts struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	Done    int `json:"done"`
	WontFix int `json:"wontfix"`
}

// OwnerItems counts the action items of one owner ("" for none).
type OwnerItems struct {
	Owner string `json:"owner"`
	ItemCounts
}

// BurnPoint is one week of the projected burn-down of the open action
// items: on Date, how many would still be open if each item were closed on
// its due date.
type BurnPoint struct {
	Date schema.Date `json:"date"`
	// Overdue are already overdue at Now; NoDueDate have no due date;
	// DueLater are due on or after Date.
	Overdue   int `json:"overdue"`
	NoDueDate int `json:"no_due_date"`
	DueLater  int `json:"due_later"`
}

// Open is the number of items still open on the date.
func (b BurnPoint) Open() int { return b.Overdue + b.NoDueDate + b.DueLater }

// ActionItems holds the action items of every postmortem, as of Now.
type ActionItems struct {
	Total ItemCounts `json:"total"`
	// ByOwner is sorted by owner, the items without owner ("") last.
	ByOwner  []OwnerItems `json:"by_owner"`
	Burndown []BurnPoint  `json:"burndown"`
}

// Load is one person's IMOC load over the window.
type Load struct {
	Person string `json:"person"`
	Name   string `json:"name"`
	// Incidents is how many incidents in the window named them as imoc;
	// Major how many of those had a major severity.
	Incidents int `json:"incidents"`
	Major     int `json:"major_incidents"`
	// OnCall is their time in the final IMOC set of every rotation over
	// the window.
	OnCall time.Duration `json:"-"`
}

// MarshalJSON encodes OnCall as on_call_seconds.
func (l Load) MarshalJSON() ([]byte, error) {
	type plain Load
	return json.Marshal(struct {
		plain
		OnCall *int64 `json:"on_call_seconds"`
	}{plain(l), seconds(l.OnCall, true)})
}

// FairnessDays is how far ahead the fairness figures look.
const FairnessDays = 90

// RotationFairness is how one rotation's on-call time is spread over its
// people.
type RotationFairness struct {
	Rotation string `json:"rotation"`
	Name     string `json:"name"`
	// People are the rotation's participants (of every layer and roster
	// change) and anyone else on call on it in either period, sorted by
	// handle.
	People []Hours `json:"people"`
	// PastSpread and NextSpread are the largest hours divided by the
	// smallest among the people with any in the window and in the next
	// FairnessDays days (1 when they are even), rounded to two decimals;
	// nil when nobody has any.
	PastSpread *float64 `json:"past_spread"`
	NextSpread *float64 `json:"next_spread"`
}

// Hours is one person's time in a rotation's final IMOC set in the window
// (Past) and in the FairnessDays days from Now (Next).
type Hours struct {
	Person string        `json:"person"`
	Past   time.Duration `json:"-"`
	Next   time.Duration `json:"-"`
}

// MarshalJSON encodes the durations as past_seconds and next_seconds.
func (h Hours) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Person string `json:"person"`
		Past   *int64 `json:"past_seconds"`
		Next   *int64 `json:"next_seconds"`
	}{h.Person, seconds(h.Past, true), seconds(h.Next, true)})
}

// Threshold is how many incidents a trainee must shadow, and how many of
// them must be major, to qualify (baton.yaml training).
type Threshold struct {
	Incidents int `json:"incidents"`
	Major     int `json:"major"`
}

// Shadowed is one incident a trainee shadowed.
type Shadowed struct {
	Incident string `json:"incident"`
	Severity string `json:"severity"`
	Major    bool   `json:"major"`
}

// Trainee is one trainee IMOC's shadowing record.
type Trainee struct {
	Person string `json:"person"`
	Name   string `json:"name"`
	// Shadowed lists the incidents, oldest first.
	Shadowed []Shadowed `json:"shadowed"`
	// Incidents and Major count Shadowed; IncidentsNeeded and MajorNeeded
	// are what is left to reach the threshold (0 when met).
	Incidents       int  `json:"incidents"`
	Major           int  `json:"major_incidents"`
	IncidentsNeeded int  `json:"incidents_needed"`
	MajorNeeded     int  `json:"major_needed"`
	Ready           bool `json:"ready"`
}

// Training holds the qualification threshold and every trainee's record,
// sorted by handle.
type Training struct {
	Threshold Threshold `json:"threshold"`
	Trainees  []Trainee `json:"trainees"`
}

// OverduePostmortem is a required postmortem not approved by its due
// time.
type OverduePostmortem struct {
	Incident string    `json:"incident"`
	Severity string    `json:"severity"`
	Due      time.Time `json:"due"`
	// Status is the postmortem's status, or "missing" when there is no
	// postmortem.md.
	Status string `json:"status"`
}

// OverdueItem is an open action item past its due date.
type OverdueItem struct {
	Incident string      `json:"incident"`
	ID       string      `json:"id"`
	Title    string      `json:"title"`
	Priority string      `json:"priority"`
	Owner    string      `json:"owner"`
	Due      schema.Date `json:"due"`
}

// Overdue is the to-do list as of Now over the whole repository. Both
// lists are sorted by incident id (then item id).
type Overdue struct {
	Postmortems []OverduePostmortem `json:"postmortems"`
	ActionItems []OverdueItem       `json:"action_items"`
}

// Compute derives the Report of repo as of opts.Now. It reads nothing but
// its arguments; it fails only when the window is empty (Since not before
// Now).
func Compute(repo *schema.Repo, opts Options) (*Report, error) {
	if opts.Now.IsZero() {
		return nil, errors.New("metrics: Options.Now is required")
	}
	cfg := repo.Config
	if cfg == nil {
		cfg = &schema.Config{}
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	since := opts.Since
	if since.IsZero() {
		since = DefaultSince(opts.Now, loc)
	}
	if !since.Before(opts.Now) {
		return nil, errors.New("metrics: the window is empty: since must be before now")
	}
	r := &Report{
		Now:      opts.Now.UTC(),
		Since:    since.UTC(),
		TimeZone: loc.String(),
		loc:      loc,
	}
	sevs := severities(cfg, repo.Incidents)
	r.Severities = sevs
	var window []*schema.Incident
	for _, in := range repo.Incidents {
		if !in.IsMaintenance() && !in.Declared.Before(since) && in.Declared.Before(opts.Now) {
			window = append(window, in)
		}
	}
	r.Incidents = incidents(window, sevs, since, opts.Now, loc)
	r.Postmortems = postmortems(cfg, window, opts.Now)
	r.ActionItems, r.Overdue.ActionItems = actionItems(repo.Incidents, opts.Now, loc)
	r.Overdue.Postmortems = overduePostmortems(cfg, repo.Incidents, opts.Now)
	r.IMOCLoad = imocLoad(repo, cfg, window, since, opts.Now)
	r.Fairness = fairness(repo, since, opts.Now)
	r.Training = training(repo, cfg, opts.Now)
	return r, nil
}

// severities lists the configured severities, then unknown ids used by
// incidents (sorted), so that nothing is dropped from a breakdown.
func severities(cfg *schema.Config, ins []*schema.Incident) []SeverityInfo {
	var out []SeverityInfo
	known := map[string]bool{}
	for _, s := range cfg.Severities {
		out = append(out, SeverityInfo{ID: s.ID, Name: s.Name, Major: s.Major})
		known[s.ID] = true
	}
	var unknown []string
	for _, in := range ins {
		if !in.IsMaintenance() && !known[in.Severity] {
			known[in.Severity] = true
			unknown = append(unknown, in.Severity)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		out = append(out, SeverityInfo{ID: id})
	}
	if out == nil {
		out = []SeverityInfo{}
	}
	return out
}

// isMajor reports whether the incident's severity is major.
func isMajor(cfg *schema.Config, in *schema.Incident) bool {
	s, _ := cfg.Severity(in.Severity)
	return s != nil && s.Major
}

// span returns b − a when both are set and a ≤ b.
func span(a, b time.Time) (time.Duration, bool) {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0, false
	}
	return b.Sub(a), true
}

// group computes the Group of some incidents.
func group(ins []*schema.Incident) Group {
	g := Group{Count: len(ins)}
	measure := func(from, to func(*schema.Incident) time.Time) Stat {
		var ds []time.Duration
		skipped := 0
		for _, in := range ins {
			if d, ok := span(from(in), to(in)); ok {
				ds = append(ds, d)
			} else {
				skipped++
			}
		}
		return newStat(ds, skipped)
	}
	started := func(in *schema.Incident) time.Time { return in.Started }
	g.Detect = measure(started, func(in *schema.Incident) time.Time { return in.Detected })
	g.Acknowledge = measure(func(in *schema.Incident) time.Time { return in.Declared }, func(in *schema.Incident) time.Time { return in.Acked })
	g.Mitigate = measure(started, func(in *schema.Incident) time.Time { return in.Mitigated })
	g.Resolve = measure(started, func(in *schema.Incident) time.Time { return in.Resolved })
	return g
}

func incidents(window []*schema.Incident, sevs []SeverityInfo, since, now time.Time, loc *time.Location) Incidents {
	out := Incidents{Total: group(window), BySeverity: []SeverityGroup{}, ByMonth: []MonthGroup{}}
	for _, s := range sevs {
		var ins []*schema.Incident
		for _, in := range window {
			if in.Severity == s.ID {
				ins = append(ins, in)
			}
		}
		out.BySeverity = append(out.BySeverity, SeverityGroup{Severity: s.ID, Group: group(ins)})
	}
	last := monthKey(now.Add(-time.Nanosecond), loc)
	for m := since.In(loc); ; m = m.AddDate(0, 1, 0) {
		m = time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, loc)
		key := m.Format("2006-01")
		var ins []*schema.Incident
		for _, in := range window {
			if monthKey(in.Declared, loc) == key {
				ins = append(ins, in)
			}
		}
		mg := MonthGroup{Month: key, Group: group(ins)}
		for _, s := range sevs {
			n := 0
			for _, in := range ins {
				if in.Severity == s.ID {
					n++
				}
			}
			mg.Severities = append(mg.Severities, SeverityCount{Severity: s.ID, Count: n})
		}
		if mg.Severities == nil {
			mg.Severities = []SeverityCount{}
		}
		out.ByMonth = append(out.ByMonth, mg)
		if key >= last {
			break
		}
	}
	return out
}

func monthKey(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01") }

func postmortems(cfg *schema.Config, window []*schema.Incident, now time.Time) Postmortems {
	var p Postmortems
	for _, in := range window {
		due, required := schema.PostmortemDue(cfg, in)
		if !required {
			continue
		}
		p.Required++
		pm := in.Postmortem
		switch {
		case pm.IsApproved() && pm.Approved != nil && !pm.Approved.At.After(due):
			p.OnTime++
		case pm.IsApproved():
			p.Late++
		case now.Before(due):
			p.Pending++
		default:
			p.Overdue++
		}
		if pm == nil {
			p.Missing++
		}
	}
	return p
}

// overduePostmortems lists the postmortems that schema.CheckPolicy reports
// as postmortem/overdue errors.
func overduePostmortems(cfg *schema.Config, all []*schema.Incident, now time.Time) []OverduePostmortem {
	out := []OverduePostmortem{}
	for _, in := range all {
		due, required := schema.PostmortemDue(cfg, in)
		if !required || in.Postmortem.IsApproved() || now.Before(due) {
			continue
		}
		status := "missing"
		if in.Postmortem != nil {
			status = in.Postmortem.Status
		}
		out = append(out, OverduePostmortem{Incident: in.ID, Severity: in.Severity, Due: due.UTC(), Status: status})
	}
	return out
}

// maxBurnWeeks bounds the burn-down projection (26 weeks after today).
const maxBurnWeeks = 26

func actionItems(all []*schema.Incident, now time.Time, loc *time.Location) (ActionItems, []OverdueItem) {
	t := now.In(loc)
	today := schema.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	byOwner := map[string]*ItemCounts{}
	var total ItemCounts
	overdue := []OverdueItem{}
	var open []schema.ActionItem // open items not overdue
	overdueN, noDue := 0, 0
	for _, in := range all {
		if in.Postmortem == nil {
			continue
		}
		for _, ai := range in.Postmortem.ActionItems {
			c := byOwner[ai.Owner]
			if c == nil {
				c = &ItemCounts{}
				byOwner[ai.Owner] = c
			}
			switch ai.Status {
			case "done":
				c.Done++
				total.Done++
			case "wontfix":
				c.WontFix++
				total.WontFix++
			default: // "open" (validation rejects anything else)
				c.Open++
				total.Open++
				switch {
				case ai.Due.IsZero():
					noDue++
				case ai.Due.Before(today):
					c.Overdue++
					total.Overdue++
					overdueN++
					overdue = append(overdue, OverdueItem{Incident: in.ID, ID: ai.ID, Title: ai.Title, Priority: ai.Priority, Owner: ai.Owner, Due: ai.Due})
				default:
					open = append(open, ai)
				}
			}
		}
	}
	out := ActionItems{Total: total, ByOwner: []OwnerItems{}, Burndown: []BurnPoint{}}
	for owner, c := range byOwner {
		out.ByOwner = append(out.ByOwner, OwnerItems{Owner: owner, ItemCounts: *c})
	}
	slices.SortFunc(out.ByOwner, func(a, b OwnerItems) int {
		if (a.Owner == "") != (b.Owner == "") {
			if a.Owner == "" {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Owner, b.Owner)
	})
	// The projection: weekly from today until nothing dated is left (at
	// least four points, at most maxBurnWeeks+1).
	day := time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, time.UTC)
	for w := 0; w <= maxBurnWeeks; w++ {
		d := day.AddDate(0, 0, 7*w)
		date := schema.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()}
		p := BurnPoint{Date: date, Overdue: overdueN, NoDueDate: noDue}
		for _, ai := range open {
			if !ai.Due.Before(date) {
				p.DueLater++
			}
		}
		out.Burndown = append(out.Burndown, p)
		if p.DueLater == 0 && w >= 3 {
			break
		}
	}
	return out, overdue
}

func imocLoad(repo *schema.Repo, cfg *schema.Config, window []*schema.Incident, since, now time.Time) []Load {
	loads := map[string]*Load{}
	get := func(h string) *Load {
		l := loads[h]
		if l == nil {
			l = &Load{Person: h}
			if p := repo.Person(h); p != nil {
				l.Name = p.Name
			}
			loads[h] = l
		}
		return l
	}
	for _, p := range repo.People {
		if p.Qualified() {
			get(p.Handle)
		}
	}
	for _, in := range window {
		if in.IMOC == "" {
			continue
		}
		l := get(in.IMOC)
		l.Incidents++
		if isMajor(cfg, in) {
			l.Major++
		}
	}
	for _, rot := range repo.Rotations {
		for _, iv := range oncall.Schedule(rot, since, now) {
			for _, h := range iv.IMOC {
				get(h).OnCall += iv.End.Sub(iv.Start)
			}
		}
	}
	out := []Load{}
	for _, l := range loads {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Load) int { return cmp.Compare(a.Person, b.Person) })
	return out
}

func training(repo *schema.Repo, cfg *schema.Config, now time.Time) Training {
	th := Threshold{Incidents: cfg.Training.Incidents, Major: cfg.Training.Major}
	out := Training{Threshold: th, Trainees: []Trainee{}}
	for _, p := range repo.People {
		if p.IMOC != schema.IMOCTrainee {
			continue
		}
		t := Trainee{Person: p.Handle, Name: p.Name, Shadowed: []Shadowed{}}
		for _, in := range repo.Incidents {
			if in.IsMaintenance() || !in.Declared.Before(now) || !slices.Contains(in.Shadows, p.Handle) {
				continue
			}
			major := isMajor(cfg, in)
			t.Shadowed = append(t.Shadowed, Shadowed{Incident: in.ID, Severity: in.Severity, Major: major})
			t.Incidents++
			if major {
				t.Major++
			}
		}
		t.IncidentsNeeded = max(0, th.Incidents-t.Incidents)
		t.MajorNeeded = max(0, th.Major-t.Major)
		t.Ready = t.IncidentsNeeded == 0 && t.MajorNeeded == 0
		out.Trainees = append(out.Trainees, t)
	}
	slices.SortFunc(out.Trainees, func(a, b Trainee) int { return cmp.Compare(a.Person, b.Person) })
	return out
}

// fairness computes each rotation's hours per person over [since, now)
// and the FairnessDays days from now.
func fairness(repo *schema.Repo, since, now time.Time) []RotationFairness {
	out := []RotationFairness{}
	next := now.AddDate(0, 0, FairnessDays)
	for _, rot := range repo.Rotations {
		f := RotationFairness{Rotation: rot.ID, Name: rot.Name, People: []Hours{}}
		hours := map[string]*Hours{}
		get := func(h string) *Hours {
			x := hours[h]
			if x == nil {
				x = &Hours{Person: h}
				hours[h] = x
			}
			return x
		}
		for _, l := range rot.Layers {
			lists := [][]string{l.Rotation.Participants}
			for _, ch := range l.Changes {
				lists = append(lists, ch.Participants)
			}
			for _, ps := range lists {
				for _, h := range ps {
					if h != schema.Nobody && h != "" {
						get(h)
					}
				}
			}
		}
		for _, iv := range oncall.Schedule(rot, since, now) {
			for _, h := range iv.IMOC {
				get(h).Past += iv.End.Sub(iv.Start)
			}
		}
		for _, iv := range oncall.Schedule(rot, now, next) {
			for _, h := range iv.IMOC {
				get(h).Next += iv.End.Sub(iv.Start)
			}
		}
		var past, nextH []time.Duration
		for _, h := range slices.Sorted(maps.Keys(hours)) {
			x := hours[h]
			f.People = append(f.People, *x)
			if x.Past > 0 {
				past = append(past, x.Past)
			}
			if x.Next > 0 {
				nextH = append(nextH, x.Next)
			}
		}
		f.PastSpread, f.NextSpread = spread(past), spread(nextH)
		out = append(out, f)
	}
	return out
}

// spread returns max/min of ds (all positive), rounded to two decimals,
// or nil when ds is empty.
func spread(ds []time.Duration) *float64 {
	if len(ds) == 0 {
		return nil
	}
	v := math.Round(float64(slices.Max(ds))/float64(slices.Min(ds))*100) / 100
	return &v
}
