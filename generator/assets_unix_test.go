//go:build unix

package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/schema"
)

// TestHardening02AssetLimits: the loader's guards apply to assets too. A
// named pipe must neither hang validation nor be read by a build, a file
// over the size limit is refused before it is read, and a folder is
// reported rather than failing the build.
func TestHardening02AssetLimits(t *testing.T) {
	fsys := assetRepo("trace.txt", "huge.png", "img", "ok.png")
	fsys[assetIncident+"ok.png"] = &fstest.MapFile{Data: []byte(pngBytes)}
	fsys[assetIncident+"img/a.png"] = &fstest.MapFile{Data: []byte(pngBytes)}
	dir := writeTree(t, fsys)
	inc := filepath.Join(dir, filepath.FromSlash(assetIncident))

	// A named pipe with a writer waiting: a build that opened it would
	// receive the secret and publish it.
	fifo := filepath.Join(inc, "trace.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("named pipes unsupported here:", err)
	}
	secret := "MKR-FIFO-SECRET"
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(secret)
		f.Close()
	}()
	t.Cleanup(func() {
		// Release the writer: open the reading end without blocking.
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			<-done
			r.Close()
		}
	})

	// A sparse file one byte over the limit: no disk, no memory.
	huge, err := os.Create(filepath.Join(inc, "huge.png"))
	if err != nil {
		t.Fatal(err)
	}
	huge.WriteString(pngBytes)
	if err := huge.Truncate(schema.MaxAssetSize + 1); err != nil {
		t.Fatal(err)
	}
	huge.Close()

	site, ps := forceBuild(t, rootFS(t, dir), Public, "trace.txt", "huge.png", "img")
	if got, want := assetCodes(ps), []string{"huge.png: asset/too-large", "img: asset/not-regular", "trace.txt: asset/not-regular"}; !slices.Equal(got, want) {
		t.Errorf("validate reports %q, want %q\n%v", got, want, ps)
	}
	for _, p := range []string{"trace.txt", "huge.png", "img", "img/a.png"} {
		if _, ok := site.Files[assetPage+p]; ok {
			t.Errorf("the build publishes %s", p)
		}
	}
	if bytes.Contains(joinFiles(site), []byte(secret)) {
		t.Error("the build read the named pipe")
	}
	if _, ok := site.Files[assetPage+"ok.png"]; !ok {
		t.Error("ok.png is not published; the test would prove nothing")
	}
}
