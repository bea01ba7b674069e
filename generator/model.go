package generator

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// historyDays is how many daily cells the status page shows per component.
const historyDays = 90

// Component statuses (Statuspage's enum), and the state of a day before
// the organisation's records begin.
const (
	statusOperational = "operational"
	statusNoData      = "nodata"
)

// historyPageSize is the most incidents one page of the history lists; a
// year with more is split into numbered pages.
const historyPageSize = 250

// impactRank orders component statuses from the best to the worst.
func impactRank(s string) int {
	switch s {
	case schema.ImpactMaintenance:
		return 1
	case schema.ImpactDegraded:
		return 2
	case schema.ImpactPartial:
		return 3
	case schema.ImpactMajor:
		return 4
	}
	return 0
}

// downtimeWeight is how much of an interval with the given impact counts
// as unavailable (see the package documentation).
func downtimeWeight(s string) float64 {
	switch s {
	case schema.ImpactMajor:
		return 1
	case schema.ImpactPartial:
		return 0.3
	}
	return 0
}

// model is everything the pages show, derived once per build.
type model struct {
	Site     *siteInfo
	Now      time.Time
	Internal bool
	Days     int

	Overall    overall
	Components []*componentView
	Groups     []group
	// HasGroups is set when some component has a group; components then
	// sit one heading level lower. HasNoData when some day has no data.
	HasGroups, HasNoData bool
	// Incidents are the visible incidents (and maintenances), newest
	// first.
	Incidents         []*incidentView
	Active            []*incidentView // open incidents
	ActiveMaintenance []*incidentView // maintenances in their window
	Upcoming          []*incidentView // maintenances not started yet
	Recent            []*incidentView // the latest closed incidents
	// History is the pages of the incident history, newest first: each
	// year's pages in order. Years lists the years, newest first.
	History []*historyPage
	Years   []yearLink
	// DataStart is the start of the first local day with records:
	// site.since, else the day of the earliest incident; zero when there
	// is neither. Days before it show "no data".
	DataStart time.Time
	// Updated is the latest instant in the visible data (Now when there is
	// none); it dates the feed and the API's page object.
	Updated time.Time
	// Since is the start of the records (DataStart), or of the history
	// window when that is earlier or there are no records. It dates the
	// API's components (created_at), so it is never after any component's
	// last update.
	Since time.Time
	// OnCall holds every rotation at Now, sorted by id (internal builds
	// only).
	OnCall []*rotationView
	// Metrics is the report of package metrics as of Now (internal builds
	// only).
	Metrics *metricsView
}

type siteInfo struct {
	Title, Description string
	// BaseURL is absolute and ends with "/", or is empty.
	BaseURL string
	// Zone names the time zone pages use.
	Zone string
	Loc  *time.Location
	// OnCall and Metrics link the internal pages from the navigation.
	OnCall, Metrics bool
	// Subscribe are the public links of site.subscribe (absolute http(s)
	// addresses only).
	Subscribe []subscribeLink
	Built     time.Time
}

// subscribeLink is a public place to follow the status (site.subscribe).
type subscribeLink struct{ Name, URL string }

type overall struct {
	Status      string // worst component status
	Indicator   string // Statuspage indicator
	Description string
}

type group struct {
	Name       string
	ID         string // Statuspage id of the group component, "" without a group
	Components []*componentView
	// Worst is the worst status of a member; Open is set when a member is
	// not operational (the group is shown expanded).
	Worst string
	Open  bool
}

type componentView struct {
	ID, Name, Description, Group string
	Position                     int
	Status                       string
	Days                         []dayCell
	Availability                 string
	// IncidentDays are the days of Days with an incident, newest first;
	// NoDataDays counts the days before the records begin.
	IncidentDays []*dayCell
	NoDataDays   int
	// Updated is the last change of the component's status up to Now.
	Updated time.Time
	// Feed and Badge are the paths of the component's Atom feed and
	// badge, "" when it has none (see ownFiles).
	Feed, Badge string
	spans       []span
}

type dayCell struct {
	Worst string // a component status, or statusNoData
	Label string // "Mon 2 Jan 2006: Partial outage, 2 h weighted downtime"
	Date  string // "Mon 2 Jan 2006"
	Text  string // what Label says after the date
	// Incidents touched the component that day, newest first: the first
	// dayIncidents of them; More counts the others, which the history
	// pages list from Next on.
	Incidents []*incidentView
	More      int
	Next      *incidentView // the first of the others
}

