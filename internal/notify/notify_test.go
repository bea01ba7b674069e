package notify

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/generator"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

var update = flag.Bool("update", false, "rewrite the golden payloads in testdata/golden")

var testNow = time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)

// testRepo is a small incidents repository: a public incident with four
// updates and a published postmortem, a maintenance, and an internal
// incident. Its text has characters that every format must escape.
func testRepo() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"baton.yaml": f(`site:
  title: Acme Status
  base_url: https://status.acme.example/
  internal_base_url: https://incidents.acme.example/
  time_zone: Europe/Berlin
components:
  - {id: checkout-api, name: Checkout API, tier: 1}
  - {id: web, name: Website, tier: 2}
`),
		"people.yaml": f(`people:
  - {handle: alice, name: Alice Ng, github: alice-ng, imoc: qualified}
  - {handle: carol, name: Carol Diaz, github: carold}
`),
		"incidents/2026/2026-11-20-checkout-errors/incident.md": f(`---
title: Checkout errors for <EU> & *some* cards @everyone
severity: SEV2
status: resolved
visibility: public
imoc: alice
owner: carol
components:
  - {id: checkout-api, impact: partial_outage}
started: 2026-11-20T13:51:00Z
declared: 2026-11-20T14:03:00Z
resolved: 2026-11-20T15:30:00Z
updates:
  - at: 2026-11-20T14:10:00Z
    status: investigating
    message: "We are investigating failed card payments. See <!channel> [here](https://evil.example) @here"
  - at: 2026-11-20T14:40:00Z
    status: identified
    message: "- A configuration change is the cause.\n1. Rolling back."
  - at: 2026-11-20T15:00:00Z
    status: monitoring
    message: A fix is in place; we are watching.
  - at: 2026-11-20T15:30:00Z
    status: resolved
    message: Card payments work normally again.
---
The narrative names carol.
`),
		"incidents/2026/2026-11-20-checkout-errors/postmortem.md": f(`---
status: published
visibility: public
authors: [carol]
reviewers: [alice]
approved: {by: alice, at: 2026-11-24T10:00:00Z}
summary: A configuration push disabled a payment route; a canary stage now catches such pushes.
---
## Summary
## Impact
## Timeline
## Contributing factors
## Action items
## Lessons learned
`),
		"incidents/2026/2026-11-28-db-upgrade/incident.md": f(`---
title: Database upgrade
type: maintenance
status: scheduled
visibility: public
owner: carol
imoc: alice
components:
  - {id: web, impact: under_maintenance}
declared: 2026-11-19T09:00:00Z
scheduled: {from: 2026-11-28T02:00:00Z, until: 2026-11-28T03:00:00Z}
updates:
  - at: 2026-11-19T09:00:00Z
    status: scheduled
    message: The website may be slow for a few minutes.
  - at: 2026-11-20T15:45:00Z
    status: scheduled
    message: Moved by one hour.
---
`),
	}
}

func loadRepo(t *testing.T, fsys fstest.MapFS) *schema.Repo {
	t.Helper()
	repo, ps := schema.Load(t.Context(), fsys)
	for _, p := range ps {
		// Validation refuses markup in updates; a repository with errors
		// is still notified about, so the payloads must escape it anyway.
		if p.Level == schema.Error && p.Code != "incident/markup-in-update" {
			t.Fatalf("fixture has errors:\n%v", ps)
		}
	}
	return repo
}

// message is the Message flow would make for event kind (update n) of
// incident id, for audience a.
func message(t *testing.T, repo *schema.Repo, a view.Audience, id, kind string, n int) Message {
	t.Helper()
	v := view.Of(repo, repo.Incident(id), a)
	if v == nil {
		t.Fatalf("%s does not see %s", a, id)
	}
	evID := id + ":" + kind
	if n > 1 || kind == schema.EventResolved {
		evID += ":" + strconv.Itoa(n)
	}
	at := v.Start
	if n > 0 {
		at = v.Updates[n-1].At
	}
	base := repo.Config.Site.BaseURL
	if a == view.Internal {
		base = repo.Config.Site.InternalBaseURL
	}
	m := Message{
		Event:     Event{ID: evID, Kind: kind, At: at, Incident: v, Update: n},
		Audience:  a,
		SiteTitle: repo.Config.Site.Title,
		Link:      base + "incidents/" + id + "/",
		Location:  repo.Config.Location,
		Now:       testNow,
	}
	if a == view.Internal {
		m.Names = map[string]string{"alice": "Alice Ng", "carol": "Carol Diaz"}
	}
	sp, err := generator.NewStatuspage(repo, generator.Options{Now: testNow, Audience: a})
	if err != nil {
		t.Fatal(err)
	}
	inc, _ := sp.Incident(id)
	m.Page = &Page{ID: sp.PageID, Indicator: sp.Indicator, Description: sp.Description, Incident: inc}
	return m
}

