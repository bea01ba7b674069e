package notify

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// card is what every chat format shows, as plain text: each format
// escapes it in its own way.
type card struct {
	// Title is the headline: "Resolved: Checkout errors".
	Title string
	// Lead is the impact and the status: "Major impact · Resolved".
	Lead string
	// Text is the update's message, the postmortem's summary or the
	// handoffs.
	Text string
	// Facts are labelled values: status, components, times, roles.
	Facts []fact
	// Link is the incident's (or postmortem's) page; LinkText the words
	// of the button.
	Link, LinkText string
	// Colour is the state's colour, #rrggbb.
	Colour string
	// Footer names the site and the event.
	Footer string
	// When is the event's instant.
	When time.Time
}

type fact struct{ Name, Value string }

// The colours of states: the site's fill tokens (light scheme).
const (
	colourMajor       = "#cf222e"
	colourPartial     = "#bc4c00"
	colourDegraded    = "#d4a72c"
	colourNone        = "#59636e"
	colourMaintenance = "#0969da"
	colourResolved    = "#1a7f37"
)

// newCard lays out m's event as a card.
func newCard(m Message) card {
	ev := m.Event
	c := card{When: ev.At, Footer: m.SiteTitle + " · " + ev.ID}
	if ev.Kind == schema.EventHandoff {
		return handoffCard(m, c)
	}
	in := ev.Incident
	var u *view.Update
	if ev.Update > 0 && ev.Update <= len(in.Updates) {
		u = &in.Updates[ev.Update-1]
	}
	status := in.Status
	if u != nil {
		status = u.Status
	}
	switch ev.Kind {
	case schema.EventDeclared:
		c.Title = "Incident: " + in.Title
	case schema.EventUpdated:
		c.Title = "Update: " + in.Title
	case schema.EventResolved:
		c.Title = "Resolved: " + in.Title
	case schema.EventPostmortem:
		c.Title = "Postmortem: " + in.Title
		status = in.Status
	case schema.EventMaintenance:
		switch {
		case ev.Update <= 1:
			// The announcement (later updates are counted from 2).
			c.Title = "Maintenance scheduled: " + in.Title
		case status == schema.StatusInProgress || status == schema.StatusCompleted || status == schema.StatusCancelled:
			c.Title = "Maintenance " + strings.ToLower(view.StatusText(status)) + ": " + in.Title
		default:
			c.Title = "Maintenance update: " + in.Title
		}
	}
	c.Lead = view.ImpactText(in.Impact) + " · " + view.StatusText(status)
	if in.Maintenance {
		c.Lead = "Maintenance · " + view.StatusText(status)
	}
	switch {
	case ev.Kind == schema.EventPostmortem && in.Postmortem != nil:
		c.Text = in.Postmortem.Summary
	case u != nil:
		c.Text = u.Message
	}

	c.Colour = stateColour(in, status)
	c.Facts = append(c.Facts, fact{"Status", view.StatusText(status)})
	if len(in.Components) > 0 {
		var parts []string
		for _, ci := range in.Components {
			parts = append(parts, ci.Name+" ("+strings.ToLower(view.StatusText(ci.Impact))+")")
		}
		c.Facts = append(c.Facts, fact{"Affects", strings.Join(parts, ", ")})
	}
	switch {
	case in.Maintenance && in.Window != nil:
		c.Facts = append(c.Facts, fact{"Window", formatTime(in.Window.From, m.Location) + " to " + formatTime(in.Window.Until, m.Location)})
	case !in.Start.IsZero():
		c.Facts = append(c.Facts, fact{"Started", formatTime(in.Start, m.Location)})
	}
	// An event shows the incident as of its update: a declaration sent
	// after the incident ended does not say "resolved" beside
	// "investigating".
	if !in.Resolved.IsZero() && in.IsResolved() && (ev.Kind == schema.EventResolved || ev.Kind == schema.EventPostmortem) {
		c.Facts = append(c.Facts, fact{"Resolved", formatTime(in.Resolved, m.Location)})
	}
	if d := in.Internal; d != nil {
		// Roles: internal targets only (the view has none otherwise).
		if d.Severity != "" {
			sev := d.Severity
			if d.SeverityName != "" {
				sev += " (" + d.SeverityName + ")"
			}
			c.Facts = append(c.Facts, fact{"Severity", sev})
		}
		for _, r := range []fact{{"IMOC", d.IMOC}, {"Owner", d.Owner}} {
			if r.Value != "" {
				c.Facts = append(c.Facts, fact{r.Name, name(m, r.Value)})
			}
		}
		if d.Visibility != schema.Public {
			c.Facts = append(c.Facts, fact{"Visibility", "internal: not on the public site"})
		}
	}
	if m.Link != "" {
		c.Link, c.LinkText = m.Link, "View incident"
		if in.Maintenance {
			c.LinkText = "View maintenance"
		}
		if ev.Kind == schema.EventPostmortem {
			c.Link, c.LinkText = m.Link+"postmortem/", "Read the postmortem"
		}
	}
	return c
}

// handoffCard lays out the handoffs of m's event.
func handoffCard(m Message, c card) card {
	h := m.Event.Handoff
	c.Colour = colourMaintenance
	if h == nil {
		c.Title = "IMOC handoffs"
		return c
	}
	c.Title = "IMOC handoffs from " + formatTime(h.From, m.Location) + " to " + formatTime(h.To, m.Location)
	c.Lead = "IMOC rotation"
	var lines []string
	for _, r := range h.Rotations {
		name := cmpOr(r.Name, r.ID)
		line := name + ": " + r.OnCall + " on call now"
		if r.Shadows != "" {
			line += ", shadowed by " + r.Shadows
		}
		line += "."
		for _, ch := range r.Changes {
			line += "\n" + formatTime(ch.At, m.Location) + ": " + ch.From + " → " + ch.To + "."
		}
		if len(r.Changes) == 0 {
			line += " No handoff in this window."
			if r.Next != nil {
				line += " Next: " + formatTime(r.Next.At, m.Location) + " to " + r.Next.To + "."
			}
		}
		lines = append(lines, line)
	}
	c.Text = strings.Join(lines, "\n\n")
	return c
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// name is how m names the person with handle h.
func name(m Message, h string) string {
	if n := m.Names[h]; n != "" {
		return n
	}
	return h
}

// stateColour is the colour of an incident in a status.
func stateColour(in *view.Incident, status string) string {
	switch {
	case status == schema.StatusResolved || status == schema.StatusCompleted:
		return colourResolved
	case in.Maintenance:
		return colourMaintenance
	}
	switch in.Impact {
	case "critical":
		return colourMajor
	case "major":
		return colourPartial
	case "minor":
		return colourDegraded
	}
	return colourNone
}

// formatTime shows an instant in loc, naming the zone, as the site does:
// "Fri 20 Nov 2026, 14:03 UTC".
func formatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

// cut shortens s to at most n characters (runes), ending with "…" when it
// was longer, and never inside a character.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cutBytes shortens s to at most n bytes, ending with "…" when it was
// longer, never inside a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
