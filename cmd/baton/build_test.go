package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHardening14BuildReportsWhatHappened: when the previous site cannot
// be deleted after the new one took its place, build says so in a warning
// and succeeds; it never claims that the previous contents are unchanged.
func TestHardening14BuildReportsWhatHappened(t *testing.T) {
	repo := exampleCopy(t)
	out := filepath.Join(t.TempDir(), "site")
	build := func(removeAll func(string) error) (string, string, error) {
		var stdout, stderr bytes.Buffer
		g := &globals{
			env:     &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now},
			repoDir: repo, nowFlag: givenInstant("--now", "2026-11-27T12:00:00Z"),
		}
		o := &buildOptions{globals: g, out: out, audience: "public", removeAll: removeAll}
		err := o.run(t.Context())
		return stdout.String(), stderr.String(), err
	}
	if _, stderr, err := build(nil); err != nil {
		t.Fatalf("first build: %v\n%s", err, stderr)
	}
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := build(func(string) error { return errors.New("device busy") })
	if err != nil {
		t.Fatalf("build failed although the new site is in place: %v", err)
	}
	if !strings.HasPrefix(stdout, "built ") {
		t.Errorf("stdout %q", stdout)
	}
	if !strings.HasPrefix(stderr, "baton: warning: could not remove the previous site at ") ||
		!strings.HasSuffix(stderr, ": device busy; the next build into "+out+" removes it, or delete it by hand\n") {
		t.Errorf("stderr %q", stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "index.html")); string(data) == "previous" || !strings.Contains(string(data), "Fernway") {
		t.Errorf("the new site is not in place: %.100q", data)
	}
}

// TestHardening13ConcurrentBuildCommands: builds into one --out wait for
// each other and all succeed, leaving nothing but the lock file beside it.
func TestHardening13ConcurrentBuildCommands(t *testing.T) {
	repo := exampleCopy(t)
	root := t.TempDir()
	out := filepath.Join(root, "public")
	const n = 4
	codes := make(chan string, n)
	for range n {
		go func() {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), []string{"--repo", repo, "--now", "2026-11-27T12:00:00Z", "build", "--out", out},
				&env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now})
			if code != 0 {
				codes <- stderr.String()
				return
			}
			codes <- ""
		}()
	}
	for range n {
		if msg := <-codes; msg != "" {
			t.Errorf("a concurrent build failed: %s", msg)
		}
	}
	es, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".public.lock public" {
		t.Errorf("beside the output: %v", names)
	}
}
