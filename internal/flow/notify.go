package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/generator"
	"github.com/batonhq/baton/internal/notify"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// Poster delivers one payload. *notify.Sender implements it.
type Poster interface {
	Post(ctx context.Context, t notify.Target, eventID string, body []byte) error
}

var _ Poster = (*notify.Sender)(nil)

// NotifyTarget is one target of baton.yaml's notify: with its address and
// secret, which the caller reads from the environment variables the target
// names. They are never part of a result.
type NotifyTarget struct {
	schema.NotifyTarget
	URL, Secret string
}

// NotifyRequest is one delivery of events to targets.
type NotifyRequest struct {
	// Repo is the repository the events come from (the newer revision):
	// its site, people and incidents shape the payloads.
	Repo *schema.Repo
	// Targets are the targets to consider, in baton.yaml's order.
	Targets []NotifyTarget
	// Now is the instant payloads describe (the site's status) and are
	// dated.
	Now time.Time
	// DryRun builds the payloads without sending them.
	DryRun bool
}

// NotifyResult is what a delivery did, per target.
type NotifyResult struct {
	// Events counts the distinct events, whatever their audience.
	Events  int
	Targets []TargetResult
}

// TargetResult is one target's outcome. It holds no address or secret.
type TargetResult struct {
	ID, Kind, Audience string
	// Sent are the events delivered (with DryRun: that would be), in
	// order.
	Sent []string
	// Failed are the events that were not delivered.
	Failed []Failure
	// Error says why nothing was tried (no address), or "".
	Error string
	// Payloads are the bodies (DryRun only).
	Payloads []Payload
}

// Failure is one event a target did not get.
type Failure struct {
	EventID, Error string
}

// Payload is one body a target would get.
type Payload struct {
	EventID string
	Body    json.RawMessage
}

// Failed reports whether some delivery finally failed.
func (r *NotifyResult) Failed() bool {
	for _, t := range r.Targets {
		if t.Error != "" || len(t.Failed) > 0 {
			return true
		}
	}
	return false
}

// Notify sends the events of the range to every target that subscribes to
// them: each target gets the events of its audience (the public one sees
// only what the public site shows), filtered by its events, severities and
// components, each event at most once, in order. Targets are served at
// the same time and independently: one that fails or hangs (each attempt
// has its own timeout) never stops the others.
func Notify(ctx context.Context, post Poster, r *Range, req NotifyRequest) *NotifyResult {
	byAudience := map[view.Audience][]notify.Event{}
	ids := map[string]bool{}
	for _, a := range []view.Audience{view.Public, view.Internal} {
		byAudience[a] = Events(r.Old, r.New, a)
		for _, ev := range byAudience[a] {
			ids[ev.ID] = true
		}
	}
	if req.Repo == nil {
		req.Repo = r.New
	}
	return deliver(ctx, post, req, byAudience, len(ids))
}

// NotifyHandoff sends the handoffs of a window to the targets that
// subscribe to handoff. Handoffs name people: only internal targets get
// them, whatever the configuration says.
func NotifyHandoff(ctx context.Context, post Poster, hw HandoffWindow, req NotifyRequest) *NotifyResult {
	ev := notify.Event{
		ID: "handoff:" + hw.From.UTC().Format("2006-01-02"), Kind: schema.EventHandoff, At: hw.From,
		Handoff: handoffPayload(req.Repo, hw),
	}
	return deliver(ctx, post, req, map[view.Audience][]notify.Event{view.Internal: {ev}}, 1)
}

// handoffPayload names the people of hw: "Alice Ng (@alice-ng)".
func handoffPayload(repo *schema.Repo, hw HandoffWindow) *notify.Handoff {
	names := func(hs []string) string {
		if len(hs) == 0 {
			return "nobody"
		}
		var out []string
		for _, h := range hs {
			out = append(out, personName(repo, h))
		}
		return strings.Join(out, ", ")
	}
	h := &notify.Handoff{From: hw.From, To: hw.To}
	for _, rh := range hw.Rotations {
		r := notify.HandoffRotation{ID: rh.Rotation.ID, Name: rh.Rotation.Name, OnCall: names(rh.OnCall)}
		if len(rh.Shadows) > 0 {
			r.Shadows = names(rh.Shadows)
		}
		for _, c := range rh.Changes {
			r.Changes = append(r.Changes, notify.HandoffChange{At: c.At, From: names(c.From), To: names(c.To)})
		}
		if rh.Next != nil {
			r.Next = &notify.HandoffChange{At: rh.Next.At, From: names(rh.Next.From), To: names(rh.Next.To)}
		}
		h.Rotations = append(h.Rotations, r)
	}
	return h
}

// personName is how notifications name a person: "Alice Ng (@alice-ng)",
// the name alone without a login, the handle when unknown.
func personName(repo *schema.Repo, h string) string {
	p := repo.Person(h)
	switch {
	case p == nil:
		return h
	case p.Name == "":
		return h
	case p.GitHub != "":
		return p.Name + " (@" + p.GitHub + ")"
	}
	return p.Name
}

