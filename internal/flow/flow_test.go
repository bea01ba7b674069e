package flow_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/forge/forgetest"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const token = "ghs_NEVERprintTHIS0123456789abcdef"

var now = time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)

// example is the example organisation at the repository's root: the base
// branch's checkout in ping tests.
func example() fs.FS { return os.DirFS(filepath.Join("..", "..")) }

// newFake returns a fake GitHub for fernway/incidents and a client for it.
func newFake(t *testing.T) (*forgetest.Server, *forge.Client) {
	t.Helper()
	fake := forgetest.New(t, "fernway/incidents")
	fake.Token = token
	c, err := forge.New(forge.Options{Token: token, APIURL: fake.APIURL(), Repo: "fernway/incidents", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", p, diff)
	}
}

// counts returns how many requests each of the given routes received.
func counts(fake *forgetest.Server, routes ...string) map[string]int {
	out := map[string]int{}
	for _, r := range routes {
		out[r] = fake.Count(r)
	}
	return out
}

const (
	reviewRoute  = "POST /repos/fernway/incidents/pulls/1/requested_reviewers"
	assignRoute  = "POST /repos/fernway/incidents/issues/1/assignees"
	labelRoute   = "POST /repos/fernway/incidents/issues/1/labels"
	commentRoute = "POST /repos/fernway/incidents/issues/1/comments"
	editRoute    = "PATCH /repos/fernway/incidents/issues/comments/*"
	contentRoute = "GET /repos/fernway/incidents/contents/*"
)

// The IMOC workflow on a pull request that updates an incident, twice: the
// second run edits the comment and requests nothing again.
func TestPing(t *testing.T) {
	fake, gh := newFake(t)
	const p = "incidents/2026/2026-11-26-invoice-email-delays/incident.md"
	base, err := fs.ReadFile(example(), p)
	if err != nil {
		t.Fatal(err)
	}
	pr := fake.AddPR(forgetest.PR{Head: "someone/update", Base: "main", Author: "hannah-osei", Files: []string{p, "README.md"}})
	head := strings.Replace(string(base), "status: identified\n", "status: monitoring\n", 1)
	head = strings.Replace(head, "tags: [email", "  - at: 2026-11-27T09:00:00Z\n    status: monitoring\n    message: Delivered.\ntags: [email", 1)
	fake.Contents[pr.HeadSHA+":"+p] = head

	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"requested review from marcus-webb", "assigned hannah-osei", "labelled SEV3", "comment created"}
	if diff := cmp.Diff(want, res.Did); diff != "" || res.Held != "" || len(res.Notes) != 0 {
		t.Errorf("did (-want +got):\n%s\nheld %q notes %q", diff, res.Held, res.Notes)
	}
	if diff := cmp.Diff([]flow.Target{{ID: "2026-11-26-invoice-email-delays"}}, res.Touched); diff != "" {
		t.Errorf("touched (-want +got):\n%s", diff)
	}
	cs := fake.CommentsOn(1)
	if len(cs) != 1 || res.Link == "" {
		t.Fatalf("comments %+v, link %q", cs, res.Link)
	}
	golden(t, "ping.golden", cs[0].Body)

	// The pull request resolves the incident: the comment is edited.
	head = strings.Replace(head, "status: monitoring\nvisibility", "status: resolved\nvisibility", 1)
	head = strings.Replace(head, "acknowledged: 2026-11-26T16:14:00Z\n", "acknowledged: 2026-11-26T16:14:00Z\nresolved: 2026-11-27T09:30:00Z\n", 1)
	head = strings.Replace(head, "tags: [email", "  - at: 2026-11-27T09:30:00Z\n    status: resolved\n    message: Done.\ntags: [email", 1)
	fake.Contents[pr.HeadSHA+":"+p] = head
	for i, want := range []string{"comment edited", "comment unchanged"} {
		res, err = flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
		if err != nil || !slices.Equal(res.Did, []string{want}) {
			t.Errorf("run %d: %v %v, want %s", i+2, res.Did, err, want)
		}
	}
	if cs := fake.CommentsOn(1); len(cs) != 1 || !strings.Contains(cs[0].Body, "| Status | resolved (declared") {
		t.Errorf("comments %+v", cs)
	}
	if diff := cmp.Diff(map[string]int{reviewRoute: 1, assignRoute: 1, labelRoute: 1, commentRoute: 1, editRoute: 1}, counts(fake, reviewRoute, assignRoute, labelRoute, commentRoute, editRoute)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// A pull request that touches no incident gets nothing; one that deletes
// its incident is noted, not pinged.
func TestPingNothing(t *testing.T) {
	fake, gh := newFake(t)
	fake.AddPR(forgetest.PR{Head: "docs", Base: "main", Files: []string{"README.md", "incidents/README.md", "incidents/2026/2026-11-26-invoice-email-delays/graph.png"}})
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || len(res.Touched) != 0 || len(res.Did) != 0 || fake.Count(contentRoute) != 0 {
		t.Errorf("%+v %v", res, err)
	}

	fake, gh = newFake(t)
	const p = "incidents/2026/2026-04-07-stale-exchange-rates/incident.md"
	fake.AddPR(forgetest.PR{Head: "rm", Base: "main", Files: []string{p}})
	res, err = flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || res.Held != "" || len(res.Did) != 0 || len(fake.CommentsOn(1)) != 0 {
		t.Errorf("deleted: %+v %v", res, err)
	}
	if want := []string{"2026-04-07-stale-exchange-rates cannot be read from #1 (deleted, or it has errors that `baton validate` reports)"}; !slices.Equal(res.Notes, want) {
		t.Errorf("notes %q", res.Notes)
	}
}

// hostile is a new incident as a fork's pull request might add it: markup,
// mentions and links in the title, an IMOC who was not on call when it says
// it was declared (sofia was, on imoc-global, with kai shadowing her), and
// a trainee shadow the rotation does not pair with anyone then.
const hostile = `---
title: "Pwned @fernway/everyone @jbrandt #1 fernway/incidents#2 GH-3 [click](https://evil.example) ![x](https://evil.example/i.png) <img src=x onerror=alert(1)> www.evil.example | fake | row **bold** <!-- baton:ping -->"
type: incident
severity: SEV3
status: investigating
visibility: internal
rotation: imoc-global
imoc: priya
owner: ellie
shadows: [noor]
components:
  - {id: email, impact: degraded_performance}
declared: 2026-11-27T10:00:00Z
updates:
  - at: 2026-11-27T10:00:00Z
    status: investigating
    message: We are looking into it.
---
`

const hostilePath = "incidents/2026/2026-11-27-pwned/incident.md"

// hostilePR adds a fork's pull request with the files and returns it.
func hostilePR(fake *forgetest.Server, files map[string]string) *forgetest.PR {
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	pr := fake.AddPR(forgetest.PR{Head: "main", HeadOwner: "mallory", Base: "main", Author: "mallory", Title: "@everyone [x](https://evil.example)", Files: paths})
	for p, data := range files {
		fake.Contents[pr.HeadSHA+":"+p] = data
	}
	return pr
}

// Issue "Hardening", item 3: only the base branch decides whom ping asks,
// assigns, labels and mentions, and the comment shows the pull request's
// strings escaped. The exact comment is in testdata/ping-hostile.golden.
func TestHardening03PingHostilePullRequest(t *testing.T) {
	fake, gh := newFake(t)
	people, err := fs.ReadFile(example(), "people.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hostilePR(fake, map[string]string{
		hostilePath: hostile,
		// The pull request's own people.yaml is read only as data, to show
		// whose shifts it moves (nobody's: it gives priya another login);
		// its baton.yaml is never read.
		"people.yaml": strings.Replace(string(people), "github: praman", "github: mallory", 1),
		"baton.yaml":  "severities: [{id: PWNED, name: x}]\n",
	})
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"requested review from sofialindqvist", "assigned elliepark", "labelled SEV3", "comment created"}
	if diff := cmp.Diff(want, res.Did); diff != "" {
		t.Errorf("did (-want +got):\n%s", diff)
	}
	if want := []string{"2026-11-27-pwned names IMOC priya, who was not on call on imoc-global when it was declared; asked sofia"}; !slices.Equal(res.Notes, want) {
		t.Errorf("notes %q", res.Notes)
	}
	pr := fake.PR(1)
	if !slices.Equal(pr.Reviewers, []string{"sofialindqvist"}) || !slices.Equal(pr.Assignees, []string{"elliepark"}) || !slices.Equal(pr.Labels, []string{"SEV3"}) {
		t.Errorf("reviewers %v assignees %v labels %v", pr.Reviewers, pr.Assignees, pr.Labels)
	}
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/repos/fernway/incidents/contents/") && r.Path != "/repos/fernway/incidents/contents/"+hostilePath && r.Path != "/repos/fernway/incidents/contents/people.yaml" {
			t.Errorf("read %s from the pull request", r)
		}
	}
	cs := fake.CommentsOn(1)
	if len(cs) != 1 {
		t.Fatalf("comments %+v", cs)
	}
	golden(t, "ping-hostile.golden", cs[0].Body)
}

