package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// MaxAssetSize is the largest asset Baton publishes (10 MiB): a
// full-resolution screenshot or an exported PDF report fits with room to
// spare, and a build, which holds every published file in memory, stays
// bounded. Larger files belong where large files are hosted, linked from
// the Markdown.
const MaxAssetSize = 10 << 20

// assetHeadSize is how much of an asset is read to check its content: as
// much as a browser looks at when it guesses a type (the "resource header"
// of the MIME Sniffing Standard).
const assetHeadSize = 512

// An asset is any file in an incident folder other than incident.md,
// postmortem.md and hidden files. Pages may link to assets, and build
// publishes the linked ones next to the page, on the site's own origin. A
// file on that origin that a browser runs as a page (HTML, SVG, XML,
// JavaScript) could read and change every page of the site, so only inert
// types are published: the policy below is the one decision that validate,
// build and serve all apply.

// AssetTypes lists the file name extensions an asset may have, in the
// order the documentation gives them.
func AssetTypes() []string {
	return []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf", ".txt", ".csv"}
}

// AssetMediaType returns the media type an asset is served with, from its
// name's extension (in any case), and whether the extension is allowed at
// all. SVG is not: an SVG document can carry scripts, and no sanitiser
// short of re-drawing the image is trustworthy; export drawings as PNG.
func AssetMediaType(name string) (string, bool) {
	t, _, ok := assetType(name)
	return t, ok
}

// assetKind says what the content of an allowed asset must look like.
type assetKind int

const (
	kindImage assetKind = iota
	kindPDF
	kindText
)

func assetType(name string) (mediaType string, kind assetKind, ok bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png", kindImage, true
	case ".jpg", ".jpeg":
		return "image/jpeg", kindImage, true
	case ".gif":
		return "image/gif", kindImage, true
	case ".webp":
		return "image/webp", kindImage, true
	case ".avif":
		return "image/avif", kindImage, true
	case ".pdf":
		return "application/pdf", kindPDF, true
	case ".txt":
		return "text/plain; charset=utf-8", kindText, true
	case ".csv":
		return "text/csv; charset=utf-8", kindText, true
	}
	return "", 0, false
}

// AssetError says why a file of an incident folder may not be published.
// Code is the problem code validate reports (asset/symlink, asset/hard-link,
// asset/not-regular, asset/too-large, asset/type).
type AssetError struct {
	Name    string // the asset's path in the repository
	Code    string
	Message string
	Hint    string
}

func (e *AssetError) Error() string { return e.Name + ": " + e.Message }

func assetErr(name, code, hint, format string, args ...any) *AssetError {
	return &AssetError{Name: name, Code: code, Hint: hint, Message: fmt.Sprintf(format, args...)}
}

// CheckAsset applies the asset policy to the file at name in fsys without
// reading more than its first bytes; it is what validate runs. The error
// is an [*AssetError] when the policy refuses the file, another error when
// the file cannot be read.
func CheckAsset(fsys fs.FS, name string) error {
	f, err := openAsset(fsys, name)
	if err != nil {
		return err
	}
	defer f.Close()
	head, err := io.ReadAll(io.LimitReader(f, assetHeadSize))
	if err != nil {
		return err
	}
	return checkAssetContent(name, head)
}

// ReadAsset applies the asset policy to the file at name in fsys and
// returns its content; it is what build runs, so that even a build that
// ignores validation errors publishes nothing the policy refuses. It never
// follows a symbolic link, never opens anything but a regular file (a
// named pipe would block, a device never end), and never reads more than
// MaxAssetSize bytes, whatever the file claims to be.
func ReadAsset(fsys fs.FS, name string) ([]byte, error) {
	f, err := openAsset(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAssetSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxAssetSize {
		return nil, tooLarge(name, int64(len(data)))
	}
	if err := checkAssetContent(name, data[:min(len(data), assetHeadSize)]); err != nil {
		return nil, err
	}
	return data, nil
}

// openAsset checks what the file system says about name, without following
// a symbolic link, and opens it only when it is an allowed, regular,
// singly linked file of an allowed size. The opened file must be the one
// that was checked.
func openAsset(fsys fs.FS, name string) (fs.File, error) {
	info, err := fs.Lstat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := checkAssetInfo(name, info); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	opened, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := checkAssetInfo(name, opened); err != nil {
		f.Close()
		return nil, err
	}
	// Between Lstat and Open the name could have become a symbolic link
	// to another file. Where the file system can tell (the operating
	// system's files), the two must be the same file.
	if os.SameFile(info, info) && os.SameFile(opened, opened) && !os.SameFile(info, opened) {
		f.Close()
		return nil, assetErr(name, "asset/symlink", "assets must be regular files", "the file changed while it was being read")
	}
	return f, nil
}

// checkAssetInfo checks an asset's file type, link count and size.
func checkAssetInfo(name string, info fs.FileInfo) error {
	mode := info.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return assetErr(name, "asset/symlink", "replace the link with a copy of the file: a link may point at any file of the repository, so links are never published",
			"%s is a symbolic link; assets must be regular files", path.Base(name))
	case mode.IsDir():
		return assetErr(name, "asset/not-regular", "put assets directly in the incident folder, or move the folder out of it",
			"%s is a folder; an incident folder holds files only", path.Base(name))
	case !mode.IsRegular():
		return assetErr(name, "asset/not-regular", "replace it with a regular file",
			"%s is not a regular file (%s)", path.Base(name), fileKind(mode))
	}
	if _, _, ok := assetType(name); !ok {
		return typeError(name)
	}
	if n, ok := linkCount(info); ok && n > 1 {
		b := path.Base(name)
		return assetErr(name, "asset/hard-link", fmt.Sprintf("give it content of its own (cp %s %s.copy && mv %s.copy %s): another name of the same file may be any file of the repository", b, b, b, b),
			"%s has %d hard links; assets must be files of their own", b, n)
	}
	if info.Size() > MaxAssetSize {
		return tooLarge(name, info.Size())
	}
	return nil
}

