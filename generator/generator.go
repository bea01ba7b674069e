package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/templates"
	"github.com/batonhq/baton/view"
)

// Audience selects what a build shows: package view decides what each
// audience sees (see the package documentation).
type Audience = view.Audience

// The audiences of a build.
const (
	Public   = view.Public
	Internal = view.Internal
)

// ParseAudience checks an audience name.
func ParseAudience(s string) (Audience, error) { return view.ParseAudience(s) }

// Options control a build.
type Options struct {
	// Now is the instant the site describes. Required.
	Now time.Time
	// Audience is Public (the default when empty) or Internal.
	Audience Audience
	// BaseURL is the absolute URL the site is published at. It overrides
	// site.base_url; it is used for the feed's and the API's absolute
	// links and for the links of 404.html.
	BaseURL string
	// Assets, when set, is the repository the incidents were loaded from:
	// files in an incident folder that the rendered Markdown links to are
	// copied next to the incident page.
	Assets fs.FS
}

// Site is a rendered site: file contents by slash-separated path.
type Site struct {
	Files map[string][]byte
	// Pages counts the HTML pages; Incidents the incidents shown.
	Pages, Incidents int
}

// Paths returns the file paths in sorted order.
func (s *Site) Paths() []string {
	ps := make([]string, 0, len(s.Files))
	for p := range s.Files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Build derives the view model from repo and renders every file of the
// site in memory. Pages render in parallel; the result does not depend on
// scheduling. A broken template or a rendering failure is an error and no
// site is returned.
func Build(ctx context.Context, repo *schema.Repo, opts Options) (*Site, error) {
	if err := checkOptions(repo, &opts); err != nil {
		return nil, err
	}
	md := newMarkdown()
	tpl, err := parseTemplates(siteLocation(repo.Config))
	if err != nil {
		return nil, err
	}
	m, err := deriveModel(repo, &opts, tpl)
	if err != nil {
		return nil, err
	}

	var jobs []job
	add := func(p string, render func() ([]byte, error)) { jobs = append(jobs, job{path: p, render: render}) }
	pageJob := func(p, name string, data *page) {
		data.Root = rootFor(p)
		data.Site, data.M, data.Internal = m.Site, m, m.Internal
		add(p, func() ([]byte, error) { return tpl.execute(name, data) })
	}

	pageJob("index.html", "index.html", &page{Section: "status"})
	// The history: its newest page is also its entry point,
	// incidents/index.html. History pages are the largest: they go first
	// (see runJobs).
	if len(m.History) == 0 {
		pageJob("incidents/index.html", "incidents.html", &page{Section: "incidents"})
	} else {
		pageJob("incidents/index.html", "incidents.html", &page{Section: "incidents", History: m.History[0]})
	}
	jobs[len(jobs)-1].first = true
	for _, hp := range m.History {
		pageJob(hp.Path, "incidents.html", &page{Section: "incidents", History: hp})
		jobs[len(jobs)-1].first = true
	}
	for _, v := range m.Incidents {
		// Markdown is rendered by the job of the page that shows it, so
		// it runs in parallel with every other page and is dropped as soon
		// as the page is written.
		p := "incidents/" + v.ID + "/index.html"
		data := &page{Section: "incidents", Incident: v, Root: rootFor(p), Site: m.Site, M: m, Internal: m.Internal}
		add(p, func() ([]byte, error) {
			if m.Internal {
				narrative, err := md.render(v.src.Internal.Narrative, "")
				if err != nil {
					return nil, fmt.Errorf("rendering the narrative of %s: %w", v.ID, err)
				}
				data.Narrative = demoteHeadings(narrative, 3)
				defer func() { data.Narrative = "" }()
			}
			return tpl.execute("incident.html", data)
		})
		if v.Postmortem != nil {
			p := "incidents/" + v.ID + "/postmortem/index.html"
			data := &page{Section: "incidents", Incident: v, Root: rootFor(p), Site: m.Site, M: m, Internal: m.Internal}
			add(p, func() ([]byte, error) {
				body, err := md.render(v.src.Postmortem.Body, "../")
				if err != nil {
					return nil, fmt.Errorf("rendering the postmortem of %s: %w", v.ID, err)
				}
				data.Body = body
				defer func() { data.Body = "" }()
				return tpl.execute("postmortem.html", data)
			})
		}
	}
	if m.Site.OnCall {
		pageJob("oncall/index.html", "oncall.html", &page{Section: "oncall"})
		for _, rv := range m.OnCall {
			add(rv.Calendar, func() ([]byte, error) { return renderCalendar(repo, rv, m.Now) })
		}
		for _, h := range personCalendarHandles(repo) {
			add(personCalendarPath(h), func() ([]byte, error) { return renderPersonCalendar(repo, h, m.Now) })
		}
	}
	if m.Site.Metrics {
		pageJob("metrics/index.html", "metrics.html", &page{Section: "metrics"})
	}
	notFound := &page{Section: "404"}
	pageJob("404.html", "404.html", notFound)
	notFound.Root = rootFor404(m.Site.BaseURL)
	add("feed.xml", func() ([]byte, error) { return renderFeed(m) })
	add("maintenance.ics", func() ([]byte, error) { return renderMaintenanceCalendar(m) })
	css, err := fs.ReadFile(templates.FS, "assets/style.css")
	if err != nil {
		return nil, err
	}
	colours, err := parseBadgeColours(css)
	if err != nil {
		return nil, err
	}
	add("badges/status.svg", func() ([]byte, error) { return renderBadge(colours, "status", m.Overall.Status), nil })
	for _, cv := range m.Components {
		if cv.Feed != "" {
			add(cv.Feed, func() ([]byte, error) { return renderComponentFeed(m, cv) })
		}
		if cv.Badge != "" {
			add(cv.Badge, func() ([]byte, error) { return renderBadge(colours, cv.Name, cv.Status), nil })
		}
	}
	for p, f := range apiFiles(m) {
		add(p, func() ([]byte, error) { return marshalJSON(f()) })
	}
	for _, name := range []string{"style.css", "site.js"} {
		add("assets/"+name, func() ([]byte, error) { return fs.ReadFile(templates.FS, "assets/"+name) })
	}

	site := &Site{Files: make(map[string][]byte, len(jobs)), Incidents: len(m.Incidents)}
	if err := runJobs(ctx, jobs); err != nil {
		return nil, err
	}
	for _, j := range jobs {
		if _, dup := site.Files[j.path]; dup {
			return nil, fmt.Errorf("two files render to %s", j.path)
		}
		site.Files[j.path] = j.out
		if strings.HasSuffix(j.path, ".html") {
			site.Pages++
		}
	}
	if opts.Assets != nil {
		if err := copyAssets(site, m, opts.Assets); err != nil {
			return nil, err
		}
	}
	return site, nil
}

// checkOptions checks the inputs of a build and fills in the default
// audience.
func checkOptions(repo *schema.Repo, opts *Options) error {
	if repo == nil || repo.Config == nil {
		return errors.New("no repository loaded")
	}
	if opts.Now.IsZero() {
		return errors.New("Options.Now is not set")
	}
	if opts.Audience == "" {
		opts.Audience = Public
	}
	if _, err := ParseAudience(string(opts.Audience)); err != nil {
		return err
	}
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base URL %q is not an absolute http(s) URL", opts.BaseURL)
		}
	}
	return nil
}

