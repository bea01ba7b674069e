package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var docsScreenshot = flag.Bool("docs-screenshot", false, "TestBrowser also writes docs/screenshot.png (the status page, 1200 px wide)")

// findChromium returns the path of a Chromium or Chrome binary. Outside CI
// a missing browser skips the test; in CI (CI=true) it fails it, so the
// browser test never silently stops running.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium binary on PATH, and CI=true: install it (apt-get install -y chromium; .ci/run does this)")
	}
	t.Skip("no chromium binary on PATH (apt-get install -y chromium)")
	return ""
}

// TestBrowser builds the example organisation and opens the status page,
// an incident and a postmortem from file:// in headless Chromium: each
// shows the expected text, and nothing writes a console error or throws.
// Screenshots go to testdata/screenshots/ (ignored by git). With
// -docs-screenshot it also writes docs/screenshot.png for the README.
func TestBrowser(t *testing.T) {
	chromium := findChromium(t)
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: no browser") // never on CI, where the browser test must run
	}
	site := t.TempDir()
	root := exampleRoot(t)
	var out bytes.Buffer
	if code := run(t.Context(), []string{"--repo", root, "--now", "2026-11-27T12:00:00Z", "build", "--out", site}, &env{
		stdout: &out, stderr: &out, getenv: func(string) string { return "" }, now: time.Now,
	}); code != 0 {
		t.Fatalf("baton build exited %d:\n%s", code, out.String())
	}
	// An incident of the example with a public postmortem.
	pms, _ := filepath.Glob(filepath.Join(site, "incidents", "*", "postmortem", "index.html"))
	if len(pms) == 0 {
		t.Fatal("the example organisation's public site has no postmortem page")
	}
	incidentDir := filepath.Dir(filepath.Dir(pms[0]))
	incidentHTML, err := os.ReadFile(filepath.Join(incidentDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	title := between(string(incidentHTML), `<h1 id="title">`, `</h1>`)
	if title == "" {
		t.Fatal("no incident title found")
	}

	shots := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	actx, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	// Start the browser, then collect every console message of the tab.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1200, 900)); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	var mu sync.Mutex
	var messages []chromedp.ConsoleMessage
	msgs := chromedp.Console(bctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			mu.Lock()
			messages = append(messages, m)
			mu.Unlock()
		}
	}()

	pages := []struct {
		name, path string
		want       []string
	}{
		{"status", "index.html", []string{"Components", "Recent incidents", "Card checkout", "Fernway"}},
		{"incident", strings.TrimPrefix(filepath.Join(incidentDir, "index.html"), site+string(filepath.Separator)), []string{title, "Updates", "Read the postmortem"}},
		{"postmortem", strings.TrimPrefix(pms[0], site+string(filepath.Separator)), []string{"Postmortem: " + title, "Follow-up actions"}},
	}
	for _, p := range pages {
		u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(site, p.path))}).String()
		if err := chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("body")))
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for _, w := range p.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s page (%s) does not show %q; it shows:\n%.1500s", p.name, p.path, w, text)
			}
		}
		// site.js ran: it keeps the site's rendering of each time in the
		// title and shows the reader's local time instead.
		localised, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("time[data-local]")].every(t => t.title !== "")`))
		if err != nil || !localised {
			t.Errorf("%s: site.js did not localise the times (%v)", p.name, err)
		}
		shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", p.name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, p.name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		if p.name == "status" && *docsScreenshot {
			viewport, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			checkScreenshot(t, viewport)
			if err := os.WriteFile(filepath.Join(root, "docs", "screenshot.png"), viewport, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Give late messages (a failed image, a deferred script) a moment.
	if err := chromedp.Do(bctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range messages {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console %s at %s:%d: %s", m.Type, m.URL, m.Line, m.Text)
		}
	}
	t.Logf("screenshots in %s", shots)
}

// checkScreenshot checks the README's screenshot: a PNG 1200 px wide and
// under 300 KB.
func checkScreenshot(t *testing.T, data []byte) {
	t.Helper()
	cfg, err := png.DecodeConfig(io.NopCloser(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 1200 || len(data) > 300<<10 {
		t.Fatalf("docs screenshot is %d px wide and %d KB; want 1200 px and under 300 KB", cfg.Width, len(data)>>10)
	}
}

// between returns the text between the first start and the next end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}
