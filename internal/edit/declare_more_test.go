package edit

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/schema"
)

// withRotations adds a payments rotation and gives checkout its own
// rotation and search a group whose rotation is payments too, when
// config is true.
func withRotations(t *testing.T, fsys fstest.MapFS, config string) {
	t.Helper()
	fsys["rotations/imoc-payments.yaml"] = &fstest.MapFile{Data: []byte(`name: Payments IMOC
time_zone: UTC
layers:
  - name: weekly
    rotation: {anchor: 2026-11-02T09:00, every: 1w, participants: [bob, ann]}
`)}
	fsys["baton.yaml"] = &fstest.MapFile{Data: []byte(config)}
}

const rotationsConfig = `site:
  title: Test Status
  base_url: https://status.test.example/
  time_zone: UTC
components:
  - {id: checkout, name: Checkout, tier: 1, rotation: imoc-payments}
  - {id: search, name: Search, group: Discovery, tier: 3}
  - {id: web, name: Web, tier: 1}
rotations:
  default: imoc
  groups: {Discovery: imoc-payments}
`

func TestChooseRotation(t *testing.T) {
	fsys := fixture(t)
	withRotations(t, fsys, rotationsConfig)
	c := load(t, fsys).Config
	for _, tc := range []struct {
		name     string
		rotation string
		comps    []Component
		want     string
		why      string
	}{
		{"no components", "", nil, "imoc", "the default rotation (rotations.default in baton.yaml)"},
		{"given", "imoc", []Component{{"checkout", "major_outage"}}, "imoc", "given with --rotation"},
		{"own rotation", "", []Component{{"checkout", "partial_outage"}}, "imoc-payments", "the rotation of checkout (partial_outage)"},
		{"group rotation", "", []Component{{"search", "degraded_performance"}}, "imoc-payments", "the rotation of the group Discovery, for search (degraded_performance)"},
		{"most severe impact wins", "", []Component{{"web", "partial_outage"}, {"checkout", "major_outage"}}, "imoc-payments", "the rotation of checkout (major_outage), the most affected component"},
		{"most affected has no rotation", "", []Component{{"checkout", "degraded_performance"}, {"web", "major_outage"}}, "imoc", "the default rotation (rotations.default in baton.yaml)"},
		{"tie: lower tier", "", []Component{{"search", "partial_outage"}, {"checkout", "partial_outage"}}, "imoc-payments", "the rotation of checkout (partial_outage), the most affected component"},
		{"tie: first listed", "", []Component{{"web", "partial_outage"}, {"checkout", "partial_outage"}}, "imoc", "the default rotation (rotations.default in baton.yaml)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ChooseRotation(c, tc.rotation, tc.comps)
			if got.ID != tc.want || got.Why != tc.why {
				t.Errorf("ChooseRotation = %q (%s), want %q (%s)", got.ID, got.Why, tc.want, tc.why)
			}
		})
	}
}

func TestDeclareComponentRotation(t *testing.T) {
	fsys := fixture(t)
	withRotations(t, fsys, rotationsConfig)
	repo := load(t, fsys)
	d := Declaration{Title: "Checkout errors", Severity: "sev2", Owner: "cat",
		Components: []Component{{"checkout", "Partial_Outage"}}, At: at("2026-11-24T10:00:00Z")}
	res, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	got := string(res.Files[0].Data)
	// Week 3 of [bob, ann] from 2026-11-02 is ann; "sev2" is SEV2.
	for _, want := range []string{
		"severity: SEV2 # Major\n",
		"visibility: internal\n",
		"rotation: imoc-payments # responsible for checkout\n",
		"imoc: ann # on call on imoc-payments when declared\n",
		"  - {id: checkout, impact: partial_outage}\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("incident lacks %q:\n%s", want, got)
		}
	}
	mustValidate(t, fsys, res, d.At)

	// The default rotation is not written.
	d.Title, d.Components = "Web errors", []Component{{"web", "major_outage"}}
	res, err = Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Files[0].Data); strings.Contains(got, "rotation:") || !strings.Contains(got, "imoc: bob # on call on imoc when declared") {
		t.Errorf("default rotation:\n%s", got)
	}
}

