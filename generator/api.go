package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/batonhq/baton/schema"
)

// The Statuspage-compatible JSON API (api/v2/*.json). Field names, enums
// and shapes follow Atlassian Statuspage's public v2 API; ids are Baton's
// own (component and incident ids, "group-<slug>" for component groups).

type apiPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type apiStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type apiComponent struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"`
}

type apiAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

type apiUpdate struct {
	ID                   string        `json:"id"`
	Status               string        `json:"status"`
	Body                 string        `json:"body"`
	IncidentID           string        `json:"incident_id"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	DisplayAt            string        `json:"display_at"`
	AffectedComponents   []apiAffected `json:"affected_components"`
	DeliverNotifications bool          `json:"deliver_notifications"`
	CustomTweet          *string       `json:"custom_tweet"`
	TweetID              *string       `json:"tweet_id"`
}

type apiIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	MonitoringAt    *string        `json:"monitoring_at"`
	ResolvedAt      *string        `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       string         `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []apiUpdate    `json:"incident_updates"`
	Components      []apiComponent `json:"components"`
	// Scheduled maintenances only.
	ScheduledFor   *string `json:"scheduled_for,omitempty"`
	ScheduledUntil *string `json:"scheduled_until,omitempty"`
}

type apiSummary struct {
	Page                  apiPage        `json:"page"`
	Components            []apiComponent `json:"components"`
	Incidents             []apiIncident  `json:"incidents"`
	ScheduledMaintenances []apiIncident  `json:"scheduled_maintenances"`
	Status                apiStatus      `json:"status"`
}

// apiTime formats an instant as Statuspage does (milliseconds, UTC).
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func apiTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// maintenanceStatus maps a maintenance's status to Statuspage's
// maintenance enum (a maintenance may use the incident statuses).
// Statuspage has no "cancelled": a cancelled maintenance is over, so it is
// "completed" there, and its last update says that it was cancelled.
func maintenanceStatus(s string) string {
	switch s {
	case schema.StatusInvestigating, schema.StatusIdentified:
		return schema.StatusInProgress
	case schema.StatusMonitoring:
		return schema.StatusVerifying
	case schema.StatusResolved, schema.StatusCancelled:
		return schema.StatusCompleted
	}
	return s
}

// incidentStatus maps an incident's status to Statuspage's incident enum.
func incidentStatus(s string) string {
	switch s {
	case schema.StatusInvestigating, schema.StatusIdentified, schema.StatusMonitoring, schema.StatusResolved:
		return s
	}
	return schema.StatusInvestigating
}

type api struct {
	m     *model
	page  apiPage
	comps map[string]apiComponent
}

// pageID is the Statuspage page id of a build: derived from its audience,
// address and title, so the public and internal APIs never share one.
func pageID(m *model) string {
	audience := "public"
	if m.Internal {
		audience = "internal"
	}
	id := sha256.Sum256([]byte(audience + "\x00" + m.Site.BaseURL + "\x00" + m.Site.Title))
	return hex.EncodeToString(id[:6])
}

func newAPI(m *model) *api {
	a := &api{m: m, page: apiPage{
		ID: pageID(m), Name: m.Site.Title, URL: m.Site.BaseURL,
		TimeZone: m.Site.Zone, UpdatedAt: apiTime(m.Updated),
	}, comps: map[string]apiComponent{}}
	for _, c := range a.components() {
		a.comps[c.ID] = c
	}
	return a
}

func (a *api) components() []apiComponent {
	var out []apiComponent
	created := apiTime(a.m.Since)
	for gi, g := range a.m.Groups {
		var groupID *string
		var members []string
		worst, updated := statusOperational, time.Time{}
		for _, c := range g.Components {
			members = append(members, c.ID)
			if impactRank(c.Status) > impactRank(worst) {
				worst = c.Status
			}
			if c.Updated.After(updated) {
				updated = c.Updated
			}
		}
		if g.ID != "" {
			groupID = strPtr(g.ID)
			out = append(out, apiComponent{
				ID: g.ID, Name: g.Name, Status: worst, CreatedAt: created, UpdatedAt: apiTime(updated),
				Position: gi + 1, PageID: a.page.ID, Group: true, Components: members,
			})
		}
		for _, c := range g.Components {
			out = append(out, apiComponent{
				ID: c.ID, Name: c.Name, Status: c.Status, CreatedAt: created, UpdatedAt: apiTime(c.Updated),
				Position: c.Position, Description: strPtr(c.Description), Showcase: true,
				GroupID: groupID, PageID: a.page.ID,
			})
		}
	}
	if out == nil {
		out = []apiComponent{}
	}
	return out
}

func (a *api) incident(v *incidentView) apiIncident {
	in := v.src
	status := incidentStatus(in.Status)
	switch {
	case v.Maintenance:
		status = maintenanceStatus(in.Status)
	case in.IsResolved() && v.Postmortem != nil && v.Postmortem.Status == schema.PMPublished:
		// Statuspage's last incident state: resolved, with a published
		// postmortem (v has one only when this audience may see it).
		status = "postmortem"
	}
	updated := v.Start
	for _, u := range in.Updates {
		if u.At.After(updated) {
			updated = u.At
		}
	}
	if in.Resolved.After(updated) {
		updated = in.Resolved
	}
	shortlink := v.Link
	if a.m.Site.BaseURL != "" {
		shortlink = a.m.Site.BaseURL + "incidents/" + v.ID + "/"
	}
	out := apiIncident{
		ID: v.ID, Name: v.Title, Status: status,
		CreatedAt: apiTime(v.Start), UpdatedAt: apiTime(updated),
		ResolvedAt: apiTimePtr(in.Resolved), Impact: v.Impact, Shortlink: shortlink,
		StartedAt: apiTime(v.Start), PageID: a.page.ID,
		IncidentUpdates: []apiUpdate{}, Components: []apiComponent{},
	}
	var affected []apiAffected
	for _, ci := range v.Components {
		if c, ok := a.comps[ci.ID]; ok {
			out.Components = append(out.Components, c)
		}
		affected = append(affected, apiAffected{Code: ci.ID, Name: ci.Name, OldStatus: statusOperational, NewStatus: ci.Impact})
	}
	for i, u := range in.Updates {
		st := incidentStatus(u.Status)
		if v.Maintenance {
			st = maintenanceStatus(u.Status)
		}
		if st == schema.StatusMonitoring && out.MonitoringAt == nil {
			out.MonitoringAt = apiTimePtr(u.At)
		}
		au := apiUpdate{
			ID: v.ID + "-" + itoa(i+1), Status: st, Body: u.Message, IncidentID: v.ID,
			CreatedAt: apiTime(u.At), UpdatedAt: apiTime(u.At), DisplayAt: apiTime(u.At),
			DeliverNotifications: true,
		}
		if i == 0 {
			au.AffectedComponents = affected
		}
		out.IncidentUpdates = append(out.IncidentUpdates, au)
	}
	if len(out.IncidentUpdates) == 0 {
		// Statuspage incidents always have an update; an internal incident
		// may have none (only public ones need one), so its declaration
		// stands in for it.
		st, at := status, v.Start
		if in.Internal != nil {
			at = in.Internal.Declared
		}
		if in.IsResolved() && !in.Resolved.IsZero() {
			at = in.Resolved
		}
		if st == "postmortem" {
			st = schema.StatusResolved
		}
		out.IncidentUpdates = append(out.IncidentUpdates, apiUpdate{
			ID: v.ID + "-0", Status: st, Body: "No status update was posted for this incident.", IncidentID: v.ID,
			CreatedAt: apiTime(at), UpdatedAt: apiTime(at), DisplayAt: apiTime(at),
			AffectedComponents: affected,
		})
	}
	// Newest update first, as Statuspage lists them.
	for i, j := 0, len(out.IncidentUpdates)-1; i < j; i, j = i+1, j-1 {
		out.IncidentUpdates[i], out.IncidentUpdates[j] = out.IncidentUpdates[j], out.IncidentUpdates[i]
	}
	if v.Maintenance && in.Window != nil {
		out.ScheduledFor = apiTimePtr(in.Window.From)
		out.ScheduledUntil = apiTimePtr(in.Window.Until)
	}
	return out
}

func (a *api) list(vs []*incidentView, keep func(*incidentView) bool, limit int) []apiIncident {
	out := []apiIncident{}
	for _, v := range vs {
		if limit > 0 && len(out) == limit {
			break
		}
		if keep(v) {
			out = append(out, a.incident(v))
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// apiFiles returns a function per API file that builds its value.
func apiFiles(m *model) map[string]func() any {
	a := newAPI(m)
	isIncident := func(v *incidentView) bool { return !v.Maintenance }
	isMaint := func(v *incidentView) bool { return v.Maintenance }
	unresolved := func(v *incidentView) bool { return !v.Maintenance && !v.src.IsResolved() }
	upcoming := func(v *incidentView) bool {
		return v.Maintenance && !v.src.IsResolved() && v.Window != nil && m.Now.Before(v.Window.From)
	}
	active := func(v *incidentView) bool {
		return v.Maintenance && !v.src.IsResolved() && v.Window != nil && !m.Now.Before(v.Window.From) && m.Now.Before(v.Window.Until)
	}
	status := apiStatus{Indicator: m.Overall.Indicator, Description: m.Overall.Description}
	return map[string]func() any{
		"api/v2/summary.json": func() any {
			return apiSummary{Page: a.page, Components: a.components(),
				Incidents:             a.list(m.Incidents, unresolved, 0),
				ScheduledMaintenances: a.list(m.Incidents, func(v *incidentView) bool { return upcoming(v) || active(v) }, 0),
				Status:                status}
		},
		"api/v2/status.json": func() any {
			return struct {
				Page   apiPage   `json:"page"`
				Status apiStatus `json:"status"`
			}{a.page, status}
		},
		"api/v2/components.json": func() any {
			return struct {
				Page       apiPage        `json:"page"`
				Components []apiComponent `json:"components"`
			}{a.page, a.components()}
		},
		"api/v2/incidents.json":            func() any { return incidentsFile(a, m, isIncident, 50) },
		"api/v2/incidents/unresolved.json": func() any { return incidentsFile(a, m, unresolved, 0) },
		"api/v2/scheduled-maintenances.json": func() any {
			return maintenancesFile(a, m, isMaint, 50)
		},
		"api/v2/scheduled-maintenances/upcoming.json": func() any { return maintenancesFile(a, m, upcoming, 0) },
		"api/v2/scheduled-maintenances/active.json":   func() any { return maintenancesFile(a, m, active, 0) },
	}
}

func incidentsFile(a *api, m *model, keep func(*incidentView) bool, limit int) any {
	return struct {
		Page      apiPage       `json:"page"`
		Incidents []apiIncident `json:"incidents"`
	}{a.page, a.list(m.Incidents, keep, limit)}
}

func maintenancesFile(a *api, m *model, keep func(*incidentView) bool, limit int) any {
	return struct {
		Page                  apiPage       `json:"page"`
		ScheduledMaintenances []apiIncident `json:"scheduled_maintenances"`
	}{a.page, a.list(m.Incidents, keep, limit)}
}

// marshalJSON encodes v indented (with &, < and > escaped, so no file can
// be mistaken for HTML), with a final newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Statuspage is what the JSON API of a build says, for the outputs that
// must say the same (the webhook notifications, whose body has
// Statuspage's shape): the page's id, its overall status, and each visible
// incident's object exactly as api/v2/incidents.json has it.
type Statuspage struct {
	// PageID is the page id of the API files.
	PageID string
	// Indicator and Description are status.json's status.
	Indicator, Description string

	api *api
	m   *model
}

// NewStatuspage derives the Statuspage view of repo for opts.Audience at
// opts.Now, as Build would, without rendering anything.
func NewStatuspage(repo *schema.Repo, opts Options) (*Statuspage, error) {
	if err := checkOptions(repo, &opts); err != nil {
		return nil, err
	}
	m, err := deriveModel(repo, &opts, nil)
	if err != nil {
		return nil, err
	}
	a := newAPI(m)
	return &Statuspage{PageID: a.page.ID, Indicator: m.Overall.Indicator, Description: m.Overall.Description, api: a, m: m}, nil
}

// Incident returns the Statuspage incident object of the incident id, as
// indented JSON, or false when the audience does not see it.
func (s *Statuspage) Incident(id string) (json.RawMessage, bool) {
	for _, v := range s.m.Incidents {
		if v.ID == id {
			data, err := json.MarshalIndent(s.api.incident(v), "", "  ")
			return data, err == nil
		}
	}
	return nil, false
}