// Issue "Hardening", item 3: a pull request whose incident files do not
// validate gets a neutral comment with the problems' codes and positions,
// and no review request, assignment or label.
func TestHardening03PingInvalidPullRequest(t *testing.T) {
	fake, gh := newFake(t)
	broken := strings.Replace(hostile, "owner: ellie", "owner: \"@fernway/everyone\"", 1)
	broken = strings.Replace(broken, "severity: SEV3", "severity: PWNED", 1)
	hostilePR(fake, map[string]string{hostilePath: broken})
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Held != flow.HeldInvalid || !slices.Equal(res.Did, []string{"comment created"}) {
		t.Errorf("held %q did %v", res.Held, res.Did)
	}
	var codes []string
	for _, p := range res.Problems {
		codes = append(codes, fmt.Sprintf("%s:%d:%s", p.File, p.Line, p.Code))
	}
	t.Logf("problems: %v", codes)
	if len(codes) == 0 {
		t.Error("no problems")
	}
	if diff := cmp.Diff(map[string]int{reviewRoute: 0, assignRoute: 0, labelRoute: 0, commentRoute: 1}, counts(fake, reviewRoute, assignRoute, labelRoute, commentRoute)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	golden(t, "ping-invalid.golden", fake.CommentsOn(1)[0].Body)

	// Fixed, the same pull request is pinged, and the comment edited.
	hostilePR(fake, map[string]string{hostilePath: hostile}) // #2
	fake.Contents[fake.PR(1).HeadSHA+":"+hostilePath] = hostile
	res, err = flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || res.Held != "" || !slices.Contains(res.Did, "comment edited") || !slices.Contains(res.Did, "requested review from sofialindqvist") {
		t.Errorf("fixed: %+v %v", res, err)
	}
}

// Issue "Hardening", item 3: a pull request that touches more incidents
// than flow.MaxIncidents gets a neutral comment; none of its files is read.
func TestHardening03PingTooManyIncidents(t *testing.T) {
	fake, gh := newFake(t)
	files := map[string]string{}
	for i := range flow.MaxIncidents + 1 {
		files[fmt.Sprintf("incidents/2026/2026-11-%02d-pwned/incident.md", i+1)] = hostile
	}
	hostilePR(fake, files)
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || res.Held != flow.HeldTooMany || len(res.Touched) != flow.MaxIncidents+1 {
		t.Fatalf("%+v %v", res, err)
	}
	if diff := cmp.Diff(map[string]int{reviewRoute: 0, assignRoute: 0, labelRoute: 0, commentRoute: 1, contentRoute: 0}, counts(fake, reviewRoute, assignRoute, labelRoute, commentRoute, contentRoute)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	want := "<!-- baton:ping -->\n## Baton\n\nThis pull request touches 11 incidents. Baton pings the IMOC on pull requests that touch at most 10, so it has asked nobody to review this one. Split it, or ask the IMOCs for a review yourself.\n\n<sub>Written by `baton ping`; edited in place when the pull request changes.</sub>\n"
	if got := fake.CommentsOn(1)[0].Body; got != want {
		t.Errorf("comment:\n%s", got)
	}
}

// world is the example organisation in a git clone whose origin is a bare
// repository on disk, and a fake GitHub.
type world struct {
	work string
	bare *git.Repository
	git  *gitrepo.Repo
	fake *forgetest.Server
	gh   *forge.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	for _, name := range []string{"baton.yaml", "people.yaml", "rotations", "incidents"} {
		if err := os.CopyFS(filepath.Join(work, name), os.DirFS(filepath.Join("..", "..", name))); err != nil {
			// CopyFS wants a folder; copy single files by hand.
			data, rerr := os.ReadFile(filepath.Join("..", "..", name))
			if rerr != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(work, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := git.PlainInitWithOptions(work, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Ann", Email: "ann@example.com", When: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit("example", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
	bareDir := filepath.Join(dir, "origin.git")
	bare, err := git.PlainInitWithOptions(bareDir, &git.PlainInitOptions{Bare: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bareDir}}); err != nil {
		t.Fatal(err)
	}
	if err := r.PushContext(t.Context(), &git.PushOptions{RemoteName: "origin"}); err != nil {
		t.Fatal(err)
	}
	g, err := gitrepo.Open(t.Context(), work, gitrepo.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	fake, gh := newFake(t)
	return &world{work: work, bare: bare, git: g, fake: fake, gh: gh}
}

// branchFiles returns the files a remote branch's head commit changes,
// and the commit.
func (w *world) head(t *testing.T, branch string) (*object.Commit, []string) {
	t.Helper()
	ref, err := w.bare.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		t.Fatalf("remote branch %s: %v", branch, err)
	}
	c, err := w.bare.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Parent(0)
	pt, _ := p.Tree()
	ct, _ := c.Tree()
	ch, err := pt.Diff(ct)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range ch {
		names = append(names, x.To.Name)
	}
	return c, names
}

// declare declares a SEV2 on checkout with the platform IMOC (checkout's
// own rotation would be imoc-global).
func declare(title string, at time.Time) flow.Edit {
	return flow.IncidentEdit(flow.Declare, func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		return edit.Declare(repo, edit.Declaration{Title: title, Severity: "SEV2", Owner: "ellie", Visibility: "internal", Rotation: "imoc-platform",
			Components: []edit.Component{{ID: "checkout", Impact: "partial_outage"}}, At: at})
	})
}

// Publishing a declaration twice: one branch with one commit, one pull
// request, pinged once.
func TestPublishDeclare(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)
	const id = "2026-11-27-card-payments-failing"
	pub := flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: declare("Card payments failing", at), Now: at, Signature: gitrepo.DefaultSignature}
	res, err := flow.Publish(t.Context(), w.gh, w.git, pub)
	if err != nil {
		t.Fatal(err)
	}
	if res.Branch != "baton/incident/"+id || res.Pushed == "" || res.PR == nil || !res.Created || res.Ping == nil {
		t.Fatalf("%+v", res)
	}
	if diff := cmp.Diff([]string{"requested review from jbrandt", "assigned elliepark", "labelled SEV2", "comment created"}, res.Ping.Did); diff != "" {
		t.Errorf("ping (-want +got):\n%s", diff)
	}
	c, changed := w.head(t, res.Branch)
	if c.Author.Name != "baton" || !strings.HasPrefix(c.Message, "Declare "+id+"\n") || !slices.Equal(changed, []string{"incidents/2026/" + id + "/incident.md"}) {
		t.Errorf("commit %v %q %v", c.Author, c.Message, changed)
	}
	pr := w.fake.PR(1)
	if pr.Title != "Declare incident: Card payments failing" || pr.Head != res.Branch || pr.Base != "main" || !strings.HasPrefix(pr.Body, "Incident `"+id+"` (SEV2, investigating).") {
		t.Errorf("PR %+v", pr)
	}

	// Again, minutes later: the same incident, branch and pull request.
	pub.Now = at.Add(5 * time.Minute)
	pub.Edit = declare("Card payments failing", pub.Now)
	res, err = flow.Publish(t.Context(), w.gh, w.git, pub)
	if err != nil || res.Pushed != "" || res.PR == nil || res.Created || res.PR.Number != 1 || !slices.Equal(res.Ping.Did, []string{"comment unchanged"}) {
		t.Errorf("again: %+v %v", res, err)
	}
	if len(w.fake.PRs) != 1 || w.fake.Count("POST /repos/fernway/incidents/pulls") != 1 {
		t.Errorf("%d pull requests", len(w.fake.PRs))
	}
}

// A maintenance scheduled with --pr gets a title, commit and comment of its
// own (no severity: its window), and is cancelled on the same branch.
func TestPublishMaintenance(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)
	const id = "2026-12-05-database-upgrade"
	schedule := flow.IncidentEdit(flow.Declare, func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		return edit.Declare(repo, edit.Declaration{Title: "Database upgrade", Type: schema.TypeMaintenance, Owner: "ellie",
			Components: []edit.Component{{ID: "checkout"}},
			Window:     &edit.Window{From: time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC), Until: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)},
			At:         at})
	})
	res, err := flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: schedule, Now: at, Signature: gitrepo.DefaultSignature})
	if err != nil || res.PR == nil {
		t.Fatalf("%+v %v", res, err)
	}
	c, _ := w.head(t, res.Branch)
	if res.Branch != "baton/incident/"+id || !strings.HasPrefix(c.Message, "Schedule maintenance "+id+"\n") {
		t.Errorf("branch %s, commit %q", res.Branch, c.Message)
	}
	pr := w.fake.PR(1)
	if pr.Title != "Schedule maintenance: Database upgrade" || !strings.HasPrefix(pr.Body, "Maintenance `"+id+"` (scheduled).") || len(pr.Labels) != 0 {
		t.Errorf("PR %+v", pr)
	}
	body := w.fake.CommentsOn(1)[0].Body
	if !strings.Contains(body, "### Maintenance `"+id+"`: Database upgrade") || !strings.Contains(body, "| Window | 2026-12-05 06:00 UTC to 2026-12-05 08:00 UTC |") || strings.Contains(body, "| Severity |") {
		t.Errorf("comment:\n%s", body)
	}

	later := at.Add(time.Hour)
	cancel := flow.IncidentEdit(flow.Update, func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		in := repo.Incident(id)
		data, err := fs.ReadFile(fsys, in.Path)
		if err != nil {
			return nil, err
		}
		return edit.Update(repo, in, data, edit.StatusUpdate{Status: schema.StatusCancelled, At: later})
	})
	res, err = flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: cancel, Branch: flow.Update.Branch(id), Now: later, Signature: gitrepo.DefaultSignature})
	if err != nil || res.PR == nil || res.PR.Number != 1 || res.Pushed == "" {
		t.Fatalf("cancel: %+v %v", res, err)
	}
	c, _ = w.head(t, res.Branch)
	if !strings.HasPrefix(c.Message, "Update "+id+" (was scheduled)\n") {
		t.Errorf("commit %q", c.Message)
	}
}

