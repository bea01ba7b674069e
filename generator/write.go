package generator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// MarkerFile is the file [Write] puts at the root of every site it writes:
// a small JSON object that says Baton wrote the folder and for which
// audience, e.g. {"generator":"baton","audience":"public"}. Write replaces
// a non-empty folder only if it holds this file (or, for folders written
// before the marker existed, only what a Baton site holds). It contains
// nothing private and may be published with the site.
const MarkerFile = ".baton-site"

// DefaultLockWait is how long [Write] waits, by default, for another Write
// into the same folder to finish.
const DefaultLockWait = 2 * time.Minute

// marker is the content of MarkerFile.
type marker struct {
	Generator string   `json:"generator"`
	Audience  Audience `json:"audience"`
}

// isLegacyEntry reports the entries at the root of a site written by Baton
// before MarkerFile existed. A folder without the marker is replaced only
// if it holds index.html and nothing else but these.
func isLegacyEntry(name string) bool {
	switch name {
	case "404.html", "api", "assets", "feed.xml", "incidents", "index.html", "metrics", "oncall":
		return true
	}
	return false
}

// WriteOptions tune [Write].
type WriteOptions struct {
	// Audience is the audience the site was built for; it is recorded in
	// MarkerFile. Required.
	Audience Audience
	// ReplaceOtherAudience lets Write replace a site that was built for
	// another audience. Without it Write returns an [*AudienceError].
	ReplaceOtherAudience bool
	// LockWait bounds how long Write waits for another Write into the same
	// folder; zero means DefaultLockWait.
	LockWait time.Duration
	// RemoveAll deletes a folder tree; nil means os.RemoveAll. Tests
	// inject failures here.
	RemoveAll func(path string) error

	// exchange swaps two folders atomically; nil means the system's
	// (renameat2 on Linux, renamex_np on macOS). Tests set it to one that
	// fails, to exercise the fallback.
	exchange func(a, b string) error
}

// NotASiteError is returned when the output folder is not empty and does
// not hold a site Baton wrote; it is left alone.
type NotASiteError struct {
	Dir    string
	Reason string // "holds baton.yaml", "holds other files (notes.txt)", …
}

func (e *NotASiteError) Error() string {
	return fmt.Sprintf("%s is not a site Baton wrote (it %s); refusing to replace it", e.Dir, e.Reason)
}

// AudienceError is returned when the output folder holds a site built for
// another audience (see WriteOptions.ReplaceOtherAudience); it is left
// alone.
type AudienceError struct {
	Dir      string
	Existing Audience // the audience recorded in Dir's MarkerFile
	New      Audience
}

func (e *AudienceError) Error() string {
	return fmt.Sprintf("%s holds a site built for the %s audience; refusing to replace it with the %s site", e.Dir, e.Existing, e.New)
}

// LockedError is returned when another Write into the same folder held the
// lock for longer than WriteOptions.LockWait. Nothing was written.
type LockedError struct {
	Dir    string
	Lock   string // the lock file
	Holder string // what the lock file says about its holder, e.g. "pid 4242"; may be empty
	Waited time.Duration
}

func (e *LockedError) Error() string {
	holder := ""
	if e.Holder != "" {
		holder = " by " + e.Holder
	}
	return fmt.Sprintf("another build is writing into %s (%s is held%s); gave up after %s", e.Dir, e.Lock, holder, e.Waited)
}

// CleanupError is returned when the new site is in place at Dir but the
// previous one, moved aside to Old, could not be deleted. The next Write
// into Dir deletes it; so can a person.
type CleanupError struct {
	Dir, Old string
	Err      error
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("the new site is in place at %s, but the previous one could not be removed from %s: %v", e.Dir, e.Old, e.Err)
}

func (e *CleanupError) Unwrap() error { return e.Err }

// MovedAsideError is returned in the rare case where the previous site was
// moved aside, the new one could not take its place, and the previous one
// could not be moved back either: Dir is missing and the previous site is
// at Old.
type MovedAsideError struct {
	Dir, Old   string
	Err        error // why the new site could not be moved in
	RestoreErr error // why the previous site could not be moved back
}

