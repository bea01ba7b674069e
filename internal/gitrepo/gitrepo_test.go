package gitrepo

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

var when = time.Date(2026, 11, 20, 14, 3, 0, 0, time.UTC)

// setup creates a bare repository "origin" and a clone with one commit on
// main that has been pushed. It returns the clone's folder and the bare
// repository.
func setup(t *testing.T, files map[string]string) (string, *git.Repository) {
	t.Helper()
	dir := t.TempDir()
	bareDir := filepath.Join(dir, "origin.git")
	bare, err := git.PlainInitWithOptions(bareDir, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	r, err := git.PlainInitWithOptions(work, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	for p, data := range files {
		full := filepath.Join(work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "Ann", Email: "ann@example.com", When: when}
	if _, err := wt.Commit("initial", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bareDir}}); err != nil {
		t.Fatal(err)
	}
	if err := r.PushContext(t.Context(), &git.PushOptions{RemoteName: "origin"}); err != nil {
		t.Fatal(err)
	}
	return work, bare
}

// treeFiles lists every file of a commit's tree with its content.
func treeFiles(t *testing.T, c *object.Commit) map[string]string {
	t.Helper()
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = tree.Files().ForEach(func(f *object.File) error {
		s, err := f.Contents()
		out[f.Name] = s
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCommitAndPush(t *testing.T) {
	base := map[string]string{
		"baton.yaml": "site: {}\n",
		"incidents/2026/2026-01-01-a/incident.md": "---\ntitle: A\n---\n",
		"incidents/README.md":                     "readme\n",
		"z.txt":                                   "z\n",
	}
	work, bare := setup(t, base)
	ctx := t.Context()
	r, err := Open(ctx, filepath.Join(work, "incidents"), Options{}) // found from a subfolder
	if err != nil {
		t.Fatal(err)
	}
	have, err := r.Fetch(ctx, "origin", "main", "baton/incident/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := have["main"]; !ok || len(have) != 1 {
		t.Fatalf("fetched %v", have)
	}
	parent, err := r.Resolve("origin/main")
	if err != nil {
		t.Fatal(err)
	}

	edits := []File{
		{Path: "incidents/2026/2026-01-01-a/incident.md", Data: []byte("---\ntitle: A\nstatus: resolved\n---\n")},
		{Path: "incidents/2026/2026-11-20-new/incident.md", Data: []byte("---\ntitle: New\n---\n")},
	}
	sig := Signature{Name: "Bob Roe", Email: "bob@example.com"}
	hash, changed, err := r.Commit(ctx, parent, edits, "Declare 2026-11-20-new\n", sig, when)
	if err != nil || !changed {
		t.Fatalf("commit: %v %v", changed, err)
	}
	if err := r.SetBranch("baton/incident/2026-11-20-new", hash); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, "origin", "baton/incident/2026-11-20-new", false); err != nil {
		t.Fatal(err)
	}

	// The remote branch holds exactly one new commit on top of main, with
	// the expected files and author.
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("baton/incident/2026-11-20-new"), true)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Hash().String() != hash {
		t.Fatalf("remote branch at %s, want %s", ref.Hash(), hash)
	}
	c, err := bare.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ParentHashes) != 1 || c.ParentHashes[0].String() != parent {
		t.Errorf("parents %v, want %s", c.ParentHashes, parent)
	}
	if c.Author.Name != "Bob Roe" || c.Author.Email != "bob@example.com" || !c.Author.When.Equal(when) || c.Message != "Declare 2026-11-20-new\n" {
		t.Errorf("author %v message %q", c.Author, c.Message)
	}
	want := map[string]string{}
	for k, v := range base {
		want[k] = v
	}
	for _, f := range edits {
		want[f.Path] = string(f.Data)
	}
	if diff := cmp.Diff(want, treeFiles(t, c)); diff != "" {
		t.Errorf("pushed tree (-want +got):\n%s", diff)
	}
	// git fsck-level sanity: the tree entries are in git order, so the
	// tree hash is what git itself computes for the same content.
	if out := gitCmd(t, work, "ls-tree", "-r", "--name-only", hash); out != strings.Join([]string{
		"baton.yaml", "incidents/2026/2026-01-01-a/incident.md", "incidents/2026/2026-11-20-new/incident.md", "incidents/README.md", "z.txt",
	}, "\n")+"\n" {
		t.Errorf("git ls-tree:\n%s", out)
	}
	gitCmd(t, filepath.Join(filepath.Dir(work), "origin.git"), "fsck", "--strict")

	// The same files again change nothing.
	again, changed, err := r.Commit(ctx, hash, edits, "again", sig, when)
	if err != nil || changed || again != hash {
		t.Errorf("recommit: %s %v %v", again, changed, err)
	}

	// Changed files and the revision as a file system.
	files, err := r.ChangedFiles(ctx, "origin/main", "baton/incident/2026-11-20-new")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"incidents/2026/2026-01-01-a/incident.md", "incidents/2026/2026-11-20-new/incident.md"}, files); diff != "" {
		t.Errorf("changed files (-want +got):\n%s", diff)
	}
	fsys, err := r.FS(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "baton.yaml", "incidents/2026/2026-11-20-new/incident.md", "incidents/README.md"); err != nil {
		t.Error(err)
	}
	data, err := fs.ReadFile(fsys, "incidents/2026/2026-11-20-new/incident.md")
	if err != nil || string(data) != "---\ntitle: New\n---\n" {
		t.Errorf("read %q %v", data, err)
	}

	// The working tree and HEAD were not touched.
	lr, _ := git.PlainOpen(work)
	wt, _ := lr.Worktree()
	st, err := wt.Status()
	if err != nil || !st.IsClean() {
		t.Errorf("worktree status %v %v", st, err)
	}
	head, _ := lr.Head()
	if head.Name() != plumbing.Main || head.Hash().String() != parent {
		t.Errorf("HEAD moved: %v", head)
	}

	// A non-fast-forward push is refused without force.
	other, _, err := r.Commit(ctx, parent, []File{{Path: "x", Data: []byte("x")}}, "other", sig, when)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("baton/incident/2026-11-20-new", other); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, "origin", "baton/incident/2026-11-20-new", false); err == nil {
		t.Error("non-fast-forward push succeeded")
	}
}

