package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/batonhq/baton/schema"
)

// markerRepo is an incidents repository whose every internal field holds a
// marker containing "mkr" (in some case). No public field contains "mkr",
// so a public build must not contain it anywhere.
func markerRepo() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"baton.yaml": file(`site:
  title: Leak Test Status
  base_url: https://status.leak.example/
  time_zone: America/New_York
github:
  repo: mkr-gh-owner/mkr-gh-repo
severities:
  - {id: MKRSEV1, name: MKR-SEVNAME-1, description: MKR-SEVDESC-1, major: true, postmortem: {required: true, due_days: 5}}
  - {id: MKRSEV2, name: MKR-SEVNAME-2, description: MKR-SEVDESC-2, postmortem: {required: false}}
components:
  - {id: api, name: API, group: Core, tier: 1}
  - {id: web, name: Web, tier: 2}
rotations:
  default: mkr-rotation
`),
		"people.yaml": file(`people:
  - {handle: mkr-imoc, name: MKR-NAME-IMOC, github: mkr-gh-imoc, email: mkr-imoc@mail.example, time_zone: Europe/Paris, imoc: qualified}
  - {handle: mkr-owner, name: MKR-NAME-OWNER, github: mkr-gh-owner-login, email: mkr-owner@mail.example}
  - {handle: mkr-shadow, name: MKR-NAME-SHADOW, github: mkr-gh-shadow, email: mkr-shadow@mail.example, imoc: trainee}
  - {handle: mkr-responder, name: MKR-NAME-RESPONDER, github: mkr-gh-responder}
  - {handle: mkr-other, name: MKR-NAME-OTHER, github: mkr-gh-other, imoc: qualified}
`),
		"rotations/mkr-rotation.yaml": file(`name: MKR-ROTATION-NAME
org: mkr-org
time_zone: Europe/Paris
layers:
  - name: mkr-layer
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [mkr-imoc, mkr-other]}
overrides:
  - {kind: replace, user: mkr-other, replaces: mkr-imoc, from: 2026-11-26T00:00:00Z, until: 2026-11-28T00:00:00Z, reason: MKR-OVERRIDE-REASON}
shadows:
  - {user: mkr-shadow, with: imoc, from: 2026-11-01T00:00:00Z, until: 2026-12-31T00:00:00Z}
`),
		// A public incident with markers in every internal field.
		"incidents/2026/2026-11-20-api-errors/incident.md": file(`---
title: API errors
severity: MKRSEV1
status: resolved
visibility: public
rotation: mkr-rotation
imoc: mkr-imoc
owner: mkr-owner
shadows: [mkr-shadow]
responders: [mkr-responder]
components:
  - {id: api, impact: partial_outage}
started: 2026-11-20T13:50:00Z
detected: 2026-11-20T13:58:11Z
declared: 2026-11-20T14:03:22Z
acknowledged: 2026-11-20T14:05:33Z
mitigated: 2026-11-20T14:47:44Z
resolved: 2026-11-20T15:10:00Z
updates:
  - at: 2026-11-20T14:10:00Z
    status: investigating
    message: We are investigating errors.
  - at: 2026-11-20T15:10:00Z
    status: resolved
    message: Resolved.
tags: [mkr-tag]
---
MKR-NARRATIVE by @mkr-owner, see ![graph](mkr-narrative-asset.txt) and [notes](mkr-notes.txt).
`),
		"incidents/2026/2026-11-20-api-errors/mkr-narrative-asset.txt": file("MKR-NARRATIVE-ASSET"),
		// A file that nothing links to: never published. (Files named like
		// the page template's own attributes and fragments are in
		// TestHardening09FragmentsAreNotFiles.)
		"incidents/2026/2026-11-20-api-errors/mkr-unlinked.txt": file("MKR-UNLINKED-ASSET"),
		"incidents/2026/2026-11-20-api-errors/postmortem.md": file(`---
status: published
visibility: public
authors: [mkr-owner]
reviewers: [mkr-imoc]
approved: {by: mkr-imoc, at: 2026-11-24T10:11:12Z}
action_items:
  - {id: MKR-AI-ID, title: Add a canary, type: prevent, priority: P1, owner: mkr-responder, due: 2027-03-17, status: open, link: https://mkr-ai-link.example/1}
summary: A configuration push broke the API.
---
## Summary
Public text.
## Impact
## Timeline
## Contributing factors
## Action items
## Lessons learned
`),
		// A public incident with an internal postmortem.
		"incidents/2026/2026-11-22-web-slow/incident.md": file(`---
title: Slow website
severity: MKRSEV2
status: resolved
visibility: public
imoc: mkr-other
owner: mkr-owner
components:
  - {id: web, impact: degraded_performance}
started: 2026-11-22T08:00:00Z
declared: 2026-11-22T08:21:09Z
resolved: 2026-11-22T09:00:00Z
updates:
  - at: 2026-11-22T08:25:00Z
    status: resolved
    message: The website is fast again.
---
MKR-NARRATIVE-2
`),
		"incidents/2026/2026-11-22-web-slow/postmortem.md": file(`---
status: draft
visibility: internal
authors: [mkr-owner]
reviewers: [mkr-other]
action_items:
  - {id: AI-1, title: MKR-INTERNAL-AI-TITLE, type: prevent, priority: P2, owner: mkr-owner, status: open}
summary: MKR-INTERNAL-PM-SUMMARY
---
## Summary
MKR-INTERNAL-PM-BODY
## Impact
## Timeline
## Contributing factors
## Action items
## Lessons learned
`),
		// An internal incident and maintenance: nothing of them is public.
		"incidents/2026/2026-11-25-mkr-internal/incident.md": file(`---
title: MKR-INTERNAL-TITLE
severity: MKRSEV1
status: identified
visibility: internal
imoc: mkr-imoc
owner: mkr-owner
components:
  - {id: api, impact: major_outage}
started: 2026-11-25T01:00:00Z
declared: 2026-11-25T01:05:00Z
updates:
  - at: 2026-11-25T01:10:00Z
    status: identified
    message: MKR-INTERNAL-UPDATE
tags: [mkr-tag-2]
---
MKR-INTERNAL-NARRATIVE ![x](mkr-internal-asset.txt)
`),
		"incidents/2026/2026-11-25-mkr-internal/mkr-internal-asset.txt": file("MKR-INTERNAL-ASSET"),
		"incidents/2026/2026-11-26-mkr-maint/incident.md": file(`---
title: MKR-MAINT-TITLE
type: maintenance
status: scheduled
owner: mkr-owner
imoc: mkr-imoc
components:
  - {id: web, impact: under_maintenance}
declared: 2026-11-26T09:00:00Z
scheduled: {from: 2026-11-28T02:00:00Z, until: 2026-11-28T03:00:00Z}
updates:
  - at: 2026-11-26T09:00:00Z
    status: scheduled
    message: MKR-MAINT-UPDATE
---
`),
	}
}

