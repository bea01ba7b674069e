package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

var docsScreenshot = flag.Bool("docs-screenshot", false, "TestBrowser also writes docs/screenshot.png, docs/screenshot-phone.png and docs/screenshot-dark.png (the status page)")

// exampleNow is the instant the browser tests build the example
// organisation at (the same as CI's HTML check).
const exampleNow = "2026-11-27T12:00:00Z"

// findChromium returns the path of a Chromium or Chrome binary. Outside CI
// a missing browser skips the test; in CI (CI=true) it fails it, so the
// browser test never silently stops running.
func findChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: no browser") // never on CI, where the browser tests must run
	}
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

// buildSite runs `baton build` for the repository at repo into out.
func buildSite(t *testing.T, repo, out, audience string) {
	t.Helper()
	var buf bytes.Buffer
	if code := run(t.Context(), []string{"--repo", repo, "--now", exampleNow, "build", "--audience", audience, "--out", out}, &env{
		stdout: &buf, stderr: &buf, getenv: func(string) string { return "" }, now: time.Now,
	}); code != 0 {
		t.Fatalf("baton build --audience %s exited %d:\n%s", audience, code, buf.String())
	}
}

// exampleSites builds the example organisation's public and internal
// sites into dir/public and dir/internal.
func exampleSites(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	for _, a := range []string{"public", "internal"} {
		buildSite(t, exampleRoot(t), filepath.Join(dir, a), a)
	}
	return dir
}

// sitePages lists the HTML pages of a built site, slash-separated.
func sitePages(t *testing.T, dir string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pages)
	return pages
}

func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// browser is one headless Chromium tab that records console errors.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

// newBrowser starts headless Chromium for the test; it stops with it.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	chromium := findChromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	b := &browser{ctx: bctx}
	msgs := chromedp.Console(bctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.messages = append(b.messages, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// view sets the viewport and the colour scheme for the pages that follow.
func (b *browser) view(t *testing.T, width, height int64, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	err := chromedp.Do(b.ctx, chromedp.EmulateViewport(width, height),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}))
	if err != nil {
		t.Fatal(err)
	}
}

// open loads u and waits for its <main> (or <body>).
func (b *browser) open(t *testing.T, u string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// eval evaluates a JavaScript expression on the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// consoleErrors returns the console errors and exceptions seen so far.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.messages {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, fmt.Sprintf("console %s at %s:%d: %s", m.Type, m.URL, m.Line, m.Text))
		}
	}
	return out
}

// pageType is one kind of page, as the screenshots show it.
type pageType struct {
	name, audience, path string
	want                 []string // texts the page shows
}

