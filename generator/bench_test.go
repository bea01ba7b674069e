package generator

import (
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/schema"
)

// largeRepo returns a repository with n incidents over the two years before
// fixtureNow, every other one public and every other one with a postmortem.
func largeRepo(n int) fstest.MapFS {
	fsys := markerRepo()
	for k := range fsys {
		if len(k) > 10 && k[:10] == "incidents/" {
			delete(fsys, k)
		}
	}
	start := fixtureNow.Add(-2 * 365 * 24 * time.Hour)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		t := start.Add(time.Duration(i) * step).Truncate(time.Minute)
		id := fmt.Sprintf("%s-incident-%05d", t.Format("2006-01-02"), i)
		dir := fmt.Sprintf("incidents/%d/%s/", t.Year(), id)
		vis := "internal"
		if i%2 == 0 {
			vis = "public"
		}
		ts := func(d time.Duration) string { return t.Add(d).Format(time.RFC3339) }
		fsys[dir+"incident.md"] = &fstest.MapFile{Data: fmt.Appendf(nil, `---
title: Incident number %d with a longer title
severity: MKRSEV2
status: resolved
visibility: %s
imoc: mkr-imoc
owner: mkr-owner
components:
  - {id: api, impact: partial_outage}
  - {id: web, impact: degraded_performance}
started: %s
declared: %s
resolved: %s
updates:
  - {at: %s, status: investigating, message: We are looking into errors on the API.}
  - {at: %s, status: identified, message: We found the cause and are rolling back.}
  - {at: %s, status: resolved, message: The API works normally again.}
---
## What happened

Some *narrative* with a [link](https://example.com) and a list:

- one
- two
`, i, vis, ts(0), ts(5*time.Minute), ts(90*time.Minute), ts(10*time.Minute), ts(30*time.Minute), ts(90*time.Minute))}
		if i%4 < 2 {
			fsys[dir+"postmortem.md"] = &fstest.MapFile{Data: fmt.Appendf(nil, `---
status: published
visibility: %s
authors: [mkr-owner]
reviewers: [mkr-imoc]
approved: {by: mkr-imoc, at: %s}
action_items:
  - {id: AI-1, title: Add a canary, type: prevent, priority: P1, owner: mkr-owner, due: 2027-01-01, status: open, link: https://example.com/1}
summary: A configuration push broke the API.
---
## Summary
Text.
## Impact
| a | b |
|---|---|
| 1 | 2 |
## Timeline
## Contributing factors
## Action items
## Lessons learned
`, vis, ts(48*time.Hour))}
		}
	}
	return fsys
}

// BenchmarkBuild builds 10,000 incidents (half with postmortems) for each
// audience: go test -bench Build -benchmem ./generator/
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{2500, 10000} {
		repo, _ := schema.Load(b.Context(), largeRepo(n))
		if len(repo.Incidents) != n {
			b.Fatalf("loaded %d incidents, want %d", len(repo.Incidents), n)
		}
		for _, a := range []Audience{Public, Internal} {
			b.Run(fmt.Sprintf("%s/%d", a, n), func(b *testing.B) {
				for b.Loop() {
					site, err := Build(b.Context(), repo, Options{Now: fixtureNow, Audience: a})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(len(site.Files)), "files")
				}
			})
		}
	}
}
