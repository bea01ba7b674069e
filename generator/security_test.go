package generator

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"github.com/batonhq/baton/schema"
)

const hostileBody = `
<script>alert("narrative")</script>
<img src=x onerror=alert(1)>
<a href="javascript:alert(2)">raw link</a>

[js](javascript:alert(3)) [JS](JaVaScRiPt:alert(4)) [ent](&#106;avascript:alert(5))
[vb](vbscript:msgbox(6)) [data](data:text/html;base64,PHNjcmlwdD4=) [tab](java	script:alert(7))
[proto](//evil.example/x) [ftp](ftp://files.example/) [tel](tel:123) ![img](javascript:alert(8)) <javascript:alert(9)>
[ok](https://ok.example/) [mail](mailto:ops@ok.example) [rel](notes.txt) [frag](#h-x)
[ent-ftp](ftp&#58;//x.example/) [ent-smb](smb&#58;//attacker/share) [ent-ms](ms-settings&#58;x)
[ent-proto](/&#47;evil.example/x) [ent-proto2](&#47;/evil.example/y) [bs-proto](/\/evil.example/z) ![ent-img](ftp&#x3a;//x.example/i.png)

## Heading <em onclick="alert(10)">x</em>

| a | b |
|---|---|
| <b onmouseover=alert(11)>c</b> | d |
`

// TestMarkdownIsSafe renders hostile Markdown, titles and update messages
// and proves, on the parsed HTML, that nothing executable reaches a page:
// no script element but the site's own, no event-handler attribute, no URL
// with a scheme other than http, https or mailto.
func TestMarkdownIsSafe(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys := fstest.MapFS{
		"baton.yaml":  file("site: {title: '<script>alert(\"site\")</script>', base_url: 'https://s.example/'}\ncomponents:\n  - {id: api, name: '<img src=x onerror=alert(1)>', tier: 1}\n"),
		"people.yaml": file("people:\n  - {handle: a, name: '<script>p</script>', github: a, imoc: qualified}\n  - {handle: b, name: B, github: b}\n"),
		"incidents/2026/2026-11-20-hostile/incident.md": file(`---
title: <script>alert("title")</script>
severity: SEV1
status: resolved
visibility: public
imoc: a
owner: b
components: [{id: api, impact: major_outage}]
started: 2026-11-20T10:00:00Z
declared: 2026-11-20T10:00:00Z
resolved: 2026-11-20T11:00:00Z
updates:
  - {at: 2026-11-20T10:00:00Z, status: resolved, message: '<img src=x onerror=alert("update")> javascript:alert(1)'}
tags: ['<script>tag</script>']
---
` + hostileBody),
		"incidents/2026/2026-11-20-hostile/postmortem.md": file(`---
status: published
visibility: public
authors: [b]
reviewers: [a]
approved: {by: a, at: 2026-11-21T10:00:00Z}
action_items:
  - {id: AI-1, title: '<script>ai</script>', type: prevent, priority: P1, owner: b, due: 2026-12-01, status: open, link: 'javascript:alert(1)'}
summary: <script>alert("summary")</script>
---
` + hostileBody),
	}
	repo, _ := schema.Load(t.Context(), fsys) // validation errors are expected
	if repo.Incident("2026-11-20-hostile") == nil {
		t.Fatal("the hostile incident did not load")
	}
	for _, a := range []Audience{Public, Internal} {
		site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a})
		if err != nil {
			t.Fatal(err)
		}
		var hrefs []string
		for _, p := range site.Paths() {
			if !strings.HasSuffix(p, ".html") {
				continue
			}
			doc, err := html.Parse(bytes.NewReader(site.Files[p]))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for n := range doc.Descendants() {
				if n.Type != html.ElementNode {
					continue
				}
				if n.Data == "script" && !(len(n.Attr) == 2 && n.Attr[0].Key == "src" && strings.HasSuffix(n.Attr[0].Val, "assets/site.js")) {
					t.Errorf("%s (%s): a script element: %v", p, a, n.Attr)
				}
				switch n.Data {
				case "iframe", "object", "embed", "form", "base":
					t.Errorf("%s (%s): a <%s> element", p, a, n.Data)
				case "style":
					// Only 404.html carries a stylesheet, the site's own.
					if p != "404.html" || n.FirstChild == nil || n.FirstChild.Data != string(site.Files["assets/style.css"]) {
						t.Errorf("%s (%s): a <style> element that is not the site's stylesheet", p, a)
					}
				}
				// The site's icon is a fixed data: URL, the one URL that is
				// not http, https, mailto or relative.
				icon := n.Data == "link" && len(n.Attr) == 2 && n.Attr[0].Key == "rel" && n.Attr[0].Val == "icon" &&
					strings.HasPrefix(n.Attr[1].Val, "data:image/svg+xml,%3Csvg%20xmlns=%27http://www.w3.org/2000/svg%27")
				for _, at := range n.Attr {
					if strings.HasPrefix(strings.ToLower(at.Key), "on") {
						t.Errorf("%s (%s): event handler %s=%q on <%s>", p, a, at.Key, at.Val, n.Data)
					}
					if (at.Key == "href" || at.Key == "src" || at.Key == "action" || at.Key == "formaction") && !icon {
						hrefs = append(hrefs, at.Val)
						scheme, ok := urlScheme(at.Val)
						if !ok || scheme != "" && scheme != "http" && scheme != "https" && scheme != "mailto" {
							t.Errorf("%s (%s): <%s %s=%q>", p, a, n.Data, at.Key, at.Val)
						}
					}
				}
			}
		}
		// The safe links survive, so the test is not vacuous.
		for _, want := range []string{"https://ok.example/", "mailto:ops@ok.example", "../notes.txt"} {
			if !strings.Contains(strings.Join(hrefs, "\n"), want) {
				t.Errorf("%s: the safe link %s is missing", a, want)
			}
		}
		if a == Internal && !strings.Contains(strings.Join(hrefs, "\n"), "\nnotes.txt") {
			t.Errorf("internal: the narrative's relative link notes.txt is missing")
		}
	}
}

