package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/batonhq/baton/internal/forge/forgetest"
)

const testToken = "ghs_NEVERprintTHIS0123456789abcdef"

// ghWorld is an example organisation in a git clone whose origin is a bare
// repository, and a fake GitHub API for fernway/incidents.
type ghWorld struct {
	t      *testing.T
	work   string
	bare   *git.Repository
	fake   *forgetest.Server
	envs   map[string]string
	output bytes.Buffer // everything every command printed
}

func newGHWorld(t *testing.T) *ghWorld {
	t.Helper()
	t.Setenv("HOME", t.TempDir()) // no global git identity
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	for _, name := range []string{"baton.yaml", "people.yaml", "rotations", "incidents"} {
		if err := copyTree(filepath.Join(exampleRoot(t), name), filepath.Join(work, name)); err != nil {
			t.Fatal(err)
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
	fake := forgetest.New(t, "fernway/incidents")
	fake.Token = testToken
	w := &ghWorld{t: t, work: work, bare: bare, fake: fake, envs: map[string]string{
		"GITHUB_TOKEN": testToken, "GITHUB_API_URL": fake.APIURL(), "GITHUB_ACTIONS": "true",
	}}
	return w
}

// run runs baton in-process and returns the exit code, stdout and stderr.
func (w *ghWorld) run(now string, args ...string) (int, string, string) {
	w.t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return w.envs[k] },
		now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}
	code := run(w.t.Context(), append([]string{"--repo", w.work, "--now", now}, args...), e)
	w.output.WriteString(stdout.String() + stderr.String())
	return code, stdout.String(), stderr.String()
}

