// Package synth generates synthetic incidents repositories for benchmarks
// and performance measurements: an organisation of a few dozen people, two
// IMOC rotations, and as many incidents as asked for, spread over the ten
// years before [Now], 60% of them with a postmortem and half of them public
// (their postmortems public and published, so that every check on public
// text runs). The repository validates without a problem at [Now].
//
// It is not a test fixture for behaviour: the content is repetitive on
// purpose, and only its size and shape matter.
package synth

import (
	"fmt"
	"strings"
	"testing/fstest"
	"time"
)

// Now is the instant at which a generated repository is valid; pass it as
// --now to commands that run on one.
var Now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// NowFlag is [Now] as a --now value.
const NowFlag = "2026-11-27T12:00:00Z"

// People is how many people a generated repository has.
const People = 40

// Repo returns a repository with n incidents.
func Repo(n int) fstest.MapFS {
	ps := genPeople()
	fsys := fstest.MapFS{
		"baton.yaml":                   {Data: []byte(config)},
		"people.yaml":                  {Data: peopleYAML(ps)},
		"rotations/imoc-platform.yaml": {Data: rotationPlatform(ps)},
		"rotations/imoc-global.yaml":   {Data: rotationGlobal(ps)},
	}
	start := Now.AddDate(-10, 0, 0)
	step := Now.AddDate(0, 0, -30).Sub(start) / time.Duration(max(n, 1))
	for i := range n {
		t := start.Add(time.Duration(i) * step).Truncate(time.Minute)
		id := fmt.Sprintf("%s-incident-%05d", t.Format("2006-01-02"), i)
		dir := fmt.Sprintf("incidents/%d/%s/", t.Year(), id)
		inc := newIncident(ps, i, t)
		fsys[dir+"incident.md"] = &fstest.MapFile{Data: inc.incidentMD()}
		if inc.postmortem {
			fsys[dir+"postmortem.md"] = &fstest.MapFile{Data: inc.postmortemMD()}
		}
	}
	return fsys
}

// person is one generated person: a handle, a name (some with letters
// outside ASCII), a GitHub login and an e-mail address.
type person struct {
	handle, name, github, email, zone, imoc string
}

var (
	firstNames = []string{"Marcus", "Dana", "Tomás", "Ellie", "Sofia", "Jonas", "Hannah", "Benedikt", "Noor", "Priya",
		"Arjun", "Kai", "Zoë", "Søren", "Łukasz", "Amara", "Ingrid", "Rafael", "Mei", "Oluwaseun"}
	lastNames = []string{"Webb", "Okafor", "Álvarez", "Park", "Lindqvist", "Brandt", "Osei", "Adeyemi", "Haddad", "Raman",
		"Mehta", "Nakamura", "Kowalczyk", "Jørgensen", "Fischer", "Moreau", "Tanaka", "Novak", "Costa", "Quinn", "Dubois"}
	zones = []string{"America/New_York", "Europe/Berlin", "Europe/London", "Asia/Kolkata", "America/Chicago", "Asia/Tokyo"}
)

// asciiFold spells a name's letters in ASCII for handles and logins.
var asciiFold = strings.NewReplacer("á", "a", "Á", "A", "ë", "e", "ø", "o", "Ø", "O", "ł", "l", "Ł", "L", "ö", "o", "é", "e")

func genPeople() []person {
	out := make([]person, People)
	for i := range out {
		first := firstNames[i%len(firstNames)]
		last := lastNames[(i*7+i/len(firstNames))%len(lastNames)]
		f := strings.ToLower(asciiFold.Replace(first))
		l := strings.ToLower(asciiFold.Replace(last))
		p := person{
			handle: fmt.Sprintf("%s-%s", f, l),
			name:   first + " " + last,
			github: fmt.Sprintf("%s%s%d", f, l[:1], i),
			email:  fmt.Sprintf("%s.%s@synth.example", f, l),
			zone:   zones[i%len(zones)],
		}
		switch {
		case i < qualified:
			p.imoc = "qualified"
		case i < qualified+trainees:
			p.imoc = "trainee"
		}
		out[i] = p
	}
	return out
}

// The first qualified people are IMOCs, the next trainees; the rest are
// not IMOCs.
const (
	qualified = 24
	trainees  = 4
)

func peopleYAML(ps []person) []byte {
	var b strings.Builder
	b.WriteString("# A synthetic organisation.\npeople:\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "  - handle: %s\n    name: %s\n    github: %s\n    email: %s\n    time_zone: %s\n", p.handle, p.name, p.github, p.email, p.zone)
		if p.imoc != "" {
			fmt.Fprintf(&b, "    imoc: %s\n", p.imoc)
		}
	}
	return []byte(b.String())
}

