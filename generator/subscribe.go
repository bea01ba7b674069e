package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/batonhq/baton/internal/ical"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// The ways to follow the site without visiting it: a feed per component,
// the maintenance calendar and status badges. The status page's Subscribe
// section lists them with the site's feed and JSON API.

// componentFeedPath is the Atom feed of one component's incidents and
// maintenances.
func componentFeedPath(id string) string { return "components/" + id + "/feed.xml" }

// badgePath is the badge of one component.
func badgePath(id string) string { return "badges/" + id + ".svg" }

// ownFiles reports whether component id may have files of its own
// (components/<id>/feed.xml, badges/<id>.svg): its id must be a valid id,
// which a build that ignores validation errors cannot assume, so that no
// id names a path outside its folder. (A component whose id is "status"
// has a feed but no badge of its own: badges/status.svg is the overall
// status.)
func ownFiles(id string) bool { return schema.CheckHandle(id) }

// renderComponentFeed writes the Atom feed of the incidents and
// maintenances that affect the component cv: the entries of feed.xml that
// name it, with the same ids.
func renderComponentFeed(m *model, cv *componentView) ([]byte, error) {
	var ins []*incidentView
	for _, v := range m.Incidents {
		if slices.ContainsFunc(v.Components, func(ci componentImpact) bool { return ci.ID == cv.ID }) {
			ins = append(ins, v)
		}
	}
	return renderAtom(m, atomSpec{
		path:  componentFeedPath(cv.ID),
		title: m.Site.Title + ": " + cv.Name + " incident history",
		about: cmp.Or(cv.Description, m.Site.Description),
		// A feed's last change is that of its own entries.
		updated:   latestInstant(ins, m.Updated),
		incidents: ins,
	})
}

// maintenanceStatus is the iCalendar STATUS of a maintenance: CANCELLED
// for status cancelled, otherwise CONFIRMED. This is the one place that
// maps a maintenance status to a calendar status.
func maintenanceEventStatus(status string) string {
	switch status {
	case schema.StatusCancelled:
		return "CANCELLED"
	}
	return "CONFIRMED"
}

