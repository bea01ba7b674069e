package schema

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The minimal valid repository every rule test starts from. Line numbers in
// the table below refer to these texts: keep them in step.
const (
	testConfig = `site:
  title: Test Status
  base_url: https://status.test.example/
  time_zone: Europe/Berlin
github:
  repo: test/incidents
components:
  - {id: api, name: API, group: Core, tier: 1}
  - {id: web, name: Web, tier: 2}
rotations:
  default: imoc
`
	testPeople = `people:
  - {handle: alice, name: Alice Ng, github: alice-ng, email: alice@test.example, imoc: qualified}
  - {handle: bob, name: Bob Stone, github: bobs, imoc: qualified}
  - {handle: tara, name: Tara Osei, github: tara-o, imoc: trainee}
  - {handle: dave, name: Dave Kim, github: dkim, time_zone: Asia/Seoul}
`
	testRotation = `name: Test IMOC
time_zone: America/New_York
layers:
  - name: all
    rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [alice, bob]}
overrides:
  - {kind: replace, user: bob, replaces: alice, from: 2025-02-01T00:00:00Z, until: 2025-02-02T00:00:00Z}
shadows:
  - {user: tara, with: imoc, from: 2025-01-01T00:00:00Z, until: 2025-03-01T00:00:00Z}
`
	testIncident = `---
title: API errors
type: incident
severity: SEV3
status: resolved
visibility: public
imoc: alice
owner: bob
shadows: [tara]
responders: [dave]
components:
  - {id: web, impact: partial_outage}
started: 2026-01-10T10:00:00Z
detected: 2026-01-10T10:05:00Z
declared: 2026-01-10T10:10:00Z
acknowledged: 2026-01-10T10:12:00Z
mitigated: 2026-01-10T10:40:00Z
resolved: 2026-01-10T11:00:00Z
updates:
  - at: 2026-01-10T10:15:00Z
    status: investigating
    message: We are investigating errors on the web app.
  - at: 2026-01-10T11:00:00Z
    status: resolved
    message: The issue is resolved.
tags: [deploy]
---
Narrative.
`
	testPostmortem = `---
status: approved
visibility: internal
authors: [bob]
reviewers: [alice]
approved: {by: alice, at: 2026-01-12T10:00:00Z}
action_items:
  - {id: AI-1, title: Add a canary, type: prevent, priority: P2, owner: bob, due: 2026-02-01, status: open, link: https://example.com/1}
summary: A configuration push made the web app fail for an hour.
---
## Summary
## Impact
## Timeline
## Contributing factors
## Action items
## Lessons learned
`
	incPath = "incidents/2026/2026-01-10-api-errors/incident.md"
	pmPath  = "incidents/2026/2026-01-10-api-errors/postmortem.md"
	rotPath = "rotations/imoc.yaml"
)

func testRepo() fstest.MapFS {
	return fstest.MapFS{
		"baton.yaml":  {Data: []byte(testConfig)},
		"people.yaml": {Data: []byte(testPeople)},
		rotPath:       {Data: []byte(testRotation)},
		incPath:       {Data: []byte(testIncident)},
		pmPath:        {Data: []byte(testPostmortem)},
		"incidents/2026/2026-01-10-api-errors/graph.png": {Data: []byte("\x89PNG\r\n\x1a\n")},
	}
}

// edit replaces exactly one occurrence of old with new in fsys[file]. A
// missing file is created with new as its content; old and new both empty
// delete the file.
func edit(t *testing.T, fsys fstest.MapFS, file, old, new string) {
	t.Helper()
	f, ok := fsys[file]
	if old == "" && new == "" {
		delete(fsys, file)
		return
	}
	if !ok {
		fsys[file] = &fstest.MapFile{Data: []byte(new)}
		return
	}
	s := string(f.Data)
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%s: %q occurs %d times, want exactly once", file, old, n)
	}
	fsys[file] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

type found struct {
	Level Level
	Where string
	Code  string
}

func summarise(ps Problems) []found {
	out := []found{}
	for _, p := range ps {
		out = append(out, found{p.Level, fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column), p.Code})
	}
	return out
}

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func loadAll(t *testing.T, fsys fstest.MapFS) (*Repo, Problems) {
	t.Helper()
	repo, ps := Load(t.Context(), fsys)
	ps = append(ps, CheckPolicy(repo, testNow)...)
	ps.Sort()
	return repo, ps
}

