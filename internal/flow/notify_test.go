package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/httpretry"
	"github.com/batonhq/baton/internal/leaktest"
	"github.com/batonhq/baton/internal/notify"
	"github.com/batonhq/baton/internal/notify/notifytest"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// The life of an incident, one commit per step: declared, two updates,
// resolved, its postmortem published, then a maintenance scheduled.

const stepConfig = `site:
  title: Acme Status
  base_url: https://status.acme.example/
  internal_base_url: https://incidents.acme.example/
components:
  - {id: checkout-api, name: Checkout API, tier: 1}
  - {id: web, name: Website, tier: 2}
`

const stepPeople = `people:
  - {handle: alice, name: Alice Ng, github: alice-ng, imoc: qualified}
  - {handle: carol, name: Carol Diaz, github: carold}
`

const incPath = "incidents/2026/2026-11-20-checkout-errors/incident.md"

func incident(status, resolved string, updates ...string) string {
	s := `---
title: Checkout errors
severity: SEV2
status: ` + status + `
visibility: public
imoc: alice
owner: carol
components:
  - {id: checkout-api, impact: partial_outage}
started: 2026-11-20T13:51:00Z
declared: 2026-11-20T14:03:00Z
`
	if resolved != "" {
		s += "resolved: " + resolved + "\n"
	}
	s += "updates:\n"
	for i, u := range updates {
		st, msg, _ := strings.Cut(u, ":")
		s += fmt.Sprintf("  - at: 2026-11-20T%02d:10:00Z\n    status: %s\n    message: %s\n", 14+i, st, strings.TrimSpace(msg))
	}
	return s + "---\nNarrative: carol rolled back.\n"
}

const postmortem = `---
status: published
visibility: public
authors: [carol]
reviewers: [alice]
approved: {by: alice, at: 2026-11-24T10:00:00Z}
summary: A configuration push broke card payments.
---
## Summary
## Impact
## Timeline
## Contributing factors
## Action items
## Lessons learned
`

const maintenance = `---
title: Database upgrade
type: maintenance
status: scheduled
visibility: public
owner: carol
imoc: alice
components:
  - {id: web, impact: under_maintenance}
declared: 2026-11-25T09:00:00Z
scheduled: {from: 2026-11-28T02:00:00Z, until: 2026-11-28T03:00:00Z}
updates:
  - at: 2026-11-25T09:00:00Z
    status: scheduled
    message: The website may be slow for a few minutes.
---
`

// steps returns the repository after each step: steps()[0] is before the
// incident.
func steps() []fstest.MapFS {
	base := fstest.MapFS{"baton.yaml": {Data: []byte(stepConfig)}, "people.yaml": {Data: []byte(stepPeople)}}
	with := func(prev fstest.MapFS, files map[string]string) fstest.MapFS {
		next := maps.Clone(prev)
		for p, d := range files {
			next[p] = &fstest.MapFile{Data: []byte(d)}
		}
		return next
	}
	s1 := with(base, map[string]string{incPath: incident("investigating", "", "investigating: Card payments fail.")})
	s2 := with(s1, map[string]string{incPath: incident("identified", "", "investigating: Card payments fail.", "identified: A configuration push.")})
	s3 := with(s2, map[string]string{incPath: incident("monitoring", "", "investigating: Card payments fail.", "identified: A configuration push.", "monitoring: Rolled back.")})
	s4 := with(s3, map[string]string{incPath: incident("resolved", "2026-11-20T17:10:00Z", "investigating: Card payments fail.", "identified: A configuration push.", "monitoring: Rolled back.", "resolved: Payments work.")})
	s5 := with(s4, map[string]string{"incidents/2026/2026-11-20-checkout-errors/postmortem.md": postmortem})
	s6 := with(s5, map[string]string{"incidents/2026/2026-11-28-db-upgrade/incident.md": maintenance})
	return []fstest.MapFS{base, s1, s2, s3, s4, s5, s6}
}

// revs is a git history as a map of revision names to trees.
type revs map[string]fs.FS

