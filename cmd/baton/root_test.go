package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The repository is found like git finds .git: upwards from the current
// folder, but not above the top of the git work tree.
func TestFindRepoUp(t *testing.T) {
	root := t.TempDir()
	mk := func(p string) string {
		t.Helper()
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	touch := func(p string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(p)), []byte("site: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// outer/ holds baton.yaml; outer/incidents/2026 is inside it.
	mk("outer/incidents/2026")
	touch("outer/baton.yaml")
	// outer/vendor/lib is a git repository of its own inside outer/.
	mk("outer/vendor/lib/.git")
	mk("outer/vendor/lib/src")
	// A folder named baton.yaml does not count.
	mk("fake/baton.yaml")
	mk("fake/sub")

	for _, tc := range []struct {
		from, repo, gitTop string
	}{
		{"outer", "outer", ""},
		{"outer/incidents/2026", "outer", ""},
		{"outer/vendor/lib/src", "", "outer/vendor/lib"},
		{"outer/vendor/lib", "", "outer/vendor/lib"},
		{"fake/sub", "", ""},
	} {
		repo, gitTop, ok := findRepoUp(filepath.Join(root, filepath.FromSlash(tc.from)))
		want := func(p string) string {
			if p == "" {
				return ""
			}
			return filepath.Join(root, filepath.FromSlash(p))
		}
		if repo != want(tc.repo) || gitTop != want(tc.gitTop) || ok != (tc.repo != "") {
			t.Errorf("from %s: repo %q, stopped at %q, ok %v; want %q, %q", tc.from, repo, gitTop, ok, tc.repo, tc.gitTop)
		}
	}
}
