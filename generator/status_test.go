package generator

import (
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/batonhq/baton/schema"
)

// withConfig returns a shallow copy of repo whose configuration edit has
// changed.
func withConfig(repo *schema.Repo, edit func(*schema.Config)) *schema.Repo {
	r := *repo
	c := *repo.Config
	edit(&c)
	r.Config = &c
	return &r
}

// componentItem returns the <li class="component"> of the component with
// the given id on a status page.
func componentItem(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	h := find(doc, func(n *html.Node) bool { return attr(n, "id") == "c-"+id })
	for n := h; n != nil; n = n.Parent {
		if n.Data == "li" && attr(n, "class") == "component" {
			return n
		}
	}
	t.Fatalf("no component %s", id)
	return nil
}

// dayClasses returns the classes of a component's day bars, oldest first
// ("" for a day without incidents).
func dayClasses(t *testing.T, li *html.Node) []string {
	t.Helper()
	ol := find(li, func(n *html.Node) bool { return n.Data == "ol" && attr(n, "class") == "bars" })
	if ol == nil || attr(ol, "aria-hidden") != "true" {
		t.Fatal("no decorative <ol class=bars aria-hidden=true>")
	}
	var out []string
	for _, d := range findAll(ol, is("li")) {
		out = append(out, attr(d, "class"))
	}
	return out
}

// TestDayBarsNoData: days before site.since show "no data", unless an
// incident touched them; without site.since the history starts on the day
// of the earliest incident; without either every day has no data. No bar
// is focusable, and the days with incidents are listed in a table behind
// the component's one disclosure.
func TestDayBarsNoData(t *testing.T) {
	repo := loadFixture(t)
	// The public fixture's earliest incident (2026-11-02, a degraded
	// website) is after the window starts (2026-08-30).
	since := withConfig(repo, func(c *schema.Config) { c.Site.Since = schema.Date{Year: 2026, Month: 11, Day: 10} })
	for _, tc := range []struct {
		name       string
		repo       *schema.Repo
		noData     int    // days without data
		incidentAt int    // index of the website's degraded day
		uptime     string // the website's
	}{
		{"since 10 Nov", since, 71, 64, "100.00% uptime since the records began"},
		{"earliest incident", repo, 64, 64, "100.00% uptime since the records began"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := build(t, tc.repo, Public)
			doc := parsePage(t, site, "index.html")
			li := componentItem(t, doc, "web")
			days := dayClasses(t, li)
			if len(days) != 90 {
				t.Fatalf("%d day bars, want 90", len(days))
			}
			n := 0
			for i, c := range days {
				switch {
				case i == tc.incidentAt:
					if c != "d-degraded_performance" {
						t.Errorf("day %d: %q, want the degraded incident", i, c)
					}
				case c == "d-nodata":
					n++
				case c != "":
					t.Errorf("day %d: %q", i, c)
				}
			}
			if n != tc.noData || slices.Index(days, "") < tc.incidentAt {
				t.Errorf("%d days without data before the first day with data, want %d: %q", n, tc.noData, days)
			}
			foot := find(li, func(n *html.Node) bool { return attr(n, "class") == "bars-foot meta" })
			if got := textOf(foot); !strings.Contains(got, tc.uptime) {
				t.Errorf("foot %q, want %q", got, tc.uptime)
			}
			// One disclosure with the days that had incidents.
			table := find(li, is("table"))
			focusable := findAll(li, func(n *html.Node) bool {
				for p := n; p != nil; p = p.Parent {
					if p == table {
						return false // behind the disclosure
					}
				}
				return n.Data == "summary" || n.Data == "a" || n.Data == "button" || attr(n, "tabindex") != ""
			})
			if len(focusable) != 1 || focusable[0].Data != "summary" {
				t.Errorf("component has %d focusable elements outside its table, want one <summary>", len(focusable))
			}
			var cells []string
			for _, c := range findAll(find(table, is("tbody")), func(n *html.Node) bool { return n.Data == "th" || n.Data == "td" }) {
				cells = append(cells, textOf(c))
			}
			if want := []string{"Mon 2 Nov 2026", "Degraded performance", "Slow logins on the website"}; !slices.Equal(cells, want) {
				t.Errorf("days table: %q, want %q", cells, want)
			}
		})
	}

	t.Run("no records", func(t *testing.T) {
		empty := *repo
		empty.Incidents = nil
		site := build(t, &empty, Public)
		doc := parsePage(t, site, "index.html")
		li := componentItem(t, doc, "web")
		for i, c := range dayClasses(t, li) {
			if c != "d-nodata" {
				t.Fatalf("day %d: %q, want no data", i, c)
			}
		}
		if got := textOf(find(li, func(n *html.Node) bool { return attr(n, "class") == "bars-foot meta" })); !strings.Contains(got, "No data yet") {
			t.Errorf("foot %q, want No data yet", got)
		}
		if !strings.Contains(string(site.Files["index.html"]), `<span class="swatch d-nodata" aria-hidden="true"></span>No data</li>`) {
			t.Error("the legend does not explain the no-data bars")
		}
	})
}