// renderMaintenanceCalendar writes maintenance.ics: one event per
// maintenance with a window, soonest first. The UID is the maintenance's
// feed entry id, so it never changes; SEQUENCE is the number of its status
// updates, which only grows (a moved window comes with an update that says
// so, and calendar clients then take the new window); DTSTAMP is Now.
func renderMaintenanceCalendar(m *model) ([]byte, error) {
	cal := ical.Calendar{
		ProdID: "-//Baton//Maintenance calendar//EN",
		Name:   m.Site.Title + " maintenance",
		Stamp:  m.Now,
	}
	var ms []*incidentView
	for _, v := range m.Incidents {
		if v.Maintenance && v.Window != nil && !v.Window.From.IsZero() && v.Window.Until.After(v.Window.From) {
			ms = append(ms, v)
		}
	}
	slices.SortStableFunc(ms, func(a, b *incidentView) int {
		return cmp.Or(a.Window.From.Compare(b.Window.From), cmp.Compare(a.ID, b.ID))
	})
	for _, v := range ms {
		var desc strings.Builder
		if len(v.Components) > 0 {
			desc.WriteString("Affects ")
			for i, ci := range v.Components {
				if i > 0 {
					desc.WriteString(", ")
				}
				desc.WriteString(ci.Name)
			}
			desc.WriteString(".")
		}
		if v.Latest != nil && v.Latest.Message != "" {
			if desc.Len() > 0 {
				desc.WriteString("\n")
			}
			desc.WriteString(view.StatusText(v.Latest.Status) + ": " + v.Latest.Message)
		}
		e := ical.Event{
			UID:         feedID(m, "incidents/"+v.ID+"/"),
			Start:       v.Window.From,
			End:         v.Window.Until,
			Summary:     "Maintenance: " + v.Title,
			Description: desc.String(),
			Sequence:    len(v.Updates),
			Status:      maintenanceEventStatus(v.Status),
		}
		if m.Site.BaseURL != "" {
			e.URL = m.Site.BaseURL + "incidents/" + v.ID + "/"
		}
		cal.Events = append(cal.Events, e)
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// badgeColours are the fill and text colours of a badge's parts, from the
// light scheme's tokens of the stylesheet: "label" for the left part and
// each component status for the right one.
type badgeColours map[string][2]string

// tokenRE matches a colour token of the stylesheet: --name: #rrggbb.
var tokenRE = regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\b`)

// parseBadgeColours reads the colour tokens of the stylesheet's first
// :root block (the light scheme). Badges are images shown on other
// people's pages (a README, a wiki), where the page's scheme is unknown:
// the light tokens, whose text contrast is at least 4.5:1, are the safe
// choice.
func parseBadgeColours(css []byte) (badgeColours, error) {
	s := string(css)
	i := strings.Index(s, ":root {")
	if i < 0 {
		return nil, fmt.Errorf("style.css has no :root block")
	}
	block := s[i:]
	block = block[:strings.Index(block, "}")]
	tok := map[string]string{}
	for _, m := range tokenRE.FindAllStringSubmatch(block, -1) {
		tok[m[1]] = strings.ToLower(m[2])
	}
	out := badgeColours{}
	for key, name := range map[string]string{
		"label": "none", statusOperational: "ok", schema.ImpactMaintenance: "maint",
		schema.ImpactDegraded: "degraded", schema.ImpactPartial: "partial", schema.ImpactMajor: "major",
	} {
		fill, on := tok[name+"-fill"], tok[name+"-on"]
		if fill == "" || on == "" {
			return nil, fmt.Errorf("style.css has no --%s-fill and --%s-on tokens", name, name)
		}
		out[key] = [2]string{fill, on}
	}
	return out, nil
}

// renderBadge draws a flat badge: label on the left, the status in words
// on the right in the status's colours, with a <title> and role="img" so
// that it reads as one image with a text alternative.
func renderBadge(colours badgeColours, label, status string) []byte {
	value := strings.ToLower(view.StatusText(status))
	fill, ok := colours[status]
	if !ok {
		fill = colours[statusOperational]
	}
	lab := colours["label"]
	const pad = 6 // on each side of a text
	lw, vw := textWidth(label)+2*pad, textWidth(value)+2*pad
	w := lw + vw
	title := xmlEscape(label + ": " + value)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" viewBox="0 0 %d 20" role="img" aria-label="%s">`+"\n", w, w, title)
	fmt.Fprintf(&b, "<title>%s</title>\n", title)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%d" height="20" rx="3"/></clipPath>`+"\n", w)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%d" height="20" fill="%s"/><rect x="%d" width="%d" height="20" fill="%s"/></g>`+"\n", lw, lab[0], lw, vw, fill[0])
	b.WriteString(`<g text-anchor="middle" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11">` + "\n")
	fmt.Fprintf(&b, `<text x="%s" y="14" fill="%s" textLength="%d" lengthAdjust="spacingAndGlyphs">%s</text>`+"\n", half(lw), lab[1], lw-2*pad, xmlEscape(label))
	fmt.Fprintf(&b, `<text x="%s" y="14" fill="%s" textLength="%d" lengthAdjust="spacingAndGlyphs">%s</text>`+"\n", half(2*lw+vw), fill[1], vw-2*pad, xmlEscape(value))
	b.WriteString("</g>\n</svg>\n")
	return []byte(b.String())
}

// half formats n/2 with at most one decimal.
func half(n int) string {
	if n%2 == 0 {
		return strconv.Itoa(n / 2)
	}
	return strconv.Itoa(n/2) + ".5"
}

// textWidth estimates, deterministically, the width in pixels of s in
// 11 px Verdana, character by character. The text is drawn with
// textLength set to this width, so a font whose glyphs are wider or
// narrower is fitted to it rather than overflowing the badge.
func textWidth(s string) int {
	var w float64
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtf.,:;!|' ", r):
			w += 3.9
		case strings.ContainsRune("mwMW", r):
			w += 10.7
		case r >= 'A' && r <= 'Z':
			w += 7.6
		case r >= '0' && r <= '9':
			w += 7
		case r < 0x80:
			w += 6.6
		default:
			w += 8 // accented letters, other scripts: on the wide side
		}
	}
	return int(w + 0.999)
}

// absoluteHTTP says whether s is an absolute http or https URL with a host:
// the only links of site.subscribe that a page shows (validation reports
// the others).
func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