// dayIncidents is how many incidents of a day the status page names; a
// busier day links to the history instead, so that the page stays small.
const dayIncidents = 2

// span is one stretch of time during which an incident affected a
// component. A zero to means open-ended.
type span struct {
	from, to time.Time
	impact   string
	inc      *incidentView
}

type month struct {
	Key, Name string
	Incidents []*incidentView
}

// historyPage is one page of the incident history: part of a year.
type historyPage struct {
	Year         string
	Number, Of   int    // page Number of Of pages of the year
	Path         string // from the site root
	Months       []month
	Count        int           // incidents on the page
	Pages        []historyPage // the year's pages (Months unset), for the page list
	First, Final string        // the months the page spans, "January 2026"
}

// yearLink is one year of the history, for the year list.
type yearLink struct {
	Year  string
	Path  string // of the year's first page, from the site root
	Count int
}

type incidentView struct {
	src         *view.Incident
	ID, Title   string
	Link        string // from the site root
	Maintenance bool
	Status      string // as in the file
	// StatusClass is a component-status-like class for the status badge:
	// "resolved", "under_maintenance" or "active".
	StatusClass string
	Impact      string // Statuspage incident impact
	Start       time.Time
	Resolved    time.Time
	Ongoing     bool
	Duration    string
	Window      *view.Window
	Components  []componentImpact
	Updates     []view.Update // newest first
	Latest      *view.Update
	Postmortem  *postmortemView
	Internal    *internalView // nil in public builds
	// History is the page of the incident history that lists it, and
	// HistoryLink the link to its month there, from the site root.
	History     *historyPage
	HistoryLink string

	// Display values computed once per build (see prepareView): executing
	// a template function costs far more than reading a field, and these
	// are shown for every incident on several pages.
	ImpactText              string
	StartHTML, ResolvedHTML template.HTML // "" when the instant is not set
	StatusHTML              template.HTML // the "istatus" fragment
	MetaHTML                template.HTML // the "incident-meta" fragment
	ComponentsHTML          template.HTML // Components as "component-impact" rows
	Timeline                []updateView  // Updates for display, newest first
	// itemHead and itemTail are the row of incidentItems before and after
	// the root of the page.
	itemHead, itemTail string
	// sortKey orders incidents, newest first.
	sortKey time.Time
}

type updateView struct {
	StatusText, Message string
	Class               string // see updateClass
	When                template.HTML
}

type componentImpact struct {
	ID, Name, Impact string
}

type internalView struct {
	Severity   string
	Visibility string
	Rotation   string
	IMOC       string
	Owner      string
	// Roles is the "fact" rows of Severity to Owner (see prepareView).
	Roles template.HTML
	// Shadows, Responders and Tags are joined with ", ".
	Shadows, Responders, Tags string
	Times                     []namedTime
}

type namedTime struct {
	Name string
	At   time.Time
	When template.HTML // At as a <time> element
}

type postmortemView struct {
	Status, Visibility string
	Summary            string
	ActionItems        []actionItem
	Authors, Reviewers []string
	// People is the "fact" rows of Authors and Reviewers (see
	// prepareView).
	People       template.HTML
	ApprovedBy   string
	ApprovedAt   time.Time
	ApprovedHTML template.HTML // ApprovedAt as a <time> element, "" when zero
}

type actionItem struct {
	ID, Title, Type, Priority, Owner, Due, Status, Link string
}

