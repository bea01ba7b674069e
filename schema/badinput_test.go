package schema

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeRepo writes the minimal valid repository to a real folder, so that
// symbolic links and huge files behave as they do for users.
func writeRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range testRepo() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadDir loads dir the way the CLI does (an os.Root confines it) and fails
// the test if loading takes suspiciously long (a hang, not a benchmark).
func loadDir(t *testing.T, dir string) Problems {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan Problems, 1)
	go func() {
		_, ps := Load(ctx, root.FS())
		done <- ps
	}()
	select {
	case ps := <-done:
		return ps
	case <-time.After(2 * time.Minute):
		// A blocked open(2) ignores ctx: fail instead of hanging the run.
		t.Fatal("Load hung")
		return nil
	}
}

func hasCode(ps Problems, file, code string) bool {
	for _, p := range ps {
		if p.File == file && p.Code == code {
			return true
		}
	}
	return false
}

// TestBadInput feeds hostile and broken files through the loader: each must
// yield a clear problem, never a crash or a hang.
func TestBadInput(t *testing.T) {
	// An alias bomb shaped to fit the rotation type, so that it would
	// expand: 100 layers × 100 changes × 100 participants.
	aliasBomb := "name: x\ntime_zone: UTC\nlayers:\n  - &l\n    name: a\n" +
		"    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: &p [" + strings.Repeat("alice, ", 99) + "alice]}\n" +
		"    changes:\n      - &c {from: 2025-02-01T00:00, participants: *p}\n" + strings.Repeat("      - *c\n", 99) +
		strings.Repeat("  - *l\n", 99)
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		file  string
		code  string
	}{
		{"broken YAML", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people:\n  - handle: [alice\n")
		}, "people.yaml", "yaml/syntax"},
		{"wrong types", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people: {alice: 1}\n")
		}, "people.yaml", "yaml/wrong-type"},
		{"front matter never closes", func(t *testing.T, dir string) {
			write(t, dir, incPath, "---\ntitle: x\n")
		}, incPath, "frontmatter/unclosed"},
		{"invalid UTF-8", func(t *testing.T, dir string) {
			write(t, dir, incPath, "---\ntitle: caf\xe9\n---\n")
		}, incPath, "file/invalid-utf8"},
		{"empty file", func(t *testing.T, dir string) {
			write(t, dir, pmPath, "")
		}, pmPath, "file/empty"},
		{"empty YAML file", func(t *testing.T, dir string) {
			write(t, dir, rotPath, "# nothing yet\n")
		}, rotPath, "file/empty"},
		{"binary file", func(t *testing.T, dir string) {
			write(t, dir, rotPath, "\x7fELF\x02\x01\x01\x00\x00\x00")
		}, rotPath, "file/binary"},
		{"duplicate keys", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people: []\npeople: []\n")
		}, "people.yaml", "yaml/duplicate-key"},
		{"alias bomb", func(t *testing.T, dir string) {
			write(t, dir, rotPath, aliasBomb)
		}, rotPath, "yaml/too-complex"},
		{"two YAML documents", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people: []\n---\npeople: []\n")
		}, "people.yaml", "yaml/multiple-documents"},
		{"100 MB file", func(t *testing.T, dir string) {
			// A sparse file: 100 MB long, no disk used, and it must not be
			// read into memory.
			f, err := os.Create(filepath.Join(dir, filepath.FromSlash(incPath)))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(100 << 20); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, incPath, "file/too-large"},
		{"symlink leaving the repository", func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "secret.yaml")
			os.WriteFile(outside, []byte("name: x\n"), 0o644)
			if err := os.Symlink(outside, filepath.Join(dir, "rotations", "evil.yaml")); err != nil {
				t.Skip("symlinks unsupported here:", err)
			}
		}, "rotations/evil.yaml", "file/symlink-escape"},
		{"relative symlink climbing out", func(t *testing.T, dir string) {
			if err := os.Symlink("../../../../etc/passwd", filepath.Join(dir, "incidents", "2026", "2026-01-10-api-errors", "postmortem.md.bak")); err != nil {
				t.Skip("symlinks unsupported here:", err)
			}
		}, "incidents/2026/2026-01-10-api-errors/postmortem.md.bak", "file/symlink-escape"},
		{"incidents folder is a link out of the repository", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "incidents"))
			if err := os.Symlink(t.TempDir(), filepath.Join(dir, "incidents")); err != nil {
				t.Skip("symlinks unsupported here:", err)
			}
		}, "incidents", "file/symlink-escape"},
		{"rotations is a file", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "rotations"))
			write(t, dir, "rotations", "x")
		}, "rotations", "file/unreadable"},
		{"named pipe", func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(incPath))
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("named pipes unsupported here:", err)
			}
		}, incPath, "file/not-regular"},
		{"named pipe as people.yaml", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "people.yaml")
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("named pipes unsupported here:", err)
			}
		}, "people.yaml", "file/not-regular"},
		{"incident folder with upper case", func(t *testing.T, dir string) {
			write(t, dir, "incidents/2026/2026-01-11-Outage/incident.md", testIncident)
		}, "incidents/2026/2026-01-11-Outage", "incident/bad-id"},
		{"incident folder named ..x", func(t *testing.T, dir string) {
			write(t, dir, "incidents/2026/..x/incident.md", testIncident)
			write(t, dir, "incidents/2026/x..y/incident.md", testIncident)
		}, "incidents/2026/x..y", "incident/bad-id"},
		{"very long line", func(t *testing.T, dir string) {
			write(t, dir, incPath, "---\ntitle: "+strings.Repeat("x", 3<<20)+"\n---\n")
		}, incPath, "incident/missing-field"},
		{"deep nesting", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people: "+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+"\n")
		}, "people.yaml", "yaml/wrong-type"},
		{"nesting past the parser limit", func(t *testing.T, dir string) {
			write(t, dir, "people.yaml", "people: "+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)+"\n")
		}, "people.yaml", "yaml/syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeRepo(t)
			tt.setup(t, dir)
			ps := loadDir(t, dir)
			if !hasCode(ps, tt.file, tt.code) {
				t.Errorf("want %s on %s; got:\n%s", tt.code, tt.file, ps.text())
			}
			for _, p := range ps {
				if p.Line < 1 || p.Column < 1 || p.Message == "" {
					t.Errorf("malformed problem %+v", p)
				}
			}
		})
	}
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckID(t *testing.T) {
	for _, id := range []string{"2026-11-20-checkout-errors-eu", "2026-02-28-abc", "2026-01-01-" + strings.Repeat("a", 60)} {
		if err := CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", "../x", "2026-11-20-../../etc", "2026-11-20-Checkout", "2026-11-20-ab", "2026-02-30-abc",
		"2026-11-20-a--b", "2026-11-20-abc-", "2026-11-20-abc/def", "2026-11-20-abc\x00", "2026-01-01-" + strings.Repeat("a", 61), "x/2026-11-20-abc"} {
		if err := CheckID(id); err == nil {
			t.Errorf("CheckID(%q) = nil, want an error", id)
		}
	}
}