// TestComponentGroups: each group is a <details> whose summary names the
// group and its worst member status; it is open exactly when a member is
// not operational. Components without a group are listed without one.
func TestComponentGroups(t *testing.T) {
	repo := loadFixture(t)
	for _, tc := range []struct {
		name       string
		incidents  bool
		open       bool
		worstClass string
	}{
		{"outage", true, true, "status s-major_outage"},
		{"quiet", false, false, "status s-operational"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := *repo
			if !tc.incidents {
				r.Incidents = nil
			}
			doc := parsePage(t, build(t, &r, Public), "index.html")
			groups := findAll(doc, func(n *html.Node) bool { return n.Data == "details" && attr(n, "class") == "group" })
			if len(groups) != 1 {
				t.Fatalf("%d groups, want 1 (Payments)", len(groups))
			}
			g := groups[0]
			_, open := attrOK(g, "open")
			summary := find(g, is("summary"))
			if open != tc.open || summary == nil || textOf(find(summary, is("h3"))) != "Payments 2 components" {
				t.Errorf("group: open=%v, want %v; summary %q", open, tc.open, textOf(summary))
			}
			if st := find(summary, func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "status ") }); st == nil || attr(st, "class") != tc.worstClass {
				t.Errorf("group summary shows %v, want %s", st, tc.worstClass)
			}
			if n := len(findAll(g, func(n *html.Node) bool { return attr(n, "class") == "component" })); n != 2 {
				t.Errorf("Payments lists %d components, want 2", n)
			}
			// Website and Search have no group: h3 headings outside any
			// <details>.
			for _, id := range []string{"web", "search"} {
				li := componentItem(t, doc, id)
				for n := li; n != nil; n = n.Parent {
					if n.Data == "details" {
						t.Errorf("ungrouped component %s is inside a <details>", id)
					}
				}
				if h := find(li, func(n *html.Node) bool { return attr(n, "id") == "c-"+id }); h.Data != "h3" {
					t.Errorf("ungrouped component %s has a <%s>, want <h3>", id, h.Data)
				}
			}
		})
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// TestBannerAndCards: the banner's class, icon and words follow the
// overall status, and each card carries its incident's impact.
func TestBannerAndCards(t *testing.T) {
	doc := parsePage(t, build(t, loadFixture(t), Public), "index.html")
	banner := find(doc, func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "banner ") })
	if banner == nil || attr(banner, "class") != "banner b-major_outage" || textOf(find(banner, is("h1"))) != "Major System Outage" {
		t.Fatalf("banner %v", banner)
	}
	if icon := find(banner, func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "icon ") }); icon == nil || attr(icon, "class") != "icon i-major_outage" || attr(icon, "aria-hidden") != "true" {
		t.Errorf("banner icon %v", icon)
	}
	card := find(doc, func(n *html.Node) bool { return n.Data == "article" })
	if attr(card, "class") != "card impact-critical" || !strings.HasPrefix(textOf(card), "Critical impact Identified Payments database unavailable") {
		t.Errorf("first card %q: %q", attr(card, "class"), textOf(card))
	}
	if !strings.Contains(textOf(card), "13 h 30 min so far") {
		t.Errorf("the open incident's card does not say how long it has lasted: %q", textOf(card))
	}
}

