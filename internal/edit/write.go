package edit

import (
	"os"
	"path"
	"path/filepath"
)

// WriteFile writes data to name (slash-separated, inside root) through a
// temporary file and a rename, creating folders as needed, so a reader
// never sees half a file. The rename replaces an existing file: callers
// that must not overwrite check first.
func WriteFile(root *os.Root, name string, data []byte) error {
	dir := path.Dir(name)
	if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
		return err
	}
	tmp := path.Join(dir, "."+path.Base(name)+".baton-tmp")
	if err := root.WriteFile(filepath.FromSlash(tmp), data, 0o644); err != nil {
		return err
	}
	if err := root.Rename(filepath.FromSlash(tmp), filepath.FromSlash(name)); err != nil {
		_ = root.Remove(filepath.FromSlash(tmp))
		return err
	}
	return nil
}