// Instants that are internal: they must not appear in public output
// either (they are checked as "HH:MM:SS", as every output format writes
// seconds).
var internalInstants = []string{"13:58:11", "14:03:22", "14:05:33", "14:47:44", "08:21:09", "10:11:12", "2027-03-17"}

var mkrRE = regexp.MustCompile(`(?i).{0,40}mkr.{0,40}`)

// TestPublicBuildLeaksNothing builds the marker repository for both
// audiences. The internal build must show the markers (or the test proves
// nothing); the public build must contain none of them, in any file, and
// has no metrics page nor a link to one.
func TestPublicBuildLeaksNothing(t *testing.T) {
	fsys := markerRepo()
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("marker repository has errors:\n%v", problems)
	}
	opts := Options{Now: fixtureNow, Assets: fsys}

	opts.Audience = Internal
	internal, err := Build(t.Context(), repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	all := joinFiles(internal)
	for _, m := range []string{"MKR-NAME-IMOC", "mkr-owner", "MKR-NAME-SHADOW", "MKR-NAME-RESPONDER", "mkr-tag", "mkr-rotation",
		"MKR-NARRATIVE", "MKR-INTERNAL-PM-SUMMARY", "MKR-INTERNAL-PM-BODY", "MKR-INTERNAL-AI-TITLE", "MKR-AI-ID",
		"MKR-INTERNAL-TITLE", "MKR-INTERNAL-UPDATE", "MKR-INTERNAL-NARRATIVE", "MKR-MAINT-TITLE", "MKRSEV1",
		"MKR-SEVNAME-1", "mkr-ai-link", "MKR-NARRATIVE-ASSET", "MKR-INTERNAL-ASSET"} {
		if !bytes.Contains(all, []byte(m)) {
			t.Errorf("internal build does not show %s; the marker test would prove nothing", m)
		}
	}
	for _, s := range internalInstants {
		if !bytes.Contains(all, []byte(s)) {
			t.Errorf("internal build does not show the instant %s", s)
		}
	}
	// The metrics page names people: internal only.
	if m := internal.Files["metrics/index.html"]; !bytes.Contains(m, []byte("MKR-NAME-IMOC")) || !bytes.Contains(m, []byte("MKR-NAME-SHADOW")) {
		t.Error("internal metrics/index.html does not name the IMOC and the trainee; the test below would prove nothing")
	}

	opts.Audience = Public
	public, err := Build(t.Context(), repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := public.Files["incidents/2026-11-20-api-errors/index.html"]; !ok {
		t.Fatal("public build lacks the public incident")
	}
	for _, p := range public.Paths() {
		if strings.Contains(strings.ToLower(p), "mkr") || strings.HasPrefix(p, "metrics/") {
			t.Errorf("public build has the file %s", p)
		}
		data := public.Files[p]
		if bytes.Contains(data, []byte("metrics/")) {
			t.Errorf("public %s links to the metrics page", p)
		}
		for _, m := range mkrRE.FindAll(data, -1) {
			t.Errorf("%s leaks: %q", p, m)
		}
		for _, s := range internalInstants {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s leaks the internal instant %s", p, s)
			}
		}
	}
}

