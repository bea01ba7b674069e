// Package importertest builds small repositories on disk for the
// importers' tests.
package importertest

import (
	"os"
	"path/filepath"
	"testing"
)

// BatonYAML is a minimal baton.yaml with the default severities and a
// comment that must survive an import.
const BatonYAML = `# Test organisation.
site:
  title: Test Status
  base_url: https://status.test.example/
  time_zone: UTC
# Components as customers see them.
components:
  - id: legacy
    name: Legacy portal
    description: Kept from before the import.
`

// Repo writes baton.yaml and people.yaml (the people given as YAML list
// entries, e.g. "  - {handle: ana, name: Ana, email: ana@x.example,
// imoc: qualified}") into a new temporary folder and opens it.
func Repo(t testing.TB, people string) (string, *os.Root) {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "baton.yaml"), BatonYAML)
	write(t, filepath.Join(dir, "people.yaml"), "# Who is who.\npeople:\n"+people)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return dir, root
}

func write(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