func (r revs) FS(_ context.Context, rev string) (fs.FS, error) {
	if f, ok := r[rev]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("no revision %s", rev)
}

func (r revs) Resolve(rev string) (string, error) {
	if _, ok := r[rev]; ok {
		return rev, nil
	}
	return "", fmt.Errorf("resolving %s: reference not found", rev)
}

func history() revs {
	h := revs{}
	for i, s := range steps() {
		h[fmt.Sprint(i)] = s
	}
	return h
}

func ids(evs []notify.Event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

func rangeEvents(t *testing.T, h revs, since, until string, a view.Audience) []string {
	t.Helper()
	r, err := flow.LoadRange(t.Context(), h, since, until)
	if err != nil {
		t.Fatal(err)
	}
	if r.Problems.HasErrors() {
		t.Fatalf("step %s has errors:\n%v", until, r.Problems)
	}
	return ids(flow.Events(r.Old, r.New, a))
}

// TestEventsOfEachStep: each commit gives exactly its event; the whole
// range gives all of them, in order; any split of the range gives the
// same ids; and running a range twice gives the same ids.
func TestEventsOfEachStep(t *testing.T) {
	h := history()
	want := [][]string{
		1: {"2026-11-20-checkout-errors:declared"},
		2: {"2026-11-20-checkout-errors:updated:2"},
		3: {"2026-11-20-checkout-errors:updated:3"},
		4: {"2026-11-20-checkout-errors:resolved:4"},
		5: {"2026-11-20-checkout-errors:postmortem"},
		6: {"2026-11-28-db-upgrade:maintenance"},
	}
	var all []string
	for i := 1; i <= 6; i++ {
		for _, a := range []view.Audience{view.Public, view.Internal} {
			if got := rangeEvents(t, h, fmt.Sprint(i-1), fmt.Sprint(i), a); !slices.Equal(got, want[i]) {
				t.Errorf("%s, step %d: %v, want %v", a, i, got, want[i])
			}
		}
		all = append(all, want[i]...)
	}
	if got := rangeEvents(t, h, "0", "6", view.Public); !slices.Equal(got, all) {
		t.Errorf("whole range: %v\nwant %v", got, all)
	}
	if again := rangeEvents(t, h, "0", "6", view.Public); !slices.Equal(again, all) {
		t.Errorf("the same range twice: %v", again)
	}
	for cut := 1; cut < 6; cut++ {
		got := append(rangeEvents(t, h, "0", fmt.Sprint(cut), view.Public), rangeEvents(t, h, fmt.Sprint(cut), "6", view.Public)...)
		if !slices.Equal(got, all) {
			t.Errorf("split at %d: %v", cut, got)
		}
	}
	if got := rangeEvents(t, h, "6", "6", view.Public); len(got) != 0 {
		t.Errorf("an empty range has events %v", got)
	}
}

// TestEventsVisibility: an internal incident gives public targets
// nothing; made public later, it is declared to them then (with its
// updates so far counted as part of the declaration).
func TestEventsVisibility(t *testing.T) {
	s := steps()
	internal := maps.Clone(s[3])
	internal[incPath] = &fstest.MapFile{Data: []byte(strings.Replace(string(s[3][incPath].Data), "visibility: public", "visibility: internal", 1))}
	h := revs{"base": s[0], "internal": internal, "public": s[4]}
	if got := rangeEvents(t, h, "base", "internal", view.Public); len(got) != 0 {
		t.Errorf("public events of an internal incident: %v", got)
	}
	if got := rangeEvents(t, h, "base", "internal", view.Internal); !slices.Equal(got, []string{"2026-11-20-checkout-errors:declared", "2026-11-20-checkout-errors:updated:2", "2026-11-20-checkout-errors:updated:3"}) {
		t.Errorf("internal events: %v", got)
	}
	if got := rangeEvents(t, h, "internal", "public", view.Public); !slices.Equal(got, []string{"2026-11-20-checkout-errors:declared", "2026-11-20-checkout-errors:updated:2", "2026-11-20-checkout-errors:updated:3", "2026-11-20-checkout-errors:resolved:4"}) {
		t.Errorf("made public: %v", got)
	}
	// An internal postmortem is news internally once approved, never in
	// public.
	pm := maps.Clone(s[4])
	pm["incidents/2026/2026-11-20-checkout-errors/postmortem.md"] = &fstest.MapFile{Data: []byte(strings.NewReplacer("status: published", "status: approved", "visibility: public", "visibility: internal").Replace(postmortem))}
	h = revs{"resolved": s[4], "approved": pm}
	if got := rangeEvents(t, h, "resolved", "approved", view.Public); len(got) != 0 {
		t.Errorf("public events of an internal postmortem: %v", got)
	}
	if got := rangeEvents(t, h, "resolved", "approved", view.Internal); !slices.Equal(got, []string{"2026-11-20-checkout-errors:postmortem"}) {
		t.Errorf("internal events of an approved postmortem: %v", got)
	}
}

func TestLoadRangeErrors(t *testing.T) {
	h := history()
	if _, err := flow.LoadRange(t.Context(), h, strings.Repeat("0", 40), "6"); !errors.Is(err, flow.ErrNoBase) {
		t.Errorf("zero commit: %v", err)
	}
	_, err := flow.LoadRange(t.Context(), h, "deadbeef", "6")
	var fe *flow.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "cannot find the revision deadbeef") || !strings.Contains(fe.Hint, "fetch-depth: 0") {
		t.Errorf("unknown revision: %v", err)
	}
}