// examplePageTypes picks one page of each type from the example
// organisation's sites in dir.
func examplePageTypes(t *testing.T, dir string) []pageType {
	t.Helper()
	pub := filepath.Join(dir, "public")
	pms, _ := filepath.Glob(filepath.Join(pub, "incidents", "*", "postmortem", "index.html"))
	if len(pms) == 0 {
		t.Fatal("the example organisation's public site has no postmortem page")
	}
	incident := filepath.Dir(filepath.Dir(pms[0]))
	html, err := os.ReadFile(filepath.Join(incident, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	title := between(string(html), `<h1 id="title">`, `</h1>`)
	if title == "" {
		t.Fatal("no incident title found")
	}
	rel := func(p string) string { r, _ := filepath.Rel(pub, p); return filepath.ToSlash(r) }
	// The internal incident with the longest narrative.
	var narrative string
	var longest int
	for _, p := range sitePages(t, filepath.Join(dir, "internal")) {
		if strings.Count(p, "/") == 2 && strings.HasSuffix(p, "/index.html") && strings.HasPrefix(p, "incidents/20") && strings.Count(p, "-") > 2 {
			if info, err := os.Stat(filepath.Join(dir, "internal", p)); err == nil && info.Size() > int64(longest) {
				narrative, longest = p, int(info.Size())
			}
		}
	}
	return []pageType{
		{"status", "public", "index.html", []string{"Minor Service Outage", "Components", "Payments", "Webhooks", "Recent incidents", "Fernway"}},
		{"history", "public", "incidents/index.html", []string{"Incident history", "2026", "2025"}},
		{"history-2025", "public", "incidents/2025/index.html", []string{"Incident history", "2025"}},
		{"incident", "public", rel(filepath.Join(incident, "index.html")), []string{title, "Updates", "Read the postmortem"}},
		{"postmortem", "public", rel(pms[0]), []string{"Postmortem: " + title, "Follow-up actions", "Duration", "Affected components"}},
		{"404", "public", "404.html", []string{"Page not found"}},
		{"incident-internal", "internal", narrative, []string{"Internal details", "Narrative"}},
		{"oncall", "internal", "oncall/index.html", []string{"On call", "IMOC now", "Next 14 days"}},
		{"metrics", "internal", "metrics/index.html", []string{"Metrics", "On this page", "Charts"}},
	}
}

// viewports are the sizes the screenshots are taken at.
var viewports = []struct {
	name          string
	width, height int64
}{{"1280", 1280, 900}, {"390", 390, 844}}

// TestBrowser builds the example organisation's public and internal sites
// and opens them from file:// in headless Chromium:
//   - one page of each type at 1280×900 and 390×844, light and dark: it
//     shows the expected text, nothing scrolls sideways, and a full-page
//     screenshot goes to testdata/screenshots/ (ignored by git);
//   - every page of both builds at 320 px wide: nothing scrolls sideways
//     (reflow);
//   - the status page: component groups are <details>, at most one tab stop
//     per component, 30 wide day bars on a phone, the footer's time zone
//     note and its switch;
//   - no page writes a console error or throws.
//
// With -docs-screenshot it also writes the README's screenshots.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := exampleSites(t)
	types := examplePageTypes(t, dir)
	shots := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, vp := range viewports {
		for _, dark := range []bool{false, true} {
			scheme := map[bool]string{false: "light", true: "dark"}[dark]
			b.view(t, vp.width, vp.height, dark)
			for _, p := range types {
				b.open(t, fileURL(filepath.Join(dir, p.audience, p.path)))
				text := eval[string](t, b, `document.body.innerText`)
				for _, w := range p.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s page (%s) does not show %q; it shows:\n%.1500s", p.name, p.path, w, text)
					}
				}
				if sw := eval[int](t, b, `document.documentElement.scrollWidth`); sw > int(vp.width) {
					t.Errorf("%s at %s px (%s): the page is %d px wide and scrolls sideways", p.name, vp.name, scheme, sw)
				}
				shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("%s: screenshot: %v", p.name, err)
				}
				name := fmt.Sprintf("%s-%s-%s.png", p.name, vp.name, scheme)
				if err := os.WriteFile(filepath.Join(shots, name), shot, 0o644); err != nil {
					t.Fatal(err)
				}
				if p.name == "status" && *docsScreenshot {
					docsShot(t, b, vp.name, dark)
				}
			}
		}
	}

	t.Run("reflow at 320 px", func(t *testing.T) {
		b.view(t, 320, 640, false)
		n := 0
		for _, a := range []string{"public", "internal"} {
			for _, p := range sitePages(t, filepath.Join(dir, a)) {
				b.open(t, fileURL(filepath.Join(dir, a, p)))
				n++
				if sw := eval[int](t, b, `document.documentElement.scrollWidth`); sw > 320 {
					wide := eval[string](t, b, widestElement)
					t.Errorf("%s %s scrolls sideways at 320 px: %d px wide (widest: %s)", a, p, sw, wide)
				}
			}
		}
		if n < 40 {
			t.Errorf("checked only %d pages", n)
		}
	})

	t.Run("status page", func(t *testing.T) {
		status := fileURL(filepath.Join(dir, "public", "index.html"))
		b.view(t, 1280, 900, false)
		b.open(t, status)
		// Each group is a native disclosure, open when a member is not
		// operational.
		groups := eval[[]map[string]any](t, b, `[...document.querySelectorAll(".components h3")].map(h => {
			const d = h.closest("details");
			return {name: h.textContent, details: !!d && d.classList.contains("group") && h.closest("summary") !== null, open: !!d && d.open,
				worst: d ? d.querySelector("summary .status").className : ""};
		})`)
		if len(groups) != 4 {
			t.Errorf("%d component groups, want the example's 4: %v", len(groups), groups)
		}
		for _, g := range groups {
			operational := strings.Contains(g["worst"].(string), "s-operational")
			if g["details"] != true || g["open"] == operational {
				t.Errorf("group %v: want a <details> with a summary, open exactly when a member is not operational", g)
			}
		}
		// At most one tab stop per component, all groups open.
		stops := eval[[]int](t, b, `(() => {
			document.querySelectorAll("details.group").forEach(d => d.open = true);
			const sel = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
			return [...document.querySelectorAll("li.component")].map(c =>
				[...c.querySelectorAll(sel)].filter(e => e.checkVisibility()).length);
		})()`)
		if len(stops) != 9 {
			t.Errorf("%d components, want 9", len(stops))
		}
		for i, n := range stops {
			if n > 1 {
				t.Errorf("component %d has %d tab stops, want at most 1", i+1, n)
			}
		}
		// Day details without hover: the disclosure opens a table of days.
		days := eval[int](t, b, `(() => { const d = document.querySelector("details.days"); if (!d) return -1; d.open = true;
			return d.querySelectorAll("tbody tr").length; })()`)
		if days < 1 {
			t.Errorf("no component shows a table of its days with incidents (%d rows)", days)
		}

		// On a phone: the last 30 days, bars at least 6 px wide.
		b.view(t, 390, 844, false)
		b.open(t, status)
		bars := eval[[]float64](t, b, `(() => { document.querySelectorAll("details.group").forEach(d => d.open = true);
			const ol = document.querySelector("ol.bars");
			const shown = [...ol.children].filter(li => li.getBoundingClientRect().width > 0);
			return [shown.length, Math.min(...shown.map(li => li.getBoundingClientRect().width))]; })()`)
		if bars[0] != 30 || bars[1] < 6 {
			t.Errorf("on a phone the day bars are %v (count, narrowest px), want 30 bars of at least 6 px", bars)
		}
		// The banner and the active incident are in the first screen.
		if bottom := eval[float64](t, b, `document.querySelector(".banner").getBoundingClientRect().bottom`); bottom > 400 {
			t.Errorf("on a phone the status banner ends %.0f px down, want it near the top of the first screen", bottom)
		}

		// The footer says where times are shown, and the switch works.
		note := func() string { return eval[string](t, b, `document.querySelector(".tz-note").textContent`) }
		if n := note(); !strings.Contains(n, "your time zone") || !strings.Contains(n, "Show times in UTC") {
			t.Errorf("with the script, the footer says %q; want it to name the reader's time zone and offer UTC", n)
		}
		localised := eval[bool](t, b, `[...document.querySelectorAll("time[data-local]")].every(t => t.title !== "")`)
		if !localised {
			t.Error("site.js did not localise the times")
		}
		eval[bool](t, b, `document.querySelector(".site-footer button").click(), true`)
		if n := note(); !strings.Contains(n, "UTC, the site’s time zone") || !strings.Contains(n, "Show times in your time zone") {
			t.Errorf("after the switch, the footer says %q", n)
		}
		if first := eval[string](t, b, `document.querySelector("time[data-local]").textContent`); !strings.HasSuffix(first, "UTC") || !strings.Contains(first, "2026,") {
			t.Errorf("after the switch, times read %q; want the site's rendering in UTC", first)
		}
		eval[bool](t, b, `document.querySelector(".site-footer button").click(), true`)
	})

	t.Run("banner colour per state", func(t *testing.T) {
		colours := map[string]map[string]string{}
		for _, state := range []string{"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"} {
			out := filepath.Join(t.TempDir(), "site")
			buildSite(t, stateRepo(t, state), out, "public")
			for _, dark := range []bool{false, true} {
				b.view(t, 1280, 900, dark)
				b.open(t, fileURL(filepath.Join(out, "index.html")))
				got := eval[[]string](t, b, `(() => { const s = getComputedStyle(document.querySelector(".banner")); const h = getComputedStyle(document.querySelector(".banner h1"));
					return [document.querySelector(".banner").className, s.backgroundColor, h.color, document.querySelector(".banner h1").textContent]; })()`)
				if got[0] != "banner b-"+state {
					t.Errorf("%s: banner class %q", state, got[0])
				}
				scheme := fmt.Sprint(dark)
				if colours[scheme] == nil {
					colours[scheme] = map[string]string{}
				}
				for other, c := range colours[scheme] {
					if c == got[1] {
						t.Errorf("dark=%v: the banner of %s has the same background (%s) as %s", dark, state, c, other)
					}
				}
				colours[scheme][state] = got[1]
				if r := contrastCSS(t, got[2], got[1]); r < 4.5 {
					t.Errorf("dark=%v: %s banner text %s on %s: contrast %.2f:1, want at least 4.5:1", dark, state, got[2], got[1], r)
				}
			}
		}
		t.Logf("banner backgrounds: %v", colours)
	})

	// Give late messages (a failed image, a deferred script) a moment.
	if err := chromedp.Do(b.ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.consoleErrors() {
		t.Error(e)
	}
	t.Logf("screenshots in %s", shots)
}

