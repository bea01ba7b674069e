package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/schema"
)

// siteFiles is a small site whose pages all carry tag, so that a reader
// can tell which build it sees.
func siteFiles(tag string) map[string][]byte {
	return map[string][]byte{
		"index.html":                  []byte("<!doctype html><title>" + tag + "</title>" + strings.Repeat("x", 4096) + "</html>\n"),
		"404.html":                    []byte("404 " + tag),
		"feed.xml":                    []byte("<feed>" + tag + "</feed>"),
		"api/v2/summary.json":         []byte(`{"tag":"` + tag + `"}`),
		"incidents/index.html":        []byte("incidents " + tag),
		"incidents/2026-01-01-a/x.md": []byte("a " + tag),
	}
}

func write(t *testing.T, dir string, files map[string][]byte, opts WriteOptions) error {
	t.Helper()
	if opts.Audience == "" {
		opts.Audience = Public
	}
	return Write(t.Context(), dir, files, opts)
}

func mustWrite(t *testing.T, dir string, files map[string][]byte, opts WriteOptions) {
	t.Helper()
	if err := write(t, dir, files, opts); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// entries lists a folder's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func mkfiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHardening12ReplacesOnlyWhatBatonWrote: a folder is replaced only
// when it is missing, empty, or a site Baton wrote (the marker file, or a
// marker-less site of an earlier release that holds nothing else).
func TestHardening12ReplacesOnlyWhatBatonWrote(t *testing.T) {
	root := t.TempDir()

	// Every site carries the marker, with its audience.
	site := filepath.Join(root, "site")
	mustWrite(t, site, siteFiles("one"), WriteOptions{})
	if got, want := readFile(t, filepath.Join(site, MarkerFile)), `{"generator":"baton","audience":"public"}`+"\n"; got != want {
		t.Errorf("marker %q, want %q", got, want)
	}
	mustWrite(t, site, siteFiles("two"), WriteOptions{})
	if got := readFile(t, filepath.Join(site, "404.html")); got != "404 two" {
		t.Errorf("not replaced: %q", got)
	}

	empty := filepath.Join(root, "empty")
	mkfiles(t, empty, "./")
	mustWrite(t, empty, siteFiles("one"), WriteOptions{})

	legacy := filepath.Join(root, "legacy")
	mkfiles(t, legacy, "index.html", "404.html", "feed.xml", "api/v2/summary.json", "assets/style.css",
		"incidents/index.html", "oncall/x.ics", "metrics/index.html")
	mustWrite(t, legacy, siteFiles("new"), WriteOptions{})
	if _, err := os.Stat(filepath.Join(legacy, "oncall")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the legacy site was not replaced as a whole: %v", err)
	}

	for name, tc := range map[string]struct {
		files  []string
		reason string
	}{
		"unrelated files beside index.html": {[]string{"index.html", "notes.txt", "photos/cat.jpg"}, "holds files a Baton site does not have: notes.txt, photos"},
		"no index.html":                     {[]string{"api/v2/summary.json"}, "has no index.html and no .baton-site"},
		"a repository":                      {[]string{"index.html", "baton.yaml", MarkerFile}, "holds baton.yaml"},
		"a git work tree":                   {[]string{"index.html", ".git/HEAD"}, "holds .git"},
		"a foreign marker":                  {[]string{"index.html", MarkerFile}, "has a .baton-site that Baton did not write"},
		"a marker and other files":          {[]string{"index.html", "notes.txt"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(root, strings.ReplaceAll(name, " ", "-"))
			mkfiles(t, dir, tc.files...)
			if tc.reason == "" {
				if err := os.WriteFile(filepath.Join(dir, MarkerFile), []byte(`{"generator":"baton","audience":"public"}`), 0o644); err != nil {
					t.Fatal(err)
				}
				// A marker makes the folder Baton's: other files go.
				mustWrite(t, dir, siteFiles("x"), WriteOptions{})
				mustWrite(t, dir, siteFiles("y"), WriteOptions{})
				if slices.Contains(entries(t, dir), "notes.txt") {
					t.Error("a site with a marker kept an old file")
				}
				return
			}
			before := entries(t, dir)
			err := write(t, dir, siteFiles("x"), WriteOptions{})
			var nas *NotASiteError
			if !errors.As(err, &nas) || nas.Reason != tc.reason || nas.Dir != dir {
				t.Fatalf("error %v, want a NotASiteError: %s", err, tc.reason)
			}
			if !strings.HasSuffix(err.Error(), "; refusing to replace it") {
				t.Errorf("message %q", err)
			}
			if after := entries(t, dir); !slices.Equal(before, after) {
				t.Errorf("the folder changed: %v, then %v", before, after)
			}
			if name == "no index.html" {
				return
			}
			if got := readFile(t, filepath.Join(dir, "index.html")); got != "keep me" {
				t.Errorf("index.html was replaced: %q", got)
			}
		})
	}

	// A file, and a symbolic link to a site, are not folders Baton wrote.
	file := filepath.Join(root, "file")
	mkfiles(t, root, "file")
	notFolders := []string{file}
	link := filepath.Join(root, "link")
	if err := os.Symlink(site, link); err == nil {
		notFolders = append(notFolders, link)
	} else if runtime.GOOS != "windows" {
		t.Fatal(err)
	}
	for _, dir := range notFolders {
		var nas *NotASiteError
		if err := write(t, dir, siteFiles("x"), WriteOptions{}); !errors.As(err, &nas) || nas.Reason != "is not a folder" {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

// TestHardening12Audience: the marker records the audience; a site built
// for the other audience is replaced only when asked.
func TestHardening12Audience(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	mustWrite(t, dir, siteFiles("public"), WriteOptions{Audience: Public})
	if a, ok, err := SiteAudience(dir); a != Public || !ok || err != nil {
		t.Errorf("SiteAudience: %q %v %v", a, ok, err)
	}
	err := write(t, dir, siteFiles("internal"), WriteOptions{Audience: Internal})
	var ae *AudienceError
	if !errors.As(err, &ae) || ae.Existing != Public || ae.New != Internal {
		t.Fatalf("error %v, want an AudienceError", err)
	}
	if want := dir + " holds a site built for the public audience; refusing to replace it with the internal site"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if got := readFile(t, filepath.Join(dir, "404.html")); got != "404 public" {
		t.Errorf("the public site was touched: %q", got)
	}
	mustWrite(t, dir, siteFiles("internal"), WriteOptions{Audience: Internal, ReplaceOtherAudience: true})
	if a, _, _ := SiteAudience(dir); a != Internal {
		t.Errorf("audience after replacing: %q", a)
	}
	if a, ok, err := SiteAudience(t.TempDir()); a != "" || ok || err != nil {
		t.Errorf("SiteAudience of a folder without marker: %q %v %v", a, ok, err)
	}
	if err := write(t, dir, map[string][]byte{MarkerFile: []byte("{}")}, WriteOptions{}); err == nil {
		t.Error("a site may not bring its own marker")
	}
}

// leftovers lists what Write left next to the output besides the output
// and its lock file.
func leftovers(t *testing.T, parent, base string) []string {
	t.Helper()
	var out []string
	for _, n := range entries(t, parent) {
		if n != base && n != "."+base+".lock" {
			out = append(out, n)
		}
	}
	return out
}

// exchangeSupported reports whether folders can be swapped atomically in
// dir; when they cannot, it skips the test (but never in CI on Linux,
// where the reader guarantee must be tested).
func exchangeSupported(t *testing.T, dir string) {
	t.Helper()
	a, b := filepath.Join(dir, "probe-a"), filepath.Join(dir, "probe-b")
	mkfiles(t, dir, "probe-a/", "probe-b/")
	defer os.RemoveAll(a)
	defer os.RemoveAll(b)
	if err := exchangeDirs(a, b); err != nil {
		if runtime.GOOS == "linux" && os.Getenv("CI") == "true" {
			t.Fatalf("renameat2(RENAME_EXCHANGE) is not available in CI: %v", err)
		}
		t.Skipf("this system cannot swap folders atomically (%v); readers may see a missing folder for a moment", err)
	}
}

// TestHardening13ReadersAlwaysSeeASite: while builds replace the site, a
// reader that opens index.html in a loop always finds a complete page of
// one build or another.
func TestHardening13ReadersAlwaysSeeASite(t *testing.T) {
	root := t.TempDir()
	exchangeSupported(t, root)
	dir := filepath.Join(root, "site")
	mustWrite(t, dir, siteFiles("v0"), WriteOptions{})

	var stop atomic.Bool
	var reads, missing, torn atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				data, err := os.ReadFile(filepath.Join(dir, "index.html"))
				reads.Add(1)
				switch {
				case err != nil:
					missing.Add(1)
				case !strings.HasSuffix(string(data), "</html>\n"):
					torn.Add(1)
				}
			}
		}()
	}
	const builds = 40
	var bw sync.WaitGroup
	errs := make(chan error, builds)
	for i := range builds {
		bw.Add(1)
		go func() {
			defer bw.Done()
			errs <- Write(t.Context(), dir, siteFiles(fmt.Sprintf("v%d", i+1)), WriteOptions{Audience: Public})
		}()
	}
	bw.Wait()
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if missing.Load() > 0 || torn.Load() > 0 {
		t.Errorf("in %d reads during %d builds, index.html was missing %d times and incomplete %d times", reads.Load(), builds, missing.Load(), torn.Load())
	}
	if reads.Load() == 0 {
		t.Error("the readers never ran")
	}
	t.Logf("%d reads of index.html during %d concurrent builds", reads.Load(), builds)
	if l := leftovers(t, root, "site"); len(l) > 0 {
		t.Errorf("left next to the site: %v", l)
	}
}

// TestHardening13ConcurrentBuilds: builds into one folder wait for each
// other; all succeed, and nothing is left next to the output. Also with
// the two-rename swap of systems that cannot exchange folders.
func TestHardening13ConcurrentBuilds(t *testing.T) {
	for name, exchange := range map[string]func(a, b string) error{
		"exchange":    nil,
		"two renames": func(a, b string) error { return errExchangeUnsupported },
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "site")
			const n = 8
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- Write(t.Context(), dir, siteFiles(fmt.Sprintf("b%d", i)), WriteOptions{Audience: Public, exchange: exchange})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			tag := strings.TrimPrefix(readFile(t, filepath.Join(dir, "404.html")), "404 ")
			for name, data := range siteFiles(tag) {
				if got := readFile(t, filepath.Join(dir, filepath.FromSlash(name))); got != string(data) {
					t.Errorf("%s is from another build than 404.html (%s): %q", name, tag, got)
				}
			}
			if l := leftovers(t, root, "site"); len(l) > 0 {
				t.Errorf("left next to the site: %v", l)
			}
		})
	}
}