func (e *MovedAsideError) Error() string {
	return fmt.Sprintf("replacing %s: %v; the previous site could not be moved back either (%v): it is now at %s", e.Dir, e.Err, e.RestoreErr, e.Old)
}

func (e *MovedAsideError) Unwrap() error { return e.Err }

// Write puts files (slash-separated paths relative to dir) and MarkerFile
// into dir, replacing what dir held. Everything is written into a
// temporary folder next to dir, which then takes dir's place:
//
//   - Where the system can swap two folders atomically (Linux's renameat2
//     with RENAME_EXCHANGE, macOS's renamex_np with RENAME_SWAP, on file
//     systems that support it), a reader opening any path under dir gets
//     the whole old file or the whole new one, never nothing. A reader that
//     opens several files during the swap may get some from each site.
//   - Elsewhere dir is renamed aside and the new folder renamed into place:
//     for the moment between the two renames (microseconds), dir is
//     missing.
//
// Writes into the same dir are serialised by a lock file next to it
// (".<name>.lock", left in place); a second Write waits up to
// WriteOptions.LockWait. Temporary folders that an interrupted Write left
// next to dir (".<name>.tmp-*", ".<name>.old-*") are deleted by the next
// Write that holds the lock.
//
// To protect against a mistaken --out, Write replaces only a missing or
// empty folder or a site Baton wrote: one with MarkerFile (for the same
// audience, unless WriteOptions.ReplaceOtherAudience) or, for sites
// written by earlier releases, one that holds index.html and nothing
// outside the files and folders a Baton site has. A folder with baton.yaml
// or .git is never replaced.
//
// On error dir is as it was, except for two error types that say
// otherwise: [*CleanupError] (the new site is in place) and
// [*MovedAsideError] (dir is missing; the previous site is elsewhere).
func Write(ctx context.Context, dir string, files map[string][]byte, opts WriteOptions) error {
	if _, err := ParseAudience(string(opts.Audience)); err != nil {
		return err
	}
	if _, ok := files[MarkerFile]; ok {
		return fmt.Errorf("refusing to write %s: Baton writes that file itself", MarkerFile)
	}
	for name := range files {
		if !validPath(name) {
			return fmt.Errorf("refusing to write %q: not a clean relative path", name)
		}
	}
	removeAll := opts.RemoveAll
	if removeAll == nil {
		removeAll = os.RemoveAll
	}
	exchange := opts.exchange
	if exchange == nil {
		exchange = exchangeDirs
	}
	wait := opts.LockWait
	if wait <= 0 {
		wait = DefaultLockWait
	}

	dir = filepath.Clean(dir)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if parent == abs || base == "." || base == ".." || filepath.Base(dir) == "." || filepath.Base(dir) == ".." {
		return fmt.Errorf("refusing to write the site into %s: name a folder of its own", dir)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}

	unlock, err := lockOutput(ctx, dir, filepath.Join(parent, "."+base+".lock"), wait)
	if err != nil {
		return err
	}
	defer unlock()
	removeStale(parent, base, removeAll)

	if err := checkReplaceable(dir, opts); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a temporary folder next to %s: %w", dir, err)
	}
	if err := fill(ctx, tmp, files, opts.Audience); err != nil {
		removeAll(tmp)
		return err
	}
	if err := ctx.Err(); err != nil {
		removeAll(tmp)
		return err
	}
	return swap(dir, tmp, parent, base, exchange, removeAll)
}

// fill writes files and the marker into the new folder tmp.
func fill(ctx context.Context, tmp string, files map[string][]byte, audience Audience) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	data, err := json.Marshal(marker{Generator: "baton", Audience: audience})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, MarkerFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", MarkerFile, err)
	}
	return nil
}

