package generator

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"

	"github.com/batonhq/baton/view"
)

// feedEntries is how many incidents the Atom feed carries.
const feedEntries = 50

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Links     []atomLink `xml:"link"`
	Summary   string     `xml:"summary"`
	Content   atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// renderFeed writes the Atom feed of the latest incidents and maintenances
// (newest first). The author is the organisation (the site title): the
// feed never names a person.
func renderFeed(m *model) ([]byte, error) {
	return renderAtom(m, atomSpec{
		path: "feed.xml", title: m.Site.Title + " incident history", about: m.Site.Description,
		updated: m.Updated, incidents: m.Incidents,
	})
}

// atomSpec is one Atom feed of the site.
type atomSpec struct {
	path, title, about string
	updated            time.Time
	incidents          []*incidentView // newest first; the first feedEntries are written
}

// feedID is the Atom id of the site path p: its absolute address, or
// without one an id of this page and audience (see pageID), so that two
// builds never share entry ids.
func feedID(m *model, p string) string {
	if m.Site.BaseURL == "" {
		return "urn:baton:" + pageID(m) + ":" + strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", ":")
	}
	return m.Site.BaseURL + p
}

// renderAtom writes an Atom feed. An incident's entry is the same in
// every feed that carries it: same id, title, dates and content.
func renderAtom(m *model, spec atomSpec) ([]byte, error) {
	base := m.Site.BaseURL
	abs := func(p string) string { return base + p }
	id := func(p string) string { return feedID(m, p) }
	f := atomFeed{
		Title: spec.title, Subtitle: spec.about,
		ID: id(spec.path), Updated: spec.updated.UTC().Format(time.RFC3339),
		Author: atomPerson{Name: m.Site.Title},
	}
	if base != "" {
		f.Links = []atomLink{{Rel: "self", Type: "application/atom+xml", Href: abs(spec.path)}, {Rel: "alternate", Type: "text/html", Href: base}}
	}
	for i, v := range spec.incidents {
		if i == feedEntries {
			break
		}
		updated := v.Start
		for _, u := range v.Updates {
			if u.At.After(updated) {
				updated = u.At
			}
		}
		if v.Resolved.After(updated) {
			updated = v.Resolved
		}
		var content strings.Builder
		for _, u := range v.Updates {
			content.WriteString("<p><strong>" + xmlEscape(view.StatusText(u.Status)) + "</strong> (" + xmlEscape(formatTime(u.At, m.Site.Loc)) + ") — " + xmlEscape(u.Message) + "</p>\n")
		}
		e := atomEntry{
			Title: v.Title, ID: id("incidents/" + v.ID + "/"),
			Published: v.Start.UTC().Format(time.RFC3339), Updated: updated.UTC().Format(time.RFC3339),
			Summary: view.ImpactText(v.Impact) + " · " + view.StatusText(v.Status),
			Content: atomText{Type: "html", Body: content.String()},
		}
		if base != "" {
			e.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: abs("incidents/" + v.ID + "/")}}
		}
		f.Entries = append(f.Entries, e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