func TestValidRepoHasNoProblems(t *testing.T) {
	repo, ps := loadAll(t, testRepo())
	if len(ps) != 0 {
		t.Fatalf("valid repo has problems:\n%v", ps)
	}
	if len(repo.Incidents) != 1 || repo.Incidents[0].Postmortem == nil || len(repo.Rotations) != 1 || len(repo.People) != 4 {
		t.Fatalf("repo not fully loaded: %+v", repo)
	}
	in := repo.Incidents[0]
	if in.ID != "2026-01-10-api-errors" || in.BodyLine != 28 || in.Body != "Narrative.\n" {
		t.Errorf("incident id/body: %q line %d %q", in.ID, in.BodyLine, in.Body)
	}
	if got := in.PosOf("owner"); got != (Pos{8, 8}) {
		t.Errorf("PosOf(owner) = %v, want 8:8", got)
	}
	if got := in.PosOf("shadows.0"); got != (Pos{9, 11}) {
		t.Errorf("PosOf(shadows.0) = %v, want 9:11", got)
	}
	if len(in.Assets) != 1 || !strings.HasSuffix(in.Assets[0], "graph.png") {
		t.Errorf("assets = %v", in.Assets)
	}
	if repo.Config.Location.String() != "Europe/Berlin" || len(repo.Config.Severities) != 4 {
		t.Errorf("config defaults not applied: %v %d", repo.Config.Location, len(repo.Config.Severities))
	}
}