// deriveModel computes the view model, with the display values of ts. It
// renders no Markdown: the page jobs do, and only for the pages the
// audience may see. Without ts (the Statuspage view of an API file
// only) it computes no display values, on-call or metrics views.
func deriveModel(repo *schema.Repo, o *Options, ts *templateSet) (*model, error) {
	c := repo.Config
	loc := siteLocation(c)
	// Each audience has its own address, so that its links, feed ids and
	// shortlinks are its own: the internal build never points at public
	// URLs, where its internal incidents do not exist.
	base := o.BaseURL
	if base == "" {
		base = c.Site.BaseURL
		if o.Audience == Internal {
			base = c.Site.InternalBaseURL
		}
	}
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	internal := o.Audience == Internal
	m := &model{
		Site: &siteInfo{
			Title: cmp.Or(c.Site.Title, "Status"), Description: c.Site.Description,
			BaseURL: base, Zone: loc.String(), Loc: loc, Built: o.Now,
		},
		Now: o.Now, Internal: internal, Days: historyDays,
	}
	for _, l := range c.Site.Subscribe {
		if l.Name != "" && absoluteHTTP(l.URL) {
			m.Site.Subscribe = append(m.Site.Subscribe, subscribeLink{Name: l.Name, URL: l.URL})
		}
	}

	// The on-call and metrics views read only the repository: derive them
	// while the incident views are built.
	var (
		onCall     []*rotationView
		mv         *metricsView
		metricsErr error
		side       sync.WaitGroup
	)
	if internal && ts != nil {
		side.Go(func() {
			onCall = deriveOnCall(repo, o.Now)
			mv, metricsErr = deriveMetrics(repo, o.Now)
		})
	}

	views := make([]*incidentView, len(repo.Incidents))
	errs := make([]error, len(repo.Incidents))
	parallel(len(repo.Incidents), func(i int) {
		in := view.Of(repo, repo.Incidents[i], o.Audience)
		if in == nil {
			return
		}
		v := newIncidentView(repo, in, o.Now)
		if ts != nil {
			errs[i] = ts.prepareView(v, loc)
		}
		views[i] = v
	})
	if err := errors.Join(errs...); err != nil {
		side.Wait()
		return nil, err
	}
	m.Incidents = slices.DeleteFunc(views, func(v *incidentView) bool { return v == nil })
	slices.SortStableFunc(m.Incidents, func(a, b *incidentView) int {
		return cmp.Or(b.sortKey.Compare(a.sortKey), cmp.Compare(b.ID, a.ID))
	})

	m.Updated = latestInstant(m.Incidents, o.Now)
	m.DataStart = recordsStart(c, m.Incidents, loc)
	m.Since = m.DataStart
	deriveComponents(m, c, o.Now, loc)
	deriveGroups(m)
	deriveLists(m, o.Now, loc)
	m.Overall = overallStatus(m.worstNow())
	if internal && ts != nil {
		side.Wait()
		if metricsErr != nil {
			return nil, metricsErr
		}
		m.Site.OnCall, m.OnCall = true, onCall
		m.Site.Metrics, m.Metrics = true, mv
	}
	return m, nil
}

// newIncidentView is the page view of in, an incident as package view
// lets the build's audience see it, as of now. Everything it shows comes
// from in: the audience's view decides what is visible, this only lays it
// out (people by label, durations, the order of the history).
func newIncidentView(repo *schema.Repo, in *view.Incident, now time.Time) *incidentView {
	people := func(hs []string) []string {
		out := make([]string, 0, len(hs))
		for _, h := range hs {
			out = append(out, personLabel(repo, h))
		}
		return out
	}
	v := &incidentView{
		src: in, ID: in.ID, Title: in.Title,
		Link:        "incidents/" + in.ID + "/index.html",
		Maintenance: in.Maintenance,
		Status:      in.Status,
		Window:      in.Window,
		Resolved:    in.Resolved,
		Start:       in.Start,
		Impact:      in.Impact,
	}
	switch {
	case in.IsResolved():
		v.StatusClass = "resolved"
	case v.Maintenance:
		v.StatusClass = schema.ImpactMaintenance
	default:
		v.StatusClass = "active"
	}
	end := in.Resolved
	if end.IsZero() || end.After(now) {
		end = now
		v.Ongoing = !in.IsResolved() && !v.Maintenance
	}
	if !v.Start.IsZero() && !end.Before(v.Start) && !(v.Maintenance && !in.IsResolved()) {
		v.Duration = formatDuration(end.Sub(v.Start))
	}
	for _, ci := range in.Components {
		v.Components = append(v.Components, componentImpact{ID: ci.ID, Name: ci.Name, Impact: ci.Impact})
	}
	v.Updates = slices.Clone(in.Updates)
	slices.Reverse(v.Updates)
	if len(v.Updates) > 0 {
		v.Latest = &v.Updates[0]
	}
	// Start is the declaration when nothing earlier is recorded, so it is
	// zero only when that is too.
	v.sortKey = v.Start
	if v.Maintenance && in.Window != nil {
		// A maintenance is filed under its window, not its announcement.
		v.sortKey = in.Window.From
	}

	if pm := in.Postmortem; pm != nil {
		pv := &postmortemView{Status: pm.Status, Visibility: pm.Visibility, Summary: pm.Summary}
		for _, ai := range pm.ActionItems {
			item := actionItem{ID: ai.ID, Title: ai.Title, Type: ai.Type, Priority: ai.Priority, Status: ai.Status, Link: ai.Link}
			if ai.Owner != "" {
				item.Owner = personLabel(repo, ai.Owner)
			}
			if !ai.Due.IsZero() {
				item.Due = ai.Due.String()
			}
			pv.ActionItems = append(pv.ActionItems, item)
		}
		pv.Authors, pv.Reviewers = people(pm.Authors), people(pm.Reviewers)
		if a := pm.Approved; a != nil && a.By != "" {
			pv.ApprovedBy, pv.ApprovedAt = personLabel(repo, a.By), a.At
		}
		v.Postmortem = pv
	}

	if d := in.Internal; d != nil {
		iv := &internalView{
			Visibility: d.Visibility, Rotation: d.Rotation,
			Shadows:    strings.Join(people(d.Shadows), ", "),
			Responders: strings.Join(people(d.Responders), ", "),
			Tags:       strings.Join(d.Tags, ", "),
		}
		if d.Severity != "" {
			iv.Severity = d.Severity
			if d.SeverityName != "" {
				iv.Severity += " (" + d.SeverityName + ")"
			}
		}
		if d.IMOC != "" {
			iv.IMOC = personLabel(repo, d.IMOC)
		}
		if d.Owner != "" {
			iv.Owner = personLabel(repo, d.Owner)
		}
		for _, t := range []namedTime{{Name: "Detected", At: d.Detected}, {Name: "Declared", At: d.Declared}, {Name: "Acknowledged", At: d.Acknowledged}, {Name: "Mitigated", At: d.Mitigated}} {
			if !t.At.IsZero() {
				iv.Times = append(iv.Times, t)
			}
		}
		v.Internal = iv
	}
	return v
}

