package generator

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// Statuspage-shaped structs, written from Atlassian's public v2 API
// independently of the generator's own types. Decoding disallows unknown
// fields, so a renamed or extra field fails.
type spPage struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TimeZone  string    `json:"time_zone"`
	UpdatedAt time.Time `json:"updated_at"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type spComponent struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         []string  `json:"components"`
}

type spUpdate struct {
	ID                 string    `json:"id"`
	Status             string    `json:"status"`
	Body               string    `json:"body"`
	IncidentID         string    `json:"incident_id"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	DisplayAt          time.Time `json:"display_at"`
	AffectedComponents []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		OldStatus string `json:"old_status"`
		NewStatus string `json:"new_status"`
	} `json:"affected_components"`
	DeliverNotifications bool    `json:"deliver_notifications"`
	CustomTweet          *string `json:"custom_tweet"`
	TweetID              *string `json:"tweet_id"`
}

type spIncident struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Status          string        `json:"status"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	MonitoringAt    *time.Time    `json:"monitoring_at"`
	ResolvedAt      *time.Time    `json:"resolved_at"`
	Impact          string        `json:"impact"`
	Shortlink       string        `json:"shortlink"`
	StartedAt       time.Time     `json:"started_at"`
	PageID          string        `json:"page_id"`
	IncidentUpdates []spUpdate    `json:"incident_updates"`
	Components      []spComponent `json:"components"`
	ScheduledFor    *time.Time    `json:"scheduled_for"`
	ScheduledUntil  *time.Time    `json:"scheduled_until"`
}

type spFile struct {
	Page                  *spPage       `json:"page"`
	Status                *spStatus     `json:"status"`
	Components            []spComponent `json:"components"`
	Incidents             []spIncident  `json:"incidents"`
	ScheduledMaintenances []spIncident  `json:"scheduled_maintenances"`
}

var (
	componentStatuses   = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
	incidentStatuses    = []string{"investigating", "identified", "monitoring", "resolved", "postmortem"}
	maintenanceStatuses = []string{"scheduled", "in_progress", "verifying", "completed"}
	impacts             = []string{"none", "minor", "major", "critical", "maintenance"}
	indicators          = []string{"none", "minor", "major", "critical", "maintenance"}
)

// TestAPI decodes every api/v2 file strictly and checks enums and the
// contents each file must have at the fixture's Now.
func TestAPI(t *testing.T) {
	site := build(t, loadFixture(t), Public)
	files := map[string]spFile{}
	for _, name := range []string{"summary", "status", "components", "incidents", "incidents/unresolved",
		"scheduled-maintenances", "scheduled-maintenances/upcoming", "scheduled-maintenances/active"} {
		p := "api/v2/" + name + ".json"
		data, ok := site.Files[p]
		if !ok {
			t.Fatalf("%s is missing", p)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var f spFile
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if f.Page == nil || f.Page.ID == "" || f.Page.URL != "https://status.acme.example/" || f.Page.TimeZone != "Europe/Berlin" {
			t.Errorf("%s: page = %+v", p, f.Page)
		}
		check := func(what, v string, allowed []string) {
			if !slices.Contains(allowed, v) {
				t.Errorf("%s: %s %q is not one of %v", p, what, v, allowed)
			}
		}
		for _, c := range f.Components {
			check("component status", c.Status, componentStatuses)
		}
		for _, in := range f.Incidents {
			check("incident status", in.Status, incidentStatuses)
			check("impact", in.Impact, impacts)
			if in.ScheduledFor != nil {
				t.Errorf("%s: incident %s has scheduled_for", p, in.ID)
			}
			for _, u := range in.IncidentUpdates {
				check("update status", u.Status, incidentStatuses)
			}
		}
		for _, in := range f.ScheduledMaintenances {
			check("maintenance status", in.Status, maintenanceStatuses)
			check("impact", in.Impact, impacts)
			if in.ScheduledFor == nil || in.ScheduledUntil == nil {
				t.Errorf("%s: maintenance %s lacks scheduled_for/until", p, in.ID)
			}
		}
		if f.Status != nil {
			check("indicator", f.Status.Indicator, indicators)
		}
		files[name] = f
	}
	ids := func(ins []spIncident) string {
		var s []string
		for _, in := range ins {
			s = append(s, in.ID)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ got, want string }{
		{files["status"].Status.Indicator + "/" + files["status"].Status.Description, "critical/Major System Outage"},
		{ids(files["incidents"].Incidents), "2026-11-26-payments-down 2026-11-20-checkout-errors-eu 2026-11-02-login-latency"},
		{ids(files["incidents/unresolved"].Incidents), "2026-11-26-payments-down"},
		{ids(files["summary"].Incidents), "2026-11-26-payments-down"},
		{ids(files["scheduled-maintenances"].ScheduledMaintenances), "2026-11-28-db-upgrade 2026-11-27-search-maintenance"},
		{ids(files["scheduled-maintenances/upcoming"].ScheduledMaintenances), "2026-11-28-db-upgrade"},
		{ids(files["scheduled-maintenances/active"].ScheduledMaintenances), "2026-11-27-search-maintenance"},
		{files["incidents"].Incidents[0].Impact + " " + files["incidents"].Incidents[1].Impact + " " + files["incidents"].Incidents[2].Impact, "critical major minor"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	statuses := map[string]string{}
	for _, c := range files["components"].Components {
		statuses[c.ID] = c.Status
	}
	want := map[string]string{"group-payments": "major_outage", "checkout-api": "partial_outage", "payments-db": "major_outage", "web": "operational", "search": "under_maintenance"}
	for id, s := range want {
		if statuses[id] != s {
			t.Errorf("component %s: status %q, want %q", id, statuses[id], s)
		}
	}
}

// TestFeed parses feed.xml with gofeed.
func TestFeed(t *testing.T) {
	site := build(t, loadFixture(t), Public)
	feed, err := gofeed.NewParser().ParseString(string(site.Files["feed.xml"]))
	if err != nil {
		t.Fatal(err)
	}
	if feed.FeedType != "atom" || feed.Title != "Acme Status incident history" {
		t.Errorf("feed type %q, title %q", feed.FeedType, feed.Title)
	}
	if len(feed.Items) != 5 {
		t.Fatalf("%d entries, want 5", len(feed.Items))
	}
	first := feed.Items[0]
	if first.Title != "Database upgrade" || first.Link != "https://status.acme.example/incidents/2026-11-28-db-upgrade/" || first.UpdatedParsed == nil {
		t.Errorf("first entry: title %q, link %q, updated %v", first.Title, first.Link, first.UpdatedParsed)
	}
	if !strings.Contains(feed.Items[2].Content, "A failed disk is being replaced") {
		t.Errorf("entry content lacks the update: %q", feed.Items[2].Content)
	}
}

// TestStatuspageIncidentMatchesAPI: the incident objects NewStatuspage
// gives (the webhook notifications' "incident") are exactly those of
// api/v2/incidents.json and scheduled-maintenances.json, for both
// audiences, and the page's status is status.json's.
func TestStatuspageIncidentMatchesAPI(t *testing.T) {
	repo := loadFixture(t)
	for _, a := range []Audience{Public, Internal} {
		site := build(t, repo, a)
		sp, err := NewStatuspage(repo, Options{Now: fixtureNow, Audience: a})
		if err != nil {
			t.Fatal(err)
		}
		var files struct {
			Incidents             []json.RawMessage   `json:"incidents"`
			ScheduledMaintenances []json.RawMessage   `json:"scheduled_maintenances"`
			Page                  struct{ ID string } `json:"page"`
		}
		for _, f := range []string{"api/v2/incidents.json", "api/v2/scheduled-maintenances.json"} {
			if err := json.Unmarshal(site.Files[f], &files); err != nil {
				t.Fatal(err)
			}
		}
		var status struct {
			Status spStatus `json:"status"`
		}
		_ = json.Unmarshal(site.Files["api/v2/status.json"], &status)
		if sp.PageID != files.Page.ID || sp.Indicator != status.Status.Indicator || sp.Description != status.Status.Description {
			t.Errorf("%s: page %q %q %q, API %q %+v", a, sp.PageID, sp.Indicator, sp.Description, files.Page.ID, status.Status)
		}
		n := 0
		for _, raw := range append(files.Incidents, files.ScheduledMaintenances...) {
			var head struct{ ID string }
			_ = json.Unmarshal(raw, &head)
			got, ok := sp.Incident(head.ID)
			if !ok {
				t.Errorf("%s: no Statuspage incident %s", a, head.ID)
				continue
			}
			var w, g bytes.Buffer
			_ = json.Compact(&w, raw)
			_ = json.Compact(&g, got)
			if w.String() != g.String() {
				t.Errorf("%s: %s differs from the API's:\n%s\n%s", a, head.ID, g.String(), w.String())
			}
			n++
		}
		if n < 3 {
			t.Errorf("%s: compared %d incidents", a, n)
		}
		if _, ok := sp.Incident("2026-10-05-internal-dns"); ok != (a == Internal) {
			t.Errorf("%s: the internal incident's object is available: %v", a, ok)
		}
	}
}