func joinFiles(s *Site) []byte {
	var b bytes.Buffer
	for _, p := range s.Paths() {
		b.WriteString(p + "\n")
		b.Write(s.Files[p])
	}
	return b.Bytes()
}

// TestExampleOrgPublicBuild builds the example organisation at the root of
// the project and checks that its public build names no person (names,
// e-mails, GitHub logins, @handles) and shows no internal incident.
func TestExampleOrgPublicBuild(t *testing.T) {
	root := filepath.Join("..")
	// This repository always holds the example organisation: a missing or
	// invalid one must fail this test, not skip the leak scan.
	if _, err := os.Stat(filepath.Join(root, schema.ConfigFile)); err != nil {
		t.Fatalf("no example organisation at the repository root: %v", err)
	}
	fsys := os.DirFS(root)
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("the example organisation does not validate:\n%v", problems)
	}
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: Public, Assets: fsys})
	if err != nil {
		t.Fatal(err)
	}
	var needles []string
	var words []*regexp.Regexp // first names and handles, as whole words
	for _, p := range repo.People {
		needles = append(needles, p.Name, "@"+p.Handle, p.Email)
		if p.GitHub != "" {
			needles = append(needles, "@"+p.GitHub, "github.com/"+p.GitHub)
		}
		first, _, _ := strings.Cut(p.Name, " ")
		for _, w := range []string{first, p.Handle} {
			words = append(words, regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(w)+`\b`))
		}
	}
	for _, in := range repo.Incidents {
		if !in.IsPublic() {
			needles = append(needles, "incidents/"+in.ID+"/", in.Title)
		}
		for _, line := range strings.Split(in.Body, "\n") {
			if line = strings.TrimSpace(line); len(line) > 30 {
				needles = append(needles, line)
			}
		}
	}
	for _, p := range site.Paths() {
		for _, n := range needles {
			if n != "" && n != "@" && bytes.Contains(site.Files[p], []byte(n)) {
				t.Errorf("%s leaks %q", p, n)
			}
		}
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		// Visible text only: a handle such as "dana" may be part of a
		// word in markup, but never a word someone reads.
		text := visibleText(t, site.Files[p])
		for _, re := range words {
			if m := re.FindString(text); m != "" {
				t.Errorf("%s names %q", p, m)
			}
		}
	}
}

// visibleText returns the text nodes of an HTML page, outside scripts and
// styles.
func visibleText(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}
