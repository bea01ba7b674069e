package generator

import (
	"bytes"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/schema"
)

// TestMetricsPage checks the internal metrics page of the fixture against
// package metrics: a few figures, and that every chart has an accessible
// name and description and its data as a table.
func TestMetricsPage(t *testing.T) {
	repo := loadFixture(t)
	site := build(t, repo, Internal)
	rep, err := metrics.Compute(repo, metrics.Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	doc := parsePage(t, site, "metrics/index.html")

	// The headline figures.
	facts := map[string]string{}
	var dt string
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "dt" || n.Data == "dd" }) {
		if n.Data == "dt" {
			dt = textOf(n)
		} else {
			facts[dt] = textOf(n)
		}
	}
	if got, want := facts["Incidents"], strconv.Itoa(rep.Incidents.Total.Count)+" declared"; !strings.HasPrefix(got, want) {
		t.Errorf("Incidents: %q, want it to start with %q", got, want)
	}
	if rep.Incidents.Total.Count != 4 {
		t.Errorf("the fixture has %d incidents in the window, want 4 (the page test proves less)", rep.Incidents.Total.Count)
	}
	median := metrics.FormatDuration(rep.Incidents.Total.Resolve.Median)
	if got := facts["Median time to resolve"]; !strings.HasPrefix(got, median+" ") {
		t.Errorf("Median time to resolve: %q, want %s", got, median)
	}

	// The time-to-resolve table: one row per severity, then all of them,
	// with their medians; a severity without a resolved incident shows –.
	table := find(doc, func(n *html.Node) bool { return n.Data == "table" && attr(n, "aria-labelledby") == "time-to-resolve" })
	if table == nil {
		t.Fatal("no time-to-resolve table")
	}
	rows := map[string][]string{}
	for _, tr := range findAll(table, func(n *html.Node) bool { return n.Data == "tr" }) {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, textOf(c))
			}
		}
		rows[cells[0]] = cells
	}
	for _, sg := range rep.Incidents.BySeverity {
		label := sg.Severity
		for _, s := range rep.Severities {
			if s.ID == sg.Severity && s.Name != "" {
				label += " (" + s.Name + ")"
			}
		}
		row := rows[label]
		if row == nil {
			t.Errorf("time to resolve: no row %q", label)
			continue
		}
		want := "–"
		if sg.Resolve.N > 0 {
			want = metrics.FormatDuration(sg.Resolve.Median)
		}
		if row[1] != strconv.Itoa(sg.Resolve.N) || row[2] != strconv.Itoa(sg.Resolve.Skipped) || row[4] != want {
			t.Errorf("time to resolve, %s: %q, want n %d, skipped %d, median %s", label, row, sg.Resolve.N, sg.Resolve.Skipped, want)
		}
	}
	if row := rows["All severities"]; row == nil || row[4] != median {
		t.Errorf("time to resolve, all severities: %q, want median %s", row, median)
	}
	if row := rows["SEV1 (Critical)"]; row == nil || row[3] != "–" {
		t.Errorf("time to resolve, SEV1 (open): %q, want –", row)
	}

	// Every chart: a figure with a caption, an SVG named by its <title>
	// and <desc>, and the data in a table with header cells.
	charts := metrics.Charts(rep)
	figures := findAll(doc, func(n *html.Node) bool { return n.Data == "figure" })
	if len(figures) != len(charts) {
		t.Fatalf("%d figures, want %d charts", len(figures), len(charts))
	}
	for i, c := range charts {
		fig := figures[i]
		if attr(fig, "id") != c.ID {
			t.Errorf("figure %d has id %q, want %q", i, attr(fig, "id"), c.ID)
		}
		if fc := find(fig, is("figcaption")); fc == nil || textOf(fc) != c.Title {
			t.Errorf("%s: no figcaption %q", c.ID, c.Title)
		}
		svg := find(fig, is("svg"))
		if svg == nil || attr(svg, "role") != "img" {
			t.Fatalf("%s: no <svg role=img>", c.ID)
		}
		names := strings.Fields(attr(svg, "aria-labelledby"))
		if len(names) != 2 {
			t.Errorf("%s: aria-labelledby %q, want a title and a desc", c.ID, attr(svg, "aria-labelledby"))
		}
		for j, tag := range []string{"title", "desc"} {
			el := find(svg, func(n *html.Node) bool { return n.Data == tag && n.Parent == svg })
			if el == nil || strings.TrimSpace(textOf(el)) == "" {
				t.Errorf("%s: no <%s>", c.ID, tag)
				continue
			}
			if j < len(names) && attr(el, "id") != names[j] {
				t.Errorf("%s: aria-labelledby names %q, <%s> has id %q", c.ID, names[j], tag, attr(el, "id"))
			}
		}
		details := find(fig, is("details"))
		if details == nil || find(details, is("summary")) == nil {
			t.Fatalf("%s: no <details> with a <summary>", c.ID)
		}
		tbl := find(details, is("table"))
		if tbl == nil {
			t.Fatalf("%s: no data table", c.ID)
		}
		if tc := find(tbl, is("caption")); tc == nil || textOf(tc) != c.Table.Caption {
			t.Errorf("%s: table caption is not %q", c.ID, c.Table.Caption)
		}
		cols := findAll(tbl, func(n *html.Node) bool { return n.Data == "th" && attr(n, "scope") == "col" })
		if len(cols) != len(c.Table.Header) {
			t.Errorf("%s: %d column headers, want %d", c.ID, len(cols), len(c.Table.Header))
		}
		body := findAll(find(tbl, is("tbody")), is("tr"))
		if len(body) != len(c.Table.Rows) {
			t.Errorf("%s: %d rows, want %d", c.ID, len(body), len(c.Table.Rows))
		}
		for j, tr := range body {
			first := find(tr, func(n *html.Node) bool { return n.Data == "th" || n.Data == "td" })
			if first.Data != "th" || attr(first, "scope") != "row" || textOf(first) != c.Table.Rows[j][0] {
				t.Errorf("%s: row %d does not start with <th scope=row>%s", c.ID, j, c.Table.Rows[j][0])
			}
		}
	}

	// The page is linked from the internal navigation, as the current
	// page on itself.
	if !bytes.Contains(site.Files["index.html"], []byte(`<a href="metrics/index.html">Metrics</a>`)) {
		t.Error("index.html does not link to the metrics page")
	}
	if !bytes.Contains(site.Files["metrics/index.html"], []byte(`<a href="../metrics/index.html" aria-current="page">Metrics</a>`)) {
		t.Error("the metrics page is not the current page in its navigation")
	}
	checkLinks(t, site, "metrics/index.html", doc)
}