func TestDeclareVisibility(t *testing.T) {
	for _, tc := range []struct {
		name, config, typ, given, want string
	}{
		{"incident: internal by default", "", "", "", "internal"},
		{"maintenance: public by default", "", "maintenance", "", "public"},
		{"baton.yaml sets public", "declare: {visibility: public}\n", "", "", "public"},
		{"baton.yaml sets internal for maintenances too", "declare: {visibility: internal}\n", "maintenance", "", "internal"},
		{"the flag wins", "declare: {visibility: public}\n", "", "Internal", "internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fixture(t)
			fsys["baton.yaml"].Data = append(fsys["baton.yaml"].Data, tc.config...)
			repo := load(t, fsys)
			d := Declaration{Title: "Something", Type: tc.typ, Severity: "SEV3", Owner: "cat", Visibility: tc.given, At: at("2026-11-24T10:00:00Z")}
			if tc.typ == schema.TypeMaintenance {
				d.Window = &Window{From: at("2026-11-28T02:00:00Z"), Until: at("2026-11-28T04:00:00Z")}
			}
			res, err := Declare(repo, d)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Files[0].Data); !strings.Contains(got, "\nvisibility: "+tc.want+"\n") {
				t.Errorf("want visibility %s:\n%s", tc.want, got)
			}
		})
	}
}

func TestDeclareMaintenance(t *testing.T) {
	fsys := fixture(t)
	repo := load(t, fsys)
	d := Declaration{
		Title: "Database upgrade", Type: schema.TypeMaintenance, Owner: "cat",
		Components: []Component{{"checkout", ""}, {"search", "degraded_performance"}},
		Window:     &Window{From: at("2026-11-28T02:00:00Z"), Until: at("2026-11-28T04:00:00Z")},
		At:         at("2026-11-24T10:17:00Z"),
	}
	res, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	// Filed under the day of its window, with the IMOC on call when the
	// window starts: [ann, bob] weekly from 2026-11-02 gives bob the week
	// of 2026-11-23, which holds 2026-11-28.
	if res.ID != "2026-11-28-database-upgrade" {
		t.Errorf("id = %s", res.ID)
	}
	golden(t, "declare-maintenance.md", res.Files[0].Data)
	mustValidate(t, fsys, res, d.At)

	// Its lifecycle: in progress, completed, with the default messages.
	repo = load(t, fsys)
	in := repo.Incident(res.ID)
	steps := []struct{ status, at, message string }{
		{"in_progress", "2026-11-28T02:00:00Z", "Scheduled maintenance is currently in progress. We will provide updates as necessary."},
		{"completed", "2026-11-28T03:10:00Z", "The scheduled maintenance has been completed."},
	}
	for _, s := range steps {
		up, err := Update(repo, in, fsys[in.Path].Data, StatusUpdate{Status: s.status, At: at(s.at)})
		if err != nil {
			t.Fatal(err)
		}
		repo = mustValidate(t, fsys, up, at(s.at))
		in = repo.Incident(res.ID)
		if last := in.Updates[len(in.Updates)-1]; in.Status != s.status || last.Message != s.message {
			t.Errorf("%s: status %s, message %q", s.status, in.Status, last.Message)
		}
	}
	if !in.Resolved.Equal(at("2026-11-28T03:10:00Z")) || in.Has("mitigated") {
		t.Errorf("completed: resolved %v, mitigated set %v", in.Resolved, in.Has("mitigated"))
	}
}

