package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest file Baton reads (4 MiB). Larger files are
// refused without being read into memory.
const MaxFileSize = 4 << 20

// MaxMarkdownSize is the largest Markdown body (an incident's narrative, a
// postmortem's body) that validate accepts and the site renders: 256 KiB,
// some 40,000 words, several times the longest published postmortems.
// Rendering Markdown costs far more than reading it, and a limit keeps a
// hostile body from stalling a build; long logs belong in a .txt asset
// that the text links to.
const MaxMarkdownSize = 256 << 10

// checkMarkdownSize reports a Markdown body over MaxMarkdownSize.
func checkMarkdownSize(body string, bodyLine int, what string, r reporter) {
	if len(body) > MaxMarkdownSize {
		r.errorf(Pos{bodyLine, 1}, "markdown/too-large", "shorten it: move long logs or data into a .txt file in the incident folder and link to it",
			"the %s is %s; the limit for Markdown is %s", what, humanBytes(int64(len(body))), humanBytes(MaxMarkdownSize))
	}
}

// listed says what the folder listing (fs.DirEntry.Type) showed of a file
// before it is read.
type listed int

const (
	// unlisted: the file's type is not known.
	unlisted listed = iota
	// listedRegular: the listing showed a regular file.
	listedRegular
	// listedLink: the listing showed a symbolic link.
	listedLink
)

// listedAs returns what a listing's type bits say about an entry.
func listedAs(typ fs.FileMode) listed {
	switch {
	case typ&fs.ModeSymlink != 0:
		return listedLink
	case typ.IsRegular():
		return listedRegular
	}
	return unlisted
}

// readFile reads a regular file of at most MaxFileSize bytes, reporting
// every reason it cannot be used as a problem. It returns nil when the file
// must be skipped. how is what the folder listing showed: a symbolic link
// must stay inside the repository, and a file listed as regular is opened
// without a stat first (callers know both from the listing, which spares
// system calls on every file).
func readFile(fsys fs.FS, name string, how listed, r reporter) []byte {
	if how == listedLink && !symlinkOK(fsys, name, r) {
		return nil
	}
	// Stat before Open: opening a named pipe blocks until someone writes
	// to it, and a device can be endless; neither may hang a validation.
	// A listing that shows a regular file has said so already (a file
	// replaced in between could as well be replaced after a stat).
	if how != listedRegular {
		if info, err := fs.Stat(fsys, name); err == nil && !info.Mode().IsRegular() {
			r.errorf(Pos{}, "file/not-regular", "replace it with a regular file", "%s is not a regular file", name)
			return nil
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		r.errorf(Pos{}, "file/unreadable", "", "cannot open: %v", unwrapPathError(err))
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		r.errorf(Pos{}, "file/unreadable", "", "cannot stat: %v", unwrapPathError(err))
		return nil
	}
	if !info.Mode().IsRegular() {
		r.errorf(Pos{}, "file/not-regular", "replace it with a regular file", "%s is not a regular file", name)
		return nil
	}
	if info.Size() > MaxFileSize {
		r.errorf(Pos{}, "file/too-large", "split the content or move large assets out of the repository", "file is %s; the limit is %s", humanBytes(info.Size()), humanBytes(MaxFileSize))
		return nil
	}
	// Read at most one byte more than the limit: Stat may lie (a file that
	// grows, a synthetic fs.FS), and memory must stay bounded regardless.
	data, err := readAll(io.LimitReader(f, MaxFileSize+1), info.Size())
	if err != nil {
		r.errorf(Pos{}, "file/unreadable", "", "cannot read: %v", unwrapPathError(err))
		return nil
	}
	if len(data) > MaxFileSize {
		r.errorf(Pos{}, "file/too-large", "split the content or move large assets out of the repository", "file is larger than the limit of %s", humanBytes(MaxFileSize))
		return nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		r.errorf(lineColAt(data, i), "file/binary", "Baton files are UTF-8 text", "file contains a NUL byte; it looks binary")
		return nil
	}
	if !utf8.Valid(data) {
		i := firstInvalidUTF8(data)
		r.errorf(lineColAt(data, i), "file/invalid-utf8", "save the file as UTF-8", "file is not valid UTF-8 (byte 0x%02x at offset %d)", data[i], i)
		return nil
	}
	return data
}

// readAll is io.ReadAll with a first buffer of the expected size, plus one
// byte to see the end: a file is read in one go, not in growing steps.
func readAll(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, 0, min(max(size, 0), MaxFileSize)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow: the file is longer than it said
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// symlinkOK reports problems with a symbolic link at name: links that are
// absolute or climb out of the repository are refused.
func symlinkOK(fsys fs.FS, name string, r reporter) bool {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return true
	}
	cur := name
	for range 40 {
		info, err := rl.Lstat(cur)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return true
		}
		target, err := rl.ReadLink(cur)
		if err != nil {
			r.errorf(Pos{}, "file/unreadable", "", "cannot read symbolic link: %v", unwrapPathError(err))
			return false
		}
		if path.IsAbs(target) || strings.HasPrefix(target, "\\") || (len(target) > 1 && target[1] == ':') {
			r.errorf(Pos{}, "file/symlink-escape", "replace the link with the file itself", "symbolic link points outside the repository (%s)", target)
			return false
		}
		next := path.Join(path.Dir(cur), target)
		if next == ".." || strings.HasPrefix(next, "../") || !fs.ValidPath(next) {
			r.errorf(Pos{}, "file/symlink-escape", "replace the link with the file itself", "symbolic link points outside the repository (%s)", target)
			return false
		}
		cur = next
	}
	r.errorf(Pos{}, "file/symlink-loop", "", "too many levels of symbolic links")
	return false
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

// lineColAt converts a byte offset into a 1-based line and a 1-based column
// counted in characters.
func lineColAt(b []byte, off int) Pos {
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return Pos{line, utf8.RuneCount(b[start:off]) + 1}
}

// splitFrontMatter splits a Markdown file into its YAML front matter and
// body. The front matter must open on the first line with "---" and close
// with a line "---" (or "..."). fmLine is the line of the first front
// matter line; bodyLine the line on which the body starts.
func splitFrontMatter(data []byte, r reporter) (fm []byte, body string, fmLine, bodyLine int, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		r.errorf(Pos{}, "file/empty", "see docs/ for the file format, or run baton declare", "file is empty")
		return nil, "", 0, 0, false
	}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(bytes.TrimRight(first, " \t\r")) != "---" {
		r.errorf(Pos{1, 1}, "frontmatter/missing", "start the file with a line \"---\", the YAML front matter, then another \"---\"", "file does not start with YAML front matter")
		return nil, "", 0, 0, false
	}
	line := 2
	off := 0
	for off <= len(rest) {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		next := len(rest) + 1
		if end >= 0 {
			l = rest[off : off+end]
			next = off + end + 1
		} else {
			l = rest[off:]
		}
		t := string(bytes.TrimRight(l, " \t\r"))
		if t == "---" || t == "..." {
			fm = rest[:off]
			if next <= len(rest) {
				body = string(rest[next:])
			}
			return fm, body, 2, line + 1, true
		}
		line++
		off = next
	}
	r.errorf(Pos{1, 1}, "frontmatter/unclosed", "add a line \"---\" after the last front matter key", "the front matter opened on line 1 is never closed")
	return nil, "", 0, 0, false
}
