package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FS returns the tree of a revision as a read-only fs.FS. Symbolic links
// are visible through fs.ReadLinkFS, so the loader can refuse those that
// leave the repository; Open follows only links that stay inside the tree.
func (r *Repo) FS(ctx context.Context, rev string) (fs.FS, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, t, err := r.commitTree(rev)
	if err != nil {
		return nil, err
	}
	return &treeFS{r: r, root: t, when: c.Committer.When}, nil
}

// commitTree returns the commit a revision names and its tree.
func (r *Repo) commitTree(rev string) (*object.Commit, *object.Tree, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, nil, fmt.Errorf("resolving %s: %w", rev, err)
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return nil, nil, fmt.Errorf("reading commit %s: %w", rev, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the tree of %s: %w", rev, err)
	}
	return c, t, nil
}

// treeFS is a git tree as an fs.FS. It is safe for concurrent use (the
// schema loader reads files in parallel): go-git's trees and storage are
// not, so every operation holds mu.
type treeFS struct {
	mu   sync.Mutex
	r    *Repo
	root *object.Tree
	when time.Time
}

// maxBlob is the largest file read into memory; larger ones can be
// stat'ed but not read (Baton's loader refuses far smaller files first).
const maxBlob = 16 << 20

var (
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.ReadLinkFS = (*treeFS)(nil)
)

// entry finds the tree entry at name; "." is the root.
func (t *treeFS) entry(op, name string) (*object.TreeEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &object.TreeEntry{Name: ".", Mode: filemode.Dir, Hash: t.root.Hash}, nil
	}
	e, err := t.root.FindEntry(name)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

func (t *treeFS) Open(name string) (fs.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.entry("open", name)
	if err != nil {
		return nil, err
	}
	// Follow symbolic links that stay inside the tree.
	for range 40 {
		if e.Mode != filemode.Symlink {
			break
		}
		target, err := t.readLink(name)
		if err != nil {
			return nil, err
		}
		next := path.Join(path.Dir(name), target)
		if path.IsAbs(target) || !fs.ValidPath(next) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("symbolic link leaves the repository")}
		}
		if e, err = t.entry("open", next); err != nil {
			return nil, err
		}
		name = next
	}
	if e.Mode == filemode.Dir {
		tree, err := t.r.repo.TreeObject(e.Hash)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeDir{fs: t, name: name, tree: tree}, nil
	}
	if e.Mode == filemode.Symlink {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("too many levels of symbolic links")}
	}
	blob, err := t.r.repo.BlobObject(e.Hash)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f := &blobFile{info: t.info(path.Base(name), e, blob.Size)}
	if blob.Size > maxBlob {
		f.err = &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("file is too large to read from git (%d bytes)", blob.Size)}
		return f, nil
	}
	rd, err := blob.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f.r = bytes.NewReader(data)
	return f, nil
}

func (t *treeFS) info(name string, e *object.TreeEntry, size int64) fileInfo {
	return fileInfo{name: name, mode: e.Mode, size: size, when: t.when}
}

func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, ok := f.(*treeDir)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fmt.Errorf("not a folder")}
	}
	return d.ReadDir(-1)
}

func (t *treeFS) ReadLink(name string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readLink(name)
}

func (t *treeFS) readLink(name string) (string, error) {
	e, err := t.entry("readlink", name)
	if err != nil {
		return "", err
	}
	if e.Mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	blob, err := t.r.repo.BlobObject(e.Hash)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	rd, err := blob.Reader()
	if err != nil {
		return "", err
	}
	defer rd.Close()
	b, err := io.ReadAll(io.LimitReader(rd, 4096))
	return string(b), err
}

func (t *treeFS) Lstat(name string) (fs.FileInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.entry("lstat", name)
	if err != nil {
		return nil, err
	}
	var size int64
	if e.Mode != filemode.Dir {
		if size, err = t.r.repo.Storer.EncodedObjectSize(e.Hash); err != nil {
			return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
		}
	}
	return t.info(path.Base(name), e, size), nil
}

type fileInfo struct {
	name string
	mode filemode.FileMode
	size int64
	when time.Time
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	switch i.mode {
	case filemode.Dir:
		return fs.ModeDir | 0o555
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	case filemode.Executable:
		return 0o555
	case filemode.Submodule:
		return fs.ModeIrregular
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return i.when }
func (i fileInfo) IsDir() bool        { return i.mode == filemode.Dir }
func (i fileInfo) Sys() any           { return nil }

type blobFile struct {
	r    *bytes.Reader
	err  error
	info fileInfo
}

func (f *blobFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *blobFile) Close() error               { return nil }
func (f *blobFile) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.r.Read(p)
}

type treeDir struct {
	fs   *treeFS
	name string
	tree *object.Tree
	off  int
}

func (d *treeDir) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(d.name), mode: filemode.Dir, when: d.fs.when}, nil
}
func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: fmt.Errorf("is a folder")}
}
func (d *treeDir) Close() error { return nil }

func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	rest := d.tree.Entries[d.off:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && n < len(rest) {
		rest = rest[:n]
	}
	d.off += len(rest)
	out := make([]fs.DirEntry, 0, len(rest))
	for i := range rest {
		e := &rest[i]
		var size int64
		if e.Mode != filemode.Dir {
			size, _ = d.fs.r.repo.Storer.EncodedObjectSize(e.Hash)
		}
		out = append(out, fs.FileInfoToDirEntry(d.fs.info(e.Name, e, size)))
	}
	// Git sorts folders as if their names ended in "/"; fs.ReadDir
	// promises plain name order.
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