// job renders one file.
type job struct {
	path   string
	render func() ([]byte, error)
	out    []byte
	// first jobs start before the others: a long job started last would
	// leave the other workers idle at the end.
	first bool
}

// runJobs renders jobs on up to GOMAXPROCS goroutines, the jobs marked
// first before the others, each worker taking the next job as soon as it
// is free. Each job writes only its own slot, so the result is independent
// of scheduling. The first error (in job order) wins.
func runJobs(ctx context.Context, jobs []job) error {
	order := make([]int, 0, len(jobs))
	for i := range jobs {
		if jobs[i].first {
			order = append(order, i)
		}
	}
	for i := range jobs {
		if !jobs[i].first {
			order = append(order, i)
		}
	}
	errs := make([]error, len(jobs))
	parallel(len(order), func(k int) {
		if ctx.Err() != nil {
			return
		}
		i := order[k]
		out, err := jobs[i].render()
		if err != nil {
			errs[i] = fmt.Errorf("rendering %s: %w", jobs[i].path, err)
			return
		}
		jobs[i].out = out
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(slices.DeleteFunc(errs, func(e error) bool { return e == nil })...)
}

// rootFor returns the relative prefix from the page at p to the site root:
// "" for index.html, "../../" for incidents/<id>/index.html.
func rootFor(p string) string {
	return strings.Repeat("../", strings.Count(p, "/"))
}

// rootFor404 returns the absolute path of the site root: 404.html is served
// for any missing path, so relative links would break.
func rootFor404(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

// page is the data every HTML template receives.
type page struct {
	Root     string // relative path to the site root, "" or ending in "/"
	Section  string // highlights the navigation
	Site     *siteInfo
	M        *model
	Internal bool
	Incident *incidentView
	// History is the page of the incident history to show (history pages
	// only).
	History *historyPage
	// Narrative (internal incident pages) and Body (postmortem pages) are
	// the page's rendered Markdown.
	Narrative, Body template.HTML
	// Slots is set only while the page frame renders (see templateSet).
	Slots *frameSlots
}

// copyAssets copies the files of visible incident folders that rendered
// pages link to. Only links that appear in the built pages count, so a
// public build never copies a file that only an internal narrative
// mentions; only href and src attributes are links, so the page frame's
// own attributes (id="main", lang="en", heading ids) never publish a file
// that shares their name; and the fragment of a link names a place in a
// page, never a file ("#main" is not the file "#main").
//
// Every file is read through [schema.ReadAsset], the asset policy that
// validate applies too: a file it refuses (a symbolic or hard link, a
// folder, a named pipe, a file over the size limit, a type a browser could
// run) is left out even when validation was skipped, and its link stays
// broken.
func copyAssets(site *Site, m *model, fsys fs.FS) error {
	for _, v := range m.Incidents {
		if !v.src.HasAssets() {
			continue
		}
		dir := "incidents/" + v.ID + "/"
		linked := map[string]bool{}
		pageLinks(site.Files[dir+"index.html"], dir, linked)
		pageLinks(site.Files[dir+"postmortem/index.html"], dir+"postmortem/", linked)
		for _, p := range slices.Sorted(maps.Keys(linked)) {
			name := path.Base(p)
			if path.Dir(p)+"/" != dir || name == "index.html" || name == "postmortem" {
				continue // not a file of the folder, or would collide with the pages
			}
			a, ok := v.src.Asset(name)
			if !ok {
				continue
			}
			data, err := schema.ReadAsset(fsys, a)
			if schema.IsAssetError(err) {
				continue // validate reports it; it is never published
			}
			if err != nil {
				return fmt.Errorf("copying %s: %w", a, err)
			}
			site.Files[dir+name] = data
		}
	}
	return nil
}

// pageLinks adds to links the site paths that the href and src attributes
// of page point to, for a page in the folder dir ("incidents/<id>/").
// Links with a scheme, absolute paths and fragment-only links ("#main")
// point to no file of the folder; a link's query and fragment are not part
// of the file it names.
func pageLinks(page []byte, dir string, links map[string]bool) {
	for _, attr := range [][]byte{[]byte(` href="`), []byte(` src="`)} {
		rest := page
		for {
			i := bytes.Index(rest, attr)
			if i < 0 {
				break
			}
			rest = rest[i+len(attr):]
			end := bytes.IndexByte(rest, '"')
			if end < 0 {
				break
			}
			if p, ok := linkTarget(html.UnescapeString(string(rest[:end])), dir); ok {
				links[p] = true
			}
			rest = rest[end+1:]
		}
	}
}

// linkTarget resolves a relative URL reference found in a page of the
// folder dir to a slash-separated site path.
func linkTarget(ref, dir string) (string, bool) {
	ref, _, _ = strings.Cut(ref, "#")
	ref, _, _ = strings.Cut(ref, "?")
	if ref == "" || strings.HasPrefix(ref, "/") {
		return "", false
	}
	if scheme, ok := urlScheme(ref); !ok || scheme != "" {
		return "", false
	}
	p, err := url.PathUnescape(ref)
	if err != nil {
		return "", false
	}
	return path.Join(dir, p), true
}

// parallel calls f(0) … f(n-1) on up to GOMAXPROCS goroutines, in order
// of i: each goroutine takes the next index as soon as it is free.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// siteLocation is the time zone pages show times in.
func siteLocation(c *schema.Config) *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}