// affects returns when in affects its components: [from, to), with a zero
// to while it is open. ok is false when it never does.
func affects(in *view.Incident) (from, to time.Time, ok bool) {
	if in.Maintenance {
		w := in.Window
		if w == nil || w.From.IsZero() || w.Until.IsZero() {
			return from, to, false
		}
		from, to = w.From, w.Until
		if !in.Resolved.IsZero() && in.Resolved.Before(to) {
			to = in.Resolved
		}
		return from, to, to.After(from)
	}
	from = in.Start
	if from.IsZero() {
		return from, to, false
	}
	if in.IsResolved() {
		to = in.Resolved
		if to.IsZero() || !to.After(from) {
			return from, to, false
		}
	}
	return from, to, true
}

func latestInstant(ins []*incidentView, fallback time.Time) time.Time {
	var t time.Time
	bump := func(u time.Time) {
		if u.After(t) && !u.After(fallback) {
			t = u
		}
	}
	for _, v := range ins {
		bump(v.Start)
		bump(v.Resolved)
		for _, u := range v.Updates {
			bump(u.At)
		}
	}
	if t.IsZero() {
		return fallback
	}
	return t
}

func deriveComponents(m *model, c *schema.Config, now time.Time, loc *time.Location) {
	byID := map[string]*componentView{}
	groupIdx := map[string]int{}
	for _, comp := range c.Components {
		cv := &componentView{ID: comp.ID, Name: cmp.Or(comp.Name, comp.ID), Description: comp.Description, Group: comp.Group, Status: statusOperational}
		if ownFiles(comp.ID) && byID[comp.ID] == nil {
			cv.Feed = componentFeedPath(comp.ID)
			if comp.ID != "status" {
				cv.Badge = badgePath(comp.ID)
			}
		}
		m.Components = append(m.Components, cv)
		if byID[comp.ID] == nil {
			byID[comp.ID] = cv
		}
		i, ok := groupIdx[comp.Group]
		if !ok {
			i = len(m.Groups)
			groupIdx[comp.Group] = i
			g := group{Name: comp.Group}
			if comp.Group != "" {
				g.ID = "group-" + slug(comp.Group)
			}
			m.Groups = append(m.Groups, g)
		}
		m.Groups[i].Components = append(m.Groups[i].Components, cv)
		cv.Position = len(m.Groups[i].Components)
	}
	for _, v := range m.Incidents {
		from, to, ok := affects(v.src)
		if !ok || from.After(now) {
			continue
		}
		for _, ci := range v.src.Components {
			if cv := byID[ci.ID]; cv != nil {
				cv.spans = append(cv.spans, span{from: from, to: to, impact: ci.Impact, inc: v})
			}
		}
	}

	// The 90 local days that end today.
	y, mo, d := now.In(loc).Date()
	starts := make([]time.Time, historyDays+1)
	for i := range starts {
		starts[i] = time.Date(y, mo, d-historyDays+1+i, 0, 0, 0, 0, loc)
	}
	windowStart := starts[0]
	total := now.Sub(later(windowStart, m.DataStart))

	for _, cv := range m.Components {
		var down float64
		cv.Days = make([]dayCell, historyDays)
		byDay := spansByDay(cv.spans, starts, now)
		for i := range historyDays {
			a, b := starts[i], starts[i+1]
			if b.After(now) {
				b = now
			}
			w, dd := summarise(byDay[i], a, b, now)
			down += dd
			cv.Days[i] = newDayCell(starts[i], w, dd, byDay[i], a, b, now, m.DataStart)
		}
		for i := historyDays - 1; i >= 0; i-- {
			switch cv.Days[i].Worst {
			case statusNoData:
				cv.NoDataDays++
			case statusOperational:
			default:
				cv.IncidentDays = append(cv.IncidentDays, &cv.Days[i])
			}
		}
		cv.Availability = formatAvailability(down, total)
		cv.Updated = windowStart
		if m.Since.IsZero() || windowStart.Before(m.Since) {
			m.Since = windowStart
		}
		for _, s := range cv.spans {
			if !s.from.After(now) && (s.to.IsZero() || now.Before(s.to)) && impactRank(s.impact) > impactRank(cv.Status) {
				cv.Status = s.impact
			}
			for _, t := range []time.Time{s.from, s.to} {
				if !t.After(now) && t.After(cv.Updated) {
					cv.Updated = t
				}
			}
		}
	}
	for i := range m.Groups {
		if m.Groups[i].Name != "" {
			m.HasGroups = true
		}
	}
}

