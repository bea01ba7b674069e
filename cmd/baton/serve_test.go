package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/generator"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// exampleCopy copies the example organisation into a temporary folder.
func exampleCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root := exampleRoot(t)
	for _, name := range []string{"baton.yaml", "people.yaml", "rotations", "incidents"} {
		if err := copyTree(filepath.Join(root, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func testServer(t *testing.T, dir string, audience generator.Audience) (*siteServer, *httptest.Server, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	g := &globals{
		env:     &env{stdout: out, stderr: out, getenv: func(string) string { return "" }, now: time.Now},
		repoDir: dir, nowFlag: givenInstant("--now", "2026-11-27T12:00:00Z"),
	}
	s := newSiteServer(g, audience, "http://127.0.0.1:8080/")
	s.rebuild(t.Context())
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.shutdown(); ts.Close() })
	return s, ts, out
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// nextEvent reads one Server-Sent Event's data line.
func nextEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading events: %v", err)
		}
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
			return d
		}
	}
}

func TestServeHandler(t *testing.T) {
	dir := exampleCopy(t)
	s, ts, out := testServer(t, dir, generator.Public)
	if !strings.Contains(out.String(), "built ") {
		t.Fatalf("first build did not succeed:\n%s", out)
	}

	code, h, body := get(t, ts.URL+"/")
	if code != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("GET /: %d %s", code, h.Get("Content-Type"))
	}
	if !strings.Contains(body, "Fernway") || !strings.Contains(body, `new EventSource("/_baton/events")`) {
		t.Errorf("GET / lacks the site or the reload script:\n%.500s", body)
	}
	if i, j := strings.Index(body, "baton serve: reload"), strings.LastIndex(body, "</body>"); i < 0 || i > j {
		t.Error("the reload script is not inside <body>")
	}
	if strings.Contains(string(s.current().site.Files["index.html"]), "EventSource") {
		t.Error("the reload script leaked into the built site")
	}

	if code, _, body := get(t, ts.URL+"/incidents/"); code != 200 || !strings.Contains(body, "Incident history") {
		t.Errorf("GET /incidents/: %d", code)
	}
	if code, _, _ := get(t, ts.URL+"/incidents"); code != 200 { // redirected to /incidents/
		t.Errorf("GET /incidents: %d", code)
	}
	code, h, body = get(t, ts.URL+"/api/v2/summary.json")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || strings.Contains(body, "EventSource") {
		t.Errorf("GET summary.json: %d %s", code, h.Get("Content-Type"))
	}
	code, _, body = get(t, ts.URL+"/no/such/page.html")
	if code != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, "EventSource") {
		t.Errorf("GET a missing page: %d\n%.300s", code, body)
	}
	if code, _, _ := get(t, ts.URL+"/oncall/index.html"); code != 404 {
		t.Errorf("the public site serves the on-call page: %d", code)
	}

	// The event stream announces the current build, then the next one.
	resp, err := http.Get(ts.URL + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("events: Content-Type %s", ct)
	}
	events := bufio.NewReader(resp.Body)
	if v := nextEvent(t, events); v != "1" {
		t.Errorf("first event: version %s, want 1", v)
	}

	// Break the repository: pages keep the last good build and list the
	// problems; open pages are told to reload.
	if err := os.WriteFile(filepath.Join(dir, "people.yaml"), []byte("people:\n  - {handle: Not A Handle}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.rebuild(t.Context())
	if v := nextEvent(t, events); v != "2" {
		t.Errorf("after a rebuild: version %s, want 2", v)
	}
	code, _, body = get(t, ts.URL+"/")
	if code != 200 || !strings.Contains(body, "Fernway") || !strings.Contains(body, "showing the last good build") || !strings.Contains(body, "people.yaml:") {
		t.Errorf("GET / with problems: %d\n%.2000s", code, body)
	}
	if !strings.Contains(out.String(), "problems); serving the last good build") {
		t.Errorf("serve did not report the problems:\n%s", out)
	}
}

// TestServeInvalidRepo: without any good build, every page is the error
// page listing the problems.
func TestServeInvalidRepo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "baton.yaml"), []byte("site:\n  title: X\n  colour: blue\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ts, _ := testServer(t, dir, generator.Public)
	for _, p := range []string{"/", "/incidents/", "/anything"} {
		code, _, body := get(t, ts.URL+p)
		if code != 500 || !strings.Contains(body, "The site cannot be built") || !strings.Contains(body, "baton.yaml:3:3") || !strings.Contains(body, "EventSource") {
			t.Errorf("GET %s: %d\n%s", p, code, body)
		}
	}
}

