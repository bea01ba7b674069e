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
		`<dt>IMOC now</dt>
<dd>Dave Ito (@dave) <span class="meta">(America/New_York)</span></dd>`,
		`<dt>Shadows</dt>
<dd>Erin Park (@erin)</dd>`,
		// The layer's shift, in the site's zone with the zone named.
		`<dd>weekly: <time datetime="2026-11-30T08:00:00Z" data-local>Mon 30 Nov 2026, 09:00 CET</time> to <time datetime="2026-12-07T08:00:00Z" data-local>Mon 7 Dec 2026, 09:00 CET</time></dd>`,
		`<dd>replace Dave Ito (@dave) for Bob Stone (@bob), <time datetime="2026-12-01T23:00:00Z" data-local>Wed 2 Dec 2026, 00:00 CET</time> to <time datetime="2026-12-02T23:00:00Z" data-local>Thu 3 Dec 2026, 00:00 CET</time> (conference)</dd>`,
		`<dd><time datetime="2026-12-02T23:00:00Z" data-local>Thu 3 Dec 2026, 00:00 CET</time> to Bob Stone (@bob)</dd>`,
		`<a href="../oncall/imoc-platform.ics">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("oncall/index.html lacks\n%s", want)
		}
	}
	if !strings.Contains(page, "<td>Alice Ng (@alice) <span class=\"meta\">(Europe/Berlin)</span></td><td>Erin Park (@erin)</td></tr>") {
		t.Errorf("oncall/index.html does not list Alice's next shift within 14 days")
	}

	// The calendar: the override's stretch is an event of its own, and
	// UIDs do not depend on when the site is built.
	ics := string(site.Files["oncall/imoc-platform.ics"])
	if !strings.Contains(ics, "UID:imoc-platform-20261201T230000Z@baton\r\n") || !strings.Contains(ics, "SUMMARY:Platform IMOC: Dave Ito (@dave) (shadow: Erin Park (@erin))\r\n") {
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
		if strings.HasSuffix(p, ".ics") {
			t.Errorf("calendar %s without rotations", p)
		}
	}
}