func tooLarge(name string, size int64) *AssetError {
	return assetErr(name, "asset/too-large", "shrink it (resize or compress the image, split the file), or host it elsewhere and link to it",
		"%s is %s; the limit for assets is %s", path.Base(name), humanBytes(size), humanBytes(MaxAssetSize))
}

func typeError(name string) *AssetError {
	ext := strings.ToLower(path.Ext(name))
	allowed := strings.Join(AssetTypes(), ", ")
	hint := "keep it outside the incident folder, or convert it to one of " + allowed
	switch ext {
	case ".svg", ".svgz":
		hint = "SVG can carry scripts that would run on the site: export the drawing as PNG"
	case ".html", ".htm", ".xhtml", ".xml", ".js", ".mjs", ".css":
		hint = "a page or script next to the site's pages could change them: export it as PDF or PNG, or link to where it is hosted"
	case ".md":
		hint = "only incident.md and postmortem.md are Markdown files of an incident; rename notes to .txt, or move them into the narrative"
	}
	if ext == "" {
		return assetErr(name, "asset/type", hint, "%s has no file name extension; assets may be %s", path.Base(name), allowed)
	}
	return assetErr(name, "asset/type", hint, "files ending in %s cannot be published; assets may be %s", ext, allowed)
}

// checkAssetContent checks that the start of an asset agrees with its
// name, so that no browser and no server that guesses types from content
// can take it for a page: an image must start like a PNG, JPEG, GIF, WebP
// or AVIF image (any of them, whatever the extension: browsers draw them
// all), a PDF like a PDF, and text must not start with markup.
func checkAssetContent(name string, head []byte) error {
	_, kind, ok := assetType(name)
	if !ok {
		return typeError(name)
	}
	switch kind {
	case kindImage:
		if !isImage(head) {
			return assetErr(name, "asset/type", "save it in the format its name says (PNG, JPEG, GIF, WebP or AVIF)",
				"%s is not a PNG, JPEG, GIF, WebP or AVIF image", path.Base(name))
		}
	case kindPDF:
		if !bytes.HasPrefix(head, []byte("%PDF-")) {
			return assetErr(name, "asset/type", "save it as PDF, or rename it", "%s is not a PDF document", path.Base(name))
		}
	case kindText:
		if t := bytes.TrimLeft(head, "\t\n\f\r "); len(t) > 0 && t[0] == '<' {
			return assetErr(name, "asset/type", "a browser may take text that starts with markup for a page; start the file with a line of plain text",
				"%s starts with markup", path.Base(name))
		}
	}
	return nil
}

// isImage reports whether b starts with the signature of a PNG, JPEG, GIF,
// WebP or AVIF image.
func isImage(b []byte) bool {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(b, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")),
		len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return true
	}
	// AVIF: an ISO BMFF "ftyp" box whose brands include avif or avis.
	if len(b) >= 16 && string(b[4:8]) == "ftyp" {
		size := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		box := b[8:min(len(b), max(size, 16))]
		for i := 0; i+4 <= len(box); i += 4 {
			if s := string(box[i : i+4]); s == "avif" || s == "avis" {
				return true
			}
		}
	}
	return false
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return m.Type().String()
}

// IsAssetError reports whether err is a refusal of the asset policy.
func IsAssetError(err error) bool {
	var ae *AssetError
	return errors.As(err, &ae)
}