// worstNow is the worst state at Now, as a component status: the worst
// component, and every open incident by its impact whether or not it names
// components (as Statuspage does), and a maintenance in its window.
func (m *model) worstNow() string {
	worst := statusOperational
	raise := func(s string) {
		if impactRank(s) > impactRank(worst) {
			worst = s
		}
	}
	for _, cv := range m.Components {
		raise(cv.Status)
	}
	for _, v := range m.Active {
		raise(impactStatus(v.Impact))
	}
	if len(m.ActiveMaintenance) > 0 {
		raise(schema.ImpactMaintenance)
	}
	return worst
}

// impactStatus is the component status that matches an incident impact:
// critical → major_outage, major → partial_outage, minor →
// degraded_performance, none → operational.
func impactStatus(impact string) string {
	switch impact {
	case "critical":
		return schema.ImpactMajor
	case "major":
		return schema.ImpactPartial
	case "minor":
		return schema.ImpactDegraded
	}
	return statusOperational
}

// spansByDay returns, for each day [starts[i], starts[i+1]), the spans
// that may overlap it, in their order: every span that does, and perhaps
// some that summarise then skips. Summarising each day over all the spans
// of a long history was most of the cost of the status page's history.
func spansByDay(spans []span, starts []time.Time, now time.Time) [][]span {
	days := make([][]span, len(starts)-1)
	for _, s := range spans {
		to := s.to
		if to.IsZero() || to.After(now) {
			to = now
		}
		// The days that start before to and end after from.
		first, _ := slices.BinarySearchFunc(starts[1:], s.from, func(e, t time.Time) int {
			if e.After(t) {
				return 1
			}
			return -1
		})
		for i := first; i < len(days) && starts[i].Before(to); i++ {
			days[i] = append(days[i], s)
		}
	}
	return days
}

