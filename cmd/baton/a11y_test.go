package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findTool returns the path of a JavaScript tool that CI installs with npm
// into .cache/ (see .ci/run): the environment variable env when set, else
// the path under the repository root. Outside CI a missing tool skips the
// test; with CI=true it fails it.
func findTool(t *testing.T, env, install string, rel ...string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = filepath.Join(append([]string{exampleRoot(t)}, rel...)...)
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s not found (%v): install it with `%s` from the repository root, or set %s", filepath.Base(p), err, install, env)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so this test must run (.ci/run installs it)")
		}
		t.Skip(msg)
	}
	return p
}

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Why    string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestAxe runs axe-core, with every rule it enables by default (WCAG 2.x A
// and AA and its best practices), on the status, history, incident,
// postmortem and 404 pages of the example organisation's public site and
// the incident, on-call and metrics pages of its internal site, in the
// light and the dark scheme, at 1280 and 390 px: no violation of any
// impact. Collapsed sections are opened first, so that what they hide is
// checked too.
//
// axe-core comes from npm (CI installs axe-core into .cache/axe; set
// BATON_AXE to another axe.min.js).
func TestAxe(t *testing.T) {
	axePath := findTool(t, "BATON_AXE", "npm install --prefix .cache/axe -E axe-core@4.14.1",
		".cache", "axe", "node_modules", "axe-core", "axe.min.js")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	dir := exampleSites(t)
	var pages []pageType
	for _, p := range examplePageTypes(t, dir) {
		if p.name != "history-2025" {
			pages = append(pages, p)
		}
	}
	pages = append(pages, pageType{name: "status-internal", audience: "internal", path: "index.html"})
	checked := 0
	for _, vp := range viewports {
		for _, dark := range []bool{false, true} {
			b.view(t, vp.width, vp.height, dark)
			for _, p := range pages {
				b.open(t, fileURL(filepath.Join(dir, p.audience, p.path)))
				eval[bool](t, b, `document.querySelectorAll("details").forEach(d => d.open = true), true`)
				if !eval[bool](t, b, `typeof axe !== "undefined"`) {
					eval[bool](t, b, string(axe)+"\n;true")
				}
				out := eval[string](t, b, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
				var vs []axeViolation
				if err := json.Unmarshal([]byte(out), &vs); err != nil {
					t.Fatalf("%s: axe result: %v", p.name, err)
				}
				checked++
				for _, v := range vs {
					var where []string
					for i, n := range v.Nodes {
						if i == 3 {
							where = append(where, fmt.Sprintf("… and %d more", len(v.Nodes)-3))
							break
						}
						where = append(where, fmt.Sprintf("%v %.120s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Why, "\n", "\n      ")))
					}
					t.Errorf("%s %s (%s px, dark=%v): axe %s (%s): %s\n    %s", p.audience, p.path, vp.name, dark, v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
				}
			}
		}
	}
	t.Logf("axe-core checked %d page views: %d pages × 2 widths × light and dark", checked, len(pages))
}