// Issue "Hardening", item 3 (sibling): the pull request Publish opens
// shows the incident's title escaped, in its title and in the comment.
func TestHardening03PublishEscapesTitles(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)
	title := "Pwned @fernway/everyone #1 https://evil.example <b>x</b>"
	res, err := flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: declare(title, at), Now: at})
	if err != nil || res.PR == nil {
		t.Fatalf("%+v %v", res, err)
	}
	const z = "\u200d"
	if got, want := w.fake.PR(1).Title, "Declare incident: Pwned @"+z+"fernway/everyone #"+z+"1 https:"+z+"//evil.example <b>x</b>"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	body := w.fake.CommentsOn(1)[0].Body
	if want := ": Pwned \\@" + z + "fernway/everyone \\#" + z + "1 https:" + z + "//evil.example \\<b\\>x\\</b\\>\n"; !strings.Contains(body, want) {
		t.Errorf("comment lacks %q:\n%s", want, body)
	}
}

// A change that is not an incident's: a rotation override, with the people
// whose shifts change as reviewers. It gets its own title and body, review
// requests, and no comment or label.
func TestPublishChange(t *testing.T) {
	w := newWorld(t)
	const rot = "rotations/imoc-platform.yaml"
	override := flow.Edit(func(repo *schema.Repo, fsys fs.FS) (*flow.Change, error) {
		data, err := fs.ReadFile(fsys, rot)
		if err != nil {
			return nil, err
		}
		if strings.Contains(string(data), "\noverrides:") {
			return nil, errors.New("the example rotation has overrides now: adapt the test")
		}
		data = append(data, "overrides:\n  - {kind: replace, user: marcus, replaces: jonas, from: 2026-12-01T09:00:00Z, until: 2026-12-02T09:00:00Z, reason: swap}\n"...)
		return &flow.Change{
			Branch: "baton/override/imoc-platform-2026-12-01", Files: []edit.File{{Path: rot, Data: data}}, Message: "Override imoc-platform\n",
			Describe: func(after *schema.Repo) flow.PRSpec {
				return flow.PRSpec{Title: "Override on imoc-platform", Body: "Marcus takes Jonas's shift.", Reviewers: []string{"marcus", "jonas"}}
			},
		}, nil
	})
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	res, err := flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Branch: "baton/override/imoc-platform-2026-12-01", Edit: override, Now: at})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"requested review from marcus-webb", "requested review from jbrandt"}, res.Ping.Did); diff != "" {
		t.Errorf("did (-want +got):\n%s", diff)
	}
	pr := w.fake.PR(1)
	if pr.Title != "Override on imoc-platform" || pr.Body != "Marcus takes Jonas's shift." || len(w.fake.CommentsOn(1)) != 0 || len(pr.Labels) != 0 {
		t.Errorf("PR %+v", pr)
	}
	if _, changed := w.head(t, res.Branch); !slices.Equal(changed, []string{rot}) {
		t.Errorf("changed %v", changed)
	}
}