func (w *ghWorld) mustRun(now string, args ...string) string {
	w.t.Helper()
	code, out, errOut := w.run(now, args...)
	if code != 0 {
		w.t.Fatalf("baton %v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// commits returns the commits of a remote branch, newest first, down to
// main's head.
func (w *ghWorld) commits(branch string) []*object.Commit {
	w.t.Helper()
	ref, err := w.bare.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		w.t.Fatalf("remote branch %s: %v", branch, err)
	}
	main, _ := w.bare.Reference(plumbing.NewBranchReferenceName("main"), true)
	var out []*object.Commit
	for h := ref.Hash(); h != main.Hash(); {
		c, err := w.bare.CommitObject(h)
		if err != nil || len(c.ParentHashes) != 1 {
			w.t.Fatalf("commit %s: %v", h, err)
		}
		out = append(out, c)
		h = c.ParentHashes[0]
	}
	return out
}

// changedFiles lists the paths a commit changes relative to its parent.
func changedFiles(t *testing.T, c *object.Commit) []string {
	t.Helper()
	p, _ := c.Parent(0)
	pt, _ := p.Tree()
	ct, _ := c.Tree()
	ch, err := pt.Diff(ct)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range ch {
		out = append(out, x.To.Name)
	}
	return out
}

func TestDeclarePRTwice(t *testing.T) {
	w := newGHWorld(t)
	const id = "2026-11-27-card-payments-failing-in-eu"
	const branch = "baton/incident/" + id
	// --rotation: checkout's own rotation would be imoc-global; this test
	// is about the pull request, with the platform IMOC.
	args := []string{"declare", "--title", "Card payments failing in EU", "--severity", "SEV1", "--component", "checkout:major_outage", "--owner", "ellie", "--visibility", "public", "--rotation", "imoc-platform", "--pr"}
	out1 := w.mustRun("2026-11-27T15:04:05Z", args...)
	out2 := w.mustRun("2026-11-27T15:09:00Z", args...) // a second run, minutes later
	url := "https://github.example/fernway/incidents/pull/1"
	if !strings.HasSuffix(out1, url+"\n") || !strings.HasSuffix(out2, url+"\n") {
		t.Errorf("outputs:\n%s\n%s", out1, out2)
	}
	// What was declared, before the URL, which stays the last line.
	for _, want := range []string{
		"declared " + id + ": SEV1, IMOC jonas, owner ellie\n",
		"rotation imoc-platform: given with --rotation\n",
		"public: on the status page after the pull request is merged and the site is built\n" + url + "\n",
	} {
		if !strings.Contains(out1, want) {
			t.Errorf("first output lacks %q:\n%s", want, out1)
		}
	}
	if len(w.fake.PRs) != 1 {
		t.Fatalf("%d pull requests", len(w.fake.PRs))
	}
	for route, want := range map[string]int{
		"POST /repos/fernway/incidents/pulls":                       1,
		"POST /repos/fernway/incidents/pulls/1/requested_reviewers": 1,
		"POST /repos/fernway/incidents/issues/1/labels":             1,
		"POST /repos/fernway/incidents/labels":                      1,
		"POST /repos/fernway/incidents/issues/1/assignees":          1,
		"POST /repos/fernway/incidents/issues/1/comments":           1,
	} {
		if got := w.fake.Count(route); got != want {
			t.Errorf("%s: %d requests, want %d", route, got, want)
		}
	}
	pr := w.fake.PR(1)
	if pr.Head != branch || pr.Base != "main" || pr.Title != "Declare incident: Card payments failing in EU" {
		t.Errorf("PR %+v", pr)
	}
	// jonas (GitHub jbrandt) is the platform IMOC on call; ellie owns it.
	if strings.Join(pr.Reviewers, ",") != "jbrandt" || strings.Join(pr.Assignees, ",") != "elliepark" || strings.Join(pr.Labels, ",") != "SEV1" || w.fake.Labels["SEV1"] != "b60205" {
		t.Errorf("reviewers %v assignees %v labels %v (%v)", pr.Reviewers, pr.Assignees, pr.Labels, w.fake.Labels)
	}
	cs := w.fake.CommentsOn(1)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "<!-- baton:ping -->") || !strings.Contains(cs[0].Body, "| IMOC | @jbrandt (Jonas Brandt) |") {
		t.Errorf("comments %+v", cs)
	}

	// The pushed branch holds exactly one commit, adding exactly the
	// incident, by baton (GITHUB_ACTIONS is set).
	commits := w.commits(branch)
	if len(commits) != 1 {
		t.Fatalf("%d commits on %s", len(commits), branch)
	}
	c := commits[0]
	if c.Author.Name != "baton" || c.Author.Email != "baton@localhost" || !strings.HasPrefix(c.Message, "Declare "+id) {
		t.Errorf("commit %v %q", c.Author, c.Message)
	}
	if got := changedFiles(t, c); strings.Join(got, ",") != "incidents/2026/"+id+"/incident.md" {
		t.Errorf("changed %v", got)
	}
	f, err := c.File("incidents/2026/" + id + "/incident.md")
	if err != nil {
		t.Fatal(err)
	}
	content, _ := f.Contents()
	if !strings.Contains(content, "\ndeclared: 2026-11-27T15:04:05Z\n") || !strings.Contains(content, "\nimoc: jonas ") {
		t.Errorf("incident.md:\n%s", content)
	}
	// The working tree was not touched.
	if _, err := os.Stat(filepath.Join(w.work, "incidents/2026", id)); !os.IsNotExist(err) {
		t.Errorf("the working tree got the incident: %v", err)
	}

	// update --pr goes to the same branch and pull request; the comment is
	// edited, not added.
	out := w.mustRun("2026-11-27T15:30:00Z", "update", id, "--status", "resolved", "--message", "Card payments work again.", "--pr")
	if want := "SEV1 requires a postmortem approved by 2026-12-02 (5 days after resolution): baton postmortem " + id + " --pr\n" + url + "\n"; !strings.HasSuffix(out, want) {
		t.Errorf("update --pr output does not end with %q:\n%s", want, out)
	}
	w.mustRun("2026-11-27T15:31:00Z", "update", id, "--status", "resolved", "--message", "Card payments work again.", "--pr")
	if len(w.fake.PRs) != 1 || len(w.commits(branch)) != 2 {
		t.Errorf("%d PRs, %d commits", len(w.fake.PRs), len(w.commits(branch)))
	}
	cs = w.fake.CommentsOn(1)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "| Status | resolved") || !strings.Contains(cs[0].Body, "SEV1 requires a postmortem approved by 2026-12-02") {
		t.Errorf("comments after update: %+v", cs)
	}
	if n := w.fake.Count("PATCH /repos/fernway/incidents/issues/comments/*"); n != 1 {
		t.Errorf("%d comment edits", n)
	}
	w.assertNoToken()
}