// deliver sends the events of each audience to the targets of that
// audience that want them.
func deliver(ctx context.Context, post Poster, req NotifyRequest, byAudience map[view.Audience][]notify.Event, n int) *NotifyResult {
	out := &NotifyResult{Events: n, Targets: make([]TargetResult, len(req.Targets))}
	pages := newPages(req.Repo, req.Now)
	names := map[string]string{}
	for _, p := range req.Repo.People {
		names[p.Handle] = personName(req.Repo, p.Handle)
	}
	var wg sync.WaitGroup
	for i, t := range req.Targets {
		res := &out.Targets[i]
		res.ID, res.Kind, res.Audience = t.ID, t.Kind, t.Audience
		a := view.Public
		if t.Audience == schema.Internal {
			a = view.Internal
		}
		var evs []notify.Event
		for _, ev := range byAudience[a] {
			if wants(req.Repo, t.NotifyTarget, a, ev) {
				evs = append(evs, ev)
			}
		}
		if len(evs) == 0 {
			continue
		}
		target := notify.Target{ID: t.ID, Kind: t.Kind, URL: t.URL, Secret: t.Secret}
		if !req.DryRun {
			if t.URL == "" {
				res.Error = fmt.Sprintf("$%s is not set, so %s cannot be reached", t.URLEnv, plural(len(evs), "event"))
				continue
			}
			if err := target.CheckURL(); err != nil {
				res.Error = fmt.Sprintf("$%s: %v", t.URLEnv, err)
				continue
			}
		}
		wg.Go(func() {
			for _, ev := range evs {
				body, err := payload(req, pages, names, t.Kind, a, ev)
				if err != nil {
					res.Failed = append(res.Failed, Failure{EventID: ev.ID, Error: err.Error()})
					continue
				}
				if req.DryRun {
					res.Sent = append(res.Sent, ev.ID)
					res.Payloads = append(res.Payloads, Payload{EventID: ev.ID, Body: body})
					continue
				}
				if err := post.Post(ctx, target, ev.ID, body); err != nil {
					res.Failed = append(res.Failed, Failure{EventID: ev.ID, Error: err.Error()})
					if ctx.Err() != nil {
						return
					}
					continue
				}
				res.Sent = append(res.Sent, ev.ID)
			}
		})
	}
	wg.Wait()
	return out
}

// wants reports whether target t (of audience a) takes ev: its kind is
// one of t's events, and, for an incident or a maintenance, it passes the
// severity filter (incidents only: a maintenance has no severity) and the
// component filter. A public target never takes a handoff.
func wants(repo *schema.Repo, t schema.NotifyTarget, a view.Audience, ev notify.Event) bool {
	if !t.Wants(ev.Kind) {
		return false
	}
	if ev.Kind == schema.EventHandoff {
		return a == view.Internal
	}
	in := ev.Incident
	if in == nil {
		return false
	}
	if len(t.Severities) > 0 && !in.Maintenance {
		// The filter reads the file: the public view has no severity id,
		// and a public payload never shows one.
		src := repo.Incident(in.ID)
		if src == nil || !slices.Contains(t.Severities, src.Severity) {
			return false
		}
	}
	if len(t.Components) > 0 && !slices.ContainsFunc(in.Components, func(c view.Component) bool { return slices.Contains(t.Components, c.ID) }) {
		return false
	}
	return true
}

// pages computes the Statuspage view of each audience once, when a
// webhook needs it.
type pages struct {
	repo *schema.Repo
	now  time.Time
	mu   sync.Mutex
	by   map[view.Audience]*generator.Statuspage
	errs map[view.Audience]error
}

func newPages(repo *schema.Repo, now time.Time) *pages {
	return &pages{repo: repo, now: now, by: map[view.Audience]*generator.Statuspage{}, errs: map[view.Audience]error{}}
}

func (p *pages) get(a view.Audience) (*generator.Statuspage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sp, ok := p.by[a]; ok || p.errs[a] != nil {
		return sp, p.errs[a]
	}
	sp, err := generator.NewStatuspage(p.repo, generator.Options{Now: p.now, Audience: a})
	p.by[a], p.errs[a] = sp, err
	return sp, err
}

// payload builds the body of ev for a target of kind and audience a;
// names maps handles to how people are named (internal audience only).
func payload(req NotifyRequest, pages *pages, names map[string]string, kind string, a view.Audience, ev notify.Event) ([]byte, error) {
	c := req.Repo.Config
	base := c.Site.BaseURL
	if a == view.Internal {
		// The internal site's address, never the public one, where an
		// internal incident does not exist.
		base = c.Site.InternalBaseURL
	}
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	m := notify.Message{Event: ev, Audience: a, SiteTitle: cmpOr(c.Site.Title, "Status"), Location: c.Location, Now: req.Now}
	if base != "" && ev.Incident != nil {
		m.Link = base + "incidents/" + ev.Incident.ID + "/"
	}
	if a == view.Internal {
		m.Names = names
	}
	if kind == schema.NotifyWebhook {
		sp, err := pages.get(a)
		if err != nil {
			return nil, fmt.Errorf("deriving the site's status: %w", err)
		}
		m.Page = &notify.Page{ID: sp.PageID, Indicator: sp.Indicator, Description: sp.Description}
		if ev.Incident != nil {
			m.Page.Incident, _ = sp.Incident(ev.Incident.ID)
		}
	}
	return notify.Payload(kind, m)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// plural is "1 event", "2 events".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
