package generator

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/schema"
)

// fixtureFS is testdata/repo as an editable in-memory file system.
func fixtureFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := filepath.Join("testdata", "repo")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func buildFS(t *testing.T, fsys fstest.MapFS, a Audience, now time.Time) *Site {
	t.Helper()
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("repository has errors:\n%v", problems)
	}
	site, err := Build(t.Context(), repo, Options{Now: now, Audience: a})
	if err != nil {
		t.Fatal(err)
	}
	return site
}

func decodeAPI(t *testing.T, site *Site, p string) spFile {
	t.Helper()
	var f spFile
	dec := json.NewDecoder(bytes.NewReader(site.Files[p]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return f
}

// resolvedOnly turns every incident of the fixture resolved-looking by
// removing the open ones and the maintenances, so that nothing but the
// incident a test adds is open.
func quietFixture(t *testing.T) fstest.MapFS {
	fsys := fixtureFS(t)
	for p := range fsys {
		for _, open := range []string{"2026-11-26-payments-down", "2026-11-27-search-maintenance", "2026-11-28-db-upgrade"} {
			if strings.Contains(p, open) {
				delete(fsys, p)
			}
		}
	}
	return fsys
}

// An open public incident raises the overall status by its impact even
// when it names no component: the banner never says "All Systems
// Operational" above a critical incident.
func TestOpenIncidentWithoutComponentsRaisesOverallStatus(t *testing.T) {
	tests := []struct {
		severity, indicator, description string
	}{
		{"SEV1", "critical", "Major System Outage"},
		{"SEV2", "major", "Partial System Outage"},
		{"SEV3", "minor", "Minor Service Outage"},
		{"SEV4", "none", "All Systems Operational"},
	}
	for _, tt := range tests {
		t.Run(tt.severity, func(t *testing.T) {
			fsys := quietFixture(t)
			fsys["incidents/2026/2026-11-27-api-down/incident.md"] = &fstest.MapFile{Data: []byte(`---
title: API errors
severity: ` + tt.severity + `
status: investigating
visibility: public
imoc: alice
owner: carol
declared: 2026-11-27T11:00:00Z
updates:
  - at: 2026-11-27T11:05:00Z
    status: investigating
    message: We are investigating.
---
`)}
			for _, a := range []Audience{Public, Internal} {
				site := buildFS(t, fsys, a, fixtureNow)
				st := decodeAPI(t, site, "api/v2/status.json").Status
				if st.Indicator != tt.indicator || st.Description != tt.description {
					t.Errorf("%s status.json: %+v, want %s %q", a, st, tt.indicator, tt.description)
				}
				if sum := decodeAPI(t, site, "api/v2/summary.json"); sum.Status.Indicator != tt.indicator {
					t.Errorf("%s summary.json indicator %q, want %q", a, sum.Status.Indicator, tt.indicator)
				}
				if !bytes.Contains(site.Files["index.html"], []byte(tt.description)) {
					t.Errorf("%s index.html does not say %q", a, tt.description)
				}
			}
		})
	}
	// A component outage worse than the incident's impact still wins, and
	// the quiet fixture itself is operational.
	site := buildFS(t, quietFixture(t), Public, fixtureNow)
	if st := decodeAPI(t, site, "api/v2/status.json").Status; st.Indicator != "none" {
		t.Errorf("quiet fixture: %+v, want none", st)
	}
	site = buildFS(t, fixtureFS(t), Public, fixtureNow)
	if st := decodeAPI(t, site, "api/v2/status.json").Status; st.Indicator != "critical" {
		t.Errorf("fixture with a major outage: %+v, want critical", st)
	}
}

// Statuspage fidelity of the API: created ≤ updated for every component,
// status "postmortem" for a resolved incident with a published postmortem
// that the audience can see, and at least one update per incident.
func TestAPIFidelity(t *testing.T) {
	for _, a := range []Audience{Public, Internal} {
		t.Run(string(a), func(t *testing.T) {
			site := buildFS(t, fixtureFS(t), a, fixtureNow)
			for _, p := range []string{"api/v2/components.json", "api/v2/summary.json", "api/v2/incidents.json"} {
				f := decodeAPI(t, site, p)
				comps := f.Components
				for _, in := range append(f.Incidents, f.ScheduledMaintenances...) {
					comps = append(comps, in.Components...)
				}
				for _, c := range comps {
					if c.CreatedAt.After(c.UpdatedAt) {
						t.Errorf("%s: component %s created_at %v is after updated_at %v", p, c.ID, c.CreatedAt, c.UpdatedAt)
					}
				}
			}
			f := decodeAPI(t, site, "api/v2/incidents.json")
			statuses := map[string]string{}
			for _, in := range f.Incidents {
				statuses[in.ID] = in.Status
				if len(in.IncidentUpdates) == 0 {
					t.Errorf("incident %s has no incident_updates", in.ID)
				}
			}
			// The fixture's checkout incident is resolved with a public,
			// published postmortem.
			if got := statuses["2026-11-20-checkout-errors-eu"]; got != "postmortem" {
				t.Errorf("checkout incident status %q, want postmortem", got)
			}
			if got := statuses["2026-11-02-login-latency"]; got != "resolved" {
				t.Errorf("login incident (no postmortem) status %q, want resolved", got)
			}
		})
	}
	// The internal fixture has an incident without updates; its stand-in
	// update carries the incident's status at its declaration.
	f := decodeAPI(t, buildFS(t, fixtureFS(t), Internal, fixtureNow), "api/v2/incidents.json")
	for _, in := range f.Incidents {
		if in.ID == "2026-10-05-internal-dns" {
			u := in.IncidentUpdates
			if len(u) != 1 || u[0].Status != in.Status || u[0].Body == "" || u[0].ID != in.ID+"-0" {
				t.Errorf("internal-dns updates %+v, want one stand-in with status %s", u, in.Status)
			}
		}
	}
	// A postmortem the audience cannot see does not make the status
	// "postmortem": an internal, published postmortem in a public build.
	fsys := fixtureFS(t)
	pm := "incidents/2026/2026-11-20-checkout-errors-eu/postmortem.md"
	fsys[pm].Data = bytes.Replace(fsys[pm].Data, []byte("visibility: public"), []byte("visibility: internal"), 1)
	f = decodeAPI(t, buildFS(t, fsys, Public, fixtureNow), "api/v2/incidents.json")
	for _, in := range f.Incidents {
		if in.ID == "2026-11-20-checkout-errors-eu" && in.Status != "resolved" {
			t.Errorf("public build, internal postmortem: status %q, want resolved", in.Status)
		}
	}
}

// Each audience has its own page id, feed ids, self link and shortlinks:
// internal builds never point at the public address.
func TestAudiencesHaveDistinctIDs(t *testing.T) {
	type feed struct {
		ID    string `xml:"id"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	check := func(t *testing.T, fsys fstest.MapFS, wantInternalBase string) {
		t.Helper()
		ids := map[string]Audience{}
		pages := map[Audience]string{}
		for _, a := range []Audience{Public, Internal} {
			site := buildFS(t, fsys, a, fixtureNow)
			var f feed
			if err := xml.Unmarshal(site.Files["feed.xml"], &f); err != nil {
				t.Fatal(err)
			}
			all := []string{f.ID}
			for _, e := range f.Entries {
				all = append(all, e.ID)
			}
			for _, id := range all {
				if other, dup := ids[id]; dup {
					t.Errorf("atom id %s is used by both %s and %s", id, other, a)
				}
				ids[id] = a
			}
			api := decodeAPI(t, site, "api/v2/incidents.json")
			pages[a] = api.Page.ID
			var hrefs []string
			for _, l := range f.Links {
				hrefs = append(hrefs, l.Href)
			}
			for _, in := range api.Incidents {
				hrefs = append(hrefs, in.Shortlink)
			}
			for _, h := range hrefs {
				if a == Internal && strings.HasPrefix(h, "https://status.acme.example/") {
					t.Errorf("internal build links the public address: %s", h)
				}
				if a == Internal && wantInternalBase != "" && strings.HasPrefix(h, "http") && !strings.HasPrefix(h, wantInternalBase) {
					t.Errorf("internal build link %s is not under %s", h, wantInternalBase)
				}
			}
		}
		if pages[Public] == pages[Internal] {
			t.Errorf("both audiences have page id %s", pages[Public])
		}
	}
	t.Run("internal_base_url", func(t *testing.T) {
		check(t, fixtureFS(t), "https://incidents.acme.example/")
	})
	t.Run("no internal_base_url", func(t *testing.T) {
		fsys := fixtureFS(t)
		fsys["baton.yaml"].Data = bytes.Replace(fsys["baton.yaml"].Data, []byte("  internal_base_url: https://incidents.acme.example/\n"), nil, 1)
		check(t, fsys, "")
	})
}

// A cancelled maintenance is over: not upcoming or in progress, its
// components are operational again from the cancellation on, the API
// (which knows no "cancelled") calls it completed, and the page says
// "Cancelled".
func TestCancelledMaintenance(t *testing.T) {
	const p = "incidents/2026/2026-11-27-search-maintenance/incident.md"
	fsys := fixtureFS(t)
	data := strings.Replace(string(fsys[p].Data), "status: in_progress\n", "status: cancelled\nresolved: 2026-11-27T11:00:00Z\n", 1)
	data = strings.Replace(data, "    message: The rebuild has started.\n", "    message: The rebuild has started.\n  - at: 2026-11-27T11:00:00Z\n    status: cancelled\n    message: We stopped the rebuild; it will be rescheduled.\n", 1)
	fsys[p] = &fstest.MapFile{Data: []byte(data)}
	for _, a := range []Audience{Public, Internal} {
		site := buildFS(t, fsys, a, fixtureNow)
		sum := decodeAPI(t, site, "api/v2/summary.json")
		for _, m := range sum.ScheduledMaintenances {
			if m.ID == "2026-11-27-search-maintenance" {
				t.Errorf("%s: the cancelled maintenance is listed as scheduled or active", a)
			}
		}
		for _, c := range sum.Components {
			if c.Name == "Search" && c.Status != "operational" {
				t.Errorf("%s: Search is %s after the maintenance was cancelled", a, c.Status)
			}
		}
		found := false
		for _, m := range decodeAPI(t, site, "api/v2/scheduled-maintenances.json").ScheduledMaintenances {
			if m.ID == "2026-11-27-search-maintenance" {
				found = true
				if m.Status != "completed" || m.IncidentUpdates[0].Status != "completed" || m.IncidentUpdates[0].Body != "We stopped the rebuild; it will be rescheduled." {
					t.Errorf("%s: API maintenance %s, last update %+v", a, m.Status, m.IncidentUpdates[0])
				}
			}
		}
		if !found {
			t.Errorf("%s: the cancelled maintenance is missing from scheduled-maintenances.json", a)
		}
		page := string(site.Files["incidents/2026-11-27-search-maintenance/index.html"])
		if !strings.Contains(page, "Cancelled") || strings.Contains(page, "In progress</span>") {
			t.Errorf("%s: the page does not say Cancelled", a)
		}
	}
}
