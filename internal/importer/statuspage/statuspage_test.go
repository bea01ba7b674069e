package statuspage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/generator"
	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/schema"
)

const people = `  - {handle: olga, name: Olga Owner, email: olga@test.example}
  - {handle: ivan, name: Ivan Imoc, email: ivan@test.example, imoc: qualified}
`

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func loadFixture(t *testing.T) *Export {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "page.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ex Export
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	return &ex
}

// importFixture imports the fixture into a new repository and returns it
// loaded, with the report.
func importFixture(t *testing.T) (*os.Root, *schema.Repo, *importer.Report) {
	t.Helper()
	_, root := importertest.Repo(t, people)
	repo, _ := schema.Load(t.Context(), root.FS())
	plan, err := Translate(repo, loadFixture(t), Options{Owner: "olga", IMOC: "ivan"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importer.Apply(t.Context(), root, plan, importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("the imported repository does not validate cleanly:\n%v", rep.Problems)
	}
	repo, _ = schema.Load(t.Context(), root.FS())
	return root, repo, rep
}

func TestImport(t *testing.T) {
	root, repo, rep := importFixture(t)
	var ids []string
	for _, in := range repo.Incidents {
		ids = append(ids, in.ID)
	}
	slices.Sort(ids)
	want := []string{"2026-01-20-delayed-email-notifications", "2026-02-03-elevated-api-error-rates", "2026-02-10-database-upgrade", "2026-03-10-dashboard-unavailable", "2026-04-01-slow-search-results"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("incident ids (-want +got):\n%s", diff)
	}
	in := repo.Incident("2026-02-03-elevated-api-error-rates")
	if in.Severity != "SEV2" || in.Status != "resolved" || in.Visibility != "public" || in.Owner != "olga" || in.IMOC != "ivan" {
		t.Errorf("incident fields: %+v", in)
	}
	if got := in.Components; len(got) != 1 || got[0].ID != "public-api" || got[0].Impact != "partial_outage" {
		t.Errorf("components: %+v", got)
	}
	if !in.Started.Equal(time.Date(2026, 2, 3, 13, 58, 0, 0, time.UTC)) || !in.Declared.Equal(time.Date(2026, 2, 3, 14, 5, 0, 0, time.UTC)) || !in.Resolved.Equal(time.Date(2026, 2, 3, 15, 10, 0, 0, time.UTC)) {
		t.Errorf("times: started %v declared %v resolved %v", in.Started, in.Declared, in.Resolved)
	}
	dash := repo.Incident("2026-03-10-dashboard-unavailable")
	if dash.Severity != "SEV1" || dash.Status != "resolved" || dash.Components[0].Impact != "major_outage" {
		t.Errorf("dashboard: %s %s %+v", dash.Severity, dash.Status, dash.Components)
	}
	pm := dash.Postmortem
	if pm == nil || !pm.IsPublic() || !strings.HasPrefix(pm.Summary, "On 10 March the dashboard") {
		t.Fatalf("postmortem: %+v", pm)
	}
	var sections []string
	for _, h := range pm.Sections {
		sections = append(sections, h.Text)
	}
	if diff := cmp.Diff([]string{"Summary", "Timeline", "Action items", "Impact", "Contributing factors", "Lessons learned"}, sections); diff != "" {
		t.Errorf("postmortem sections (-want +got):\n%s", diff)
	}
	m := repo.Incident("2026-02-10-database-upgrade")
	if m.Type != "maintenance" || m.Status != "completed" || m.Scheduled == nil || m.Components[0].Impact != "under_maintenance" {
		t.Errorf("maintenance: %+v", m)
	}
	// Components and groups, and baton.yaml's comment and first entry kept.
	var comps []string
	for _, c := range repo.Config.Components {
		comps = append(comps, c.ID+"|"+c.Name+"|"+c.Group)
	}
	wantComps := []string{"legacy|Legacy portal|", "public-api|Public API|Core Platform", "dashboard|Dashboard|Core Platform", "email-notifications|Email Notifications|Notifications", "search|Search|", "database|Database|Core Platform"}
	if diff := cmp.Diff(wantComps, comps); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	data, _ := root.ReadFile("baton.yaml")
	if !strings.HasPrefix(string(data), importertest.BatonYAML) {
		t.Errorf("baton.yaml was not appended to:\n%s", data)
	}
	if n := len(rep.Written); n != 8 { // 5 incidents, 2 postmortems, baton.yaml
		t.Errorf("wrote %d files: %v", n, rep.Written)
	}

	// A second run finds everything in place and writes nothing.
	plan, err := Translate(repo, loadFixture(t), Options{Owner: "olga", IMOC: "ivan"})
	if err != nil {
		t.Fatal(err)
	}
	rep2, err := importer.Apply(t.Context(), root, plan, importer.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Written) != 0 {
		t.Errorf("the second run wrote %v", rep2.Written)
	}
	if got := importer.Summary(rep2.Notes); got != "0 imported, 12 already there" {
		t.Errorf("second run: %s\n%v", got, rep2.Notes)
	}
}

// apiIncident is the part of the generated JSON API the round trip checks.
type apiIncident struct {
	Name            string `json:"name"`
	Status          string `json:"status"`
	Impact          string `json:"impact"`
	IncidentUpdates []struct {
		Status string `json:"status"`
		Body   string `json:"body"`
	} `json:"incident_updates"`
	ScheduledFor   *time.Time `json:"scheduled_for"`
	ScheduledUntil *time.Time `json:"scheduled_until"`
}

// TestRoundTrip imports the fixture, builds the public site, and checks
// that its Statuspage-compatible API carries the fixture's incidents,
// statuses, impacts and update bodies. Statuspage's "postmortem" status
// becomes a resolved incident with a published postmortem.md, which the
// API shows as "postmortem" again.
func TestRoundTrip(t *testing.T) {
	_, repo, _ := importFixture(t)
	site, err := generator.Build(t.Context(), repo, generator.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var incidents struct {
		Incidents []apiIncident `json:"incidents"`
	}
	var maints struct {
		ScheduledMaintenances []apiIncident `json:"scheduled_maintenances"`
	}
	if err := json.Unmarshal(site.Files["api/v2/incidents.json"], &incidents); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(site.Files["api/v2/scheduled-maintenances.json"], &maints); err != nil {
		t.Fatal(err)
	}
	var want, wantMaint []apiIncident
	for _, in := range loadFixture(t).Incidents {
		a := apiIncident{Name: in.Name, Status: in.Status, Impact: in.Impact, ScheduledFor: in.ScheduledFor, ScheduledUntil: in.ScheduledUntil}
		if in.PostmortemPublishedAt != nil {
			// Statuspage shows a resolved incident with a published
			// postmortem as "postmortem", and so does Baton's API.
			a.Status = "postmortem"
		}
		for _, u := range in.IncidentUpdates {
			a.IncidentUpdates = append(a.IncidentUpdates, struct {
				Status string `json:"status"`
				Body   string `json:"body"`
			}{u.Status, u.Body})
		}
		if in.ScheduledFor != nil {
			wantMaint = append(wantMaint, a)
		} else {
			want = append(want, a)
		}
	}
	if diff := cmp.Diff(want, incidents.Incidents); diff != "" {
		t.Errorf("api/v2/incidents.json (-fixture +built):\n%s", diff)
	}
	if diff := cmp.Diff(wantMaint, maints.ScheduledMaintenances); diff != "" {
		t.Errorf("api/v2/scheduled-maintenances.json (-fixture +built):\n%s", diff)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir, root := importertest.Repo(t, people)
	repo, _ := schema.Load(t.Context(), root.FS())
	plan, err := Translate(repo, loadFixture(t), Options{Owner: "olga"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importer.Apply(t.Context(), root, plan, importer.Options{DryRun: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Written) != 8 {
		t.Errorf("a dry run lists %d files: %v", len(rep.Written), rep.Written)
	}
	if _, err := os.Stat(filepath.Join(dir, "incidents")); !os.IsNotExist(err) {
		t.Errorf("a dry run created incidents/: %v", err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "baton.yaml"))
	if string(data) != importertest.BatonYAML {
		t.Errorf("a dry run changed baton.yaml")
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"All good.", "All good."},
		{"See **the** [status page](https://x.example/a) for `details`.", "See the status page (https://x.example/a) for details."},
		{"## Update\n- one\n- two", "Update\n• one\n• two"},
		{"Line<br>break &amp; <b>bold</b>", "Line\nbreak & bold"},
	}
	for _, tt := range tests {
		got, changed := PlainText(tt.in)
		if got != tt.want || changed != (tt.in != tt.want) {
			t.Errorf("PlainText(%q) = %q, %v; want %q", tt.in, got, changed, tt.want)
		}
	}
}

func TestTranslateNeedsOwner(t *testing.T) {
	_, root := importertest.Repo(t, people)
	repo, _ := schema.Load(t.Context(), root.FS())
	for _, opt := range []Options{{}, {Owner: "nobody-here"}, {Owner: "olga", IMOC: "olga"}} {
		if _, err := Translate(repo, loadFixture(t), opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}
