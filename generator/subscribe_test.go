package generator

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"

	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/templates"
)

// TestComponentFeeds parses every component's feed with gofeed: each has
// exactly the incidents and maintenances that name the component, as the
// same entries (ids, titles, links) as feed.xml.
func TestComponentFeeds(t *testing.T) {
	repo := loadFixture(t)
	for _, a := range []Audience{Public, Internal} {
		site := build(t, repo, a)
		all, err := gofeed.NewParser().ParseString(string(site.Files["feed.xml"]))
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*gofeed.Item{}
		for _, it := range all.Items {
			byID[it.GUID] = it
		}
		for _, c := range repo.Config.Components {
			p := "components/" + c.ID + "/feed.xml"
			feed, err := gofeed.NewParser().ParseString(string(site.Files[p]))
			if err != nil {
				t.Fatalf("%s %s: %v", a, p, err)
			}
			if !strings.Contains(feed.Title, c.Name) {
				t.Errorf("%s %s: title %q", a, p, feed.Title)
			}
			var want []string
			for _, in := range repo.Incidents {
				if (a == Internal || in.IsPublic()) && slices.ContainsFunc(in.Components, func(ci schema.ComponentImpact) bool { return ci.ID == c.ID }) {
					want = append(want, in.ID)
				}
			}
			var got []string
			for _, it := range feed.Items {
				id := strings.TrimSuffix(it.Link[strings.Index(it.Link, "/incidents/")+len("/incidents/"):], "/")
				got = append(got, id)
				same := byID[it.GUID]
				if same == nil || same.Title != it.Title || same.Link != it.Link || same.Content != it.Content {
					t.Errorf("%s %s: entry %s differs from feed.xml's", a, p, it.GUID)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: entries %v, want %v", a, p, got, want)
			}
		}
	}
}

// TestMaintenanceCalendar parses maintenance.ics with golang-ical: one
// event per maintenance the audience sees, with a stable UID, the window,
// SEQUENCE from the updates and STATUS:CANCELLED for a cancelled one.
func TestMaintenanceCalendar(t *testing.T) {
	repo := loadFixture(t)
	site := build(t, repo, Public)
	cal, err := ics.ParseCalendar(bytes.NewReader(site.Files["maintenance.ics"]))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range cal.Events() {
		start, _ := e.GetStartAt()
		end, _ := e.GetEndAt()
		got = append(got, fmt.Sprintf("%s %s–%s seq %s %s %s", e.Id(), start.UTC().Format("2006-01-02T15:04"), end.UTC().Format("15:04"),
			e.GetProperty(ics.ComponentPropertySequence).Value, e.GetProperty(ics.ComponentPropertyStatus).Value,
			e.GetProperty(ics.ComponentPropertySummary).Value))
	}
	want := []string{
		"https://status.acme.example/incidents/2026-11-27-search-maintenance/ 2026-11-27T10:00–14:00 seq 2 CONFIRMED Maintenance: Search index rebuild",
		"https://status.acme.example/incidents/2026-11-28-db-upgrade/ 2026-11-28T02:00–03:00 seq 1 CONFIRMED Maintenance: Database upgrade",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A moved window that comes with an update raises SEQUENCE; a
	// cancelled maintenance stays in the calendar, cancelled.
	in := repo.Incident("2026-11-28-db-upgrade")
	in.Scheduled.From = in.Scheduled.From.Add(24 * 60 * 60e9)
	in.Scheduled.Until = in.Scheduled.Until.Add(24 * 60 * 60e9)
	in.Updates = append(in.Updates, schema.Update{At: fixtureNow, Status: "cancelled", Message: "Cancelled: the upgrade is no longer needed."})
	in.Status = "cancelled"
	text := string(build(t, repo, Public).Files["maintenance.ics"])
	ev := text[strings.Index(text, "UID:https://status.acme.example/incidents/2026-11-28-db-upgrade/"):]
	for _, w := range []string{"DTSTART:20261129T020000Z", "SEQUENCE:2", "STATUS:CANCELLED"} {
		if !strings.Contains(ev[:strings.Index(ev, "END:VEVENT")], w) {
			t.Errorf("the moved, cancelled maintenance lacks %s:\n%s", w, ev)
		}
	}
}

// TestBadges: every badge is well-formed SVG, an image with a <title>
// that says the status in words, as wide as its two parts, in colours
// from the stylesheet whose text contrast is at least 4.5:1.
func TestBadges(t *testing.T) {
	repo := loadFixture(t)
	site := build(t, repo, Public)
	css, _ := templates.FS.ReadFile("assets/style.css")
	colours, err := parseBadgeColours(css)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"badges/status.svg":       "status: major outage",
		"badges/checkout-api.svg": "Checkout API: partial outage",
		"badges/payments-db.svg":  "Payments database: major outage",
		"badges/web.svg":          "Website: operational",
		"badges/search.svg":       "Search: under maintenance",
	}
	for p, title := range want {
		data, ok := site.Files[p]
		if !ok {
			t.Errorf("no %s", p)
			continue
		}
		var svg struct {
			XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
			Width   int      `xml:"width,attr"`
			Role    string   `xml:"role,attr"`
			Label   string   `xml:"aria-label,attr"`
			Title   string   `xml:"title"`
			Rects   []struct {
				Width int    `xml:"width,attr"`
				Fill  string `xml:"fill,attr"`
			} `xml:"g>rect"`
			Texts []struct {
				Fill string `xml:"fill,attr"`
				Text string `xml:",chardata"`
			} `xml:"g>text"`
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		dec.Strict = true
		if err := dec.Decode(&svg); err != nil {
			t.Errorf("%s is not well-formed SVG: %v", p, err)
			continue
		}
		if svg.Title != title || svg.Label != title || svg.Role != "img" {
			t.Errorf("%s: title %q, aria-label %q, role %q; want %q", p, svg.Title, svg.Label, svg.Role, title)
		}
		if len(svg.Rects) != 2 || len(svg.Texts) != 2 || svg.Rects[0].Width+svg.Rects[1].Width != svg.Width {
			t.Errorf("%s: parts %+v do not add up to the width %d", p, svg.Rects, svg.Width)
			continue
		}
		for i := range 2 {
			if r := contrast(svg.Texts[i].Fill, svg.Rects[i].Fill); r < 4.5 {
				t.Errorf("%s: text %s on %s has contrast %.2f", p, svg.Texts[i].Fill, svg.Rects[i].Fill, r)
			}
		}
	}
	for status, c := range colours {
		if r := contrast(c[1], c[0]); r < 4.5 {
			t.Errorf("badge colours of %s: %s on %s has contrast %.2f", status, c[1], c[0], r)
		}
	}
	// Longer words make a wider badge, deterministically.
	if textWidth("major outage") <= textWidth("operational") || textWidth("WWW") <= textWidth("iii") {
		t.Error("textWidth does not grow with the text")
	}
	// A name with markup is text.
	if b := string(renderBadge(colours, `A<b>&"c`, "operational")); !strings.Contains(b, "<title>A&lt;b&gt;&amp;&#34;c: operational</title>") {
		t.Errorf("badge does not escape its label:\n%s", b)
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	lum := func(hex string) float64 {
		var c [3]float64
		for i := range 3 {
			v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			s := float64(v) / 255
			if s <= 0.03928 {
				c[i] = s / 12.92
			} else {
				c[i] = math.Pow((s+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestSubscribeSection: the status page names the feed, the calendar, the
// JSON API, the badge, the site.subscribe links and a feed per component,
// and every one of those links resolves to a built file.
func TestSubscribeSection(t *testing.T) {
	repo := loadFixture(t)
	repo.Config.Site.Subscribe = append(repo.Config.Site.Subscribe, schema.SubscribeLink{Name: "Bad", URL: "javascript:alert(1)"})
	for _, a := range []Audience{Public, Internal} {
		site := build(t, repo, a)
		page := string(site.Files["index.html"])
		sec := between(page, `<section aria-labelledby="subscribe">`, `</section>`)
		hrefs := regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(sec, -1)
		var got []string
		for _, h := range hrefs {
			got = append(got, h[1])
			if !strings.HasPrefix(h[1], "https://") {
				if _, ok := site.Files[h[1]]; !ok {
					t.Errorf("%s: Subscribe links to %s, which is not built", a, h[1])
				}
			}
		}
		want := []string{"feed.xml", "maintenance.ics", "api/v2/summary.json", "badges/status.svg",
			"https://chat.acme.example/invite/status?ref=site&amp;x=%3c1%3e",
			"components/checkout-api/feed.xml", "badges/checkout-api.svg", "components/payments-db/feed.xml", "badges/payments-db.svg",
			"components/web/feed.xml", "badges/web.svg", "components/search/feed.xml", "badges/search.svg"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Subscribe links\n%q\nwant\n%q", a, got, want)
		}
		if strings.Contains(sec, "javascript") || strings.Contains(sec, ">Bad<") {
			t.Errorf("%s: a link that is not http(s) is shown", a)
		}
	}
}

// TestComponentFilesNeedValidIDs: a build that ignores validation errors
// writes no file for a component whose id could name another path, and a
// component called "status" does not replace the overall badge.
func TestComponentFilesNeedValidIDs(t *testing.T) {
	repo := loadFixture(t)
	repo.Config.Components = append(repo.Config.Components,
		schema.Component{ID: "../../escape", Name: "Escape"}, schema.Component{ID: "status", Name: "Status component"})
	site := build(t, repo, Public)
	for p := range site.Files {
		if strings.Contains(p, "..") || strings.Contains(p, "escape") {
			t.Errorf("built %s", p)
		}
	}
	if _, ok := site.Files["components/status/feed.xml"]; !ok {
		t.Error("the component called status has no feed")
	}
	if !strings.Contains(string(site.Files["badges/status.svg"]), "<title>status: ") {
		t.Error("badges/status.svg is not the overall status")
	}
}