func TestPostmortemPRMentionsAuthorIMOC(t *testing.T) {
	w := newGHWorld(t)
	// The token belongs to the IMOC of 2026-03-03-dns-outage's… pick an
	// incident without a postmortem: 2026-10-13-duplicate-payout-emails.
	const id = "2026-10-13-duplicate-payout-emails"
	code, out, errOut := w.run("2026-11-27T10:00:00Z", "postmortem", id, "--pr")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	pr := w.fake.PR(1)
	if pr == nil || pr.Head != "baton/postmortem/"+id || !strings.HasPrefix(pr.Title, "Postmortem: ") {
		t.Fatalf("PR %+v", pr)
	}
	if got := changedFiles(t, w.commits(pr.Head)[0]); strings.Join(got, ",") != "incidents/2026/"+id+"/postmortem.md" {
		t.Errorf("changed %v", got)
	}
	cs := w.fake.CommentsOn(1)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "### Postmortem of `"+id+"`") || !strings.Contains(cs[0].Body, "Review the postmortem") {
		t.Errorf("comment %+v", cs)
	}
	if len(pr.Reviewers) != 1 {
		t.Errorf("reviewers %v", pr.Reviewers)
	}

	// When the IMOC opened the pull request, review cannot be requested:
	// the comment @-mentions them instead.
	w2 := newGHWorld(t)
	w2.fake.Login = pr.Reviewers[0]
	w2.mustRun("2026-11-27T10:00:00Z", "postmortem", id, "--pr")
	p2 := w2.fake.PR(1)
	if len(p2.Reviewers) != 0 || w2.fake.Count("POST /repos/fernway/incidents/pulls/1/requested_reviewers") != 0 {
		t.Errorf("reviewers %v", p2.Reviewers)
	}
	if cs := w2.fake.CommentsOn(1); len(cs) != 1 || !strings.Contains(cs[0].Body, "@"+pr.Reviewers[0]+": GitHub does not let Baton request your review") {
		t.Errorf("comment %+v", cs)
	}
	w.assertNoToken()
	w2.assertNoToken()
}

func TestPingTwice(t *testing.T) {
	w := newGHWorld(t)
	const id = "2026-11-26-invoice-email-delays"
	p := "incidents/2026/" + id + "/incident.md"
	base, err := os.ReadFile(filepath.Join(w.work, p))
	if err != nil {
		t.Fatal(err)
	}
	pr := w.fake.AddPR(forgetest.PR{Head: "someone/update", Base: "main", Author: "hannah-osei", Files: []string{p, "README.md"}})
	// The PR moves the incident to monitoring; ping reads that through the
	// API at the head commit.
	head := strings.Replace(string(base), "status: identified\n", "status: monitoring\n", 1) + ""
	head = strings.Replace(head, "tags: [email", "  - at: 2026-11-27T09:00:00Z\n    status: monitoring\n    message: Delivered.\ntags: [email", 1)
	w.fake.Contents[pr.HeadSHA+":"+p] = head
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"action":"opened","pull_request":{"number":1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w.envs["GITHUB_EVENT_PATH"] = event
	out := w.mustRun("2026-11-27T10:00:00Z", "ping")
	if !strings.Contains(out, "#1: requested review from marcus-webb; assigned hannah-osei; labelled SEV3; comment created") {
		t.Errorf("first ping: %s", out)
	}
	cs := w.fake.CommentsOn(1)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "| Status | monitoring") || !strings.Contains(cs[0].Body, "| Shadows | @kainakamura (Kai Nakamura) |") {
		t.Fatalf("comment %+v", cs)
	}
	// The PR changes again: resolved. A second ping edits the comment.
	head2 := strings.Replace(head, "status: monitoring\nvisibility", "status: resolved\nvisibility", 1)
	head2 = strings.Replace(head2, "acknowledged: 2026-11-26T16:14:00Z\n", "acknowledged: 2026-11-26T16:14:00Z\nresolved: 2026-11-27T09:30:00Z\n", 1)
	head2 = strings.Replace(head2, "tags: [email", "  - at: 2026-11-27T09:30:00Z\n    status: resolved\n    message: Done.\ntags: [email", 1)
	w.fake.Contents[pr.HeadSHA+":"+p] = head2
	out = w.mustRun("2026-11-27T10:00:00Z", "ping", "--pr", "1")
	if !strings.Contains(out, "#1: comment edited") {
		t.Errorf("second ping: %s", out)
	}
	cs = w.fake.CommentsOn(1)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "| Status | resolved") {
		t.Errorf("comment %+v", cs)
	}
	// A third ping with nothing new changes nothing.
	out = w.mustRun("2026-11-27T10:00:00Z", "ping", "--pr", "1")
	if !strings.Contains(out, "#1: comment unchanged") || w.fake.Count("PATCH /repos/fernway/incidents/issues/comments/*") != 1 || w.fake.Count("POST /repos/fernway/incidents/pulls/1/requested_reviewers") != 1 {
		t.Errorf("third ping: %s", out)
	}
	w.assertNoToken()
}