// TestRules breaks exactly one rule per case and expects exactly that
// problem, at the right place.
func TestRules(t *testing.T) {
	tests := []struct {
		name    string
		changes []change
		want    []found
	}{
		// Decoding (all files share the decoder).
		{"unknown key with suggestion", []change{{incPath, "severity: SEV3", "severty: SEV3"}},
			[]found{{Error, incPath + ":4:1", "yaml/unknown-key"}, {Error, incPath + ":2:1", "incident/missing-field"}}},
		{"duplicate key", []change{{incPath, "tags: [deploy]", "tags: [deploy]\ntags: [x]"}},
			[]found{{Error, incPath + ":27:1", "yaml/duplicate-key"}}},
		{"wrong type", []change{{incPath, "responders: [dave]", "responders: {dave: 1}"}},
			[]found{{Error, incPath + ":10:13", "yaml/wrong-type"}}},
		{"instant without offset", []change{{incPath, "mitigated: 2026-01-10T10:40:00Z", "mitigated: 2026-01-10T10:40:00"}},
			[]found{{Error, incPath + ":17:12", "yaml/bad-time"}}},
		{"public incident without components", []change{{incPath, "components:\n  - {id: web, impact: partial_outage}\n", ""}},
			[]found{{Warning, incPath + ":6:13", "incident/no-components"}}},
		{"internal incident without components", []change{{incPath, "components:\n  - {id: web, impact: partial_outage}\n", ""}, {incPath, "visibility: public", "visibility: internal"}},
			[]found{}},
		{"broken YAML", []change{{rotPath, "name: Test IMOC", "name: [Test IMOC"}},
			[]found{{Error, rotPath + ":1:8", "yaml/syntax"}}},
		{"merge key", []change{{rotPath, "name: Test IMOC", "<<: {name: x}\nname: Test IMOC"}},
			[]found{{Error, rotPath + ":1:1", "yaml/merge-key"}}},
		{"front matter never closes", []change{{incPath, "---\nNarrative.", "Narrative."}},
			[]found{{Error, incPath + ":1:1", "frontmatter/unclosed"}}},
		{"no front matter", []change{{pmPath, "---\nstatus: approved", "status: approved"}},
			[]found{{Error, pmPath + ":1:1", "frontmatter/missing"}}},

		// baton.yaml
		{"config missing title", []change{{"baton.yaml", "  title: Test Status\n", ""}},
			[]found{{Error, "baton.yaml:2:3", "config/missing-field"}}},
		{"config relative base_url", []change{{"baton.yaml", "https://status.test.example/", "/status/"}},
			[]found{{Error, "baton.yaml:3:13", "config/bad-url"}}},
		{"config unknown zone", []change{{"baton.yaml", "Europe/Berlin", "Europe/Berlim"}},
			[]found{{Error, "baton.yaml:4:14", "zone/unknown"}}},
		{"config bad repo", []change{{"baton.yaml", "test/incidents", "incidents"}},
			[]found{{Error, "baton.yaml:6:9", "config/bad-repo"}}},
		{"config duplicate component", []change{{"baton.yaml", "  - {id: web, name: Web, tier: 2}\n", "  - {id: web, name: Web, tier: 2}\n  - {id: web, name: Web again}\n"}},
			[]found{{Error, "baton.yaml:10:10", "config/duplicate-id"}}},
		{"config bad tier", []change{{"baton.yaml", "tier: 2", "tier: 7"}},
			[]found{{Error, "baton.yaml:9:32", "config/bad-tier"}}},
		{"config unknown default rotation", []change{{"baton.yaml", "default: imoc", "default: imocc"}},
			[]found{{Error, "baton.yaml:11:12", "config/unknown-rotation"}}},
		{"config unknown rotation of a component", []change{{"baton.yaml", "  - {id: web, name: Web, tier: 2}", "  - {id: web, name: Web, tier: 2, rotation: imco}"}},
			[]found{{Error, "baton.yaml:9:45", "config/unknown-rotation"}}},
		{"config unknown rotation of a group", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups: {Core: imoc-core}"}},
			[]found{{Error, "baton.yaml:12:18", "config/unknown-rotation"}}},
		{"config group without a rotation", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups:\n    Core:"}},
			[]found{{Error, "baton.yaml:13:10", "config/missing-field"}}},
		{"config rotations of groups", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups: {Core: imoc}"}, {"baton.yaml", "tier: 2}", "tier: 2, rotation: imoc}"}},
			[]found{}},
		{"config rotation of an unknown group", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups: {Cor: imoc}"}},
			[]found{{Error, "baton.yaml:12:17", "config/unknown-group"}}},
		{"config groups twice", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups: {Core: imoc, Core: imoc}"}},
			[]found{{Error, "baton.yaml:12:24", "yaml/duplicate-key"}}},
		{"config groups not a mapping", []change{{"baton.yaml", "default: imoc", "default: imoc\n  groups: [imoc]"}},
			[]found{{Error, "baton.yaml:12:11", "yaml/wrong-type"}}},
		{"config declare visibility", []change{{"baton.yaml", "rotations:", "declare: {visibility: public}\nrotations:"}},
			[]found{}},
		{"config bad declare visibility", []change{{"baton.yaml", "rotations:", "declare: {visibility: publik}\nrotations:"}},
			[]found{{Error, "baton.yaml:10:23", "config/bad-value"}}},
		{"config policy without due days", []change{{"baton.yaml", "rotations:", "severities:\n  - {id: S1, name: One, postmortem: {required: true}}\nrotations:"}},
			[]found{{Error, "baton.yaml:11:37", "config/bad-policy"}, {Error, incPath + ":4:11", "incident/unknown-severity"}}},

		// people.yaml
		{"people duplicate handle", []change{{"people.yaml", "Asia/Seoul}\n", "Asia/Seoul}\n  - {handle: bob, name: Bob Two}\n"}},
			[]found{{Error, "people.yaml:6:14", "people/duplicate-handle"}}},
		{"people bad handle", []change{{"people.yaml", "Asia/Seoul}\n", "Asia/Seoul}\n  - {handle: Zed, name: Zed}\n"}},
			[]found{{Error, "people.yaml:6:14", "people/bad-handle"}}},
		{"people bad imoc", []change{{"people.yaml", "imoc: trainee", "imoc: junior"}},
			[]found{{Error, "people.yaml:4:59", "people/bad-imoc"}}},
		{"people bad email", []change{{"people.yaml", "alice@test.example", "alice at test"}},
			[]found{{Error, "people.yaml:2:62", "people/bad-email"}}},
		{"people bad github", []change{{"people.yaml", "github: dkim", "github: \"@dkim\""}},
			[]found{{Error, "people.yaml:5:44", "people/bad-github"}}},
		{"people away ends before it starts", []change{{"people.yaml", "github: bobs,", "github: bobs, away: [{from: 2026-12-21, until: 2026-12-20}],"}},
			[]found{{Error, "people.yaml:3:83", "people/bad-away"}}},
		{"people away without until", []change{{"people.yaml", "github: bobs,", "github: bobs, away: [{from: 2026-12-21, reason: x}],"}},
			[]found{{Error, "people.yaml:3:57", "people/missing-field"}}},
		{"people away with a bad date", []change{{"people.yaml", "github: bobs,", "github: bobs, away: [{from: 2026-12-21, until: 2026-13-01}],"}},
			[]found{{Error, "people.yaml:3:83", "yaml/bad-value"}}},
		{"people away of one day", []change{{"people.yaml", "github: bobs,", "github: bobs, away: [{from: 2026-12-21, until: 2026-12-21, reason: dentist}],"}},
			[]found{}},

		// Rotations (static rules).
		{"rotation unknown participant", []change{{rotPath, "participants: [alice, bob]", "participants: [alice, bobb]"}},
			[]found{{Error, rotPath + ":5:75", "rotation/unknown-person"}}},
		{"rotation participant of the wrong type", []change{{rotPath, "participants: [alice, bob]", "participants: [[carol], alice, bob]"}},
			[]found{{Error, rotPath + ":5:68", "yaml/wrong-type"}}},
		{"rotation trainee participant", []change{{rotPath, "participants: [alice, bob]", "participants: [alice, tara]"}},
			[]found{{Error, rotPath + ":5:75", "rotation/not-qualified"}}},
		{"rotation non-IMOC participant", []change{{rotPath, "participants: [alice, bob]", "participants: [alice, dave]"}},
			[]found{{Error, rotPath + ":5:75", "rotation/not-imoc"}}},
		{"rotation override ends before it starts", []change{{rotPath, "until: 2025-02-02T00:00:00Z", "until: 2025-01-31T00:00:00Z"}},
			[]found{{Error, rotPath + ":7:84", "rotation/bad-interval"}}},
		{"rotation bad override kind", []change{{rotPath, "kind: replace, user: bob, replaces: alice", "kind: swap, user: bob"}},
			[]found{{Error, rotPath + ":7:12", "rotation/bad-override"}}},
		{"rotation handoff_days needs 1d", []change{{rotPath, "every: 1w,", "every: 1w, handoff_days: [MO],"}},
			[]found{{Error, rotPath + ":5:67", "rotation/bad-handoff-days"}}},
		{"rotation monthly anchor day", []change{{rotPath, "anchor: 2025-01-06T09:00, every: 1w", "anchor: 2025-01-30T09:00, every: 1mo"}},
			[]found{{Error, rotPath + ":5:24", "rotation/bad-anchor"}}},
		{"rotation bad every", []change{{rotPath, "every: 1w", "every: 2y"}},
			[]found{{Error, rotPath + ":5:49", "yaml/bad-value"}}},
		{"rotation anchor in year 0", []change{{rotPath, "anchor: 2025-01-06T09:00", "anchor: 0000-01-06T09:00"}},
			[]found{{Error, rotPath + ":5:24", "yaml/bad-value"}}},
		{"rotation shadow not an IMOC", []change{{rotPath, "user: tara, with: imoc", "user: dave, with: imoc"}},
			[]found{{Error, rotPath + ":9:12", "rotation/not-imoc"}}},
		{"rotation bad file name", []change{{"rotations/Imoc.yaml", "", testRotation}},
			[]found{{Error, "rotations/Imoc.yaml:1:1", "rotation/bad-id"}}},
		{"rotation .yml", []change{{"rotations/other.yml", "", testRotation}},
			[]found{{Warning, "rotations/other.yml:1:1", "repo/unexpected-file"}}},

		// Repository layout.
		{"incident folder with upper case", []change{{"incidents/2026/2026-01-11-API/incident.md", "", testIncident}},
			[]found{{Error, "incidents/2026/2026-01-11-API:1:1", "incident/bad-id"}}},
		{"incident filed under wrong year", []change{{"incidents/2025/2026-01-11-other/incident.md", "", testIncident}},
			[]found{{Error, "incidents/2025/2026-01-11-other:1:1", "incident/year-mismatch"}}},
		{"incident folder without incident.md", []change{{"incidents/2026/2026-01-11-other/notes.txt", "", "x"}},
			[]found{{Error, "incidents/2026/2026-01-11-other:1:1", "incident/missing-file"}}},
		{"stray file", []change{{"incidents/2026/notes.md", "", "x"}},
			[]found{{Warning, "incidents/2026/notes.md:1:1", "repo/unexpected-file"}}},
		{"bad year folder", []change{{"incidents/26/2026-01-11-other/incident.md", "", testIncident}},
			[]found{{Error, "incidents/26:1:1", "repo/bad-year-folder"}}},

		// incident.md
		{"incident missing declared", []change{{incPath, "declared: 2026-01-10T10:10:00Z\n", ""}},
			[]found{{Error, incPath + ":2:1", "incident/missing-field"}}},
		{"incident bad status", []change{{incPath, "status: resolved\nvisibility", "status: fixed\nvisibility"}},
			[]found{{Error, incPath + ":5:9", "incident/bad-value"}}},
		{"incident unknown severity", []change{{incPath, "severity: SEV3", "severity: SEV9"}},
			[]found{{Error, incPath + ":4:11", "incident/unknown-severity"}}},
		{"incident times out of order", []change{{incPath, "detected: 2026-01-10T10:05:00Z", "detected: 2026-01-10T09:05:00Z"}},
			[]found{{Error, incPath + ":14:11", "incident/time-order"}}},
		{"incident resolved without resolved", []change{{incPath, "resolved: 2026-01-10T11:00:00Z\n", ""}},
			[]found{{Error, incPath + ":5:9", "incident/resolved-mismatch"}}},
		{"incident resolved while monitoring", []change{{incPath, "status: resolved\nvisibility", "status: monitoring\nvisibility"}, {incPath, "status: resolved\n    message: The", "status: monitoring\n    message: The"}},
			[]found{{Error, incPath + ":18:11", "incident/resolved-mismatch"}, {Warning, pmPath + ":2:1", "postmortem/unresolved-incident"}}},
		{"incident unknown owner", []change{{incPath, "owner: bob", "owner: bobby"}},
			[]found{{Error, incPath + ":8:8", "incident/unknown-person"}}},
		{"incident IMOC not qualified", []change{{incPath, "imoc: alice", "imoc: dave"}},
			[]found{{Error, incPath + ":7:7", "incident/imoc-not-qualified"}, {Error, pmPath + ":5:12", "postmortem/imoc-not-reviewer"}}},
		{"incident owner is IMOC", []change{{incPath, "owner: bob", "owner: alice"}},
			[]found{{Error, incPath + ":7:7", "incident/owner-is-imoc"}}},
		{"incident shadow not an IMOC", []change{{incPath, "shadows: [tara]", "shadows: [dave]"}},
			[]found{{Error, incPath + ":9:11", "incident/shadow-not-imoc"}}},
		{"incident without IMOC", []change{{incPath, "imoc: alice\n", ""}},
			[]found{{Warning, incPath + ":2:1", "incident/no-imoc"}}},
		{"incident unknown component", []change{{incPath, "{id: web,", "{id: wbe,"}},
			[]found{{Error, incPath + ":12:10", "incident/unknown-component"}}},
		{"incident duplicate component", []change{{incPath, "  - {id: web, impact: partial_outage}", "  - {id: web, impact: partial_outage}\n  - {id: web, impact: degraded_performance}"}},
			[]found{{Error, incPath + ":13:10", "incident/duplicate-component"}}},
		{"incident bad impact", []change{{incPath, "impact: partial_outage", "impact: broken"}},
			[]found{{Error, incPath + ":12:23", "incident/bad-value"}}},
		{"incident public without updates", []change{{incPath, "updates:\n  - at: 2026-01-10T10:15:00Z\n    status: investigating\n    message: We are investigating errors on the web app.\n  - at: 2026-01-10T11:00:00Z\n    status: resolved\n    message: The issue is resolved.\n", ""}},
			[]found{{Error, incPath + ":6:13", "incident/no-updates"}}},
		{"incident updates out of order", []change{{incPath, "at: 2026-01-10T10:15:00Z", "at: 2026-01-10T11:15:00Z"}},
			[]found{{Error, incPath + ":23:9", "incident/update-order"}}},
		{"incident last update status differs", []change{{incPath, "status: resolved\n    message: The", "status: monitoring\n    message: The"}},
			[]found{{Error, incPath + ":5:9", "incident/status-mismatch"}}},
		{"incident markup in update", []change{{incPath, "The issue is resolved.", "The issue is **resolved**."}},
			[]found{{Error, incPath + ":25:14", "incident/markup-in-update"}}},
		{"incident under-leveled", []change{{incPath, "{id: web, impact: partial_outage}", "{id: api, impact: major_outage}"}},
			[]found{{Warning, incPath + ":4:11", "incident/under-leveled"}}},
		{"incident scheduled on a non-maintenance", []change{{incPath, "tags: [deploy]", "tags: [deploy]\nscheduled: {from: 2026-01-10T10:00:00Z, until: 2026-01-10T11:00:00Z}"}},
			[]found{{Error, incPath + ":27:12", "incident/bad-value"}}},
		{"maintenance without window", []change{{incPath, "type: incident", "type: maintenance"}},
			[]found{{Error, incPath + ":2:1", "incident/missing-field"}}},
		{"incident unknown rotation", []change{{incPath, "tags: [deploy]", "tags: [deploy]\nrotation: nope"}},
			[]found{{Error, incPath + ":27:11", "incident/unknown-rotation"}}},

		// postmortem.md
		{"postmortem missing section", []change{{pmPath, "## Lessons learned\n", ""}},
			[]found{{Error, pmPath + ":11:1", "postmortem/missing-section"}}},
		{"postmortem IMOC not a reviewer", []change{{pmPath, "reviewers: [alice]", "reviewers: [alice, bob]"}, {incPath, "imoc: alice", "imoc: bob"}, {incPath, "owner: bob", "owner: alice"}, {pmPath, "by: alice", "by: bob"}},
			nil},
		{"postmortem IMOC not a reviewer (really)", []change{{pmPath, "reviewers: [alice]", "reviewers: [bob]"}, {pmPath, "by: alice", "by: bob"}},
			[]found{{Error, pmPath + ":5:12", "postmortem/imoc-not-reviewer"}}},
		{"postmortem approved without approval", []change{{pmPath, "approved: {by: alice, at: 2026-01-12T10:00:00Z}\n", ""}},
			[]found{{Error, pmPath + ":2:9", "postmortem/missing-approval"}}},
		{"postmortem approver not a reviewer", []change{{pmPath, "by: alice", "by: dave"}},
			[]found{{Error, pmPath + ":6:16", "postmortem/approver-not-reviewer"}}},
		{"postmortem public but not published", []change{{pmPath, "visibility: internal", "visibility: public"}},
			[]found{{Error, pmPath + ":3:13", "postmortem/public-unpublished"}}},
		{"postmortem bad action item type", []change{{pmPath, "type: prevent", "type: fix"}},
			[]found{{Error, pmPath + ":8:43", "postmortem/bad-value"}}},
		{"postmortem duplicate action item", []change{{pmPath, "summary:", "  - {id: AI-1, title: Again}\nsummary:"}},
			[]found{{Error, pmPath + ":9:10", "postmortem/duplicate-id"}}},
		{"postmortem major action item incomplete", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {pmPath, ", link: https://example.com/1", ""}},
			[]found{{Error, pmPath + ":8:5", "postmortem/incomplete-action-item"}}},
		{"postmortem bad link", []change{{pmPath, "https://example.com/1", "javascript:alert(1)"}},
			[]found{{Error, pmPath + ":8:115", "postmortem/bad-link"}}},
		{"blameless: counterfactual", []change{{pmPath, "## Impact\n", "## Impact\nThe check should have caught it.\n"}},
			[]found{{Warning, pmPath + ":13:11", "postmortem/blameless"}}},
		{"blameless: person as cause", []change{{pmPath, "## Impact\n", "## Impact\nThen Bob forgot the flag.\n"}},
			[]found{{Warning, pmPath + ":13:6", "postmortem/blameless"}}},
		{"blameless: person as cause, non-ASCII name", []change{{"people.yaml", "Asia/Seoul}\n", "Asia/Seoul}\n  - {handle: emile, name: Émile Zoë}\n"}, {pmPath, "## Impact\n", "## Impact\nThen Émile forgot the flag.\n"}},
			[]found{{Warning, pmPath + ":13:6", "postmortem/blameless"}}},
		{"blameless: human error", []change{{pmPath, "## Impact\n", "## Impact\nRoot cause: human error.\n"}},
			[]found{{Warning, pmPath + ":13:13", "postmortem/blameless"}}},
		{"blameless: character", []change{{pmPath, "## Impact\n", "## Impact\nA careless change.\n"}},
			[]found{{Warning, pmPath + ":13:3", "postmortem/blameless"}}},
		{"blameless: minimiser", []change{{pmPath, "## Impact\n", "## Impact\nWe just restarted it.\n"}},
			[]found{{Warning, pmPath + ":13:4", "postmortem/blameless"}}},
		{"blameless: blame-seeking", []change{{pmPath, "## Impact\n", "## Impact\nWhose fault was it?\n"}},
			[]found{{Warning, pmPath + ":13:1", "postmortem/blameless"}}},
		{"blameless: code is exempt", []change{{pmPath, "## Impact\n", "## Impact\n```\njust a log line: human error\n```\nRun `just build`.\n"}},
			nil},
		{"blameless: summary", []change{{pmPath, "summary: A configuration push", "summary: Obviously a configuration push"}},
			[]found{{Warning, pmPath + ":9:10", "postmortem/blameless"}}},

		{"public postmortem names a person", []change{{pmPath, "status: approved", "status: published"}, {pmPath, "visibility: internal", "visibility: public"}, {pmPath, "## Impact\n", "## Impact\nThe web tier came back after Alice Ng (@alice-ng) restarted it.\n"}},
			[]found{{Error, pmPath + ":13:30", "postmortem/names-person"}}},
		{"internal postmortem may name people", []change{{pmPath, "## Impact\n", "## Impact\nAlice restarted the web tier.\n"}},
			nil},

		// Policy (as of testNow).
		{"policy: postmortem overdue", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {pmPath, "status: approved", "status: draft"}, {pmPath, "approved: {by: alice, at: 2026-01-12T10:00:00Z}\n", ""}},
			[]found{{Error, incPath + ":4:11", "postmortem/overdue"}}},
		{"policy: required_from after the resolution", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {pmPath, "status: approved", "status: draft"}, {pmPath, "approved: {by: alice, at: 2026-01-12T10:00:00Z}\n", ""}, {"baton.yaml", "rotations:\n", "postmortem:\n  required_from: 2026-01-11\nrotations:\n"}},
			[]found{}},
		{"policy: required_from on the resolution day", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {pmPath, "status: approved", "status: draft"}, {pmPath, "approved: {by: alice, at: 2026-01-12T10:00:00Z}\n", ""}, {"baton.yaml", "rotations:\n", "postmortem:\n  required_from: 2026-01-10\nrotations:\n"}},
			[]found{{Error, incPath + ":4:11", "postmortem/overdue"}}},
		{"policy: postmortem missing but not yet due", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {incPath, "resolved: 2026-01-10T11:00:00Z", "resolved: 2026-11-26T11:00:00Z"}, {pmPath, "2026-01-12T10:00:00Z", "2026-11-27T10:00:00Z"}, {pmPath, "status: approved", "status: draft"}, {pmPath, "approved: {by: alice, at: 2026-11-27T10:00:00Z}\n", ""}},
			[]found{}},
		{"policy: no postmortem, not yet due", []change{{incPath, "severity: SEV3", "severity: SEV2"}, {incPath, "resolved: 2026-01-10T11:00:00Z", "resolved: 2026-11-26T11:00:00Z"}, {pmPath, "", ""}},
			[]found{{Warning, incPath + ":4:11", "postmortem/missing"}}},
		{"approved before resolved", []change{{pmPath, "at: 2026-01-12T10:00:00Z", "at: 2026-01-10T10:59:00Z"}},
			[]found{{Error, pmPath + ":6:27", "postmortem/time-order"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testRepo()
			for _, c := range tt.changes {
				edit(t, fsys, c.file, c.old, c.new)
			}
			_, ps := loadAll(t, fsys)
			checkLoadRotations(t, fsys, ps)
			want := tt.want
			if want == nil {
				want = []found{}
			}
			wantSorted := Problems{}
			for _, w := range want {
				var line, col int
				file := w.Where[:strings.Index(w.Where, ":")]
				fmt.Sscanf(w.Where[len(file):], ":%d:%d", &line, &col)
				wantSorted = append(wantSorted, Problem{Level: w.Level, File: file, Line: line, Column: col, Code: w.Code})
			}
			wantSorted.Sort()
			if diff := cmp.Diff(summarise(wantSorted), summarise(ps)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall:\n%s", diff, ps.textAt(fsys))
			}
			for _, p := range ps {
				if p.Message == "" {
					t.Errorf("%s has no message", p.Code)
				}
			}
		})
	}
}