const config = `# A synthetic organisation for benchmarks.
site:
  title: Synthetic Status
  base_url: https://status.synth.example/
  internal_base_url: https://incidents.synth.example/
  description: Current status of the synthetic shop, its payments and its API
  time_zone: UTC
github:
  repo: synth/incidents
severities:
  - {id: SEV1, name: Critical, major: true, postmortem: {required: true, due_days: 5}}
  - {id: SEV2, name: Major, major: true, postmortem: {required: true, due_days: 10}}
  - {id: SEV3, name: Minor, postmortem: {required: false}}
  - {id: SEV4, name: Low, postmortem: {required: false}}
components:
  - {id: checkout, name: Card checkout, group: Payments, tier: 1, description: Hosted checkout pages and the card payment API.}
  - {id: payouts, name: Payouts, group: Payments, tier: 2, description: Daily settlement of collected funds.}
  - {id: dashboard, name: Dashboard, group: Core platform, tier: 1, description: The web app where customers work.}
  - {id: api, name: Public API, group: Core platform, tier: 1, description: The public REST API.}
  - {id: sign-in, name: Sign-in and SSO, group: Core platform, tier: 1, description: "Passwords, passkeys and single sign-on."}
  - {id: webhooks, name: Webhooks, group: Integrations, tier: 2, description: Event notifications sent to customers' endpoints.}
  - {id: email, name: Email delivery, group: Integrations, tier: 3, description: Invoices and receipts sent by email.}
  - {id: reports, name: Reports and exports, group: Insights, tier: 3, description: Revenue reports and CSV exports.}
  - {id: search, name: Search, group: Insights, tier: 4, description: Search across invoices and payments.}
rotations:
  default: imoc-platform
  groups:
    Payments: imoc-global
    Core platform: imoc-global
`

// handles returns the handles of ps, comma-separated.
func handles(ps []person) string {
	hs := make([]string, len(ps))
	for i, p := range ps {
		hs[i] = p.handle
	}
	return strings.Join(hs, ", ")
}

func rotationPlatform(ps []person) []byte {
	return fmt.Appendf(nil, `name: Platform IMOC
time_zone: America/New_York
layers:
  - name: weekly
    rotation:
      anchor: 2016-01-04T09:00
      every: 1w
      participants: [%s]
shadows:
  - {user: %s, with: imoc, from: 2026-10-01T00:00:00Z, until: 2027-03-01T00:00:00Z}
`, handles(ps[0:6]), ps[qualified].handle)
}

func rotationGlobal(ps []person) []byte {
	return fmt.Appendf(nil, `name: Global IMOC (follow the sun)
time_zone: UTC
layers:
  - name: catch-all
    rotation:
      anchor: 2016-01-04T09:00
      every: 1w
      participants: [%s]
  - name: apac
    time_zone: Asia/Kolkata
    rotation: {anchor: 2016-01-04T09:00, every: 1w, participants: [%s]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "06:00", to: "14:00"}
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2016-01-04T09:00, every: 1w, participants: [%s]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "08:00", to: "16:00"}
  - name: americas
    time_zone: America/New_York
    rotation: {anchor: 2016-01-04T09:00, every: 1d, participants: [%s]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
`, handles(ps[6:12]), handles(ps[12:14]), handles(ps[14:16]), handles(ps[16:18]))
}

// incident is what varies between generated incidents.
type incident struct {
	i                   int
	t                   time.Time
	severity, component string
	impact, visibility  string
	imoc, owner, shadow string
	responders          []string
	postmortem          bool
}

func newIncident(ps []person, i int, t time.Time) incident {
	imocs := ps[:qualified]
	in := incident{i: i, t: t, visibility: "internal"}
	if i%2 == 0 {
		in.visibility = "public"
	}
	switch i % 10 {
	case 0:
		in.severity, in.component, in.impact = "SEV1", "checkout", "major_outage"
	case 1, 2:
		in.severity, in.component, in.impact = "SEV2", "api", "partial_outage"
	case 3, 4, 5, 6:
		in.severity, in.component, in.impact = "SEV3", "dashboard", "degraded_performance"
	default:
		in.severity, in.component, in.impact = "SEV4", "reports", "partial_outage"
	}
	in.imoc = imocs[i%len(imocs)].handle
	in.owner = ps[(i+5)%len(ps)].handle
	if in.owner == in.imoc {
		in.owner = ps[(i+6)%len(ps)].handle
	}
	in.shadow = ps[qualified+i%trainees].handle
	for k := 1; k <= 2; k++ {
		h := ps[(i*3+k*11)%len(ps)].handle
		if h != in.imoc && h != in.owner {
			in.responders = append(in.responders, h)
		}
	}
	in.postmortem = i%10 < 6 // every SEV1 and SEV2, which need one, and a third of the rest
	return in
}

func (in incident) ts(d time.Duration) string { return in.t.Add(d).UTC().Format(time.RFC3339) }