// TestServeRebuildsOnChange runs the watcher on a copy of the example
// organisation and adds an incident in a new folder (so the watcher must
// pick up folders created after it started).
func TestServeRebuildsOnChange(t *testing.T) {
	dir := exampleCopy(t)
	s, ts, out := testServer(t, dir, generator.Public)
	w, err := newRepoWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx, 20*time.Millisecond, func() { s.rebuild(ctx) }, func(err error) { t.Errorf("watcher: %v", err) })
	}()
	defer func() { cancel(); <-done }()

	incident := filepath.Join(dir, "incidents", "2026", "2026-11-26-watched-change", "incident.md")
	if err := os.MkdirAll(filepath.Dir(incident), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(incident, []byte(`---
title: Watcher saw this change
severity: SEV4
status: resolved
visibility: public
imoc: marcus
owner: ellie
components:
  - {id: dashboard, impact: degraded_performance}
started: 2026-11-26T10:00:00Z
declared: 2026-11-26T10:05:00Z
resolved: 2026-11-26T10:30:00Z
updates:
  - {at: 2026-11-26T10:30:00Z, status: resolved, message: Fixed.}
---
`), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor := func(title string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, _, body := get(t, ts.URL+"/incidents/")
			if strings.Contains(body, title) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the site did not show %q within 30 s of the change; serve said:\n%s", title, out)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("Watcher saw this change")
	// A change inside the new folder is seen only if the folder is watched.
	data, err := os.ReadFile(incident)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(incident, bytes.Replace(data, []byte("Watcher saw this change"), []byte("Watcher saw the edit too"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("Watcher saw the edit too")
	if code, _, _ := get(t, ts.URL+"/incidents/2026-11-26-watched-change/"); code != 200 {
		t.Errorf("the new incident's page: %d", code)
	}
}

// TestServeRefusesForeignHosts: on loopback, a request whose Host is
// another name (DNS rebinding from a web page) gets nothing.
func TestServeRefusesForeignHosts(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "site") })
	h := loopbackHostOnly(ok)
	for host, want := range map[string]int{
		"127.0.0.1:8080": 200, "localhost:8080": 200, "LOCALHOST": 200, "[::1]:8080": 200, "127.0.0.2": 200,
		"attacker.example:8080": 421, "attacker.example": 421, "10.0.0.1:8080": 421, "": 421, "127.0.0.1.evil.example": 421,
	} {
		r := httptest.NewRequest(http.MethodGet, "/oncall/index.html", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != want {
			t.Errorf("Host %q: status %d, want %d", host, rec.Code, want)
		}
		if want != 200 && strings.Contains(rec.Body.String(), "site") {
			t.Errorf("Host %q: served the site", host)
		}
	}
}

// TestHardening02ServeAssetPolicy: serve types the files of incident
// folders by the asset policy that build applies, never as a page, and
// tells browsers not to guess.
func TestHardening02ServeAssetPolicy(t *testing.T) {
	for name, want := range map[string]string{
		"incidents/2026-03-03-dns-outage/details.html": "application/octet-stream",
		"incidents/2026-03-03-dns-outage/chart.svg":    "application/octet-stream",
		"incidents/2026-03-03-dns-outage/chart.SVG":    "application/octet-stream",
		"incidents/2026-03-03-dns-outage/page.xhtml":   "application/octet-stream",
		"incidents/2026-03-03-dns-outage/app.js":       "application/octet-stream",
		"incidents/2026-03-03-dns-outage/x.png":        "image/png",
		"incidents/2026-03-03-dns-outage/x.JPEG":       "image/jpeg",
		"incidents/2026-03-03-dns-outage/x.pdf":        "application/pdf",
		"incidents/2026-03-03-dns-outage/x.txt":        "text/plain; charset=utf-8",
		"incidents/2026-03-03-dns-outage/index.html":   "text/html; charset=utf-8",
		"assets/site.js":     "text/javascript; charset=utf-8",
		"assets/style.css":   "text/css; charset=utf-8",
		"feed.xml":           "application/atom+xml; charset=utf-8",
		"api/v2/status.json": "application/json; charset=utf-8",
	} {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
	}

	dir := exampleCopy(t)
	inc := filepath.Join(dir, "incidents", "2025", "2025-04-29-sign-in-failures")
	pm := filepath.Join(inc, "postmortem.md")
	data, err := os.ReadFile(pm)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("\n## Impact"), []byte("\n![Error rate](errors.png)\n\n## Impact"), 1)
	if err := os.WriteFile(pm, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inc, "errors.png"), []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ts, out := testServer(t, dir, generator.Public)
	if !strings.Contains(out.String(), "built ") {
		t.Fatalf("the build failed:\n%s", out)
	}
	code, h, _ := get(t, ts.URL+"/incidents/2025-04-29-sign-in-failures/errors.png")
	if code != 200 || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET errors.png: %d, Content-Type %q, X-Content-Type-Options %q", code, h.Get("Content-Type"), h.Get("X-Content-Type-Options"))
	}
}