// textAt lists problems with the text found at each position, so a wrong
// column is easy to see.
func (ps Problems) textAt(fsys fstest.MapFS) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		if f, ok := fsys[p.File]; ok {
			lines := strings.Split(string(f.Data), "\n")
			if p.Line-1 < len(lines) {
				r := []rune(lines[p.Line-1])
				if p.Column-1 <= len(r) {
					b.WriteString("\n    at: " + string(r[p.Column-1:]))
				}
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (ps Problems) text() string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		if p.Hint != "" {
			b.WriteString("\n    hint: " + p.Hint)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestUnknownKeyHint(t *testing.T) {
	fsys := testRepo()
	edit(t, fsys, incPath, "severity: SEV3", "severty: SEV3")
	_, ps := loadAll(t, fsys)
	for _, p := range ps {
		if p.Code == "yaml/unknown-key" {
			if p.Hint != `did you mean "severity"?` {
				t.Errorf("hint = %q", p.Hint)
			}
			return
		}
	}
	t.Fatal("no unknown-key problem")
}

// checkLoadRotations fails t unless LoadRotations reports exactly the
// problems of ps (what Load and CheckPolicy found in fsys) outside
// incidents/, and reads the same rotations and people.
func checkLoadRotations(t *testing.T, fsys fs.FS, ps Problems) {
	t.Helper()
	full, _ := Load(t.Context(), fsys)
	repo, got := LoadRotations(t.Context(), fsys)
	want := Problems{}
	for _, p := range ps {
		if !strings.HasPrefix(p.File, IncidentsDir+"/") && p.File != IncidentsDir {
			want = append(want, p)
		}
	}
	if got == nil {
		got = Problems{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadRotations: problems (-Load's outside incidents/ +LoadRotations'):\n%s", diff)
	}
	if len(repo.Incidents) != 0 {
		t.Errorf("LoadRotations read %d incidents", len(repo.Incidents))
	}
	type rot struct {
		ID, Name  string
		Layers    int
		HasErrors bool
	}
	rots := func(r *Repo) (out []rot) {
		for _, x := range r.Rotations {
			out = append(out, rot{x.ID, x.Name, len(x.Layers), x.HasErrors})
		}
		return out
	}
	if diff := cmp.Diff(rots(full), rots(repo)); diff != "" {
		t.Errorf("LoadRotations: rotations (-Load's +LoadRotations'):\n%s", diff)
	}
	if diff := cmp.Diff(personHandles(full), personHandles(repo)); diff != "" {
		t.Errorf("LoadRotations: people (-Load's +LoadRotations'):\n%s", diff)
	}
	if full.Config.Site.Title != repo.Config.Site.Title || len(full.Config.Components) != len(repo.Config.Components) {
		t.Errorf("LoadRotations: config differs from Load's")
	}
}

// TestLoadRotations: the on-call loader reports what Load reports for
// baton.yaml, people.yaml and rotations/ (TestRules checks it for every
// rule), on the example organisation too, and nothing about incidents:
// not even an incident folder that cannot be parsed at all.
func TestLoadRotations(t *testing.T) {
	example := os.DirFS("..")
	_, ps := Load(t.Context(), example)
	checkLoadRotations(t, example, ps)

	fsys := testRepo()
	edit(t, fsys, incPath, "---\ntitle", "title")
	edit(t, fsys, rotPath, "participants: [alice, bob]", "participants: [alice, bobby]")
	_, ps = loadAll(t, fsys)
	checkLoadRotations(t, fsys, ps)
	_, ps = LoadRotations(t.Context(), fsys)
	if diff := cmp.Diff([]found{{Error, rotPath + ":5:75", "rotation/unknown-person"}}, summarise(ps)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