func TestSetBranchRefusesCheckedOut(t *testing.T) {
	work, _ := setup(t, map[string]string{"a": "a"})
	r, err := Open(t.Context(), work, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parent, _ := r.Resolve("main")
	h, _, err := r.Commit(t.Context(), parent, []File{{Path: "b", Data: []byte("b")}}, "b", DefaultSignature, when)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("main", h); err == nil || !strings.Contains(err.Error(), "checked out") {
		t.Errorf("err = %v", err)
	}
	if _, _, err := r.Commit(t.Context(), parent, []File{{Path: "../evil", Data: nil}}, "x", DefaultSignature, when); err == nil {
		t.Error("path with .. accepted")
	}
}

func TestIdentity(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	work, _ := setup(t, map[string]string{"a": "a"})
	r, _ := Open(t.Context(), work, Options{})
	if got := r.Identity(); got != DefaultSignature {
		t.Errorf("no identity: %v", got)
	}
	lr, _ := git.PlainOpen(work)
	cfg, _ := lr.Config()
	cfg.User.Name, cfg.User.Email = "Carol", "carol@example.com"
	if err := lr.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	r, _ = Open(t.Context(), work, Options{})
	if got := r.Identity(); got != (Signature{"Carol", "carol@example.com"}) {
		t.Errorf("identity %v", got)
	}
}

// authServer is an HTTPS (or plain HTTP) git server that records the
// Authorization header of every request and answers 401, or redirects
// every request to redirect when it is set.
type authServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newAuthServer(t *testing.T, tls bool, redirect string) *authServer {
	t.Helper()
	s := &authServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.mu.Lock()
		s.auths = append(s.auths, req.Header.Get("Authorization"))
		s.mu.Unlock()
		if redirect != "" {
			http.Redirect(w, req, redirect+req.URL.RequestURI(), http.StatusFound)
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "Bad credentials", http.StatusUnauthorized)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

// seen returns the Authorization headers received so far.
func (s *authServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.auths)
}

// host is the server's host:port.
func (s *authServer) host() string {
	return strings.TrimPrefix(strings.TrimPrefix(s.URL, "https://"), "http://")
}

// caBundle is the PEM certificate of httptest's TLS servers (they share
// one).
func caBundle(s *authServer) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// withRemote returns a clone whose origin is url, with extra git config
// lines (key, value pairs) set.
func withRemote(t *testing.T, url string, cfg ...string) string {
	t.Helper()
	work, _ := setup(t, map[string]string{"a": "a"})
	gitCmd(t, work, "remote", "set-url", "origin", url)
	for i := 0; i+1 < len(cfg); i += 2 {
		gitCmd(t, work, "config", cfg[i], cfg[i+1])
	}
	return work
}

// Issue "Hardening", item 4: the GitHub token went to whatever the git
// remote was: gitrepo added x-access-token:<token> to any http(s) remote on
// any host, plain http included. It now goes only over HTTPS to the GitHub
// host (Options.TokenHost), judged on the URL go-git really uses.
func TestHardening04TokenOnlyToGitHubOverHTTPS(t *testing.T) {
	for _, tc := range []struct {
		url, host string
		want      bool
	}{
		{"https://github.com/acme/incidents.git", "", true},
		{"https://github.com/acme/incidents", "github.com", true},
		{"HTTPS://GitHub.COM/acme/incidents", "github.com", true},
		{"https://github.com:443/acme/incidents", "github.com", true},
		{"https://github.com/acme/incidents", "GITHUB.com:443", true},
		{"http://github.com/acme/incidents", "github.com", false},
		{"https://github.com:8443/acme/incidents", "github.com", false},
		{"https://github.com./acme/incidents", "github.com", false},
		{"https://github.com.evil.example/acme/incidents", "github.com", false},
		{"https://github.com@evil.example/acme/incidents", "github.com", false},
		{"https://evil.example/github.com/acme/incidents", "github.com", false},
		{"https://evil.example#@github.com/acme", "github.com", false},
		{"https://api.github.com/acme/incidents", "github.com", false},
		{"https://gïthub.com/acme/incidents", "github.com", false},
		{"https://xn--gthub-n4a.com/acme/incidents", "github.com", false},
		{"https://someone:secret@github.com/acme/incidents", "github.com", false},
		{"https://x-access-token@github.com/acme/incidents", "github.com", false},
		{"git@github.com:acme/incidents.git", "github.com", false},
		{"ssh://git@github.com/acme/incidents.git", "github.com", false},
		{"git://github.com/acme/incidents.git", "github.com", false},
		{"file:///srv/git/incidents.git", "github.com", false},
		{"/srv/git/incidents.git", "github.com", false},
		{"https:github.com/acme/incidents", "github.com", false},
		{"https://ghe.example.com/acme/incidents", "ghe.example.com", true},
		{"https://ghe.example.com:8443/acme/incidents", "ghe.example.com:8443", true},
		{"https://ghe.example.com/acme/incidents", "ghe.example.com:8443", false},
		{"https://github.com/acme/incidents", "ghe.example.com", false},
		{"https://github.com/acme/incidents", "user@github.com", false},
		{"https://github.com/acme/incidents", "github.com/path", false},
	} {
		host := tc.host
		if host == "" {
			host = DefaultTokenHost
		}
		if got := TokenAllowed(tc.url, host); got != tc.want {
			t.Errorf("TokenAllowed(%q, %q) = %v, want %v", tc.url, host, got, tc.want)
		}
	}

	// What real servers receive.
	const token = "ghs_SECRETtoken123"
	tokenAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+token))
	github := newAuthServer(t, true, "")        // plays the GitHub host
	other := newAuthServer(t, true, "")         // another HTTPS host
	plain := newAuthServer(t, false, "")        // plain http on the GitHub host's address
	bounce := newAuthServer(t, true, other.URL) // the GitHub host redirecting elsewhere
	ca := caBundle(github)
	for _, tc := range []struct {
		name   string
		work   string
		host   string
		server *authServer
		want   string // Authorization the server must see on every request
		hint   string // in the error's hint
	}{
		{"https to the GitHub host", withRemote(t, github.URL+"/acme/incidents.git"), github.host(), github, tokenAuth, "refused the token"},
		{"plain http", withRemote(t, plain.URL+"/acme/incidents.git"), plain.host(), plain, "", "only over HTTPS"},
		{"another host", withRemote(t, other.URL+"/acme/incidents.git"), github.host(), other, "", "only over HTTPS to " + github.host()},
		{"default host", withRemote(t, github.URL+"/acme/incidents.git"), "", github, "", "only over HTTPS to github.com"},
		{"credentials in the URL", withRemote(t, strings.Replace(github.URL, "https://", "https://someone:urlpassword@", 1)+"/acme/incidents.git"), github.host(), github,
			"Basic " + base64.StdEncoding.EncodeToString([]byte("someone:urlpassword")), "only over HTTPS"},
		// insteadOf rewrites what go-git connects to; the decision follows.
		{"insteadOf to another host", withRemote(t, github.URL+"/acme/incidents.git", "url."+other.URL+"/.insteadOf", github.URL+"/"), github.host(), other, "", "only over HTTPS"},
		{"insteadOf to the GitHub host", withRemote(t, "gh:acme/incidents.git", "url."+github.URL+"/.insteadOf", "gh:"), github.host(), github, tokenAuth, "refused the token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.server.seen())
			r, err := Open(t.Context(), tc.work, Options{Token: token, TokenHost: tc.host, CABundle: ca})
			if err != nil {
				t.Fatal(err)
			}
			for name, op := range map[string]func() error{
				"fetch": func() error { _, err := r.Fetch(t.Context(), "origin", "main"); return err },
				"push":  func() error { return r.Push(t.Context(), "origin", "main", false) },
			} {
				err := op()
				var ge *Error
				if !errors.As(err, &ge) || !strings.Contains(ge.Hint, tc.hint) {
					t.Errorf("%s: err %v, hint %q, want a hint with %q", name, err, hintOf(err), tc.hint)
				}
				if err != nil && (strings.Contains(err.Error()+hintOf(err), token) || strings.Contains(err.Error()+hintOf(err), "urlpassword")) {
					t.Errorf("%s: error leaks a secret: %v (%s)", name, err, hintOf(err))
				}
			}
			got := tc.server.seen()[before:]
			if len(got) == 0 {
				t.Fatal("no request reached the server")
			}
			for _, a := range got {
				if a != tc.want {
					t.Errorf("Authorization %q, want %q", a, tc.want)
				}
			}
		})
	}

	// A redirect from the GitHub host to another one: the token goes to
	// the first, never to the second.
	before := len(other.seen())
	r, err := Open(t.Context(), withRemote(t, bounce.URL+"/acme/incidents.git"), Options{Token: token, TokenHost: bounce.host(), CABundle: ca})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fetch(t.Context(), "origin", "main"); err == nil {
		t.Error("fetch through a redirect succeeded")
	}
	if got := bounce.seen(); len(got) == 0 || got[0] != tokenAuth {
		t.Errorf("the GitHub host saw %q", got)
	}
	got := other.seen()[before:]
	if len(got) == 0 {
		t.Error("the redirect was not followed at all")
	}
	for _, a := range got {
		if a != "" {
			t.Errorf("the redirect's target got Authorization %q", a)
		}
	}
}