// targets are one of each kind: a team Slack channel (internal, SEV1 and
// SEV2 only), a public Discord for the website only, a public Teams
// channel, and a signed public webhook.
func targets(fakes map[string]*notifytest.Server) []flow.NotifyTarget {
	t := func(id, kind, audience, env string, events, sev, comp []string) flow.NotifyTarget {
		nt := flow.NotifyTarget{NotifyTarget: schema.NotifyTarget{ID: id, Kind: kind, Audience: audience, URLEnv: env, Events: events, Severities: sev, Components: comp}}
		if f := fakes[id]; f != nil {
			nt.URL, nt.Secret = f.URL(), f.Secret
		}
		return nt
	}
	all := schema.DefaultNotifyEvents()
	return []flow.NotifyTarget{
		t("team", "slack", "internal", "SLACK_URL", append(slices.Clone(all), "handoff"), []string{"SEV1", "SEV2"}, nil),
		t("web-watchers", "discord", "public", "DISCORD_URL", all, nil, []string{"web"}),
		t("customers-teams", "teams", "public", "TEAMS_URL", []string{"declared", "resolved"}, nil, nil),
		t("customers", "webhook", "public", "HOOK_URL", all, nil, nil),
	}
}

func fakes(t *testing.T) map[string]*notifytest.Server {
	return map[string]*notifytest.Server{
		"team":            notifytest.New(t, "slack", ""),
		"web-watchers":    notifytest.New(t, "discord", ""),
		"customers-teams": notifytest.New(t, "teams", ""),
		"customers":       notifytest.New(t, "webhook", "hmac-key-of-the-receiver"),
	}
}

