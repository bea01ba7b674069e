package edit

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture returns the test repository as a MapFS that tests may change.
func fixture(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := filepath.Join("testdata", "repo")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func load(t *testing.T, fsys fs.FS) *schema.Repo {
	t.Helper()
	repo, ps := schema.Load(t.Context(), fsys)
	if ps.HasErrors() {
		t.Fatalf("fixture has problems: %v", ps)
	}
	return repo
}

// mustValidate applies the result to fsys and checks that the repository
// still validates without errors, as `baton validate` would at now.
func mustValidate(t *testing.T, fsys fstest.MapFS, res *Result, now time.Time) *schema.Repo {
	t.Helper()
	for _, f := range res.Files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	repo, ps := schema.Load(t.Context(), fsys)
	ps = append(ps, schema.CheckPolicy(repo, now)...)
	ps = append(ps, oncall.Check(repo, now)...)
	if ps.HasErrors() {
		t.Fatalf("edited repository does not validate:\n%v", ps)
	}
	return repo
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDeclare(t *testing.T) {
	fsys := fixture(t)
	repo := load(t, fsys)
	d := Declaration{
		Title:      "Payments: API errors for Café customers",
		Severity:   "SEV2",
		Owner:      "cat",
		Visibility: "public",
		Components: []Component{{"checkout", "major_outage"}, {"search", "degraded_performance"}},
		Started:    at("2026-11-24T10:00:00Z"),
		At:         at("2026-11-24T10:17:42Z"),
	}
	res, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "2026-11-24-payments-api-errors-for-cafe-customers" {
		t.Errorf("id = %s", res.ID)
	}
	if len(res.Files) != 1 || res.Files[0].Path != "incidents/2026/"+res.ID+"/incident.md" {
		t.Fatalf("files = %v", res.Files)
	}
	golden(t, "declare.md", res.Files[0].Data)
	repo = mustValidate(t, fsys, res, d.At)
	in := repo.Incident(res.ID)
	// 2026-11-23 09:00 starts week 3 of [ann, bob]: bob is on call; tia
	// shadows whoever is the IMOC.
	if in.IMOC != "bob" || !cmp.Equal(in.Shadows, []string{"tia"}) || !in.Declared.Equal(d.At) {
		t.Errorf("imoc %q shadows %v declared %v", in.IMOC, in.Shadows, in.Declared)
	}

	// Declaring the same title again the same day finds the incident.
	again, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != res.ID || again.Changed() {
		t.Errorf("second declare: id %s, %d files", again.ID, len(again.Files))
	}

	// The same title once the first is resolved gets a new id.
	repo.Incident(res.ID).Status = schema.StatusResolved
	third, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	if third.ID != res.ID+"-2" {
		t.Errorf("third declare: id %s", third.ID)
	}
}

func TestDeclareRoles(t *testing.T) {
	repo := load(t, fixture(t))
	base := Declaration{Title: "x", Severity: "SEV3", Owner: "cat", At: at("2026-11-24T10:00:00Z")}

	// The owner cannot be the IMOC on call.
	d := base
	d.Owner = "bob"
	_, err := Declare(repo, d)
	var ee *Error
	if !errors.As(err, &ee) || !strings.Contains(ee.Msg, "bob is the IMOC on call") || ee.Hint == "" {
		t.Errorf("owner = IMOC: %v", err)
	}

	// Before the rotation's anchor nobody is on call: a note, no imoc.
	d = base
	d.At = at("2026-10-01T00:00:00Z")
	res, err := Declare(repo, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.Files[0].Data), "imoc:") || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "nobody is on call") {
		t.Errorf("notes %q\n%s", res.Notes, res.Files[0].Data)
	}
	if res.ID != "2026-10-01-incident-x" {
		t.Errorf("short title: id %s", res.ID)
	}

	for _, tc := range []struct {
		name string
		mod  func(*Declaration)
		want string
	}{
		{"severity", func(d *Declaration) { d.Severity = "SEV9" }, `severity "SEV9" is not defined`},
		{"owner", func(d *Declaration) { d.Owner = "zed" }, "zed is not in people.yaml"},
		{"no owner", func(d *Declaration) { d.Owner = "" }, "needs an owner"},
		{"component", func(d *Declaration) { d.Components = []Component{{"nope", "major_outage"}} }, `component "nope"`},
		{"impact", func(d *Declaration) { d.Components = []Component{{"search", "bad"}} }, `impact "bad"`},
		{"rotation", func(d *Declaration) { d.Rotation = "nope" }, `rotation "nope" does not exist`},
		{"started", func(d *Declaration) { d.Started = d.At.Add(time.Minute) }, "is after the declaration"},
		{"status", func(d *Declaration) { d.Status = "resolved" }, "cannot start an incident"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			tc.mod(&d)
			_, err := Declare(repo, d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Elevated checkout errors in EU":  "elevated-checkout-errors-in-eu",
		"  Tomás's   DNS -- outage!!  ":   "tomass-dns-outage",
		"API":                             "api",
		"é":                               "incident-e",
		"日本":                              "incident",
		strings.Repeat("abcdefghij ", 10): "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij",
		strings.Repeat("x", 80):           strings.Repeat("x", 60),
	} {
		got := slug(in)
		if got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
		if err := schema.CheckID("2026-01-01-" + got); err != nil {
			t.Errorf("slug(%q): %v", in, err)
		}
	}
	taken := map[string]bool{"2026-01-01-" + strings.Repeat("x", 60): true}
	id := uniqueID("2026-01-01", strings.Repeat("x", 60), func(s string) bool { return taken[s] })
	if id != "2026-01-01-"+strings.Repeat("x", 58)+"-2" || schema.CheckID(id) != nil {
		t.Errorf("unique id %s", id)
	}
}

func TestUpdate(t *testing.T) {
	const checkout = "2026-11-20-checkout-errors"
	const search = "2026-11-21-search-slow"
	steps := []struct {
		golden  string
		id      string
		u       StatusUpdate
		changed []string // keys that differ from before
	}{
		{"update-identified.md", checkout, StatusUpdate{"identified", "We identified a faulty configuration push.", at("2026-11-20T14:30:00Z")}, nil},
		{"update-monitoring.md", checkout, StatusUpdate{"monitoring", "A fix is in place: we are monitoring.", at("2026-11-20T14:47:00Z")}, nil},
		{"update-resolved.md", checkout, StatusUpdate{"resolved", "Checkouts have been working normally since 14:47 UTC.", at("2026-11-20T15:30:00Z")}, nil},
		{"update-reopened.md", search, StatusUpdate{"investigating", "Search is slow again; we are investigating.", at("2026-11-21T12:00:00+01:00")}, nil},
	}
	fsys := fixture(t)
	for _, s := range steps {
		t.Run(s.golden, func(t *testing.T) {
			repo := load(t, fsys)
			in := repo.Incident(s.id)
			before := fsys[in.Path].Data
			res, err := Update(repo, in, before, s.u)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, s.golden, res.Files[0].Data)
			// The body is never touched.
			if _, body, _ := strings.Cut(string(before)[4:], "\n---\n"); !strings.HasSuffix(string(res.Files[0].Data), "\n---\n"+body) {
				t.Error("the Markdown body changed")
			}
			repo = mustValidate(t, fsys, res, s.u.At)
			got := repo.Incident(s.id)
			last := got.Updates[len(got.Updates)-1]
			if got.Status != s.u.Status || last.Status != s.u.Status || last.Message != s.u.Message || !last.At.Equal(s.u.At) {
				t.Errorf("status %s, last update %+v", got.Status, last)
			}
		})
	}
	repo := load(t, fsys)
	in := repo.Incident(checkout)
	if !in.Mitigated.Equal(at("2026-11-20T14:47:00Z")) || !in.Resolved.Equal(at("2026-11-20T15:30:00Z")) {
		t.Errorf("mitigated %v resolved %v", in.Mitigated, in.Resolved)
	}
	if s := repo.Incident(search); s.Has("resolved") || !s.Mitigated.Equal(at("2026-11-21T09:30:00+01:00")) {
		t.Errorf("reopened: resolved %v mitigated %v", s.Resolved, s.Mitigated)
	}

	// Repeating the last update changes nothing.
	last := steps[2].u
	last.At = last.At.Add(time.Hour)
	res, err := Update(repo, in, fsys[in.Path].Data, last)
	if err != nil || res.Changed() || len(res.Notes) != 1 {
		t.Errorf("repeat: %v, %d files, notes %q", err, len(res.Files), res.Notes)
	}

	// An update before the last one is refused.
	_, err = Update(repo, in, fsys[in.Path].Data, StatusUpdate{"resolved", "Again.", at("2026-11-20T15:00:00Z")})
	if err == nil || !strings.Contains(err.Error(), "before the last update") {
		t.Errorf("early update: %v", err)
	}
	_, err = Update(repo, in, fsys[in.Path].Data, StatusUpdate{"fixed", "x", at("2026-11-21T15:00:00Z")})
	if err == nil || !strings.Contains(err.Error(), `status "fixed"`) {
		t.Errorf("bad status: %v", err)
	}
}

func TestUpdateLayouts(t *testing.T) {
	// Front matter layouts the splicer must handle, and ones it refuses.
	base := "title: T\nseverity: SEV3\nstatus: investigating\nowner: cat\ndeclared: 2026-11-20T14:03:00Z\n"
	for _, tc := range []struct {
		name, fm, want, err string
	}{
		{"no updates key", base + "tags: [a]\n",
			"title: T\nseverity: SEV3\nstatus: identified\nowner: cat\ndeclared: 2026-11-20T14:03:00Z\nupdates:\n  - at: 2026-11-20T15:00:00Z\n    status: identified\n    message: Found it.\ntags: [a]\n", ""},
		{"empty flow list", base + "updates: []  # none yet\n",
			"title: T\nseverity: SEV3\nstatus: identified\nowner: cat\ndeclared: 2026-11-20T14:03:00Z\nupdates: # none yet\n  - at: 2026-11-20T15:00:00Z\n    status: identified\n    message: Found it.\n", ""},
		{"flow list", base + "updates: [{at: 2026-11-20T14:10:00Z, status: investigating, message: x}]\n", "", "not a block list"},
		{"multi-line status", "title: T\nseverity: SEV3\nstatus: >-\n  investigating\nowner: cat\ndeclared: 2026-11-20T14:03:00Z\n", "", "spans several lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("---\n" + tc.fm + "---\nbody\n")
			in, ps := schema.ParseIncident("incidents/2026/2026-11-20-x/incident.md", data)
			if ps.HasErrors() {
				t.Fatal(ps)
			}
			in.ID = "2026-11-20-x"
			res, err := Update(&schema.Repo{Config: &schema.Config{}}, in, data, StatusUpdate{"identified", "Found it.", at("2026-11-20T15:00:00Z")})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				var ee *Error
				if !errors.As(err, &ee) || ee.Hint == "" {
					t.Errorf("no hint: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("---\n"+tc.want+"---\nbody\n", string(res.Files[0].Data)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateCRLF(t *testing.T) {
	data := []byte("---\r\ntitle: T\r\nstatus: investigating # now\r\ndeclared: 2026-11-20T14:03:00Z\r\nupdates:\r\n  - at: 2026-11-20T14:10:00Z\r\n    status: investigating\r\n    message: x\r\n---\r\nbody\r\n")
	in, ps := schema.ParseIncident("incident.md", data)
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	res, err := Update(&schema.Repo{Config: &schema.Config{}}, in, data, StatusUpdate{"monitoring", "y", at("2026-11-20T15:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	want := "---\r\ntitle: T\r\nstatus: monitoring # now\r\ndeclared: 2026-11-20T14:03:00Z\r\nmitigated: 2026-11-20T15:00:00Z\r\nupdates:\r\n  - at: 2026-11-20T14:10:00Z\r\n    status: investigating\r\n    message: x\r\n  - at: 2026-11-20T15:00:00Z\r\n    status: monitoring\r\n    message: y\r\n---\r\nbody\r\n"
	if diff := cmp.Diff(want, string(res.Files[0].Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPostmortem(t *testing.T) {
	fsys := fixture(t)
	repo := load(t, fsys)
	in := repo.Incident("2026-11-20-checkout-errors")
	res, err := Update(repo, in, fsys[in.Path].Data, StatusUpdate{"resolved", "Checkouts work | again.", at("2026-11-20T15:30:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	repo = mustValidate(t, fsys, res, at("2026-11-20T15:30:00Z"))
	res, err = Postmortem(repo, repo.Incident("2026-11-20-checkout-errors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 0 || len(res.Files) != 1 || res.Files[0].Path != "incidents/2026/2026-11-20-checkout-errors/postmortem.md" {
		t.Fatalf("notes %q files %v", res.Notes, res.Files)
	}
	golden(t, "postmortem.md", res.Files[0].Data)
	repo = mustValidate(t, fsys, res, at("2026-11-21T00:00:00Z"))
	pm := repo.Incident("2026-11-20-checkout-errors").Postmortem
	if pm == nil || pm.Status != schema.PMDraft || !cmp.Equal(pm.Reviewers, []string{"bob"}) || !cmp.Equal(pm.Authors, []string{"cat"}) {
		t.Fatalf("postmortem %+v", pm)
	}
	// A second run leaves the postmortem alone.
	again, err := Postmortem(repo, repo.Incident("2026-11-20-checkout-errors"))
	if err != nil || again.Changed() || len(again.Notes) != 1 {
		t.Errorf("second run: %v %v %q", err, again.Files, again.Notes)
	}
}
