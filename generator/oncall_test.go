package generator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOnCallPages checks the internal on-call page and calendar at an
// instant inside the fixture rotation's override, and that the public
// build has neither the pages nor a link to them.
func TestOnCallPages(t *testing.T) {
	repo := loadFixture(t)
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // Dave replaces Bob
	site, err := Build(t.Context(), repo, Options{Now: at, Audience: Internal})
	if err != nil {
		t.Fatal(err)
	}
	page := string(site.Files["oncall/index.html"])
	for _, want := range []string{
		`<div><dt>IMOC now</dt>
<dd>Dave Ito (@daveito) <span class="meta">(America/New_York)</span></dd></div>`,
		`<div><dt>Shadows</dt>
<dd>Erin Park (@erinp)</dd></div>`,
		// The layer's shift, in the rotation's zone with the zone named.
		`<li>Current shift (weekly): <time datetime="2026-11-30T08:00:00Z">Mon 30 Nov 2026, 09:00 CET</time> to <time datetime="2026-12-07T08:00:00Z">Mon 7 Dec 2026, 09:00 CET</time></li>`,
		`<li>Override: replace Dave Ito (@daveito) for Bob Stone (@bobs), <time datetime="2026-12-01T23:00:00Z">Wed 2 Dec 2026, 00:00 CET</time> to <time datetime="2026-12-02T23:00:00Z">Thu 3 Dec 2026, 00:00 CET</time> (conference)</li>`,
		`<dd><time datetime="2026-12-02T23:00:00Z">Thu 3 Dec 2026, 00:00 CET</time> <span class="meta">to</span> Bob Stone (@bobs)</dd>`,
		`<a href="../oncall/imoc-platform.ics">`,
		// The agenda: today from now, with the override that put Dave
		// there; tomorrow Bob all day.
		`<li><p class="day">Wed 2 Dec (today)</p>
<ol>
<li class="shift"><span class="hours">Now – 24:00</span><span class="who p0">Dave Ito <span class="meta">Shadow: Erin Park</span> <span class="meta">Override: replace Dave Ito for Bob Stone (conference)</span></span></li>`,
		`<li><p class="day">Thu 3 Dec</p>
<ol>
<li class="shift"><span class="hours">All day</span><span class="who p1">Bob Stone <span class="meta">Shadow: Erin Park</span></span></li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("oncall/index.html lacks\n%s", want)
		}
	}
	if !strings.Contains(page, "<td>Alice Ng (@alice-ng) <span class=\"meta\">(Europe/Berlin)</span></td><td>Erin Park (@erinp)</td></tr>") {
		t.Errorf("oncall/index.html does not list Alice's next shift within 14 days")
	}
	// The agenda lists every day of the 14, and the shift table is there
	// for those who prefer a table.
	if n := strings.Count(page, `<p class="day">`); n != 14 {
		t.Errorf("the agenda shows %d days, want 14", n)
	}
	if !strings.Contains(page, `<caption id="tc-imoc-platform">Shifts of Platform IMOC over the next 14 days, in Europe/Berlin</caption>`) {
		t.Error("oncall/index.html has no table of the shifts")
	}

	// Shifts are shown in the rotation's zone, not the site's.
	utc := *repo
	cfg := *repo.Config
	cfg.Location = time.UTC
	utc.Config = &cfg
	site2, err := Build(t.Context(), &utc, Options{Now: at, Audience: Internal})
	if err != nil {
		t.Fatal(err)
	}
	page2 := string(site2.Files["oncall/index.html"])
	if !strings.Contains(page2, `<time datetime="2026-12-02T23:00:00Z">Thu 3 Dec 2026, 00:00 CET</time> <span class="meta">to</span> Bob Stone (@bobs)`) ||
		!strings.Contains(page2, "as of <time datetime=\"2026-12-02T12:00:00Z\" data-local>Wed 2 Dec 2026, 12:00 UTC</time>") {
		t.Error("with the site in UTC, the on-call page does not show the Berlin rotation's handoffs in Berlin time")
	}

	// The calendar: the override's stretch is an event of its own, and
	// UIDs do not depend on when the site is built.
	ics := string(site.Files["oncall/imoc-platform.ics"])
	if !strings.Contains(ics, "UID:imoc-platform-20261201T230000Z@baton\r\n") || !strings.Contains(ics, "SUMMARY:Platform IMOC: Dave Ito (@daveito) (shadow: Erin Park (@erinp))\r\n") {
		t.Errorf("calendar lacks the override's event:\n%s", ics)
	}
	if !strings.Contains(ics, "DTSTAMP:20261202T120000Z\r\n") {
		t.Error("calendar's DTSTAMP is not Options.Now")
	}
	later, err := Build(t.Context(), repo, Options{Now: at.Add(36 * time.Hour), Audience: Internal})
	if err != nil {
		t.Fatal(err)
	}
	uid := regexp.MustCompile(`UID:(\S+)\r\nDTSTAMP:\S+\r\nDTSTART:(\S+)\r\n`)
	starts := map[string]string{}
	for _, m := range uid.FindAllStringSubmatch(ics, -1) {
		starts[m[2]] = m[1]
	}
	shared := 0
	for _, m := range uid.FindAllStringSubmatch(string(later.Files["oncall/imoc-platform.ics"]), -1) {
		if u, ok := starts[m[2]]; ok {
			shared++
			if u != m[1] {
				t.Errorf("event starting %s has UID %s, then %s", m[2], u, m[1])
			}
		}
	}
	if shared < 10 {
		t.Errorf("only %d events in common between two builds a day apart", shared)
	}

	public, err := Build(t.Context(), repo, Options{Now: at, Audience: Public})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range public.Paths() {
		if strings.HasPrefix(p, "oncall/") {
			t.Errorf("public build has %s", p)
		}
		if strings.Contains(string(public.Files[p]), "oncall/") {
			t.Errorf("public %s links to the on-call pages", p)
		}
	}
}

// TestOnCallNoRotations: an internal build of a repository without
// rotations still has an on-call page that says so.
func TestOnCallNoRotations(t *testing.T) {
	repo := loadFixture(t)
	repo.Rotations = nil
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: Internal})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(site.Files["oncall/index.html"]), "There are no rotations") {
		t.Error("oncall/index.html does not say there are no rotations")
	}
	for p := range site.Files {
		if strings.HasPrefix(p, "oncall/") && strings.HasSuffix(p, ".ics") {
			t.Errorf("calendar %s without rotations", p)
		}
	}
}