func TestCancelMaintenance(t *testing.T) {
	fsys := fixture(t)
	repo := load(t, fsys)
	d := Declaration{
		Title: "Network maintenance", Type: schema.TypeMaintenance, Owner: "cat",
		Components: []Component{{"checkout", ""}},
		Window:     &Window{From: at("2026-11-28T02:00:00Z"), Until: at("2026-11-28T04:00:00Z")},
		At:         at("2026-11-24T10:00:00Z"),
	}
	res, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	repo = mustValidate(t, fsys, res, d.At)
	in := repo.Incident(res.ID)
	up, err := Update(repo, in, fsys[in.Path].Data, StatusUpdate{Status: "Cancelled", At: at("2026-11-25T09:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	repo = mustValidate(t, fsys, up, at("2026-11-25T09:00:00Z"))
	in = repo.Incident(res.ID)
	if in.Status != schema.StatusCancelled || !in.IsResolved() || !in.Resolved.Equal(at("2026-11-25T09:00:00Z")) {
		t.Errorf("cancelled: status %s resolved %v", in.Status, in.Resolved)
	}
	if last := in.Updates[len(in.Updates)-1]; last.Message != "This scheduled maintenance has been cancelled." {
		t.Errorf("message %q", last.Message)
	}
	// An incident cannot use the maintenance statuses, and says why.
	inc := repo.Incident("2026-11-20-checkout-errors")
	_, err = Update(repo, inc, fsys[inc.Path].Data, StatusUpdate{Status: "cancelled", Message: "x", At: at("2026-11-25T09:00:00Z")})
	var ee *Error
	if !errors.As(err, &ee) || !strings.Contains(ee.Hint, "that is a maintenance status") {
		t.Errorf("incident cancelled: %v", err)
	}
}

func TestDeclareSuggestions(t *testing.T) {
	repo := load(t, fixture(t))
	base := Declaration{Title: "x", Severity: "SEV3", Owner: "cat", At: at("2026-11-24T10:00:00Z")}
	for _, tc := range []struct {
		name      string
		mod       func(*Declaration)
		msg, hint string
	}{
		{"severity far off", func(d *Declaration) { d.Severity = "SEV9" }, `severity "SEV9" is not defined in baton.yaml`, "use one of SEV1, SEV2, SEV3, SEV4"},
		{"severity typo", func(d *Declaration) { d.Severity = "SEV22" }, `severity "SEV22" is not defined in baton.yaml`, "did you mean SEV2? (one of SEV1, SEV2, SEV3, SEV4)"},
		{"component", func(d *Declaration) { d.Components = []Component{{"serach", "partial_outage"}} }, `component "serach" is not defined in baton.yaml`, "did you mean search? (one of checkout, search)"},
		{"impact", func(d *Declaration) { d.Components = []Component{{"search", "partial"}} }, `impact "partial" of search is not valid`, "did you mean partial_outage? (one of degraded_performance, partial_outage, major_outage)"},
		{"maintenance impact", func(d *Declaration) { d.Components = []Component{{"search", "under_maintenance"}} }, `impact "under_maintenance" of search is not valid`, "under_maintenance is for planned work: declare it with --type maintenance"},
		{"owner", func(d *Declaration) { d.Owner = "cta" }, "cta is not in people.yaml", "did you mean cat? (one of ann, bob, cat, tia)"},
		{"rotation", func(d *Declaration) { d.Rotation = "imco" }, `rotation "imco" does not exist`, "did you mean imoc? (one of imoc)"},
		{"status", func(d *Declaration) { d.Status = "identifed" }, `status "identifed" cannot start an incident`, "did you mean identified? declare with investigating, identified or monitoring; resolve with `baton update ID --status resolved`"},
		{"window of an incident", func(d *Declaration) { d.Window = &Window{From: d.At, Until: d.At.Add(1)} }, "only a maintenance has a scheduled window", "add --type maintenance to schedule a maintenance"},
		{"maintenance without window", func(d *Declaration) { d.Type = "maintenance" }, "a maintenance needs its scheduled window", "give its window: --scheduled 2026-12-01T02:00:00Z/2026-12-01T04:00:00Z"},
		{"window backwards", func(d *Declaration) {
			d.Type, d.Window = "maintenance", &Window{From: d.At.Add(2), Until: d.At.Add(1)}
		}, "the maintenance window ends (2026-11-24T10:00:00Z) before it starts (2026-11-24T10:00:00Z)", "write --scheduled FROM/UNTIL with UNTIL after FROM"},
		{"type", func(d *Declaration) { d.Type = "maintenence" }, `type "maintenence" is not incident or maintenance`, "did you mean maintenance? (one of incident, maintenance)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			tc.mod(&d)
			_, err := Declare(repo, d)
			var ee *Error
			if !errors.As(err, &ee) || ee.Msg != tc.msg || ee.Hint != tc.hint {
				t.Errorf("err = %v\n got: %q / %q\nwant: %q / %q", err, msgOf(ee), hintOf(ee), tc.msg, tc.hint)
			}
		})
	}
}

func msgOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Msg
}

func hintOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Hint
}
