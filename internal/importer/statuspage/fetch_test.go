package statuspage

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/schema"
)

// TestFetchPublic reads a page's public API with no token: incidents.json,
// components.json for names and groups, and a missing
// scheduled-maintenances.json is no error.
func TestFetchPublic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("a token was sent to the public API")
		}
		switch r.URL.Path {
		case "/status/api/v2/incidents.json":
			_, _ = w.Write([]byte(`{"page": {"id": "p", "name": "Acme"}, "incidents": [
			  {"id": "i1", "name": "API errors", "status": "resolved", "impact": "major",
			   "created_at": "2026-04-02T10:00:00.000-04:00", "resolved_at": "2026-04-02T11:00:00.000-04:00",
			   "components": [{"id": "c1", "name": "API", "status": "operational", "group_id": "g1"}],
			   "incident_updates": [{"id": "u1", "status": "resolved", "body": "Fixed.", "display_at": "2026-04-02T11:00:00.000-04:00",
			     "affected_components": [{"code": "c1", "name": "API", "old_status": "major_outage", "new_status": "operational"}]},
			     {"id": "u0", "status": "investigating", "body": "Errors.", "display_at": "2026-04-02T10:00:00.000-04:00",
			     "affected_components": [{"code": "c1", "name": "API", "old_status": "operational", "new_status": "major_outage"}]}]}]}`))
		case "/status/api/v2/components.json":
			_, _ = w.Write([]byte(`{"components": [{"id": "g1", "name": "Platform", "group": true, "components": ["c1"]},
			  {"id": "c1", "name": "API", "status": "operational", "group_id": "g1", "group": false}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := importer.NewClient(srv.URL+"/status/", importer.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := FetchPublic(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	_, root := importertest.Repo(t, people)
	repo, _ := schema.Load(t.Context(), root.FS())
	plan, err := Translate(repo, ex, Options{Owner: "olga", IMOC: "ivan"})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Components) != 1 || plan.Components[0].ID != "api" || plan.Components[0].Group != "Platform" {
		t.Errorf("components: %+v", plan.Components)
	}
	if len(plan.Files) != 1 || plan.Files[0].Path != "incidents/2026/2026-04-02-api-errors/incident.md" {
		t.Fatalf("files: %+v", plan.Files)
	}
	in, ps := schema.ParseIncident(plan.Files[0].Path, plan.Files[0].Data)
	if ps.HasErrors() || in.Severity != "SEV2" || len(in.Updates) != 2 || in.Components[0].Impact != "major_outage" {
		t.Errorf("incident: %+v %v", in, ps)
	}
}