func TestGitHubErrorsHaveHints(t *testing.T) {
	w := newGHWorld(t)
	w.fake.Script("GET /repos/fernway/incidents/pulls/7", forgetest.Response{Status: 404, Body: `{"message":"Not Found"}`})
	code, _, errOut := w.run("2026-11-27T10:00:00Z", "ping", "--pr", "7")
	if code != exitFailure || !strings.Contains(errOut, "baton: error: reading pull request #7: GitHub answered 404 Not Found") || !strings.Contains(errOut, "baton: hint: check github.repo (fernway/incidents)") {
		t.Errorf("404: exit %d\n%s", code, errOut)
	}
	w.envs["GITHUB_TOKEN"] = "wrong-" + testToken
	code, _, errOut = w.run("2026-11-27T10:00:00Z", "ping", "--pr", "7")
	if code != exitFailure || !strings.Contains(errOut, "401 Bad credentials") || !strings.Contains(errOut, "baton: hint: the token was rejected") {
		t.Errorf("401: exit %d\n%s", code, errOut)
	}
	w.envs["GITHUB_TOKEN"] = ""
	code, _, errOut = w.run("2026-11-27T10:00:00Z", "ping", "--pr", "7")
	if code != exitFailure || !strings.Contains(errOut, "baton: error: no GitHub token") {
		t.Errorf("no token: exit %d\n%s", code, errOut)
	}
	// --token and GH_TOKEN are honoured (the fake answers 404 only once).
	w.envs["GH_TOKEN"] = testToken
	w.fake.AddPR(forgetest.PR{Head: "x", Base: "main"})
	if code, out, errOut := w.run("2026-11-27T10:00:00Z", "ping", "--pr", "1"); code != 0 || !strings.Contains(out, "touches no incident") {
		t.Errorf("GH_TOKEN: exit %d %s%s", code, out, errOut)
	}
	w.envs["GH_TOKEN"] = ""
	if code, _, errOut := w.run("2026-11-27T10:00:00Z", "ping", "--pr", "1", "--token", testToken); code != 0 {
		t.Errorf("--token: exit %d %s", code, errOut)
	}
	w.envs["GITHUB_TOKEN"] = testToken
	w.assertNoToken()
}