// newDayCell describes the day [a, b) that starts at day: its worst
// impact w and weighted downtime dd (from summarise), and the incidents
// among spans that touched it. A day before dataStart without an
// incident has no data.
func newDayCell(day time.Time, w string, dd float64, spans []span, a, b, now, dataStart time.Time) dayCell {
	c := dayCell{Worst: w, Date: day.Format("Mon 2 Jan 2006")}
	for _, s := range spans {
		to := s.to
		if to.IsZero() || to.After(now) {
			to = now
		}
		if s.from.Before(b) && to.After(a) && to.After(s.from) && (len(c.Incidents) == 0 || c.Incidents[len(c.Incidents)-1] != s.inc) {
			c.Incidents = append(c.Incidents, s.inc)
		}
	}
	if n := len(c.Incidents); n > dayIncidents {
		c.More, c.Next = n-dayIncidents, c.Incidents[dayIncidents]
		c.Incidents = c.Incidents[:dayIncidents]
	}
	switch {
	case w == statusOperational && len(c.Incidents) == 0 && (dataStart.IsZero() || day.Before(dataStart)):
		c.Worst, c.Text = statusNoData, "no data"
	case w == statusOperational:
		c.Text = "no incidents"
	default:
		c.Text = view.StatusText(w)
		if dd > 0 {
			c.Text += fmt.Sprintf(", %s weighted downtime", formatDuration(time.Duration(dd)))
		}
	}
	c.Label = c.Date + ": " + c.Text
	return c
}

// later returns the later of two instants.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func overallStatus(worst string) overall {
	switch worst {
	case schema.ImpactMajor:
		return overall{worst, "critical", "Major System Outage"}
	case schema.ImpactPartial:
		return overall{worst, "major", "Partial System Outage"}
	case schema.ImpactDegraded:
		return overall{worst, "minor", "Minor Service Outage"}
	case schema.ImpactMaintenance:
		return overall{worst, "maintenance", "Service Under Maintenance"}
	}
	return overall{statusOperational, "none", "All Systems Operational"}
}

// summarise returns the worst impact among spans overlapping [a, b) and
// the weighted downtime inside it in nanoseconds (overlaps counted once at
// their highest weight). Open spans end at now.
func summarise(spans []span, a, b, now time.Time) (worst string, down float64) {
	worst = statusOperational
	if !b.After(a) {
		return worst, 0
	}
	type edge struct {
		t time.Time
		w float64
	}
	var clipped []edge // pairs: start, end
	for _, s := range spans {
		to := s.to
		if to.IsZero() || to.After(now) {
			to = now
		}
		from := s.from
		if from.Before(a) {
			from = a
		}
		if to.After(b) {
			to = b
		}
		if !to.After(from) {
			continue
		}
		if impactRank(s.impact) > impactRank(worst) {
			worst = s.impact
		}
		if w := downtimeWeight(s.impact); w > 0 {
			clipped = append(clipped, edge{from, w}, edge{to, w})
		}
	}
	if len(clipped) == 0 {
		return worst, 0
	}
	// Sweep the boundaries; on each segment the highest covering weight
	// counts.
	points := make([]time.Time, 0, len(clipped))
	for _, e := range clipped {
		points = append(points, e.t)
	}
	slices.SortFunc(points, func(x, y time.Time) int { return x.Compare(y) })
	points = slices.CompactFunc(points, func(x, y time.Time) bool { return x.Equal(y) })
	for i := 0; i+1 < len(points); i++ {
		p, q := points[i], points[i+1]
		var w float64
		for j := 0; j < len(clipped); j += 2 {
			if !clipped[j].t.After(p) && !clipped[j+1].t.Before(q) {
				w = max(w, clipped[j].w)
			}
		}
		down += w * float64(q.Sub(p))
	}
	return worst, down
}

// formatAvailability rounds down to two decimals.
func formatAvailability(down float64, total time.Duration) string {
	if total <= 0 || down <= 0 {
		return "100.00%"
	}
	a := 1 - down/float64(total)
	a = math.Floor(max(a, 0)*10000) / 100
	return fmt.Sprintf("%.2f%%", a)
}

func deriveLists(m *model, now time.Time, loc *time.Location) {
	const recent = 10
	for _, v := range m.Incidents {
		in := v.src
		switch {
		case v.Maintenance:
			if in.IsResolved() || in.Window == nil {
			} else if now.Before(in.Window.From) {
				m.Upcoming = append(m.Upcoming, v)
				continue
			} else if now.Before(in.Window.Until) {
				m.ActiveMaintenance = append(m.ActiveMaintenance, v)
				continue
			}
		case !in.IsResolved():
			m.Active = append(m.Active, v)
			continue
		}
		if len(m.Recent) < recent {
			m.Recent = append(m.Recent, v)
		}
	}
	// Upcoming maintenance soonest first.
	slices.Reverse(m.Upcoming)

	deriveHistory(m, loc)
}

