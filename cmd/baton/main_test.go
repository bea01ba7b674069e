package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/batonhq/baton/internal/notify/notifytest"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript expectations")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"baton": main,
	})
}

// exampleRoot is the repository root, which holds the example organisation.
func exampleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestScripts runs the end-to-end tests in testdata/script: each .txtar runs
// the real baton binary. Custom commands:
//
//	copyexample DIR   copy the example organisation (baton.yaml, people.yaml,
//	                  rotations/, incidents/) into $WORK/DIR
//	status N PROG ARGS...
//	                  run PROG like exec and require exit status N; stdout
//	                  and stderr can be checked afterwards as after exec
//	gitcommit DIR TAG commit every file of $WORK/DIR (a git repository,
//	                  created on first use) at a fixed time, and tag it TAG
//	fakehook VAR KIND [SECRET]
//	                  start a fake notification endpoint of KIND (slack,
//	                  discord, teams, webhook; a webhook checks the signature
//	                  with SECRET) and set $VAR to its address
//	received          print, per fake (by VAR), the event ids it received
//	                  since the last received; fail if a fake saw a malformed
//	                  request
func TestScripts(t *testing.T) {
	root := exampleRoot(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("GITHUB_STEP_SUMMARY", "")
			e.Setenv("GITHUB_TOKEN", "")
			e.Setenv("GH_TOKEN", "")
			e.Setenv("NO_COLOR", "1")
			e.Values["hooks"] = &hookSet{fakes: map[string]*notifytest.Server{}, seen: map[string]int{}}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: status N PROG ARGS...")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("status: %q is not a number", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("status: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
			"copyexample": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: copyexample DIR")
				}
				dst := ts.MkAbs(args[0])
				for _, name := range []string{"baton.yaml", "people.yaml", "rotations", "incidents"} {
					ts.Check(copyTree(filepath.Join(root, name), filepath.Join(dst, name)))
				}
			},
			"gitcommit": gitCommitCmd,
			"fakehook":  fakeHookCmd,
			"received":  receivedCmd,
		},
	})
}

// copyTree copies a file or a folder recursively.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// gitCommitCmd is the script command gitcommit DIR TAG.
func gitCommitCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gitcommit DIR TAG")
	}
	dir := ts.MkAbs(args[0])
	r, err := git.PlainOpen(dir)
	if err != nil {
		r, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
		ts.Check(err)
	}
	wt, err := r.Worktree()
	ts.Check(err)
	ts.Check(wt.AddWithOptions(&git.AddOptions{All: true}))
	n := 0
	if head, err := r.Head(); err == nil {
		commits, _ := r.Log(&git.LogOptions{From: head.Hash()})
		_ = commits.ForEach(func(*object.Commit) error { n++; return nil })
	}
	sig := &object.Signature{Name: "Ann", Email: "ann@example.com", When: time.Date(2026, 11, 20, 12, n, 0, 0, time.UTC)}
	h, err := wt.Commit(args[1], &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	ts.Check(err)
	_, err = r.CreateTag(args[1], h, nil)
	ts.Check(err)
}

// hookSet holds a script's fake endpoints.
type hookSet struct {
	mu     sync.Mutex
	fakes  map[string]*notifytest.Server // by variable
	seen   map[string]int                // received already printed
	errors []string
}

func (h *hookSet) Helper() {}
func (h *hookSet) Errorf(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errors = append(h.errors, fmt.Sprintf(format, args...))
}
func (h *hookSet) Cleanup(func()) {} // the servers close with the test process

// fakeHookCmd is the script command fakehook VAR KIND [SECRET].
func fakeHookCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: fakehook VAR KIND [SECRET]")
	}
	h := ts.Value("hooks").(*hookSet)
	secret := ""
	if len(args) == 3 {
		secret = args[2]
	}
	f := notifytest.New(h, args[1], secret)
	ts.Defer(f.Close)
	h.mu.Lock()
	h.fakes[args[0]], h.seen[args[0]] = f, 0
	h.mu.Unlock()
	ts.Setenv(args[0], f.URL())
}

// receivedCmd is the script command received.
func receivedCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: received")
	}
	w := ts.Stdout() // even when nothing was received, stdout is this command's
	h := ts.Value("hooks").(*hookSet)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.errors) > 0 {
		ts.Fatalf("a fake endpoint saw a malformed request:\n%s", strings.Join(h.errors, "\n"))
	}
	for _, v := range slices.Sorted(maps.Keys(h.fakes)) {
		ids := h.fakes[v].EventIDs()
		for _, id := range ids[h.seen[v]:] {
			fmt.Fprintf(w, "%s %s\n", v, id)
		}
		h.seen[v] = len(ids)
	}
}