func (in incident) incidentMD() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `---
title: Elevated errors in %s for some customers (%d)
type: incident
severity: %s
status: resolved
visibility: %s
imoc: %s
owner: %s
shadows: [%s]
responders: [%s]
components:
  - {id: %s, impact: %s}
  - {id: search, impact: degraded_performance}
started: %s
detected: %s
declared: %s
acknowledged: %s
mitigated: %s
resolved: %s
updates:
  - at: %s
    status: investigating
    message: Some customers see errors when they use %s. We are investigating and will post again within 30 minutes.
  - at: %s
    status: identified
    message: A configuration change made a dependency reject requests. We are rolling the change back now.
  - at: %s
    status: monitoring
    message: The rollback is complete and error rates are back to normal. We are watching closely.
  - at: %s
    status: resolved
    message: Everything has worked normally for an hour and this incident is resolved. No data was lost.
tags: [synthetic, config-change]
---

## What we saw

Error rates for %s rose from under 0.1%% to about 4%% within five minutes.
The on-call engineer was paged by the error budget alert and opened the
dashboards; latency was normal, so the errors were fast failures, not
timeouts.

- Dashboard: https://grafana.synth.example/d/service-overview
- Logs: https://logs.synth.example/search?q=status%%3A5xx

## What we did

- Declared the incident and opened the bridge; the IMOC took notes.
- Compared the error start with the deploy log and found a configuration
  change to the connection pool that went out two minutes before.
- Rolled the change back with the usual pipeline (about ten minutes) and
  watched the error rate fall back to its baseline.
- Kept the incident open for an hour of normal traffic before resolving.

## Notes

The change had passed review and staging, where traffic is too light to
exhaust the smaller pool. The postmortem, when there is one, covers the
contributing factors.
`, in.component, in.i, in.severity, in.visibility, in.imoc, in.owner, in.shadow, strings.Join(in.responders, ", "),
		in.component, in.impact,
		in.ts(0), in.ts(4*time.Minute), in.ts(9*time.Minute), in.ts(10*time.Minute), in.ts(40*time.Minute), in.ts(100*time.Minute),
		in.ts(12*time.Minute), in.component, in.ts(25*time.Minute), in.ts(45*time.Minute), in.ts(100*time.Minute),
		in.component)
	return []byte(b.String())
}

func (in incident) postmortemMD() []byte {
	status, vis := "approved", "internal"
	if in.visibility == "public" {
		status, vis = "published", "public"
	}
	due := in.t.AddDate(0, 1, 0).Format("2006-01-02")
	var b strings.Builder
	fmt.Fprintf(&b, `---
status: %s
visibility: %s
authors: [%s]
reviewers: [%s]
approved: {by: %s, at: %s}
action_items:
  - {id: AI-1, title: Load-test connection pool changes in staging at production traffic, type: prevent, priority: P1, owner: %s, due: %s, status: done, link: https://github.com/synth/app/issues/%d}
  - {id: AI-2, title: Alert on connection pool saturation before requests fail, type: detect, priority: P2, owner: %s, due: %s, status: open, link: https://github.com/synth/app/issues/%d}
  - {id: AI-3, title: Make configuration rollbacks take under two minutes, type: mitigate, priority: P2, owner: %s, due: %s, status: open, link: https://github.com/synth/app/issues/%d}
summary: >-
  For about half an hour some customers saw errors when they used %s,
  because a configuration change made the connection pool too small for
  production traffic. We rolled the change back; no data was lost.
---

## Summary

A configuration change shrank the connection pool of the %s service. Under
production traffic the pool ran out of connections and the service
answered some requests with errors until the change was rolled back.

## Impact

- About 4%% of requests to %s failed for 31 minutes.
- Customers who retried succeeded; no data was lost or duplicated.
- Search was slower than usual while caches refilled.

## Timeline

All times UTC.

| Time | Event |
|------|-------|
| %s | The configuration change is deployed |
| %s | The error budget alert pages the on-call engineer |
| %s | The incident is declared |
| %s | The change is identified and the rollback starts |
| %s | Error rates are back to normal |
| %s | The incident is resolved |

## Contributing factors

- The staging environment carries about a hundredth of production traffic,
  so a pool that is too small there still looks healthy.
- The configuration schema accepted any pool size, with no warning for a
  value far below the current one.
- The deploy pipeline rolls configuration out to every region at once, so
  the whole fleet was affected within two minutes.
- A rollback takes the full pipeline, about ten minutes, even for a
  one-line revert.

## Action items

See the front matter. The first item is done; the others are tracked in the
linked issues and reviewed at the weekly operations meeting.

## Lessons learned

- Configuration changes deserve the same canary as code changes.
- An alert on the pool's saturation fires before customers see errors,
  and it costs nothing to add.
- The runbook for this service now explains how to roll back configuration
  on its own, without a full deploy.
- The review checklist now asks for the production value of every changed
  limit, next to the new one.
`, status, vis, in.owner, strings.Join([]string{in.imoc, in.shadow}, ", "), in.imoc, in.ts(72*time.Hour),
		in.owner, due, 1000+3*in.i, in.owner, due, 1001+3*in.i, in.owner, due, 1002+3*in.i,
		in.component, in.component, in.component,
		in.t.Add(-2*time.Minute).Format("15:04"), in.t.Add(4*time.Minute).Format("15:04"), in.t.Add(9*time.Minute).Format("15:04"),
		in.t.Add(25*time.Minute).Format("15:04"), in.t.Add(40*time.Minute).Format("15:04"), in.t.Add(100*time.Minute).Format("15:04"))
	return []byte(b.String())
}
