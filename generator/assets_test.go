package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/schema"
)

// The tests of this file cover the asset policy: which files of an incident
// folder a build may publish. Their names carry the item numbers of the
// hardening review.

const (
	assetIncident = "incidents/2026/2026-11-20-api-errors/"
	assetPage     = "incidents/2026-11-20-api-errors/"
	pngBytes      = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
)

// assetRepo is the marker repository whose public postmortem links to
// each of the given names (as an image and as a link).
func assetRepo(names ...string) fstest.MapFS {
	fsys := markerRepo()
	var links strings.Builder
	for _, n := range names {
		links.WriteString("![" + n + "](" + n + ") [" + n + "](" + n + ")\n")
	}
	pm := fsys[assetIncident+"postmortem.md"]
	pm.Data = bytes.Replace(pm.Data, []byte("Public text.\n"), []byte("Public text.\n\n"+links.String()), 1)
	return fsys
}

// writeTree writes fsys into a new temporary folder and returns it.
func writeTree(t *testing.T, fsys fstest.MapFS) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range fsys {
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

// rootFS opens dir the way the command line does: through os.Root.
func rootFS(t *testing.T, dir string) fs.FS {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root.FS()
}

// assetCodes returns the asset problems of ps as "file: code".
func assetCodes(ps schema.Problems) []string {
	var out []string
	for _, p := range ps {
		if strings.HasPrefix(p.Code, "asset/") || strings.HasPrefix(p.Code, "file/") {
			out = append(out, path.Base(p.File)+": "+p.Code)
		}
	}
	slices.Sort(out)
	return out
}

// forceBuild builds a repository the way `baton build --force` does:
// whatever validation said. extra lists assets to add to the incident as
// if the loader had accepted them, so that the build's own checks are
// tested and not only the loader's.
func forceBuild(t *testing.T, fsys fs.FS, a Audience, extra ...string) (*Site, schema.Problems) {
	t.Helper()
	repo, ps := schema.Load(t.Context(), fsys)
	in := repo.Incident("2026-11-20-api-errors")
	if in == nil {
		t.Fatalf("the incident did not load:\n%v", ps)
	}
	for _, e := range extra {
		if !slices.Contains(in.Assets, assetIncident+e) {
			in.Assets = append(in.Assets, assetIncident+e)
		}
	}
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a, Assets: fsys})
	if err != nil {
		t.Fatal(err)
	}
	return site, ps
}