func testSender() *notify.Sender {
	return &notify.Sender{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

var notifyNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// TestNotifyFilters sends the whole range to one target of each kind:
// each gets exactly the events its audience, events, severities and
// components let through; running the range again sends the same ids.
func TestNotifyFilters(t *testing.T) {
	fs := fakes(t)
	r, err := flow.LoadRange(t.Context(), history(), "0", "6")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"team": {"2026-11-20-checkout-errors:declared", "2026-11-20-checkout-errors:updated:2", "2026-11-20-checkout-errors:updated:3",
			"2026-11-20-checkout-errors:resolved:4", "2026-11-20-checkout-errors:postmortem", "2026-11-28-db-upgrade:maintenance"},
		"web-watchers":    {"2026-11-28-db-upgrade:maintenance"},
		"customers-teams": {"2026-11-20-checkout-errors:declared", "2026-11-20-checkout-errors:resolved:4"},
		"customers": {"2026-11-20-checkout-errors:declared", "2026-11-20-checkout-errors:updated:2", "2026-11-20-checkout-errors:updated:3",
			"2026-11-20-checkout-errors:resolved:4", "2026-11-20-checkout-errors:postmortem", "2026-11-28-db-upgrade:maintenance"},
	}
	for run := 1; run <= 2; run++ {
		res := flow.Notify(t.Context(), testSender(), r, flow.NotifyRequest{Targets: targets(fs), Now: notifyNow})
		if res.Failed() || res.Events != 6 {
			t.Fatalf("run %d: %+v", run, res)
		}
		for _, tr := range res.Targets {
			if !slices.Equal(tr.Sent, want[tr.ID]) {
				t.Errorf("run %d: %s sent %v, want %v", run, tr.ID, tr.Sent, want[tr.ID])
			}
		}
	}
	for id, f := range fs {
		w := append(slices.Clone(want[id]), want[id]...)
		if got := f.EventIDs(); !slices.Equal(got, w) {
			t.Errorf("%s received %v, want %v (the same ids twice)", id, got, w)
		}
	}
	// A severity filter that excludes the incident keeps the maintenance.
	tg := targets(fs)[:1]
	tg[0].Severities = []string{"SEV1"}
	res := flow.Notify(t.Context(), testSender(), r, flow.NotifyRequest{Targets: tg, Now: notifyNow, DryRun: true})
	if got := res.Targets[0].Sent; !slices.Equal(got, []string{"2026-11-28-db-upgrade:maintenance"}) {
		t.Errorf("severities [SEV1]: %v", got)
	}
}

// TestNotifyOneTargetFails: a target that keeps failing, one that hangs
// and one whose address is not set do not stop the others; the result
// says which events each did not get.
func TestNotifyOneTargetFails(t *testing.T) {
	fs := fakes(t)
	for range 4 * 6 {
		fs["customers-teams"].Script(notifytest.Answer{Status: 500, Body: "Internal Server Error"})
	}
	fs["web-watchers"].Script(notifytest.Answer{Status: 200, Delay: 3 * time.Second})
	tg := targets(fs)
	tg[0].URL = "" // team: $SLACK_URL unset
	r, err := flow.LoadRange(t.Context(), history(), "0", "6")
	if err != nil {
		t.Fatal(err)
	}
	s := testSender()
	p := notify.Policy("discord")
	p.AttemptTimeout = 200 * time.Millisecond
	s.Policy = &httpretry.Policy{Attempts: p.Attempts, AttemptTimeout: p.AttemptTimeout, Backoff: p.Backoff, MaxWait: p.MaxWait, MaxTotal: p.MaxTotal}
	res := flow.Notify(t.Context(), s, r, flow.NotifyRequest{Targets: tg, Now: notifyNow})
	if !res.Failed() {
		t.Fatal("no failure reported")
	}
	got := map[string]string{}
	for _, tr := range res.Targets {
		var failed []string
		for _, f := range tr.Failed {
			failed = append(failed, f.EventID+" ("+f.Error+")")
		}
		got[tr.ID] = fmt.Sprintf("sent %d; failed %v; %s", len(tr.Sent), failed, tr.Error)
	}
	want := map[string]string{
		"team":            "sent 0; failed []; $SLACK_URL is not set, so 6 events cannot be reached",
		"web-watchers":    "sent 0; failed [2026-11-28-db-upgrade:maintenance (no answer within 200ms: attempt timed out (not sent again: it may have arrived))]; ",
		"customers-teams": "sent 0; failed [2026-11-20-checkout-errors:declared (HTTP 500 Internal Server Error: Internal Server Error) 2026-11-20-checkout-errors:resolved:4 (HTTP 500 Internal Server Error: Internal Server Error)]; ",
		"customers":       "sent 6; failed []; ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if n := len(fs["customers"].Received()); n != 6 {
		t.Errorf("the webhook received %d events", n)
	}
}

// TestPublicTargetsLeakNothing: every kind of public target, given every
// event of the privacy fixture, gets payloads without a marker or an
// internal instant; internal targets get the markers (or the test would
// prove nothing). The handoff never reaches a public target.
func TestPublicTargetsLeakNothing(t *testing.T) {
	empty := fstest.MapFS{"baton.yaml": leaktest.Repo()["baton.yaml"], "people.yaml": leaktest.Repo()["people.yaml"]}
	r, err := flow.LoadRange(t.Context(), revs{"before": empty, "after": leaktest.Repo()}, "before", "after")
	if err != nil {
		t.Fatal(err)
	}
	var tg []flow.NotifyTarget
	for _, kind := range schema.NotifyKinds {
		for _, a := range []string{"public", "internal"} {
			tg = append(tg, flow.NotifyTarget{NotifyTarget: schema.NotifyTarget{ID: kind + "-" + a, Kind: kind, Audience: a, Events: schema.NotifyEvents}})
		}
	}
	res := flow.Notify(t.Context(), nil, r, flow.NotifyRequest{Targets: tg, Now: notifyNow, DryRun: true})
	hw := flow.Handoffs(r.New, notifyNow, 24*time.Hour)
	hres := flow.NotifyHandoff(t.Context(), nil, hw, flow.NotifyRequest{Repo: r.New, Targets: tg, Now: notifyNow, DryRun: true})
	for i, tr := range res.Targets {
		tr.Payloads = append(tr.Payloads, hres.Targets[i].Payloads...)
		if len(tr.Failed) > 0 || tr.Error != "" {
			t.Errorf("%s: %+v", tr.ID, tr)
		}
		var all strings.Builder
		for _, p := range tr.Payloads {
			all.Write(p.Body)
			all.WriteByte('\n')
		}
		if tr.Audience == "internal" {
			for _, m := range []string{"MKR-INTERNAL-TITLE", "MKR-NAME-IMOC", "handoff:"} {
				if !strings.Contains(all.String(), m) {
					t.Errorf("%s lacks %s; the test would prove nothing", tr.ID, m)
				}
			}
			continue
		}
		if len(tr.Payloads) < 4 {
			t.Errorf("%s got %d payloads", tr.ID, len(tr.Payloads))
		}
		for _, leak := range leaktest.Leaks([]byte(all.String())) {
			t.Errorf("%s leaks %q", tr.ID, leak)
		}
		for _, p := range tr.Payloads {
			if strings.HasPrefix(p.EventID, "handoff") {
				t.Errorf("%s got the handoff", tr.ID)
			}
			if !json.Valid(p.Body) {
				t.Errorf("%s %s: not JSON", tr.ID, p.EventID)
			}
		}
	}
}

// BenchmarkEvents compares two loaded revisions of a repository with
// 2,000 incidents of which every one gained an update.
func BenchmarkEvents(b *testing.B) {
	old, new := fstest.MapFS{"baton.yaml": {Data: []byte(stepConfig)}, "people.yaml": {Data: []byte(stepPeople)}}, fstest.MapFS{}
	ups := []string{"investigating: Card payments fail.", "identified: A configuration push.", "monitoring: Rolled back.", "monitoring: Still watching."}
	for i := range 2000 {
		p := fmt.Sprintf("incidents/2026/2026-11-20-checkout-errors-%04d/incident.md", i)
		old[p] = &fstest.MapFile{Data: []byte(incident("monitoring", "", ups[:3]...))}
		new[p] = &fstest.MapFile{Data: []byte(incident("monitoring", "", ups...))}
	}
	for k, v := range old {
		if new[k] == nil {
			new[k] = v
		}
	}
	r, err := flow.LoadRange(b.Context(), revs{"old": old, "new": new}, "old", "new")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if evs := flow.Events(r.Old, r.New, view.Internal); len(evs) != 2000 {
			b.Fatalf("%d events", len(evs))
		}
	}
}