func hintOf(err error) string {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.Hint
	}
	return ""
}

func TestRedact(t *testing.T) {
	r := &Repo{token: "tok123"}
	err := r.redact(errors.New("https://x-access-token:tok123@github.com/a/b: tok123 failed"))
	if strings.Contains(err.Error(), "tok123") {
		t.Errorf("not redacted: %v", err)
	}
	if !strings.Contains(err.Error(), "https://***@github.com/a/b") {
		t.Errorf("redacted badly: %v", err)
	}
}

func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := execGit(dir, args...)
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

// execGit runs the git command line, only to cross-check what go-git wrote.
func execGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestUserEmail(t *testing.T) {
	if sys, err := config.LoadConfig(config.SystemScope); err == nil && (sys.User.Email != "" || sys.Author.Email != "") {
		t.Skip("this machine's system git configuration sets an email")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	outside := t.TempDir()
	if got := UserEmail(outside); got != "" {
		t.Errorf("nothing configured: UserEmail = %q", got)
	}
	// Only user.email, in the global configuration: enough, without a
	// repository and without user.name.
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\temail = Ann@Example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := UserEmail(outside); got != "Ann@Example.com" {
		t.Errorf("global email, no repository: UserEmail = %q", got)
	}
	// A repository's own user.email wins over the global one.
	work, _ := setup(t, map[string]string{"a": "a"})
	if got := UserEmail(work); got != "Ann@Example.com" {
		t.Errorf("repository without its own email: UserEmail = %q", got)
	}
	lr, _ := git.PlainOpen(work)
	cfg, _ := lr.Config()
	cfg.User.Email = "ann@work.example"
	if err := lr.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(work, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := UserEmail(filepath.Join(work, "sub")); got != "ann@work.example" {
		t.Errorf("repository email, from a subfolder: UserEmail = %q", got)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	if IsGitRepo(dir) {
		t.Fatal("a fresh temporary folder is a git repository")
	}
	if err := Init(t.Context(), dir, "main"); err != nil {
		t.Fatal(err)
	}
	if !IsGitRepo(dir) {
		t.Fatal("Init made no repository")
	}
	head, err := os.ReadFile(filepath.Join(dir, ".git", "HEAD"))
	if err != nil || string(head) != "ref: refs/heads/main\n" {
		t.Errorf(".git/HEAD = %q, %v; want the branch main", head, err)
	}
	if err := Init(t.Context(), dir, "main"); err == nil {
		t.Error("a second Init succeeded")
	}
}

// MergeBase finds where a branch left main, whatever was committed on
// either side since.
func TestMergeBase(t *testing.T) {
	work, _ := setup(t, map[string]string{"a.txt": "a\n"})
	ctx := t.Context()
	r, err := Open(ctx, work, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fork, err := r.Resolve("main")
	if err != nil {
		t.Fatal(err)
	}
	sig := Signature{Name: "Ann", Email: "ann@example.com"}
	onMain, _, err := r.Commit(ctx, fork, []File{{Path: "a.txt", Data: []byte("main\n")}}, "on main", sig, when)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("trunk", onMain); err != nil {
		t.Fatal(err)
	}
	onBranch, _, err := r.Commit(ctx, fork, []File{{Path: "b.txt", Data: []byte("b\n")}}, "on a branch", sig, when)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("topic", onBranch); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{"topic", "trunk"}, {"trunk", "topic"}, {"main", "topic"}, {"topic", "origin/main"}} {
		got, err := r.MergeBase(c[0], c[1])
		if err != nil || got != fork {
			t.Errorf("MergeBase(%s, %s) = %s, %v; want %s", c[0], c[1], got, err, fork)
		}
	}
	if got, err := r.MergeBase("topic", "topic"); err != nil || got != onBranch {
		t.Errorf("MergeBase(topic, topic) = %s, %v", got, err)
	}
	if _, err := r.MergeBase("topic", "nope"); err == nil || !strings.Contains(err.Error(), "resolving nope") {
		t.Errorf("unknown revision: %v", err)
	}
}
