package generator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Write puts files (slash-separated paths relative to dir) into dir
// atomically: everything is written into a temporary folder next to dir,
// which then replaces dir. If anything fails, dir is left as it was and the
// temporary folder is removed.
//
// To protect against a mistaken --out, Write refuses to replace a folder
// that holds anything other than a previous site: an existing non-empty dir
// must contain index.html and must not contain baton.yaml or .git.
func Write(ctx context.Context, dir string, files map[string][]byte) (err error) {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a temporary folder next to %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}

	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !validPath(name) {
			return fmt.Errorf("refusing to write %q: not a clean relative path", name)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}

	// Swap: move the old site aside, move the new one in, delete the old.
	var old string
	if _, statErr := os.Lstat(dir); statErr == nil {
		old, err = os.MkdirTemp(parent, "."+base+".old-")
		if err != nil {
			return fmt.Errorf("replacing %s: %w", dir, err)
		}
		if err := os.Remove(old); err != nil {
			return fmt.Errorf("replacing %s: %w", dir, err)
		}
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("replacing %s: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			if rerr := os.Rename(old, dir); rerr != nil {
				return fmt.Errorf("replacing %s: %w (and restoring the previous site from %s failed: %v)", dir, err, old, rerr)
			}
		}
		return fmt.Errorf("replacing %s: %w", dir, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous site %s: %w", old, err)
		}
	}
	return nil
}

// checkReplaceable refuses to replace anything but a missing folder, an
// empty folder or a previous site.
func checkReplaceable(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s exists and is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	has := func(name string) bool {
		_, err := os.Lstat(filepath.Join(dir, name))
		return err == nil
	}
	if has("baton.yaml") || has(".git") || !has("index.html") {
		return fmt.Errorf("%s is not empty and does not look like a site Baton built; refusing to replace it", dir)
	}
	return nil
}

func validPath(name string) bool {
	return name != "" && !path.IsAbs(name) && path.Clean(name) == name && name != "." &&
		!strings.HasPrefix(name, "../") && name != ".." && !strings.Contains(name, "\\")
}
