package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// The generic webhook's body has the shape of Atlassian Statuspage's
// webhook notifications, so that receivers written for Statuspage work:
//
//	{"meta": {...}, "page": {"id", "status_indicator", "status_description"}, "incident": {...}}
//
// "incident" is the incident object of the site's JSON API
// (api/v2/incidents.json) for the target's audience at the time of
// sending. meta adds Baton's event id and kind to Statuspage's keys. A
// handoff event (internal targets only) has "handoff" instead of
// "incident".

// DocumentationURL is where the payloads are documented (meta.documentation).
const DocumentationURL = "https://github.com/batonhq/baton/blob/main/docs/notifications.md"

type webhookMeta struct {
	Unsubscribe   *string `json:"unsubscribe"`
	Documentation string  `json:"documentation"`
	GeneratedAt   string  `json:"generated_at"`
	EventID       string  `json:"event_id"`
	Event         string  `json:"event"`
}

type webhookPage struct {
	ID                string `json:"id"`
	StatusIndicator   string `json:"status_indicator"`
	StatusDescription string `json:"status_description"`
}

type webhookPayload struct {
	Meta     webhookMeta     `json:"meta"`
	Page     webhookPage     `json:"page"`
	Incident json.RawMessage `json:"incident,omitempty"`
	Handoff  *webhookHandoff `json:"handoff,omitempty"`
}

type webhookHandoff struct {
	From      string            `json:"from"`
	To        string            `json:"to"`
	Rotations []webhookRotation `json:"rotations"`
}

type webhookRotation struct {
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	OnCall  string          `json:"on_call"`
	Shadows string          `json:"shadows"`
	Changes []webhookChange `json:"changes"`
	Next    *webhookChange  `json:"next"`
}

type webhookChange struct {
	At   string `json:"at"`
	From string `json:"from"`
	To   string `json:"to"`
}

// stamp formats an instant as Statuspage does (milliseconds, UTC).
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func webhookBody(m Message) (webhookPayload, error) {
	if m.Page == nil {
		return webhookPayload{}, fmt.Errorf("event %s: no page for the webhook body", m.Event.ID)
	}
	p := webhookPayload{
		Meta: webhookMeta{Documentation: DocumentationURL, GeneratedAt: stamp(m.Now), EventID: m.Event.ID, Event: m.Event.Kind},
		Page: webhookPage{ID: m.Page.ID, StatusIndicator: m.Page.Indicator, StatusDescription: m.Page.Description},
	}
	if m.Event.Kind == schema.EventHandoff {
		h := m.Event.Handoff
		if h == nil {
			return webhookPayload{}, fmt.Errorf("event %s has no handoffs", m.Event.ID)
		}
		wh := &webhookHandoff{From: stamp(h.From), To: stamp(h.To), Rotations: []webhookRotation{}}
		for _, r := range h.Rotations {
			wr := webhookRotation{ID: r.ID, Name: r.Name, OnCall: r.OnCall, Shadows: r.Shadows, Changes: []webhookChange{}}
			for _, c := range r.Changes {
				wr.Changes = append(wr.Changes, webhookChange{At: stamp(c.At), From: c.From, To: c.To})
			}
			if r.Next != nil {
				wr.Next = &webhookChange{At: stamp(r.Next.At), From: r.Next.From, To: r.Next.To}
			}
			wh.Rotations = append(wh.Rotations, wr)
		}
		p.Handoff = wh
		return p, nil
	}
	if len(m.Page.Incident) == 0 {
		return webhookPayload{}, fmt.Errorf("event %s: the site's API has no object for incident %s", m.Event.ID, m.Event.Incident.ID)
	}
	p.Incident = m.Page.Incident
	return p, nil
}

// SignatureHeader carries the body's HMAC-SHA256 signature.
const SignatureHeader = "X-Baton-Signature-256"

// EventIDHeader carries the event's id, by which receivers deduplicate.
const EventIDHeader = "X-Baton-Event-Id"

// Sign returns the value of the X-Baton-Signature-256 header for body:
// "sha256=" and the hex HMAC-SHA256 of the exact bytes with key secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether header is a valid X-Baton-Signature-256 of body
// for secret, comparing in constant time. Receivers written in Go can use
// it as it is.
func Verify(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	want := Sign(secret, body)[len("sha256="):]
	return hmac.Equal([]byte(got), []byte(want))
}