func TestURLScheme(t *testing.T) {
	for _, tc := range []struct {
		in     string
		scheme string
		ok     bool
	}{
		{"https://x.example/", "https", true},
		{"HTTP://x", "http", true},
		{"mailto:a@b", "mailto", true},
		{"notes.txt", "", true},
		{"a/b:c", "", true},
		{"#frag", "", true},
		{"?q=1:2", "", true},
		{"javascript:alert(1)", "javascript", true},
		{"java\tscript:x", "", false},
		{" javascript:x", "", false},
		{"//evil.example", "", false},
		{`\\evil.example`, "", false},
	} {
		scheme, ok := urlScheme(tc.in)
		if scheme != tc.scheme || ok != tc.ok {
			t.Errorf("urlScheme(%q) = %q, %v; want %q, %v", tc.in, scheme, ok, tc.scheme, tc.ok)
		}
	}
}

// TestHardening18MarkersInUserText: user text that looks like the page
// frame's internal bookkeeping (the marker strings an earlier version
// searched for) is ordinary text: every build succeeds and shows it.
func TestHardening18MarkersInUserText(t *testing.T) {
	const odd = "BATON-FRAME-TITLE-3d8f1a BATON-FRAME-CONTENT-3d8f1a"
	fsys := markerRepo()
	cfg := fsys["baton.yaml"]
	cfg.Data = bytes.Replace(cfg.Data, []byte("title: Leak Test Status"), []byte("title: "+odd+"\n  description: "+odd), 1)
	cfg.Data = bytes.Replace(cfg.Data, []byte("name: API,"), []byte("name: "+odd+","), 1)
	inc := fsys["incidents/2026/2026-11-20-api-errors/incident.md"]
	inc.Data = bytes.Replace(inc.Data, []byte("title: API errors"), []byte("title: "+odd), 1)
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("repository has errors:\n%v", problems)
	}
	for _, a := range []Audience{Public, Internal} {
		site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a})
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		for _, p := range []string{"index.html", "incidents/2026-11-20-api-errors/index.html"} {
			doc, err := html.Parse(bytes.NewReader(site.Files[p]))
			if err != nil {
				t.Fatal(err)
			}
			var title, h1 string
			for n := range doc.Descendants() {
				if n.Type == html.ElementNode && (n.Data == "title" || n.Data == "h1") && n.FirstChild != nil {
					if n.Data == "title" {
						title = n.FirstChild.Data
					} else if h1 == "" {
						h1 = n.FirstChild.Data
					}
				}
			}
			if !strings.HasSuffix(title, " · "+odd) {
				t.Errorf("%s %s: <title> %q", a, p, title)
			}
			if p != "index.html" && h1 != odd {
				t.Errorf("%s %s: <h1> %q", a, p, h1)
			}
		}
	}

	// The frame's pieces around a page are exactly what executing the
	// whole layout gives.
	opts := Options{Now: fixtureNow, Audience: Internal}
	tpl, err := parseTemplates(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	m, err := deriveModel(repo, &opts, tpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    *page
	}{
		{"index.html", &page{Section: "status"}},
		{"incidents.html", &page{Section: "incidents", Root: "../"}},
		{"incident.html", &page{Section: "incidents", Root: "../../", Incident: m.Incidents[0]}},
	} {
		tc.p.Site, tc.p.M, tc.p.Internal = m.Site, m, m.Internal
		spliced, err := tpl.execute(tc.name, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		var whole bytes.Buffer
		if err := tpl.byName[tc.name].ExecuteTemplate(&whole, "layout", tc.p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(spliced, whole.Bytes()) {
			t.Errorf("%s: the spliced page differs from the whole layout", tc.name)
		}
	}
}