func handoffMessage() Message {
	from := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	return Message{
		Event: Event{ID: "handoff:2026-11-27", Kind: schema.EventHandoff, At: from, Handoff: &Handoff{
			From: from, To: from.Add(24 * time.Hour),
			Rotations: []HandoffRotation{
				{ID: "imoc-platform", Name: "Platform IMOC", OnCall: "Alice Ng (@alice-ng)", Shadows: "Tara Osei (@tara-o)",
					Changes: []HandoffChange{{At: from.Add(8 * time.Hour), From: "Alice Ng (@alice-ng)", To: "Bob Stone (@bobs)"}}},
				{ID: "imoc-eu", Name: "EU IMOC", OnCall: "nobody", Next: &HandoffChange{At: from.Add(72 * time.Hour), From: "nobody", To: "Carol Diaz (@carold)"}},
			},
		}},
		Audience: view.Internal, SiteTitle: "Acme Status", Location: time.UTC, Now: testNow,
		Page: &Page{ID: "abc123", Indicator: "none", Description: "All Systems Operational"},
	}
}

// TestGoldenPayloads compares the exact body of every kind, for every
// event kind and both audiences, with testdata/golden/<kind>/<audience>/
// (indented for review; the comparison is of the exact bytes, indented
// the same way). Run with -update to rewrite them, and review the diff.
func TestGoldenPayloads(t *testing.T) {
	repo := loadRepo(t, testRepo())
	type ev struct {
		name, id, kind string
		n              int
	}
	events := []ev{
		{"declared", "2026-11-20-checkout-errors", schema.EventDeclared, 1},
		{"updated", "2026-11-20-checkout-errors", schema.EventUpdated, 2},
		{"resolved", "2026-11-20-checkout-errors", schema.EventResolved, 4},
		{"postmortem", "2026-11-20-checkout-errors", schema.EventPostmortem, 0},
		{"maintenance", "2026-11-28-db-upgrade", schema.EventMaintenance, 1},
		{"maintenance-update", "2026-11-28-db-upgrade", schema.EventMaintenance, 2},
	}
	for _, kind := range schema.NotifyKinds {
		for _, a := range []view.Audience{view.Public, view.Internal} {
			for _, e := range events {
				m := message(t, repo, a, e.id, e.kind, e.n)
				checkGolden(t, kind, string(a), e.name, m)
			}
		}
		checkGolden(t, kind, "internal", "handoff", handoffMessage())
	}
}

func checkGolden(t *testing.T, kind, audience, name string, m Message) {
	t.Helper()
	body, err := Payload(kind, m)
	if err != nil {
		t.Fatalf("%s %s %s: %v", kind, audience, name, err)
	}
	if !json.Valid(body) || bytes.Contains(body, []byte("\n")) {
		t.Errorf("%s %s %s: not one line of JSON", kind, audience, name)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	file := filepath.Join("testdata", "golden", kind, audience, name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs from its golden file (run go test -update and review the diff):\n%s", file, pretty.String())
	}
}

// TestPublicPayloadsNameNobody: public payloads of every kind hold no
// person, no narrative, no severity id and no internal link, while the
// internal ones hold the roles (or the test would prove nothing).
func TestPublicPayloadsNameNobody(t *testing.T) {
	repo := loadRepo(t, testRepo())
	for _, kind := range schema.NotifyKinds {
		for _, a := range []view.Audience{view.Public, view.Internal} {
			m := message(t, repo, a, "2026-11-20-checkout-errors", schema.EventDeclared, 1)
			body, err := Payload(kind, m)
			if err != nil {
				t.Fatal(err)
			}
			s := string(body)
			if a == view.Public {
				for _, w := range []string{"Alice", "alice", "Carol", "carol", "SEV2", "incidents.acme.example", "narrative"} {
					if strings.Contains(s, w) {
						t.Errorf("%s public payload contains %q", kind, w)
					}
				}
				continue
			}
			want := []string{"Alice Ng", "Carol Diaz", "SEV2", "Major", "incidents.acme.example"}
			if kind == schema.NotifyWebhook {
				want = []string{"https://incidents.acme.example/incidents/2026-11-20-checkout-errors/"}
			}
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("%s internal payload lacks %q; the test would prove nothing", kind, w)
				}
			}
		}
	}
}

