package schema

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzAssetPolicy feeds arbitrary names and contents through the asset
// policy. Invariants: validate's check (CheckAsset) and build's read
// (ReadAsset) always agree; a file either is refused with an *AssetError or
// is published byte for byte; what is published has an allowed extension,
// is within the size limit, is served with an inert media type, and is
// never taken for a page or markup by content sniffing.
func FuzzAssetPolicy(f *testing.F) {
	f.Add("chart.png", []byte("\x89PNG\r\n\x1a\nrest"))
	f.Add("chart.svg", []byte(`<svg onload="alert(1)"/>`))
	f.Add("notes.txt", []byte("  <html><script>alert(1)</script>"))
	f.Add("notes.TXT", []byte("plain text"))
	f.Add("data.csv", []byte("a,b\n1,2\n"))
	f.Add("report.pdf", []byte("%PDF-1.7\n"))
	f.Add("photo.jpg", []byte("<!DOCTYPE html>"))
	f.Add("x.webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Add("#main", []byte("secret"))
	f.Add("page.html", []byte("<p>hi</p>"))
	f.Add("noext", []byte(""))
	f.Add("log.txt", []byte("\xef\xbb\xbf<html>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
			return
		}
		p := path.Join("incidents/2026/2026-01-10-x", name)
		if !fs.ValidPath(p) {
			return // not a name a file system can hold (the loader reports those)
		}
		fsys := fstest.MapFS{p: {Data: data}}
		checkErr := CheckAsset(fsys, p)
		got, readErr := ReadAsset(fsys, p)
		if (checkErr == nil) != (readErr == nil) {
			t.Fatalf("CheckAsset says %v but ReadAsset says %v", checkErr, readErr)
		}
		if checkErr != nil {
			var ae *AssetError
			if !errors.As(checkErr, &ae) || !IsAssetError(readErr) || ae.Code == "" || !strings.HasPrefix(ae.Code, "asset/") {
				t.Fatalf("refusal is not an asset error with a code: %#v / %v", checkErr, readErr)
			}
			return
		}
		if string(got) != string(data) {
			t.Fatal("ReadAsset changed the content")
		}
		ext := strings.ToLower(path.Ext(name))
		if !slices.Contains(AssetTypes(), ext) {
			t.Fatalf("published %q, whose extension is not in %v", name, AssetTypes())
		}
		if len(data) > MaxAssetSize {
			t.Fatalf("published %d bytes, over the limit", len(data))
		}
		mt, ok := AssetMediaType(name)
		if !ok {
			t.Fatalf("published %q without a media type", name)
		}
		for _, bad := range []string{"html", "xml", "svg", "javascript", "ecmascript"} {
			if strings.Contains(mt, bad) {
				t.Fatalf("published %q as %s", name, mt)
			}
		}
		if sniff := http.DetectContentType(data); strings.HasPrefix(sniff, "text/html") || strings.HasPrefix(sniff, "text/xml") {
			t.Fatalf("published %q, which content sniffing takes for %s", name, sniff)
		}
	})
}