// TestHistoryPages: the history is paginated by year (and, past
// historyPageSize incidents, within the year), newest first; every page
// lists the years; incidents/index.html is the newest page; each incident
// page links back to its page of the history.
func TestHistoryPages(t *testing.T) {
	repo, problems := schema.Load(t.Context(), largeRepo(1200)) // about 300 a year public, 600 internal
	if problems.HasErrors() {
		t.Fatal(problems)
	}
	for _, a := range []Audience{Public, Internal} {
		t.Run(string(a), func(t *testing.T) {
			site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a})
			if err != nil {
				t.Fatal(err)
			}
			var pages []string
			for _, p := range site.Paths() {
				if regexp.MustCompile(`^incidents/\d{4}/(\d+/)?index\.html$`).MatchString(p) {
					pages = append(pages, p)
				}
			}
			years := []string{"2026", "2025", "2024"}
			total, seen := 0, map[string]bool{}
			for _, p := range pages {
				doc := parsePage(t, site, p)
				nav := find(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Years" })
				var got []string
				for _, l := range findAll(nav, is("a")) {
					got = append(got, strings.Fields(textOf(l))[0])
				}
				if !slices.Equal(got, years) {
					t.Errorf("%s lists the years %q, want %q", p, got, years)
				}
				items := findAll(doc, func(n *html.Node) bool { return n.Data == "li" && strings.HasPrefix(attr(n, "class"), "incident-item") })
				if len(items) == 0 || len(items) > historyPageSize {
					t.Errorf("%s lists %d incidents, want 1 to %d", p, len(items), historyPageSize)
				}
				for _, it := range items {
					link := attr(find(it, is("a")), "href")
					if seen[link] {
						t.Errorf("%s lists %s again", p, link)
					}
					seen[link] = true
				}
				total += len(items)
				checkLinks(t, site, p, doc)
			}
			if total != site.Incidents {
				t.Errorf("the history pages list %d incidents, want %d", total, site.Incidents)
			}
			if a == Internal && !slices.Contains(pages, "incidents/2025/3/index.html") {
				t.Errorf("no third page for 2025 among %q", pages)
			}
			entry := string(site.Files["incidents/index.html"])
			newest := regexp.MustCompile(`(href|src)="\.\./\.\./`).ReplaceAllString(string(site.Files["incidents/2026/index.html"]), `$1="../`)
			if entry != newest {
				t.Error("incidents/index.html is not the newest page of the history")
			}
			// An incident page's breadcrumbs lead to its page.
			var id string
			for _, in := range repo.Incidents {
				if strings.HasPrefix(in.ID, "2025-06") && (a == Internal || in.IsPublic()) {
					id = in.ID
				}
			}
			doc := parsePage(t, site, "incidents/"+id+"/index.html")
			crumbs := find(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Breadcrumb" })
			links := findAll(crumbs, is("a"))
			if len(links) != 2 || !strings.HasPrefix(attr(links[1], "href"), "../../incidents/2025/") {
				t.Errorf("breadcrumbs %q", textOf(crumbs))
			}
			target := filepath.ToSlash(filepath.Clean(filepath.Join("incidents/"+id, attr(links[1], "href"))))
			if !strings.Contains(string(site.Files[target]), `/`+id+`/index.html"`) {
				t.Errorf("%s does not list the incident that links to it", target)
			}
		})
	}
}

// TestPageWeight: the example organisation's status page, with its
// stylesheet and script, stays under 60 KB, and no page of a repository
// with 10,000 incidents is over 150 KB in either audience.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds 10,000 incidents twice")
	}
	root := filepath.Join("..")
	example, problems := schema.Load(t.Context(), os.DirFS(root))
	if problems.HasErrors() {
		t.Fatal(problems)
	}
	site := build(t, example, Public)
	status := len(site.Files["index.html"]) + len(site.Files["assets/style.css"]) + len(site.Files["assets/site.js"])
	t.Logf("example status page: %d bytes of HTML, %d of CSS, %d of JavaScript: %.1f KB", len(site.Files["index.html"]),
		len(site.Files["assets/style.css"]), len(site.Files["assets/site.js"]), float64(status)/1024)
	if status >= 60<<10 {
		t.Errorf("the status page weighs %d bytes with its CSS and JavaScript, want under 60 KB", status)
	}

	large, _ := schema.Load(t.Context(), largeRepo(10000))
	for _, a := range []Audience{Public, Internal} {
		site, err := Build(t.Context(), large, Options{Now: fixtureNow, Audience: a})
		if err != nil {
			t.Fatal(err)
		}
		var biggest string
		for p, data := range site.Files {
			if strings.HasSuffix(p, ".html") && len(data) > len(site.Files[biggest]) {
				biggest = p
			}
		}
		t.Logf("%s, 10,000 incidents: the largest page is %s, %.1f KB; the status page %.1f KB", a, biggest,
			float64(len(site.Files[biggest]))/1024, float64(len(site.Files["index.html"]))/1024)
		if len(site.Files[biggest]) > 150<<10 {
			t.Errorf("%s: %s is %d bytes, want at most 150 KB", a, biggest, len(site.Files[biggest]))
		}
	}
}