func TestHandoffIssueComment(t *testing.T) {
	w := newGHWorld(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	w.envs["GITHUB_STEP_SUMMARY"] = summary
	w.fake.AddPR(forgetest.PR{Head: "tracking", Base: "main"}) // issue #1
	out := w.mustRun("2026-11-27T16:10:00Z", "handoff", "--issue", "1")
	if !strings.Contains(out, "| Fri 2026-11-27 22:00 UTC | Tomás Álvarez (@tomas-alvarez) | Marcus Webb (@marcus-webb) |") {
		t.Errorf("handoff:\n%s", out)
	}
	data, _ := os.ReadFile(summary)
	if string(data) != out {
		t.Errorf("summary differs from stdout:\n%s", data)
	}
	w.mustRun("2026-11-27T16:20:00Z", "handoff", "--issue", "1")
	if cs := w.fake.CommentsOn(1); len(cs) != 1 || !strings.Contains(cs[0].Body, "<!-- baton:handoff:2026-11-27 -->") {
		t.Errorf("comments %+v", cs)
	}
	w.assertNoToken()
}

// assertNoToken checks that the token appears in no output and in no
// request body or path the fake received (only in Authorization headers).
func (w *ghWorld) assertNoToken() {
	w.t.Helper()
	if strings.Contains(w.output.String(), testToken) {
		w.t.Errorf("the token appears in the output:\n%s", w.output.String())
	}
	for _, r := range w.fake.Requests() {
		if strings.Contains(r.String()+r.Body, testToken) {
			w.t.Errorf("the token appears in request %s", r)
		}
	}
}

// hostileIncident is a new incident as a fork's pull request might add it:
// markup, mentions and links in the title, an IMOC who is not on call when
// it says it was declared (sofia is, on imoc-global, with kai shadowing),
// and a trainee shadow the rotation does not pair with anyone then.
const hostileIncident = `---
title: "Pwned @fernway/everyone @jbrandt #1 fernway/incidents#2 GH-3 [click](https://evil.example) ![x](https://evil.example/i.png) <img src=x onerror=alert(1)> www.evil.example | fake | row **bold**"
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

// Issue "Hardening", item 3: ping trusted the pull request. It asked the
// IMOC the pull request named for a review and wrote its title raw into
// the comment. Now the IMOC asked is the one the base branch's rotation had
// on call, the title is escaped, the pull request's people.yaml and
// rotations are read only as data (here they do not validate, so their
// section of the comment says so and asks nobody), and a pull request
// whose incident files do not validate gets a neutral comment and no
// requests.
func TestHardening03PingDoesNotTrustThePullRequest(t *testing.T) {
	w := newGHWorld(t)
	const p = "incidents/2026/2026-11-27-pwned/incident.md"
	pr := w.fake.AddPR(forgetest.PR{Head: "evil/branch", HeadOwner: "mallory", Base: "main", Author: "mallory",
		Title: "@everyone", Files: []string{p, "people.yaml", "rotations/imoc-global.yaml"}})
	w.fake.Contents[pr.HeadSHA+":"+p] = hostileIncident
	// Whatever the pull request's people.yaml says, it decides nobody's
	// roles; this one leaves the rotations' participants unknown.
	w.fake.Contents[pr.HeadSHA+":people.yaml"] = "people:\n  - {handle: priya, name: P, github: mallory, imoc: qualified}\n"
	out := w.mustRun("2026-11-27T10:30:00Z", "ping", "--pr", "1")

	got := w.fake.PR(1)
	if strings.Join(got.Reviewers, ",") != "sofialindqvist" {
		t.Errorf("review requested from %v, want only sofia (sofialindqvist), who was on call; output:\n%s", got.Reviewers, out)
	}
	if strings.Join(got.Assignees, ",") != "elliepark" {
		t.Errorf("assignees %v", got.Assignees)
	}
	for _, r := range w.fake.Requests() {
		if r.Method == "GET" && strings.HasPrefix(r.Path, "/repos/fernway/incidents/contents/") && !strings.HasSuffix(r.Path, "/incident.md") &&
			r.Path != "/repos/fernway/incidents/contents/people.yaml" && r.Path != "/repos/fernway/incidents/contents/rotations/imoc-global.yaml" {
			t.Errorf("read %s from the pull request", r.Path)
		}
	}
	cs := w.fake.CommentsOn(1)
	if len(cs) != 1 {
		t.Fatalf("comments %+v", cs)
	}
	body := cs[0].Body
	for _, bad := range []string{"@fernway/everyone", "@jbrandt", "#1 ", "fernway/incidents#2", "GH-3", "[click](", "![x](", "<img", "https://evil", "www.evil", "| fake |", "**bold**", "@noorhaddad", "@praman"} {
		// Present only when not escaped by a backslash.
		if strings.Contains(strings.ReplaceAll(body, `\<`, ""), bad) {
			t.Errorf("the comment contains %q:\n%s", bad, body)
		}
	}
	for _, want := range []string{"| IMOC | @sofialindqvist (Sofia Lindqvist) |", "| Owner | @elliepark (Ellie Park) |", "| Shadows | Noor Haddad |",
		"The pull request names `priya` as the IMOC, but `sofia` was on call on `imoc-global`",
		"### Rotations\n\nThe rotation or people files in this pull request do not validate, so Baton has not worked out whose shifts change"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, body)
		}
	}

	// The same pull request with an owner who is not in people.yaml does
	// not validate: one neutral comment, nothing requested.
	w2 := newGHWorld(t)
	pr2 := w2.fake.AddPR(forgetest.PR{Head: "evil/branch", HeadOwner: "mallory", Base: "main", Author: "mallory", Files: []string{p}})
	w2.fake.Contents[pr2.HeadSHA+":"+p] = strings.Replace(hostileIncident, "owner: ellie", "owner: mallory", 1)
	w2.mustRun("2026-11-27T10:30:00Z", "ping", "--pr", "1")
	for _, route := range []string{"POST /repos/fernway/incidents/pulls/1/requested_reviewers", "POST /repos/fernway/incidents/issues/1/assignees", "POST /repos/fernway/incidents/issues/1/labels"} {
		if n := w2.fake.Count(route); n != 0 {
			t.Errorf("invalid pull request: %s %d times", route, n)
		}
	}
	if cs := w2.fake.CommentsOn(1); len(cs) != 1 || !strings.Contains(cs[0].Body, "do not validate") || !strings.Contains(cs[0].Body, "`incident/unknown-person`") || strings.Contains(cs[0].Body, "mallory") {
		t.Errorf("invalid pull request: comments %+v", cs)
	}
	w.assertNoToken()
	w2.assertNoToken()
}

// GITHUB_SERVER_URL names the host git may send the token to.
func TestTokenHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "github.com",
		"https://github.com":            "github.com",
		"https://ghe.example.com/":      "ghe.example.com",
		"https://ghe.example.com:8443/": "ghe.example.com:8443",
	} {
		g := &globals{env: &env{getenv: func(string) string { return in }}}
		if got, err := tokenHost(g); err != nil || got != want {
			t.Errorf("GITHUB_SERVER_URL=%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"ghe.example.com", "https://user:pw@ghe.example.com", "::"} {
		g := &globals{env: &env{getenv: func(string) string { return in }}}
		if _, err := tokenHost(g); err == nil {
			t.Errorf("GITHUB_SERVER_URL=%q accepted", in)
		}
	}
}

// With a GitHub App's token, BATON_APP_LOGIN lets Baton recognise its own
// comment: a second handoff edits it instead of writing another.
func TestAppLoginEditsOwnComment(t *testing.T) {
	w := newGHWorld(t)
	w.fake.Login = "baton-app[bot]"
	w.envs["BATON_APP_LOGIN"] = "baton-app[bot]"
	w.fake.AddPR(forgetest.PR{Head: "tracking", Base: "main"})
	w.mustRun("2026-11-27T16:10:00Z", "handoff", "--issue", "1")
	w.mustRun("2026-11-27T16:20:00Z", "handoff", "--issue", "1", "--hours", "12")
	if cs := w.fake.CommentsOn(1); len(cs) != 1 || w.fake.Count("PATCH /repos/fernway/incidents/issues/comments/*") != 1 {
		t.Errorf("comments %+v", cs)
	}
}

// baton swap --pr and baton override --pr: the rotation change on its own
// branch, a pull request that shows who gains and loses which shifts, the
// people whose shifts change asked to review; run again, nothing more.
func TestRotaChangesPR(t *testing.T) {
	w := newGHWorld(t)
	args := []string{"swap", "--rotation", "imoc-platform", "marcus", "jonas", "--shift", "2026-12-01T12:00:00Z", "--pr"}
	out1 := w.mustRun("2026-11-27T12:00:00Z", args...)
	out2 := w.mustRun("2026-11-27T12:05:00Z", args...)
	url := "https://github.example/fernway/incidents/pull/1"
	if !strings.HasSuffix(out1, url+"\n") || !strings.HasSuffix(out2, url+"\n") || !strings.Contains(out1, "pushed baton/swap/imoc-platform/marcus-jonas-20261201T120000Z") {
		t.Errorf("outputs:\n%s\n%s", out1, out2)
	}
	pr := w.fake.PR(1)
	if pr.Title != "Swap on imoc-platform: marcus and jonas" || !strings.Contains(pr.Body, "- gains `imoc-platform` Mon 21 Dec 09:00 → Mon 28 Dec 09:00 EST (168 h)") {
		t.Errorf("PR %q\n%s", pr.Title, pr.Body)
	}
	if got := strings.Join(pr.Reviewers, ","); got != "jbrandt,marcus-webb" {
		t.Errorf("reviewers %s", got)
	}
	if n := len(w.commits("baton/swap/imoc-platform/marcus-jonas-20261201T120000Z")); n != 1 {
		t.Errorf("%d commits", n)
	}

	w.mustRun("2026-11-27T12:10:00Z", "override", "--rotation", "imoc-platform", "--user", "dana", "--replaces", "tomas",
		"--from", "2026-12-15T09:00:00-05:00", "--until", "2026-12-16T09:00:00-05:00", "--pr")
	pr = w.fake.PR(2)
	if pr == nil || pr.Head != "baton/override/imoc-platform/dana-20261215T140000Z" || strings.Join(pr.Reviewers, ",") != "dokafor,tomas-alvarez" {
		t.Errorf("override PR %+v", pr)
	}
	w.assertNoToken()
}