// An edit whose result would not validate is refused before anything is
// committed or asked of GitHub; an edit with nothing to write opens
// nothing.
func TestPublishRefusals(t *testing.T) {
	w := newWorld(t)
	const p = "incidents/2026/2026-11-27-broken/incident.md"
	broken := flow.Edit(func(*schema.Repo, fs.FS) (*flow.Change, error) {
		return &flow.Change{Branch: "baton/incident/2026-11-27-broken", Files: []edit.File{{Path: p, Data: []byte(strings.Replace(hostile, "owner: ellie", "owner: nobody", 1))}}, Message: "x"}, nil
	})
	res, err := flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: broken, Now: now})
	var ie *flow.InvalidEditError
	if !errors.As(err, &ie) || len(ie.Problems) == 0 || res.Pushed != "" || res.PR != nil {
		t.Fatalf("%+v %v", res, err)
	}
	for _, pr := range ie.Problems {
		if pr.File != p {
			t.Errorf("a problem outside the edit: %v", pr)
		}
	}
	if _, err := w.bare.Reference(plumbing.NewBranchReferenceName("baton/incident/2026-11-27-broken"), true); err == nil {
		t.Error("the branch was pushed")
	}

	nothing := flow.Edit(func(*schema.Repo, fs.FS) (*flow.Change, error) {
		return &flow.Change{Branch: "baton/incident/x", Notes: []string{"already there"}}, nil
	})
	res, err = flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: nothing, Now: now})
	if err != nil || res.PR != nil || !slices.Equal(res.Notes, []string{"already there"}) {
		t.Errorf("nothing: %+v %v", res, err)
	}

	refused := flow.Edit(func(*schema.Repo, fs.FS) (*flow.Change, error) { return nil, &edit.Error{Msg: "no", Hint: "yes"} })
	_, err = flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "main", Edit: refused, Now: now})
	var ee *flow.EditError
	var edErr *edit.Error
	if !errors.As(err, &ee) || !errors.As(err, &edErr) || edErr.Hint != "yes" {
		t.Errorf("edit error: %v", err)
	}

	_, err = flow.Publish(t.Context(), w.gh, w.git, flow.Publication{Remote: "origin", DefaultBranch: "trunk", Edit: nothing, Now: now})
	var fe *flow.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Hint, "default_branch") {
		t.Errorf("no default branch: %v", err)
	}
	for _, r := range w.fake.Requests() {
		t.Errorf("GitHub was asked %s", r)
	}
}