// TestMetricsPageOverdue: the overdue lists link to the incidents, their
// postmortems and name the owners.
func TestMetricsPageOverdue(t *testing.T) {
	repo := loadFixture(t)
	// Resolve the open SEV1, so its postmortem (none) falls due.
	for _, in := range repo.Incidents {
		if in.ID == "2026-11-26-payments-down" {
			in.Status, in.Resolved = schema.StatusResolved, time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
		}
	}
	now := time.Date(2026, 12, 20, 12, 0, 0, 0, time.UTC) // AI-1 was due on 2026-12-15
	site, err := Build(t.Context(), repo, Options{Now: now, Audience: Internal})
	if err != nil {
		t.Fatal(err)
	}
	page := string(site.Files["metrics/index.html"])
	for _, want := range []string{
		`<caption>Overdue postmortems</caption>`,
		`<tr><th scope="row"><a href="../incidents/2026-11-26-payments-down/index.html">2026-11-26-payments-down</a></th><td>SEV1 (Critical)</td><td><time datetime="2026-12-01T12:00:00Z" data-local>Tue 1 Dec 2026, 13:00 CET</time></td><td>Not started</td></tr>`,
		`<caption>Overdue action items</caption>`,
		`<tr><th scope="row">AI-1: Canary stage for config pushes</th><td><a href="../incidents/2026-11-20-checkout-errors-eu/postmortem/index.html">2026-11-20-checkout-errors-eu</a></td><td>P1</td><td>Alice Ng (@alice-ng)</td><td>2026-12-15</td></tr>`,
		`<dd><span class="big">1</span> (1 overdue)</dd>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("metrics/index.html lacks\n%s", want)
		}
	}
	checkLinks(t, site, "metrics/index.html", parsePage(t, site, "metrics/index.html"))
}

// checkLinks fails for every relative link of page p that is not a file of
// the site.
func checkLinks(t *testing.T, site *Site, p string, doc *html.Node) {
	t.Helper()
	for _, a := range findAll(doc, is("a")) {
		href := attr(a, "href")
		u, err := url.Parse(href)
		if err != nil || u.IsAbs() || u.Path == "" {
			continue
		}
		target := path.Join(path.Dir(p), u.Path)
		if _, ok := site.Files[target]; !ok {
			t.Errorf("%s links to %s, which is not in the site", p, href)
		}
	}
}

func parsePage(t *testing.T, site *Site, p string) *html.Node {
	t.Helper()
	data, ok := site.Files[p]
	if !ok {
		t.Fatalf("no %s", p)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func is(tag string) func(*html.Node) bool { return func(n *html.Node) bool { return n.Data == tag } }

// findAll returns the element nodes under n (n included) that match, in
// document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, match)...)
	}
	return out
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text content of n, spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