// TestHardening01SymlinkedAssets: a symbolic link or a hard link in a
// public incident folder, linked from the public postmortem, must not
// publish the repository file it stands for: validate refuses it, and a
// build that ignores validation copies nothing through it.
func TestHardening01SymlinkedAssets(t *testing.T) {
	fsys := assetRepo("diagram.png", "notes.txt", "ok.png")
	fsys[assetIncident+"ok.png"] = &fstest.MapFile{Data: []byte(pngBytes)}
	dir := writeTree(t, fsys)
	inc := filepath.Join(dir, filepath.FromSlash(assetIncident))
	if err := os.Symlink("../../../people.yaml", filepath.Join(inc, "diagram.png")); err != nil {
		t.Skip("symbolic links unsupported here:", err)
	}
	if err := os.Link(filepath.Join(dir, "people.yaml"), filepath.Join(inc, "notes.txt")); err != nil {
		t.Skip("hard links unsupported here:", err)
	}
	// The people.yaml of the marker repository names everyone "MKR-…".
	secret := []byte("MKR-NAME-IMOC")

	site, ps := forceBuild(t, rootFS(t, dir), Public)
	if got, want := assetCodes(ps), []string{"diagram.png: asset/symlink", "notes.txt: asset/hard-link"}; !slices.Equal(got, want) {
		t.Errorf("validate reports %q, want %q\n%v", got, want, ps)
	}
	for _, p := range []string{assetPage + "diagram.png", assetPage + "notes.txt"} {
		if _, ok := site.Files[p]; ok {
			t.Errorf("the public build publishes %s", p)
		}
	}
	for _, p := range site.Paths() {
		if bytes.Contains(site.Files[p], secret) {
			t.Errorf("%s contains people.yaml", p)
		}
	}
	if !bytes.Equal(site.Files[assetPage+"ok.png"], []byte(pngBytes)) {
		t.Error("the regular asset ok.png is not published; the test would prove nothing")
	}

	// The build checks again by itself: a file that became a link after
	// validation (or a Repo loaded without the checks) is not followed.
	if err := os.Remove(filepath.Join(inc, "ok.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../people.yaml", filepath.Join(inc, "ok.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(inc, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "people.yaml"), filepath.Join(inc, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	repo, _ := schema.Load(t.Context(), rootFS(t, filepath.Join(dir)))
	in := repo.Incident("2026-11-20-api-errors")
	in.Assets = append(in.Assets, assetIncident+"ok.png", assetIncident+"diagram.png", assetIncident+"notes.txt")
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: Public, Assets: rootFS(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range site.Paths() {
		if bytes.Contains(site.Files[p], secret) {
			t.Errorf("%s contains people.yaml (the build followed a link)", p)
		}
	}
}

// TestHardening02AssetPolicy: only inert types are published. Pages,
// scripts and SVG next to a public postmortem would run on the site's
// origin; files whose content contradicts their name could be taken for a
// page by a server or browser that guesses types.
func TestHardening02AssetPolicy(t *testing.T) {
	allowed := map[string]string{
		"ok.png":  pngBytes,
		"ok.JPG":  "\xff\xd8\xff\xe0\x00\x10JFIF",
		"ok.gif":  "GIF89a\x01\x00\x01\x00",
		"ok.webp": "RIFF\x24\x00\x00\x00WEBPVP8 ",
		"ok.avif": "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
		"ok.pdf":  "%PDF-1.7\n",
		"ok.txt":  "plain text <b>not markup</b>\n",
		"ok.csv":  "a,b\n1,2\n",
	}
	refused := map[string]string{
		"details.html": "<script>alert(document.cookie)</script>",
		"chart.svg":    `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"app.js":       "alert(1)",
		"page.xhtml":   "<html/>",
		"notes.md":     "# notes",
		"README":       "text",
		"fake.png":     "<html><script>alert(1)</script>",
		"fake.pdf":     "<html>",
		"page.txt":     "  \n<html><script>alert(1)</script>",
		"png.gif":      pngBytes[:4], // cut short
	}
	var names []string
	fsys := assetRepo()
	for n, data := range allowed {
		names = append(names, n)
		fsys[assetIncident+n] = &fstest.MapFile{Data: []byte(data)}
	}
	for n, data := range refused {
		names = append(names, n)
		fsys[assetIncident+n] = &fstest.MapFile{Data: []byte(data)}
	}
	slices.Sort(names)
	linked := assetRepo(names...)
	fsys[assetIncident+"postmortem.md"] = linked[assetIncident+"postmortem.md"]

	site, ps := forceBuild(t, fsys, Public, names...)
	var want []string
	for n := range refused {
		want = append(want, n+": asset/type")
	}
	slices.Sort(want)
	if got := assetCodes(ps); !slices.Equal(got, want) {
		t.Errorf("validate reports\n%q\nwant\n%q", got, want)
	}
	for _, p := range ps {
		if p.Code == "asset/type" && (p.Hint == "" || p.Message == "") {
			t.Errorf("%s: no message or hint: %+v", p.File, p)
		}
	}
	for n, data := range allowed {
		if got := site.Files[assetPage+n]; string(got) != data {
			t.Errorf("the allowed asset %s is not published as it is (%q)", n, got)
		}
	}
	for n := range refused {
		if _, ok := site.Files[assetPage+n]; ok {
			t.Errorf("the refused asset %s is published", n)
		}
	}
	if t.Failed() {
		return
	}
	// Every published asset has a type the serving policy knows.
	for _, p := range site.Paths() {
		if strings.HasPrefix(p, "incidents/") && strings.Count(p, "/") == 2 && path.Base(p) != "index.html" {
			if _, ok := schema.AssetMediaType(p); !ok {
				t.Errorf("published %s has no asset type", p)
			}
		}
	}
}

// TestHardening02ReadAssetIsBounded: a file system whose Stat understates
// a file's size cannot make the build read more than the limit.
func TestHardening02ReadAssetIsBounded(t *testing.T) {
	big := append([]byte(pngBytes), make([]byte, schema.MaxAssetSize)...)
	fsys := lyingFS{fstest.MapFS{"a.png": {Data: big}}}
	if _, err := schema.ReadAsset(fsys, "a.png"); !schema.IsAssetError(err) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("ReadAsset of a file larger than it says: %v", err)
	}
}

// lyingFS reports every file as 1 byte long.
type lyingFS struct{ fstest.MapFS }

func (l lyingFS) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return lyingFile{f}, nil
}

func (l lyingFS) Stat(name string) (fs.FileInfo, error) {
	info, err := l.MapFS.Stat(name)
	return lyingInfo{info}, err
}

func (l lyingFS) Lstat(name string) (fs.FileInfo, error) {
	info, err := l.MapFS.Lstat(name)
	return lyingInfo{info}, err
}

type lyingFile struct{ fs.File }

func (f lyingFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	return lyingInfo{info}, err
}

type lyingInfo struct{ fs.FileInfo }

func (lyingInfo) Size() int64 { return 1 }

// TestHardening09FragmentsAreNotFiles: a link's fragment names a place in
// a page, never a file. Files named like the page's own fragments
// ("#main", the skip link) or like a fragment the Markdown links to are
// not published; a file is published only when a link's path names it.
func TestHardening09FragmentsAreNotFiles(t *testing.T) {
	fsys := markerRepo()
	for _, n := range []string{"#main", "main", "en", "stylesheet", "timeline", "summary", "#h-summary", "#fn:1"} {
		fsys[assetIncident+n] = &fstest.MapFile{Data: []byte("MKR-UNLINKED-ASSET")}
	}
	// Allowed names, linked only as fragments (or with a fragment).
	fsys[assetIncident+"#notes.txt"] = &fstest.MapFile{Data: []byte("MKR-FRAGMENT-ASSET")}
	fsys[assetIncident+"#top.txt"] = &fstest.MapFile{Data: []byte("MKR-FRAGMENT-ASSET")}
	fsys[assetIncident+"log.txt"] = &fstest.MapFile{Data: []byte("log")}
	fsys[assetIncident+"#deliberate.txt"] = &fstest.MapFile{Data: []byte("deliberate")}
	inc := fsys[assetIncident+"incident.md"]
	inc.Data = append(inc.Data, "\nSee [below](#notes.txt), [the log](log.txt#L10) and [this](%23deliberate.txt).\n"...)
	pm := fsys[assetIncident+"postmortem.md"]
	pm.Data = bytes.Replace(pm.Data, []byte("Public text.\n"), []byte("Public text. [Top](#top.txt)\n"), 1)

	// The controls: a link's path names a file, with or without a
	// fragment, and a percent-encoded "#" is part of the name.
	want := map[Audience][]string{
		Public:   nil,
		Internal: {"#deliberate.txt", "log.txt", "mkr-narrative-asset.txt"},
	}
	for _, a := range []Audience{Public, Internal} {
		site, _ := forceBuild(t, fsys, a, "#main", "main", "en", "stylesheet", "timeline", "summary", "#h-summary", "#fn:1")
		var got []string
		for _, p := range site.Paths() {
			if strings.HasPrefix(p, assetPage) && strings.Count(p, "/") == 2 && path.Base(p) != "index.html" {
				got = append(got, path.Base(p))
			}
		}
		if !slices.Equal(got, want[a]) {
			t.Errorf("%s build publishes %q, want %q", a, got, want[a])
		}
	}
}
