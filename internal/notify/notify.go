// Package notify turns incident events into the bodies that chat and
// webhook endpoints expect, signs them, and delivers them over HTTP with
// bounded retries.
//
// The formats, one file each:
//
//   - slack: a Slack incoming webhook message with Block Kit blocks
//     (header, the lead and message as plain text, fields, context, a
//     button to the incident's page);
//   - discord: a Discord webhook message with one embed, and
//     allowed_mentions that mention nobody;
//   - teams: a Microsoft Teams Workflows ("Post to a channel when a
//     webhook request is received") message holding one Adaptive Card;
//   - webhook: a JSON body in the shape of Atlassian Statuspage's webhook
//     notifications ({"meta", "page", "incident"}), so that receivers
//     written for Statuspage work; its "incident" is the object the site's
//     JSON API publishes ([Page.Incident]).
//
// Every body carries the event's stable id, and every request has it in
// the X-Baton-Event-Id header: receivers deduplicate by it. A webhook
// target with a secret gets the header X-Baton-Signature-256:
// sha256=<hex HMAC-SHA256 of the exact body> ([Sign]).
//
// What a payload shows comes only from its [Message]: the audience's view
// of the incident (package view), so a public target's payload holds no
// more than the public site does. Text from the repository is escaped
// for each format: Slack's plain_text objects and &, < and > in mrkdwn;
// Discord's Markdown, and no mentions; Adaptive Card Markdown.
//
// The package prints nothing and reads no environment: the target's
// address and secret are passed in, and never appear in an error
// ([Sender.Post] redacts them).
package notify

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// Event is one thing to tell people about.
type Event struct {
	// ID is stable: "<incident-id>:<kind>", or "<incident-id>:<kind>:<n>"
	// for an event about update n (counted from 1), or "handoff:<date>".
	ID string
	// Kind is one of schema.NotifyEvents.
	Kind string
	// At is when it happened: the update's time, the start of the impact
	// for a declaration, the resolution for a postmortem.
	At time.Time
	// Incident is the audience's view of the incident (nil for a handoff).
	Incident *view.Incident
	// Update is the update the event reports, counted from 1 (0: none;
	// a declaration reports the first update when there is one).
	Update int
	// Handoff is set for a handoff event.
	Handoff *Handoff
}

// Handoff is the IMOC handoffs of a window, for the handoff event. People
// are named (names, GitHub logins): it goes to internal targets only.
type Handoff struct {
	From, To  time.Time
	Rotations []HandoffRotation
}

// HandoffRotation is one rotation's handoffs.
type HandoffRotation struct {
	// ID and Name name the rotation.
	ID, Name string
	// OnCall names who is on call at From ("nobody" for no one) and
	// Shadows the shadows ("" for none).
	OnCall, Shadows string
	// Changes are the handoffs in the window.
	Changes []HandoffChange
	// Next is the first handoff after the window, when there is none in
	// it (nil when nothing changes).
	Next *HandoffChange
}

// HandoffChange is one handoff: at At, From hands over to To.
type HandoffChange struct {
	At       time.Time
	From, To string
}

// Message is everything one payload is made of: an event as one target's
// audience sees it, and the site it belongs to.
type Message struct {
	Event    Event
	Audience view.Audience
	// SiteTitle names the organisation's status site.
	SiteTitle string
	// Link is the absolute address of the incident's page on the
	// audience's site ("" when the site has no address for this audience).
	Link string
	// Location is the zone times are shown in (the site's).
	Location *time.Location
	// Names maps a handle to how people are named ("Alice Ng"); internal
	// audience only.
	Names map[string]string
	// Now is when the message is made (the webhook's meta.generated_at).
	Now time.Time
	// Page is the Statuspage view of the audience's site at Now, for the
	// webhook kind.
	Page *Page
}

// Page is what the site's JSON API says at Now: the page's id and status,
// and the event's incident as the API publishes it.
type Page struct {
	ID, Indicator, Description string
	Incident                   json.RawMessage
}

// Payload returns the body to send to a target of kind for m.
func Payload(kind string, m Message) ([]byte, error) {
	if m.Location == nil {
		m.Location = time.UTC
	}
	if m.Event.Kind == schema.EventHandoff && m.Audience != view.Internal {
		// Handoffs name people; a public target never receives one.
		return nil, fmt.Errorf("a handoff goes to internal targets only")
	}
	if m.Event.Kind != schema.EventHandoff && m.Event.Incident == nil {
		return nil, fmt.Errorf("event %s has no incident", m.Event.ID)
	}
	var v any
	switch kind {
	case schema.NotifySlack:
		v = slackMessage(newCard(m))
	case schema.NotifyDiscord:
		v = discordMessage(newCard(m))
	case schema.NotifyTeams:
		v = teamsMessage(newCard(m))
	case schema.NotifyWebhook:
		w, err := webhookBody(m)
		if err != nil {
			return nil, err
		}
		v = w
	default:
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	return json.Marshal(v)
}
