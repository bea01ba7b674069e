package metrics

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Fatalf("%s differs at line %d (run go test -update and review the diff):\n  want: %s\n  got:  %s", path, i+1, w, g)
		}
	}
}

// TestGoldenJSON pins the JSON shape and every value of the fixture's
// report. The values themselves are checked by hand in metrics_test.go;
// this catches renamed keys, reordering and encoding changes.
func TestGoldenJSON(t *testing.T) {
	b, err := json.MarshalIndent(fixtureReport(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", append(b, '\n'))
}

// TestJSONShape checks the documented encoding without the golden file:
// durations in seconds, null without values, RFC 3339 UTC instants,
// dates, and lists that are never null.
func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(fixtureReport(t))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		`"now":"2026-03-20T12:00:00Z","since":"2026-01-01T00:00:00Z","time_zone":"UTC"`,
		// Total time to resolve: 195 min = 11700 s, median 150 min, p90 360 min.
		`"time_to_resolve":{"n":4,"skipped":2,"mean_seconds":11700,"median_seconds":9000,"p90_seconds":21600}`,
		// SEV3 was never mitigated in the window.
		`"time_to_mitigate":{"n":0,"skipped":2,"mean_seconds":null,"median_seconds":null,"p90_seconds":null}`,
		`"on_call_seconds":3412800`,
		`{"date":"2026-03-20","overdue":2,"no_due_date":1,"due_later":2}`,
		`"due":"2026-02-13T03:00:00Z","status":"in-review"`,
		`"person":"vic","name":"Vic Lam","shadowed":[]`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	// Only statistics may be null; lists are [] when empty.
	for _, key := range []string{"by_owner", "burndown", "imoc_load", "fairness", "people", "trainees", "postmortems", "action_items", "severities", "shadowed", "by_severity", "by_month"} {
		if strings.Contains(s, `"`+key+`":null`) {
			t.Errorf("%s is null", key)
		}
	}
}

func TestChartsGolden(t *testing.T) {
	charts := Charts(fixtureReport(t))
	ids := map[string]bool{}
	for _, c := range charts {
		if ids[c.ID] {
			t.Errorf("duplicate chart id %s", c.ID)
		}
		ids[c.ID] = true
		checkSVG(t, c, c.SVG)
		checkSVG(t, c, c.Narrow)
		golden(t, filepath.Join("charts", c.ID+".svg"), []byte(c.SVG))
		golden(t, filepath.Join("charts", c.ID+"-n.svg"), []byte(c.Narrow))
	}
	if len(charts) != 4 {
		t.Errorf("%d charts, want 4", len(charts))
	}
}

// TestChartFacts checks that the drawings say what the figures say: the
// bar totals of the incidents chart and the labels of the other charts.
func TestChartFacts(t *testing.T) {
	charts := Charts(fixtureReport(t))
	byID := map[string]Chart{}
	for _, c := range charts {
		byID[c.ID] = c
	}
	texts := func(id string) []string { return svgTexts(t, string(byID[id].SVG)) }
	contains := func(id string, want ...string) {
		t.Helper()
		got := strings.Join(texts(id), "|")
		for _, w := range want {
			if !strings.Contains("|"+got+"|", "|"+w+"|") {
				t.Errorf("%s: no text %q in %s", id, w, got)
			}
		}
	}
	// Legend, axis labels, month ticks, and totals 2, 2, 2.
	contains("chart-incidents-per-month", "SEV1", "SEV4", "Incidents", "Month (UTC)", "Jan", "2026", "Feb", "Mar")
	// SEV2: median 270 min = 4 h 30 min, p90 6 h; SEV3 has nothing resolved.
	contains("chart-time-to-resolve", "4 h 30 min", "6 h", "no resolved incidents", "Hours from start of impact to resolution")
	contains("chart-action-items", "Overdue", "No due date", "Open action items", "Week starting", "5", "3")
	contains("chart-imoc-load", "alice", "bob", "948 h · 4 incidents", "840 h · 2 incidents", "Hours on call in the window")

	if got := byID["chart-incidents-per-month"].Table.Rows; len(got) != 3 || strings.Join(got[1], ",") != "February 2026,0,1,1,0,2" {
		t.Errorf("incidents table rows = %q", got)
	}
	if d := byID["chart-incidents-per-month"].Description; !strings.Contains(d, "January 2026 to March 2026") || !strings.Contains(d, "6 incidents in total") {
		t.Errorf("description = %q", d)
	}
}

// TestChartsEscape: text from baton.yaml (severity ids, the time zone) is
// escaped, so it cannot inject markup into the page.
func TestChartsEscape(t *testing.T) {
	r := fixtureReport(t)
	evil := `SEV<script>&"'`
	r.Severities[0].ID = evil
	r.Incidents.BySeverity[0].Severity = evil
	r.IMOCLoad[0].Person = `a"><img src=x>`
	for _, c := range Charts(r) {
		checkSVG(t, c, c.SVG)
		checkSVG(t, c, c.Narrow)
		if strings.Contains(string(c.SVG+c.Narrow), "<script") || strings.Contains(string(c.SVG+c.Narrow), "<img") {
			t.Errorf("%s: unescaped markup", c.ID)
		}
	}
}

// checkSVG checks a chart's accessibility structure and that its markup is
// well-formed XML and sensible inline HTML.
func checkSVG(t *testing.T, c Chart, svgHTML template.HTML) {
	t.Helper()
	s := string(svgHTML)
	// Well-formed XML.
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed: %v", c.ID, err)
		}
	}
	// As HTML: one <svg> whose accessible name and description are its
	// <title> and <desc>, and ids that all start with the chart id.
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var svg *html.Node
	for _, n := range nodes {
		if n.Type == html.ElementNode && n.Data == "svg" {
			svg = n
		}
	}
	if svg == nil {
		t.Fatalf("%s: no <svg> element", c.ID)
	}
	if attr(svg, "role") != "img" {
		t.Errorf(`%s: role=%q, want "img"`, c.ID, attr(svg, "role"))
	}
	byID := map[string]*html.Node{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				if byID[id] != nil {
					t.Errorf("%s: duplicate id %s", c.ID, id)
				}
				if !strings.HasPrefix(id, c.ID+"-") {
					t.Errorf("%s: id %q does not start with the chart id", c.ID, id)
				}
				byID[id] = n
			}
			if strings.EqualFold(n.Data, "script") || strings.EqualFold(n.Data, "foreignObject") {
				t.Errorf("%s: <%s> element", c.ID, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: event handler attribute %s", c.ID, a.Key)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(svg)
	refs := strings.Fields(attr(svg, "aria-labelledby"))
	if len(refs) != 2 {
		t.Fatalf("%s: aria-labelledby=%q, want the title and desc ids", c.ID, attr(svg, "aria-labelledby"))
	}
	for i, tag := range []string{"title", "desc"} {
		n := byID[refs[i]]
		if n == nil || n.Data != tag || n.Parent != svg {
			t.Errorf("%s: aria-labelledby names %q, which is not the svg's <%s>", c.ID, refs[i], tag)
			continue
		}
		want := c.Title
		if tag == "desc" {
			want = c.Description
		}
		if got := textOf(n); got != want || got == "" {
			t.Errorf("%s: <%s> = %q, want %q", c.ID, tag, got, want)
		}
	}
	for _, m := range strings.Split(s, "url(#")[1:] {
		id, _, _ := strings.Cut(m, ")")
		if byID[id] == nil {
			t.Errorf("%s: url(#%s) names no element", c.ID, id)
		}
	}
	if len(c.Table.Header) == 0 || c.Table.Caption == "" {
		t.Errorf("%s: no text alternative table", c.ID)
	}
	for _, row := range c.Table.Rows {
		if len(row) != len(c.Table.Header) {
			t.Errorf("%s: table row %q has %d cells, header %d", c.ID, row, len(row), len(c.Table.Header))
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.TextNode {
			b.WriteString(ch.Data)
		}
	}
	return b.String()
}

// svgTexts returns the contents of the <text> elements.
func svgTexts(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	dec := xml.NewDecoder(strings.NewReader(s))
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "text"
		case xml.EndElement:
			in = false
		case xml.CharData:
			if in {
				out = append(out, string(tok))
			}
		}
	}
}

// TestSeriesStyles: neighbouring series differ in both colour and
// pattern. (The colours are the site stylesheet's; their contrast is
// checked with the other colour tokens, in package templates.)
func TestSeriesStyles(t *testing.T) {
	for i := range patternCount {
		if a, b := styleFor(i), styleFor(i+1); a == b || a.color == b.color || a.pattern == b.pattern {
			t.Errorf("series %d and %d look alike: %v %v", i, i+1, a, b)
		}
	}
}

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct {
		v, top, step float64
	}{
		{0, 1, 1},
		{5, 5, 1},
		{948, 1000, 200},
		{3397, 4000, 1000},
		{6, 6, 2},
		{7.33, 8, 2},
		{0.3, 0.3, 0.1},
	} {
		top, step := niceScale(tc.v)
		if math.Abs(top-tc.top) > 1e-9 || math.Abs(step-tc.step) > 1e-9 {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tc.v, top, step, tc.top, tc.step)
		}
	}
	if top, step := intScale(2); top != 2 || step != 1 {
		t.Errorf("intScale(2) = %v, %v; want 2, 1", top, step)
	}
}
