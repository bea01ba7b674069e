package flow

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Forge is what the flows need from GitHub. *forge.Client implements it;
// tests use it against forgetest.
type Forge interface {
	PR(ctx context.Context, n int) (*forge.PR, error)
	PRFiles(ctx context.Context, n int) ([]string, error)
	File(ctx context.Context, path, ref string) (data []byte, ok bool, err error)
	RequestReview(ctx context.Context, pr *forge.PR, login string) (requested bool, err error)
	Assign(ctx context.Context, n int, have []string, logins ...string) ([]string, error)
	AddLabel(ctx context.Context, n int, have []string, l forge.Label) (added bool, err error)
	UpsertComment(ctx context.Context, n int, marker, body string) (outcome, link string, err error)
	FindOrCreatePR(ctx context.Context, n forge.NewPR) (pr *forge.PR, created bool, err error)
}

// Git is what the publish flow needs from the local clone. *gitrepo.Repo
// implements it.
type Git interface {
	Fetch(ctx context.Context, remote string, branches ...string) (map[string]string, error)
	FS(ctx context.Context, rev string) (fs.FS, error)
	Resolve(rev string) (string, error)
	Commit(ctx context.Context, parent string, files []gitrepo.File, message string, sig gitrepo.Signature, when time.Time) (hash string, changed bool, err error)
	SetBranch(name, hash string) error
	Push(ctx context.Context, remote, branch string, force bool) error
	Identity() gitrepo.Signature
}

var (
	_ Forge = (*forge.Client)(nil)
	_ Git   = (*gitrepo.Repo)(nil)
)

// Error is a flow step that failed for a reason people can fix; Hint says
// how. Errors of the forge and gitrepo packages are returned as they are
// (they carry their own hints).
type Error struct {
	Msg  string
	Hint string
	Err  error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// EditError is an edit's own refusal (the Edit function's error), returned
// unchanged inside so that callers can map it as they map edits made
// without a pull request.
type EditError struct{ Err error }

func (e *EditError) Error() string { return e.Err.Error() }
func (e *EditError) Unwrap() error { return e.Err }

// InvalidEditError says that the repository with the edit would not
// validate: Problems are the errors in the edited files or their folders.
// Nothing was committed.
type InvalidEditError struct{ Problems schema.Problems }

func (e *InvalidEditError) Error() string {
	return "the edit would not validate"
}

// CheckEdit validates the repository base with files written over it
// (policy and rotation checks included, at now) and returns the errors
// that are in those files or their folders: an edit whose result returns
// none always passes `baton validate` as far as it is concerned. The error
// is the context's when it ends during the check.
func CheckEdit(ctx context.Context, base fs.FS, files []edit.File, now time.Time) (schema.Problems, error) {
	over := Overlay(base, files)
	dirs := map[string]bool{}
	edited := map[string]bool{}
	for _, f := range files {
		edited[f.Path] = true
		dirs[path.Dir(f.Path)] = true
	}
	repo, ps := schema.Load(ctx, over)
	if ctx.Err() != nil {
		// Interrupted: a partial load proves nothing either way.
		return nil, ctx.Err()
	}
	ps = append(ps, schema.CheckPolicy(repo, now)...)
	ps = append(ps, oncall.Check(repo, now)...)
	ps.Sort()
	var bad schema.Problems
	for _, p := range ps {
		if p.Level == schema.Error && (edited[p.File] || dirs[p.File] || dirs[path.Dir(p.File)]) {
			bad = append(bad, p)
		}
	}
	return bad, nil
}

// Overlay returns base with files written over it: what a repository
// looks like after an edit, or with a pull request's files. A file whose
// Data is nil is deleted, and a folder left empty goes with it, as in git.
func Overlay(base fs.FS, files []edit.File) fs.FS {
	o := overlayFS{base: base, files: map[string][]byte{}}
	for _, f := range files {
		o.files[f.Path] = f.Data
	}
	return o
}

// overlayFS is base with some files replaced, added (non-nil data) or
// deleted (nil data).
type overlayFS struct {
	base  fs.FS
	files map[string][]byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if d, ok := o.files[name]; ok {
		if d == nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return o.added().Open(name)
	}
	if o.emptied(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := o.base.Open(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	return o.added().Open(name)
}

// added returns the added files as a MapFS, which also synthesises their
// folders.
func (o overlayFS) added() fs.FS {
	m := fstest.MapFS{}
	for p, d := range o.files {
		if d != nil {
			m[p] = &fstest.MapFile{Data: d, Mode: 0o644}
		}
	}
	return m
}

// emptied reports whether the folder dir holds only deleted files (and
// folders that hold only deleted files).
func (o overlayFS) emptied(dir string) bool {
	deletes := false
	for p, d := range o.files {
		if strings.HasPrefix(p, dir+"/") {
			if d != nil {
				return false
			}
			deletes = true
		}
	}
	if !deletes {
		return false
	}
	es, err := o.ReadDir(dir)
	return err == nil && len(es) == 0
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	base, berr := fs.ReadDir(o.base, name)
	extra, eerr := fs.ReadDir(o.added(), name)
	if berr != nil && eerr != nil {
		return nil, berr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range base {
		p := path.Join(name, e.Name())
		if d, ok := o.files[p]; ok && d == nil {
			continue
		}
		if e.IsDir() && o.emptied(p) {
			continue
		}
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range extra {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
