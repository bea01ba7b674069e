package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"
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
//	gitcommit DIR MSG commit every file of $WORK/DIR (a git repository on
//	                  branch main, created when missing) with message MSG
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
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"copyexample": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: copyexample DIR")
				}
				dst := ts.MkAbs(args[0])
				for _, name := range []string{"baton.yaml", "people.yaml", "rotations", "incidents"} {
					ts.Check(copyTree(filepath.Join(root, name), filepath.Join(dst, name)))
				}
			},
			"gitcommit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: gitcommit DIR MSG")
				}
				ts.Check(gitCommitAll(ts.MkAbs(args[0]), args[1]))
			},
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

// gitCommitAll commits every file of dir, making it a git repository on
// branch main first when it is not one.
func gitCommitAll(dir, msg string) error {
	r, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	}
	if err != nil {
		return err
	}
	wt, err := r.Worktree()
	if err != nil {
		return err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return err
	}
	sig := &object.Signature{Name: "Ann", Email: "ann@example.com", When: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	_, err = wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	return err
}
