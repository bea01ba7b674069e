// Package leaktest holds the privacy fixture shared by the tests of every
// output that has a public audience (the site, the feeds, notification
// payloads): an incidents repository whose every internal field holds a
// marker containing "mkr", while no public field does. A public output
// built from it must not contain the marker, nor any of its internal
// instants.
//
// It is for tests only; no command imports it.
package leaktest

import (
	"bytes"
	"regexp"
	"testing/fstest"
)

// Repo returns an incidents repository whose every internal field holds a
// marker containing "mkr" (in some case). No public field contains "mkr",
// so a public build must not contain it anywhere.
func Repo() fstest.MapFS {
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

// Instants returns the fixture's instants that are internal: they must
// not appear in public output either (they are checked as "HH:MM:SS", as
// every output format writes seconds, and the action item's due date).
func Instants() []string {
	return []string{"13:58:11", "14:03:22", "14:05:33", "14:47:44", "08:21:09", "10:11:12", "2027-03-17"}
}

// MarkerRE matches the marker, in any case, with up to 40 bytes of
// context on each side for the error message.
func MarkerRE() *regexp.Regexp { return regexp.MustCompile(`(?i).{0,40}mkr.{0,40}`) }

// Leaks returns every place in data that shows the marker or an internal
// instant, with some context: nothing, for public output.
func Leaks(data []byte) []string {
	var out []string
	for _, m := range MarkerRE().FindAll(data, -1) {
		out = append(out, string(m))
	}
	for _, s := range Instants() {
		if i := bytes.Index(data, []byte(s)); i >= 0 {
			out = append(out, "internal instant "+s+" in "+string(data[max(0, i-40):min(len(data), i+len(s)+40)]))
		}
	}
	return out
}