// widestElement is a script that names the element that sticks out
// furthest to the right.
const widestElement = `(() => { let w = null, r = 0;
	for (const e of document.body.querySelectorAll("*")) { const b = e.getBoundingClientRect().right; if (b > r) { r = b; w = e; } }
	return w ? w.tagName.toLowerCase() + (w.className ? "." + String(w.className).replace(/ /g, ".") : "") + " (" + Math.round(r) + " px): " + (w.textContent || "").slice(0, 60) : ""; })()`

// docsShot writes the README's screenshots of the status page: the first
// screen at 1280 px (light and dark) and at 390 px (light).
func docsShot(t *testing.T, b *browser, viewport string, dark bool) {
	t.Helper()
	name := map[string]string{"1280/false": "screenshot.png", "1280/true": "screenshot-dark.png", "390/false": "screenshot-phone.png"}[viewport+"/"+fmt.Sprint(dark)]
	if name == "" {
		return
	}
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, shot, viewport)
	if err := os.WriteFile(filepath.Join(exampleRoot(t), "docs", name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkScreenshot checks a README screenshot: a PNG as wide as its
// viewport and under 300 KB.
func checkScreenshot(t *testing.T, data []byte, width string) {
	t.Helper()
	cfg, err := png.DecodeConfig(io.NopCloser(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if strconv.Itoa(cfg.Width) != width || len(data) > 300<<10 {
		t.Fatalf("docs screenshot is %d px wide and %d KB; want %s px and under 300 KB", cfg.Width, len(data)>>10, width)
	}
}

// stateRepo writes a small incidents repository whose overall status at
// exampleNow is state, and returns its folder. The incident is SEV4 (impact
// none), so that the component impact alone decides the overall status.
func stateRepo(t *testing.T, state string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"baton.yaml":  "site: {title: State Test, base_url: 'https://status.example/'}\ncomponents:\n  - {id: api, name: API, group: Core, tier: 1}\n  - {id: web, name: Web, tier: 2}\n",
		"people.yaml": "people:\n  - {handle: ann, name: Ann, github: ann-gh, imoc: qualified}\n  - {handle: bo, name: Bo, github: bo-gh}\n",
	}
	incident := func(typ, status, impact, extra string) string {
		return fmt.Sprintf("---\ntitle: A %s\ntype: %s\nseverity: SEV4\nstatus: %s\nvisibility: public\nimoc: ann\nowner: bo\ncomponents:\n  - {id: api, impact: %s}\nstarted: 2026-11-27T10:00:00Z\ndeclared: 2026-11-27T10:05:00Z\n%supdates:\n  - {at: 2026-11-27T10:10:00Z, status: %s, message: Looking into it.}\n---\n",
			state, typ, status, impact, extra, status)
	}
	switch state {
	case "operational":
	case "under_maintenance":
		files["incidents/2026/2026-11-27-work/incident.md"] = incident("maintenance", "in_progress", state, "scheduled: {from: 2026-11-27T10:00:00Z, until: 2026-11-27T14:00:00Z}\n")
	default:
		files["incidents/2026/2026-11-27-trouble/incident.md"] = incident("incident", "investigating", state, "")
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var rgbRE = regexp.MustCompile(`rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)`)

// contrastCSS is the WCAG contrast ratio of two CSS rgb() colours.
func contrastCSS(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(c string) float64 {
		m := rgbRE.FindStringSubmatch(c)
		if m == nil {
			t.Fatalf("not an rgb() colour: %q", c)
		}
		var l float64
		for i, w := range []float64{0.2126, 0.7152, 0.0722} {
			v, _ := strconv.ParseFloat(m[i+1], 64)
			v /= 255
			if v <= 0.04045 {
				v /= 12.92
			} else {
				v = math.Pow((v+0.055)/1.055, 2.4)
			}
			l += w * v
		}
		return l
	}
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
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