// TestNarrativeHeadings: the narrative sits under the page's "Narrative"
// heading, its own headings one level below whatever level its author
// started at.
func TestNarrativeHeadings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<h2 id="h-a">A</h2><p>x</p><h3 id="h-b">B</h3>`, `<h3 id="h-a">A</h3><p>x</p><h4 id="h-b">B</h4>`},
		{`<h1 id="h-a">A</h1><h6>F</h6>`, `<h3 id="h-a">A</h3><h6>F</h6>`},
		{`<h3>A</h3><h4>B</h4>`, `<h3>A</h3><h4>B</h4>`},
		{`<p>&lt;h2&gt; is text</p><hr>`, `<p>&lt;h2&gt; is text</p><hr>`},
	} {
		if got := demoteHeadings(template.HTML(tc.in), 3); string(got) != tc.want {
			t.Errorf("demoteHeadings(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	repo := loadFixture(t)
	in := repo.Incident("2026-11-20-checkout-errors-eu")
	body := in.Body
	in.Body = "## What happened\n\nA push.\n\n### Why\n\nNo canary.\n"
	defer func() { in.Body = body }()
	page := string(build(t, repo, Internal).Files["incidents/2026-11-20-checkout-errors-eu/index.html"])
	if !strings.Contains(page, `<h2 id="narrative">Narrative</h2>
<h3 id="h-what-happened">What happened</h3>
<p>A push.</p>
<h4 id="h-why">Why</h4>`) {
		t.Errorf("the narrative's headings are not below the Narrative heading:\n%s", between(page, `<section aria-labelledby="narrative"`, `</section>`))
	}
}

// TestPublicActionItems: a public postmortem lists its action items with
// their status, and with the ids that its public text cites.
func TestPublicActionItems(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"AI-1 restores it.", "<strong>AI-1</strong>: Canary stage for config pushes <span class=\"meta ai-status\">Open</span>"},
		{"AI-10 restores it.", "<li class=\"incident-item\">Canary stage for config pushes <span class=\"meta ai-status\">Open</span>"},
	} {
		repo := loadFixture(t)
		pm := repo.Incident("2026-11-20-checkout-errors-eu").Postmortem
		pm.Body = strings.ReplaceAll(pm.Body, "AI-1 restores.", tc.text)
		pm.Body = strings.ReplaceAll(pm.Body, "which AI-1 restores", tc.text)
		page := string(build(t, repo, Public).Files["incidents/2026-11-20-checkout-errors-eu/postmortem/index.html"])
		if !strings.Contains(page, tc.want) {
			t.Errorf("with %q the action items read:\n%s", tc.text, between(page, `<h2 id="action-items-list">`, `</ul>`))
		}
	}
}

// TestTimeZoneNote: the footer names the site's zone, and on the on-call
// page says that shifts are in each rotation's zone.
func TestTimeZoneNote(t *testing.T) {
	site := build(t, loadFixture(t), Internal)
	for p, want := range map[string]string{
		"index.html":        `Times are shown in <span data-tz="Europe/Berlin">Europe/Berlin, the site’s time zone</span>.`,
		"oncall/index.html": `Times are shown in <span data-tz="Europe/Berlin">Europe/Berlin, the site’s time zone</span>; shifts in each rotation’s own time zone.`,
	} {
		if !strings.Contains(string(site.Files[p]), want) {
			t.Errorf("%s lacks %q", p, want)
		}
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

// FuzzDemoteHeadings renders Markdown as a narrative and demotes its
// headings: none is left above the top level, none is lost, and the text
// is unchanged.
func FuzzDemoteHeadings(f *testing.F) {
	for _, s := range []string{"# A\n\n## B\n\n###### C", "text <h2>raw</h2> `<h1>`", "## x\n\n```\n<h2>\n```\n", "Setext\n===\n\nOther\n---\n"} {
		f.Add(s)
	}
	md := newMarkdown()
	heading := regexp.MustCompile(`<h([1-6])\b`)
	text := func(t *testing.T, s string) string {
		doc, err := html.Parse(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		return textOf(doc)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := md.render(src, "")
		if err != nil {
			return
		}
		got := string(demoteHeadings(out, 3))
		before, after := heading.FindAllStringSubmatch(string(out), -1), heading.FindAllStringSubmatch(got, -1)
		if len(before) != len(after) {
			t.Fatalf("%d headings became %d", len(before), len(after))
		}
		for _, m := range after {
			if m[1] < "3" {
				t.Fatalf("an h%s is left in %q", m[1], got)
			}
		}
		if text(t, got) != text(t, string(out)) {
			t.Fatalf("the text changed:\n%s\n%s", out, got)
		}
	})
}
