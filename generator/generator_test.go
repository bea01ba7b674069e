package generator

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureNow is the instant the fixture repository is built at: during the
// payments outage and the search maintenance, before the database upgrade.
var fixtureNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// loadFixture loads testdata/repo and fails on validation errors.
func loadFixture(t testing.TB) *schema.Repo {
	t.Helper()
	repo, problems := schema.Load(t.Context(), os.DirFS(filepath.Join("testdata", "repo")))
	if problems.HasErrors() {
		t.Fatalf("fixture repository has errors:\n%v", problems)
	}
	return repo
}

func build(t testing.TB, repo *schema.Repo, a Audience) *Site {
	t.Helper()
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a, Assets: os.DirFS(filepath.Join("testdata", "repo"))})
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// TestGolden compares every file of both audiences' builds of the fixture
// repository with testdata/golden/<audience>/. Run with -update to rewrite
// them after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	repo := loadFixture(t)
	for _, a := range []Audience{Public, Internal} {
		t.Run(string(a), func(t *testing.T) {
			site := build(t, repo, a)
			dir := filepath.Join("testdata", "golden", string(a))
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				for _, p := range site.Paths() {
					if strings.HasPrefix(p, "assets/") {
						continue
					}
					f := filepath.Join(dir, filepath.FromSlash(p))
					if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(f, site.Files[p], 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := map[string]bool{}
			err := filepath.WalkDir(dir, func(f string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, f)
				want[filepath.ToSlash(rel)] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range site.Paths() {
				if strings.HasPrefix(p, "assets/") {
					continue
				}
				if !want[p] {
					t.Errorf("%s: built but has no golden file (run go test -update)", p)
					continue
				}
				delete(want, p)
				golden, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
				if err != nil {
					t.Fatal(err)
				}
				if got := site.Files[p]; !bytes.Equal(got, golden) {
					t.Errorf("%s differs from its golden file (run go test -update and review the diff)\n%s", p, firstDiff(golden, got))
				}
			}
			for p := range want {
				t.Errorf("%s: golden file exists but was not built", p)
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

// TestDeterministic builds twice (rendering in parallel) and compares
// every byte.
func TestDeterministic(t *testing.T) {
	repo := loadFixture(t)
	for _, a := range []Audience{Public, Internal} {
		s1, s2 := build(t, repo, a), build(t, repo, a)
		if len(s1.Files) != len(s2.Files) {
			t.Fatalf("%s: %d files, then %d", a, len(s1.Files), len(s2.Files))
		}
		for p, b := range s1.Files {
			if !bytes.Equal(b, s2.Files[p]) {
				t.Errorf("%s: %s differs between two builds", a, p)
			}
		}
	}
}
