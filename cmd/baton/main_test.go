package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

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
//	status N PROG ARGS...
//	                  run PROG like exec and require exit status N; stdout
//	                  and stderr can be checked afterwards as after exec
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