// deriveHistory splits the incidents (newest first) into the pages of the
// history: one or more per year, at most historyPageSize incidents each,
// grouped by month within a page.
func deriveHistory(m *model, loc *time.Location) {
	var byYear [][]*incidentView
	var years []string
	for _, v := range m.Incidents {
		y := v.sortKey.In(loc).Format("2006")
		if n := len(years); n == 0 || years[n-1] != y {
			years = append(years, y)
			byYear = append(byYear, nil)
		}
		byYear[len(byYear)-1] = append(byYear[len(byYear)-1], v)
	}
	for i, y := range years {
		ins := byYear[i]
		of := (len(ins) + historyPageSize - 1) / historyPageSize
		first := len(m.History)
		for k := range of {
			p := &historyPage{Year: y, Number: k + 1, Of: of, Path: historyPath(y, k+1)}
			for _, v := range ins[k*historyPageSize : min(len(ins), (k+1)*historyPageSize)] {
				t := v.sortKey.In(loc)
				key := t.Format("2006-01")
				if n := len(p.Months); n == 0 || p.Months[n-1].Key != key {
					p.Months = append(p.Months, month{Key: key, Name: t.Format("January 2006")})
				}
				p.Months[len(p.Months)-1].Incidents = append(p.Months[len(p.Months)-1].Incidents, v)
				p.Count++
				v.History, v.HistoryLink = p, p.Path+"#m-"+key
			}
			p.First, p.Final = p.Months[0].Name, p.Months[len(p.Months)-1].Name
			m.History = append(m.History, p)
		}
		pages := make([]historyPage, 0, of)
		for _, p := range m.History[first:] {
			pages = append(pages, historyPage{Year: p.Year, Number: p.Number, Of: p.Of, Path: p.Path, Count: p.Count, First: p.First, Final: p.Final})
		}
		for _, p := range m.History[first:] {
			p.Pages = pages
		}
		m.Years = append(m.Years, yearLink{Year: y, Path: historyPath(y, 1), Count: len(ins)})
	}
}

// historyPath is the path of page n of a year's history:
// incidents/2026/index.html, incidents/2026/2/index.html.
func historyPath(year string, n int) string {
	if n == 1 {
		return "incidents/" + year + "/index.html"
	}
	return fmt.Sprintf("incidents/%s/%d/index.html", year, n)
}

// recordsStart is the start of the first local day with records:
// site.since, else the day the earliest visible incident began to affect
// its components (or was declared); zero without either.
func recordsStart(c *schema.Config, ins []*incidentView, loc *time.Location) time.Time {
	if d := c.Site.Since; !d.IsZero() {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	}
	var first time.Time
	for _, v := range ins {
		t := v.sortKey
		if from, _, ok := affects(v.src); ok && from.Before(t) {
			t = from
		}
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() {
		return first
	}
	y, mo, d := first.In(loc).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, loc)
}

// deriveGroups sets each group's worst member status; a group with a
// member that is not operational is shown open.
func deriveGroups(m *model) {
	for i := range m.Groups {
		g := &m.Groups[i]
		g.Worst = statusOperational
		for _, cv := range g.Components {
			if impactRank(cv.Status) > impactRank(g.Worst) {
				g.Worst = cv.Status
			}
		}
		g.Open = g.Worst != statusOperational
	}
	for _, cv := range m.Components {
		m.HasNoData = m.HasNoData || cv.NoDataDays > 0
	}
}

// personLabel names a person on internal pages: "Alice Ng (@alice-ng)".
// As everywhere in Baton, "@" marks a GitHub login, never a handle: a
// person without a GitHub login is "Alice Ng (alice)", by handle.
func personLabel(repo *schema.Repo, handle string) string {
	p := repo.Person(handle)
	switch {
	case p == nil || p.Name == "" && p.GitHub == "":
		return handle
	case p.Name == "":
		return handle + " (@" + p.GitHub + ")"
	case p.GitHub == "":
		return p.Name + " (" + handle + ")"
	}
	return p.Name + " (@" + p.GitHub + ")"
}

// personName is a person's name alone (the handle when the person has
// none), for places that list many people, such as the on-call agenda.
func personName(repo *schema.Repo, handle string) string {
	if p := repo.Person(handle); p != nil && p.Name != "" {
		return p.Name
	}
	return handle
}

// slug turns a name into lower-case letters, digits and hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