// TestEscaping: text from the repository cannot format, link or mention
// in any format.
func TestEscaping(t *testing.T) {
	repo := loadRepo(t, testRepo())
	m := message(t, repo, view.Public, "2026-11-20-checkout-errors", schema.EventDeclared, 1)

	var slack slackPayload
	body, _ := Payload(schema.NotifySlack, m)
	_ = json.Unmarshal(body, &slack)
	for _, b := range slack.Blocks {
		texts := append([]slackText{}, b.Fields...)
		if b.Text != nil {
			texts = append(texts, *b.Text)
		}
		for _, x := range texts {
			if x.Type == "mrkdwn" && (strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(x.Text, "&amp;", ""), "&lt;", ""), "&gt;", ""), "<>&")) {
				t.Errorf("slack mrkdwn %q is not escaped", x.Text)
			}
			if x.Type == "plain_text" && strings.Contains(x.Text, "We are investigating") && !strings.Contains(x.Text, "<!channel> [here](https://evil.example)") {
				t.Errorf("slack plain_text should keep the text as written: %q", x.Text)
			}
		}
	}
	if !strings.Contains(slack.Text, "&lt;EU&gt; &amp; *some*") {
		t.Errorf("slack fallback text %q", slack.Text)
	}

	var discord discordPayload
	body, _ = Payload(schema.NotifyDiscord, m)
	_ = json.Unmarshal(body, &discord)
	e := discord.Embeds[0]
	if discord.AllowedMentions.Parse == nil || len(discord.AllowedMentions.Parse) != 0 {
		t.Error("discord allowed_mentions does not mention nobody")
	}
	if !strings.Contains(e.Title, `\<EU\> & \*some\* cards @`+"\u200b"+`everyone`) {
		t.Errorf("discord title %q", e.Title)
	}
	if !strings.Contains(e.Description, `\<!channel\> \[here\]\(https://evil.example\)`) || strings.Contains(e.Description, "@here") {
		t.Errorf("discord description %q", e.Description)
	}

	m = message(t, repo, view.Public, "2026-11-20-checkout-errors", schema.EventUpdated, 2)
	body, _ = Payload(schema.NotifyTeams, m)
	var teams teamsPayload
	_ = json.Unmarshal(body, &teams)
	var raw []map[string]any
	b, _ := json.Marshal(teams.Attachments[0].Content.Body)
	_ = json.Unmarshal(b, &raw)
	if got := raw[2]["text"]; got != "\\- A configuration change is the cause.\n1\\. Rolling back." {
		t.Errorf("teams text %q", got)
	}
	if got := raw[0]["text"]; got != `Update: Checkout errors for \<EU\> & \*some\* cards @everyone` {
		t.Errorf("teams title %q", got)
	}
}

func TestHandoffOnlyInternal(t *testing.T) {
	m := handoffMessage()
	m.Audience = view.Public
	for _, kind := range schema.NotifyKinds {
		if _, err := Payload(kind, m); err == nil {
			t.Errorf("%s: a public handoff payload was built", kind)
		}
	}
}

func TestLimits(t *testing.T) {
	long := strings.Repeat("é", 5000)
	c := card{Title: long, Lead: long, Text: long, Facts: []fact{{"Status", long}}, Footer: long}
	sl := slackMessage(c)
	if n := len([]rune(sl.Blocks[0].Text.Text)); n != slackHeaderMax {
		t.Errorf("slack header has %d characters", n)
	}
	d := discordMessage(c).Embeds[0]
	if len([]rune(d.Title)) > discordTitleMax || len([]rune(d.Description)) > discordDescriptionMax || len([]rune(d.Fields[0].Value)) > discordFieldValueMax {
		t.Errorf("discord embed over its limits: %d %d %d", len([]rune(d.Title)), len([]rune(d.Description)), len([]rune(d.Fields[0].Value)))
	}
	// Escaping can double the text: the cut leaves room for it.
	d = discordMessage(card{Title: strings.Repeat("*", 1000), Text: strings.Repeat("_", 5000)}).Embeds[0]
	if len([]rune(d.Title)) > discordTitleMax || len([]rune(d.Description)) > discordDescriptionMax {
		t.Errorf("escaped discord embed over its limits: %d %d", len([]rune(d.Title)), len([]rune(d.Description)))
	}
}