// TestHardening13StaleTemporariesRemoved: folders that a killed build left
// next to the output (and only those) are deleted by the next build.
func TestHardening13StaleTemporariesRemoved(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	mustWrite(t, dir, siteFiles("v1"), WriteOptions{})
	stale := []string{".site.tmp-123456/index.html", ".site.old-987/api/x.json"}
	kept := []string{".site.tmp-notdigits/a", ".other.tmp-123/a", ".site.tmp-/a", "site.tmp-1/a", ".site.lock.bak"}
	mkfiles(t, root, stale...)
	mkfiles(t, root, kept...)
	mkfiles(t, root, ".site.old-55") // a file, not a folder: not Baton's
	mustWrite(t, dir, siteFiles("v2"), WriteOptions{})
	for _, s := range stale {
		top := strings.Split(s, "/")[0]
		if _, err := os.Lstat(filepath.Join(root, top)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there", top)
		}
	}
	for _, k := range append(kept, ".site.old-55") {
		if _, err := os.Lstat(filepath.Join(root, k)); err != nil {
			t.Errorf("%s was removed: %v", k, err)
		}
	}
}

// TestHardening13Lock: a build waits for the lock and gives up after
// LockWait with a message naming the holder; an interrupted wait reports
// the interruption.
func TestHardening13Lock(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	for name, take := range map[string]func(context.Context, string, string, time.Duration) (func(), error){
		"system":    lockOutput,
		"exclusive": lockExcl,
	} {
		t.Run(name, func(t *testing.T) {
			lock := filepath.Join(t.TempDir(), ".site.lock")
			unlock, err := take(t.Context(), dir, lock, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			_, err = take(t.Context(), dir, lock, 30*time.Millisecond)
			var le *LockedError
			if !errors.As(err, &le) || le.Lock != lock || !strings.HasPrefix(le.Holder, fmt.Sprintf("pid %d on ", os.Getpid())) {
				t.Fatalf("second lock: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "another build is writing into "+dir+" ("+lock+" is held by pid ") {
				t.Errorf("message %q", err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if _, err := take(ctx, dir, lock, time.Minute); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled wait: %v", err)
			}
			done := make(chan error)
			go func() {
				u, err := take(t.Context(), dir, lock, 10*time.Second)
				if err == nil {
					u()
				}
				done <- err
			}()
			time.Sleep(20 * time.Millisecond)
			unlock()
			if err := <-done; err != nil {
				t.Errorf("waiting for the lock: %v", err)
			}
		})
	}
	if err := write(t, dir, siteFiles("x"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestHardening13StaleExclusiveLock: where there is no flock, a lock file
// left by a process that no longer runs is taken over.
func TestHardening13StaleExclusiveLock(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid
	host, _ := os.Hostname()
	lock := filepath.Join(t.TempDir(), ".site.lock")
	if err := os.WriteFile(lock, fmt.Appendf(nil, "pid %d on %s\n", dead, host), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockExcl(t.Context(), "site", lock, 5*time.Second)
	if err != nil {
		t.Fatalf("a stale lock was not taken over: %v", err)
	}
	unlock()
	// A lock from another host cannot be judged: it is respected.
	if err := os.WriteFile(lock, fmt.Appendf(nil, "pid %d on elsewhere.example\n", dead), 0o644); err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := lockExcl(t.Context(), "site", lock, 30*time.Millisecond); !errors.As(err, &le) || le.Holder != fmt.Sprintf("pid %d on elsewhere.example", dead) {
		t.Errorf("lock of another host: %v", err)
	}
}

// TestHardening14CleanupFailure: when the previous site cannot be
// deleted, the new one is in place and the error says so; the next build
// deletes the leftover.
func TestHardening14CleanupFailure(t *testing.T) {
	for name, exchange := range map[string]func(a, b string) error{
		"exchange":    nil,
		"two renames": func(a, b string) error { return errExchangeUnsupported },
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "site")
			mustWrite(t, dir, siteFiles("old"), WriteOptions{exchange: exchange})
			denied := errors.New("permission denied")
			err := write(t, dir, siteFiles("new"), WriteOptions{exchange: exchange, RemoveAll: func(string) error { return denied }})
			var ce *CleanupError
			if !errors.As(err, &ce) || !errors.Is(err, denied) || ce.Dir != dir {
				t.Fatalf("error %v, want a CleanupError", err)
			}
			if got := readFile(t, filepath.Join(dir, "404.html")); got != "404 new" {
				t.Errorf("the new site is not in place: %q", got)
			}
			if got := readFile(t, filepath.Join(ce.Old, "404.html")); got != "404 old" {
				t.Errorf("the previous site is not at %s: %q", ce.Old, got)
			}
			if want := "the new site is in place at " + dir + ", but the previous one could not be removed from " + ce.Old + ": permission denied"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			mustWrite(t, dir, siteFiles("newer"), WriteOptions{exchange: exchange})
			if l := leftovers(t, root, "site"); len(l) > 0 {
				t.Errorf("the next build left %v", l)
			}
		})
	}
}

// TestWriteFailureLeavesSiteAlone: a failure before the swap (here an
// interruption while writing files) leaves the previous site and nothing
// else.
func TestWriteFailureLeavesSiteAlone(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	mustWrite(t, dir, siteFiles("old"), WriteOptions{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Write(ctx, dir, siteFiles("new"), WriteOptions{Audience: Public}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "404.html")); got != "404 old" {
		t.Errorf("the previous site changed: %q", got)
	}
	if l := leftovers(t, root, "site"); len(l) > 0 {
		t.Errorf("left next to the site: %v", l)
	}
	for _, bad := range []string{"../x", "/abs", "a/../b", `a\b`, ""} {
		if err := write(t, dir, map[string][]byte{bad: nil}, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "not a clean relative path") {
			t.Errorf("path %q: %v", bad, err)
		}
	}
	for _, bad := range []string{".", "..", "/"} {
		if err := write(t, bad, siteFiles("x"), WriteOptions{}); err == nil || !strings.Contains(err.Error(), "name a folder of its own") {
			t.Errorf("dir %q: %v", bad, err)
		}
	}
}

// BenchmarkWrite replaces a site of 2,500 incidents (public) in the same
// folder again and again, with the atomic exchange and with the two-rename
// fallback; lock, stale-folder scan, writing, swap and deletion included:
//
//	go test -run '^$' -bench Write -benchtime 10x ./generator/
func BenchmarkWrite(b *testing.B) {
	repo, _ := schema.Load(b.Context(), largeRepo(2500))
	site, err := Build(b.Context(), repo, Options{Now: fixtureNow, Audience: Public})
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for _, data := range site.Files {
		size += len(data)
	}
	for name, exchange := range map[string]func(a, b string) error{
		"exchange":    nil,
		"two-renames": func(a, b string) error { return errExchangeUnsupported },
	} {
		b.Run(name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "site")
			b.SetBytes(int64(size))
			for b.Loop() {
				if err := Write(b.Context(), dir, site.Files, WriteOptions{Audience: Public, exchange: exchange}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(site.Files)), "files")
		})
	}
}