// swap puts the complete new site tmp in dir's place and deletes the
// previous one.
func swap(dir, tmp, parent, base string, exchange func(a, b string) error, removeAll func(string) error) error {
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(tmp, dir); err != nil {
			removeAll(tmp)
			return fmt.Errorf("moving the new site to %s: %w", dir, err)
		}
		return nil
	}
	old := ""
	switch err := exchange(tmp, dir); {
	case err == nil:
		old = tmp // the previous site is now where the new one was written
	case errors.Is(err, errExchangeUnsupported):
		old, err = os.MkdirTemp(parent, "."+base+".old-")
		if err == nil {
			err = os.Remove(old)
		}
		if err == nil {
			err = os.Rename(dir, old)
		}
		if err != nil {
			removeAll(tmp)
			return fmt.Errorf("replacing %s: %w", dir, err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			if rerr := os.Rename(old, dir); rerr != nil {
				return &MovedAsideError{Dir: dir, Old: old, Err: err, RestoreErr: rerr}
			}
			removeAll(tmp)
			return fmt.Errorf("replacing %s: %w", dir, err)
		}
	default:
		removeAll(tmp)
		return fmt.Errorf("replacing %s: %w", dir, err)
	}
	if err := removeAll(old); err != nil {
		return &CleanupError{Dir: dir, Old: old, Err: err}
	}
	return nil
}

// removeStale deletes the temporary folders that interrupted Writes into
// parent/base left behind: ".<base>.tmp-<digits>" and ".<base>.old-<digits>"
// folders (os.MkdirTemp's names), and nothing else. The caller holds the
// lock, so no running Write uses them. Failures are left for next time.
func removeStale(parent, base string, removeAll func(string) error) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if isStaleName(e.Name(), base) && e.Type().IsDir() {
			removeAll(filepath.Join(parent, e.Name()))
		}
	}
}

// isStaleName reports whether name is a temporary folder of Write for base.
func isStaleName(name, base string) bool {
	for _, kind := range []string{".tmp-", ".old-"} {
		if rest, ok := strings.CutPrefix(name, "."+base+kind); ok {
			return rest != "" && strings.Trim(rest, "0123456789") == ""
		}
	}
	return false
}

// checkReplaceable refuses to replace anything but a missing folder, an
// empty folder or a site Baton wrote.
func checkReplaceable(dir string, opts WriteOptions) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if !info.IsDir() {
		return &NotASiteError{Dir: dir, Reason: "is not a folder"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for _, n := range []string{"baton.yaml", ".git"} {
		if slices.Contains(names, n) {
			return &NotASiteError{Dir: dir, Reason: "holds " + n}
		}
	}
	audience, ok, err := SiteAudience(dir)
	if err != nil {
		return err
	}
	if ok {
		if audience != opts.Audience && !opts.ReplaceOtherAudience {
			return &AudienceError{Dir: dir, Existing: audience, New: opts.Audience}
		}
		return nil
	}
	// Written before the marker existed (or not by Baton at all).
	var other []string
	for _, n := range names {
		if !isLegacyEntry(n) {
			other = append(other, n)
		}
	}
	switch {
	case len(other) > 0:
		if len(other) > 3 {
			other = append(other[:3], "…")
		}
		return &NotASiteError{Dir: dir, Reason: "holds files a Baton site does not have: " + strings.Join(other, ", ")}
	case !slices.Contains(names, "index.html"):
		return &NotASiteError{Dir: dir, Reason: "has no index.html and no " + MarkerFile}
	}
	return nil
}

// SiteAudience reads the MarkerFile of dir: the audience the site there
// was built for, and whether dir has a marker at all. A marker that Baton
// did not write is an error.
func SiteAudience(dir string) (Audience, bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, MarkerFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", filepath.Join(dir, MarkerFile), err)
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil || m.Generator != "baton" {
		return "", false, &NotASiteError{Dir: dir, Reason: "has a " + MarkerFile + " that Baton did not write"}
	}
	if _, err := ParseAudience(string(m.Audience)); err != nil {
		return "", false, &NotASiteError{Dir: dir, Reason: fmt.Sprintf("has a %s with an unknown audience %q", MarkerFile, m.Audience)}
	}
	return m.Audience, true, nil
}

func validPath(name string) bool {
	return name != "" && !path.IsAbs(name) && path.Clean(name) == name && name != "." &&
		!strings.HasPrefix(name, "../") && name != ".." && !strings.Contains(name, "\\")
}