// rotaPR adds a fork's pull request that changes rotations and
// people.yaml, with the files' contents at its head.
func rotaPR(t *testing.T, fake *forgetest.Server, files map[string]string) *forgetest.PR {
	t.Helper()
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	pr := fake.AddPR(forgetest.PR{Head: "swap", HeadOwner: "mallory", Base: "main", Author: "mallory", Title: "Swap", Files: paths})
	for p, data := range files {
		fake.Contents[pr.HeadSHA+":"+p] = data
	}
	return pr
}

// exampleFile returns a file of the example organisation.
func exampleFile(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(example(), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A pull request that changes a rotation and people.yaml: one comment
// showing who gains and loses which shifts, in each person's zone; review
// requests to exactly the people whose shifts change who are in the base
// branch's people.yaml; on the next push the comment is edited and only
// the newly affected person is asked. Someone the pull request adds is
// named, escaped, and never mentioned or asked.
//
// imoc-platform (weekly, Monday 09:00 New York) has marcus from 30
// November (shift 99) and jonas from 21 December (shift 102); the pull
// request swaps them, adds mallory, and gives dana two days away during
// her week of 7 December.
func TestPingRotaPullRequest(t *testing.T) {
	fake, gh := newFake(t)
	const rot = "rotations/imoc-platform.yaml"
	swap := exampleFile(t, rot) + "overrides:\n" +
		"  - {kind: replace, user: jonas, replaces: marcus, from: 2026-11-30T09:00:00-05:00, until: 2026-12-07T09:00:00-05:00, reason: swap}\n" +
		"  - {kind: replace, user: marcus, replaces: jonas, from: 2026-12-21T09:00:00-05:00, until: 2026-12-28T09:00:00-05:00, reason: swap}\n"
	people := strings.Replace(exampleFile(t, "people.yaml"), "    email: dana@fernway.example\n", "    email: dana@fernway.example\n    away: [{from: 2026-12-08, until: 2026-12-09, reason: \"ski [trip](https://evil.example) @fernway/everyone\"}]\n", 1)
	people += "  - {handle: mallory, name: \"Mallory @fernway/everyone [x](https://evil.example)\", github: mallory, time_zone: Europe/Paris, imoc: qualified}\n"
	pr := rotaPR(t, fake, map[string]string{rot: swap, "people.yaml": people})

	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"requested review from jbrandt", "requested review from marcus-webb", "comment created"}
	if diff := cmp.Diff(want, res.Did); diff != "" || res.Held != "" {
		t.Errorf("did (-want +got):\n%s\nheld %q", diff, res.Held)
	}
	if diff := cmp.Diff([]string{"jonas", "marcus"}, res.RotaChanged); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}

	// The next push gives tomas's week of 14 December to mallory.
	fake.Contents[pr.HeadSHA+":"+rot] = swap + "  - {kind: replace, user: mallory, replaces: tomas, from: 2026-12-14T09:00:00-05:00, until: 2026-12-21T09:00:00-05:00, reason: \"@fernway/everyone\"}\n"
	res, err = flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"requested review from tomas-alvarez", "comment edited"}, res.Did); diff != "" {
		t.Errorf("second push (-want +got):\n%s", diff)
	}
	// marcus's own pull request does not ask him, nor mention him.
	fake2, gh2 := newFake(t)
	pr2 := fake2.AddPR(forgetest.PR{Head: "swap", Base: "main", Author: "marcus-webb", Files: []string{rot}})
	fake2.Contents[pr2.HeadSHA+":"+rot] = swap
	res2, err := flow.Ping(t.Context(), gh2, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || !slices.Equal(res2.Did, []string{"requested review from jbrandt", "comment created"}) || strings.Contains(fake2.CommentsOn(1)[0].Body, "does not let Baton request your review") {
		t.Errorf("own pull request: %+v %v", res2, err)
	}
	if diff := cmp.Diff([]string{"jonas", "mallory", "marcus", "tomas"}, res.RotaChanged); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	reviewers := slices.Sorted(slices.Values(fake.PR(1).Reviewers))
	if diff := cmp.Diff([]string{"jbrandt", "marcus-webb", "tomas-alvarez"}, reviewers); diff != "" {
		t.Errorf("reviewers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{reviewRoute: 3, assignRoute: 0, labelRoute: 0, commentRoute: 1, editRoute: 1}, counts(fake, reviewRoute, assignRoute, labelRoute, commentRoute, editRoute)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	cs := fake.CommentsOn(1)
	if len(cs) != 1 {
		t.Fatalf("comments %+v", cs)
	}
	if strings.Contains(cs[0].Body, "@mallory") || strings.Contains(cs[0].Body, "@fernway") || strings.Contains(cs[0].Body, "](https") {
		t.Errorf("the comment mentions or links what the pull request wrote:\n%s", cs[0].Body)
	}
	golden(t, "ping-rota.golden", cs[0].Body)
}

// A pull request whose rotation files do not validate gets a neutral
// comment listing the problems, and nothing else; one that touches more
// than flow.MaxRotaFiles rotation files too, without any being read.
func TestHardening03PingInvalidRota(t *testing.T) {
	fake, gh := newFake(t)
	rotaPR(t, fake, map[string]string{"rotations/imoc-platform.yaml": strings.Replace(exampleFile(t, "rotations/imoc-platform.yaml"), "participants: [dana,", "participants: [mallory, dana,", 1)})
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || res.Held != flow.HeldInvalid || !slices.Equal(res.Did, []string{"comment created"}) || len(res.RotaChanged) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	body := fake.CommentsOn(1)[0].Body
	if !strings.Contains(body, "The rotation or people files in this pull request do not validate") || !strings.Contains(body, "| `rotations/imoc-platform.yaml` | 19 | `rotation/unknown-person` |") {
		t.Errorf("comment:\n%s", body)
	}

	fake, gh = newFake(t)
	files := map[string]string{}
	for i := range flow.MaxRotaFiles + 1 {
		files[fmt.Sprintf("rotations/r%d.yaml", i)] = "name: x\n"
	}
	rotaPR(t, fake, files)
	res, err = flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: example(), Now: now})
	if err != nil || res.Held != flow.HeldTooMany {
		t.Fatalf("%+v %v", res, err)
	}
	if diff := cmp.Diff(map[string]int{reviewRoute: 0, commentRoute: 1, contentRoute: 0}, counts(fake, reviewRoute, commentRoute, contentRoute)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// baton swap --pr: the swap is committed on its branch, the pull request
// shows who gains and loses which shifts and asks exactly those people;
// run again, nothing more happens.
func TestPublishSwap(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	shift := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	const branch = "baton/swap/imoc-platform/marcus-jonas-20261201T120000Z"
	swap := flow.RotaEdit(branch, "Swap on imoc-platform: marcus and jonas", "main", at, func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		res, _, err := edit.Swap(repo, fsys, "imoc-platform", "marcus", "jonas", shift, "")
		return res, err
	})
	pub := flow.Publication{Remote: "origin", DefaultBranch: "main", Branch: branch, Edit: swap, Now: at, Signature: gitrepo.DefaultSignature}
	res, err := flow.Publish(t.Context(), w.gh, w.git, pub)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed == "" || !res.Created || res.Ping == nil {
		t.Fatalf("%+v", res)
	}
	if diff := cmp.Diff([]string{"requested review from jbrandt", "requested review from marcus-webb"}, res.Ping.Did); diff != "" {
		t.Errorf("did (-want +got):\n%s", diff)
	}
	c, changed := w.head(t, branch)
	if !slices.Equal(changed, []string{"rotations/imoc-platform.yaml"}) || !strings.HasPrefix(c.Message, "Swap on imoc-platform: marcus and jonas\n") {
		t.Errorf("commit %q %v", c.Message, changed)
	}
	pr := w.fake.PR(1)
	for _, want := range []string{
		"**@marcus-webb (Marcus Webb, America/New\\_York)**: ",
		"- loses `imoc-platform` Mon 30 Nov 09:00 → Mon 7 Dec 09:00 EST (168 h)\n- gains `imoc-platform` Mon 21 Dec 09:00 → Mon 28 Dec 09:00 EST (168 h)\n",
		"- gains `imoc-platform` Mon 30 Nov 15:00 → Mon 7 Dec 15:00 CET (168 h)\n",
	} {
		if !strings.Contains(pr.Body, want) {
			t.Errorf("the body lacks %q:\n%s", want, pr.Body)
		}
	}
	if pr.Title != "Swap on imoc-platform: marcus and jonas" || len(w.fake.CommentsOn(1)) != 0 {
		t.Errorf("PR %+v", pr)
	}

	res, err = flow.Publish(t.Context(), w.gh, w.git, pub)
	if err != nil || res.Pushed != "" || res.Created || res.PR == nil || res.Ping != nil || !slices.Equal(res.Notes, []string{"rotations/imoc-platform.yaml already has these overrides; nothing changed"}) {
		t.Errorf("again: %+v %v", res, err)
	}
	if n := w.fake.Count(reviewRoute); n != 2 {
		t.Errorf("%d review requests", n)
	}
}

// A pull request that moves the shifts of more than flow.MaxRotaReviewers
// people gets the comment, which says so, and no review request.
func TestPingRotaTooManyPeople(t *testing.T) {
	fake, gh := newFake(t)
	var people, handles []string
	for i := range flow.MaxRotaReviewers + 2 {
		h := fmt.Sprintf("p%02d", i)
		handles = append(handles, h)
		people = append(people, fmt.Sprintf("  - {handle: %s, name: P%d, github: gh-%s, imoc: qualified}\n", h, i, h))
	}
	rot := "name: Big\ntime_zone: UTC\nlayers:\n  - rotation: {anchor: 2026-11-01T09:00, every: 1d, participants: [" + strings.Join(handles, ", ") + "]}\n"
	base := fstest.MapFS{
		"baton.yaml":         {Data: []byte("site: {title: T, base_url: https://t.example/, time_zone: UTC}\ngithub: {repo: fernway/incidents}\ncomponents:\n  - {id: api, name: API, tier: 1}\n")},
		"people.yaml":        {Data: []byte("people:\n" + strings.Join(people, ""))},
		"rotations/big.yaml": {Data: []byte(rot)},
	}
	rotaPR(t, fake, map[string]string{"rotations/big.yaml": strings.Replace(rot, "anchor: 2026-11-01T09:00", "anchor: 2026-11-02T09:00", 1)})
	res, err := flow.Ping(t.Context(), gh, flow.PingRequest{PR: 1, Base: base, Now: now})
	if err != nil || res.Held != "" || len(res.RotaChanged) != flow.MaxRotaReviewers+2 || !slices.Equal(res.Did, []string{"comment created"}) {
		t.Fatalf("%+v %v", res, err)
	}
	body := fake.CommentsOn(1)[0].Body
	if !strings.Contains(body, "The shifts of 22 people change, more than 20: Baton has asked nobody to review this pull request.") ||
		!strings.Contains(body, "And 2 more people.") || strings.Contains(body, "@gh-") {
		t.Errorf("comment:\n%s", body)
	}
}
