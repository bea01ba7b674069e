package generator

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/templates"
	"github.com/batonhq/baton/view"
)

// templateSet holds the parsed page templates and the rendered page frame.
//
// Every page is layout.html around the page's "title" and "content"
// templates, and the frame (head, navigation, footer) depends only on the
// page's depth and section. Rendering it for each of thousands of pages
// was most of the cost of a build, so execute renders the frame once per
// (root, section), noting the byte offsets at which the title and the
// content go, and for each page writes the frame's pieces around the
// page's own "title" and "content". The result is byte-identical to
// executing "layout": the offsets are taken in the escaping contexts of
// the templates they stand for (checked by the golden tests). No marker
// text is searched for in the output, so nothing a user writes (a site
// title, a description) can be mistaken for one.
type templateSet struct {
	byName map[string]*template.Template
	frame  *template.Template // layout whose "title" and "content" record their offsets

	mu     sync.Mutex
	frames map[frameKey]*frameParts
	// fragments caches the "status" and "istatus" templates by value.
	fragments sync.Map // fragmentKey → template.HTML
	// bufs holds scratch buffers: a page is rendered into one and copied
	// out at its exact size, so the site keeps no spare capacity.
	bufs sync.Pool // *bytes.Buffer
}

type fragmentKey struct{ name, a, b string }

// componentData is what the "component" template receives: a component
// of the status page, its heading level and the number of days of
// history.
type componentData struct {
	Root  string
	C     *componentView
	Level int
	Days  int
}

// fact is the data of the "fact" template.
type fact struct{ Name, Value string }

type frameKey struct{ root, section string }

// frameParts is the frame split at the title and the content.
type frameParts struct {
	once            sync.Once
	head, mid, tail string
	err             error
}

// frameSlots records, while the frame renders into out, the offsets at
// which the frame's "title" and "content" templates are executed.
type frameSlots struct {
	out            *strings.Builder
	title, content []int
}

// Title is called by the frame's "title" template: it notes how much of
// the frame has been written and adds nothing to it.
func (s *frameSlots) Title() string {
	s.title = append(s.title, s.out.Len())
	return ""
}

// Content is called by the frame's "content" template, like Title.
func (s *frameSlots) Content() string {
	s.content = append(s.content, s.out.Len())
	return ""
}

// parseTemplates parses every page template of templates.FS together with
// layout.html. Times are shown in loc.
func parseTemplates(loc *time.Location) (*templateSet, error) {
	ts := &templateSet{byName: map[string]*template.Template{}, frames: map[frameKey]*frameParts{}}
	css, err := fs.ReadFile(templates.FS, "assets/style.css")
	if err != nil {
		return nil, fmt.Errorf("parsing templates: %w", err)
	}
	funcs := template.FuncMap{
		"statusText": view.StatusText,
		"aiStatus":   actionItemStatus,
		"favicon":    favicon,
		// The site's own stylesheet, for 404.html (see layout.html).
		"stylesheet": func() template.CSS { return template.CSS(css) },
		"comp": func(p *page, c *componentView, level int) componentData {
			return componentData{p.Root, c, level, p.M.Days}
		},
		"impactText": view.ImpactText,
		"items":      incidentItems,
		"timeTag":    func(t time.Time) template.HTML { return timeTag(t, loc) },
		"duration":   metrics.FormatDuration,
		"hours":      metrics.FormatHours,
		"statusTag": func(s string) (template.HTML, error) {
			return ts.fragment(fragmentKey{"status", s, ""}, s)
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templates.FS, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("parsing templates: %w", err)
	}
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templates.FS, name)
		if err != nil {
			return nil, fmt.Errorf("parsing templates: %w", err)
		}
		for _, part := range []string{"title", "content"} {
			if t.Lookup(part) == nil {
				return nil, fmt.Errorf("parsing templates: %s does not define %q", name, part)
			}
		}
		ts.byName[name] = t
	}
	ts.frame, err = template.Must(base.Clone()).Parse(`{{define "title"}}{{.Slots.Title}}{{end}}{{define "content"}}{{.Slots.Content}}{{end}}`)
	if err != nil {
		return nil, fmt.Errorf("parsing templates: %w", err)
	}
	return ts, nil
}

// frameFor returns the frame of pages like p, rendering it on first use.
func (ts *templateSet) frameFor(p *page) (*frameParts, error) {
	k := frameKey{p.Root, p.Section}
	ts.mu.Lock()
	f := ts.frames[k]
	if f == nil {
		f = &frameParts{}
		ts.frames[k] = f
	}
	ts.mu.Unlock()
	f.once.Do(func() {
		fp := *p
		fp.Incident = nil
		var buf strings.Builder
		fp.Slots = &frameSlots{out: &buf}
		if f.err = ts.frame.ExecuteTemplate(&buf, "layout", &fp); f.err != nil {
			return
		}
		s, sl := buf.String(), fp.Slots
		if len(sl.title) != 1 || len(sl.content) != 1 || sl.title[0] > sl.content[0] {
			f.err = fmt.Errorf("layout.html must use the templates \"title\" and \"content\" exactly once each, in that order")
			return
		}
		f.head, f.mid, f.tail = s[:sl.title[0]], s[sl.title[0]:sl.content[0]], s[sl.content[0]:]
	})
	return f, f.err
}

// execute renders the page template name for p.
func (ts *templateSet) execute(name string, p *page) ([]byte, error) {
	t := ts.byName[name]
	if t == nil {
		return nil, fmt.Errorf("no template %s", name)
	}
	f, err := ts.frameFor(p)
	if err != nil {
		return nil, err
	}
	buf, _ := ts.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer ts.bufs.Put(buf)
	buf.Reset()
	buf.WriteString(f.head)
	if err := t.ExecuteTemplate(buf, "title", p); err != nil {
		return nil, err
	}
	buf.WriteString(f.mid)
	if err := t.ExecuteTemplate(buf, "content", p); err != nil {
		return nil, err
	}
	buf.WriteString(f.tail)
	return bytes.Clone(buf.Bytes()), nil
}

// fragment renders the shared template k.name for data once per key.
// Statuses have a handful of values, so thousands of pages share a few
// renderings instead of executing the template (and its escapers) each time.
func (ts *templateSet) fragment(k fragmentKey, data any) (template.HTML, error) {
	if h, ok := ts.fragments.Load(k); ok {
		return h.(template.HTML), nil
	}
	var buf strings.Builder
	if err := ts.frame.ExecuteTemplate(&buf, k.name, data); err != nil {
		return "", err
	}
	h := template.HTML(buf.String()) // produced by html/template
	ts.fragments.Store(k, h)
	return h, nil
}

// timeTag is the markup of an instant: a <time> element with the instant
// in RFC 3339 (UTC) for machines and formatTime's text for people, which
// site.js may replace with the reader's local time. It is written here
// rather than as a template because pages show tens of thousands of
// instants and executing a template for each was a large part of a build.
// Both strings are escaped, although neither can contain markup.
func timeTag(t time.Time, loc *time.Location) template.HTML {
	return template.HTML(`<time datetime="` + html.EscapeString(t.UTC().Format(time.RFC3339)) + `" data-local>` +
		html.EscapeString(formatTime(t, loc)) + `</time>`)
}

// incidentItems is the markup of incidents as the rows of a list (the
// history, the recent incidents) on a page whose root is root. Rows are
// put together from pieces prepareView computed, since a history page
// shows hundreds of them and executing a template for each was most of
// the cost of the history.
func incidentItems(root string, vs []*incidentView) template.HTML {
	var b strings.Builder
	r := html.EscapeString(root)
	for _, v := range vs {
		b.WriteString(v.itemHead)
		b.WriteString(r)
		b.WriteString(v.itemTail)
	}
	return template.HTML(b.String()) // escaped pieces (see prepareView)
}

// prepareView computes the display values of an incident view: the
// impact in words, the status badge, and the instants as <time> elements.
func (ts *templateSet) prepareView(v *incidentView, loc *time.Location) error {
	v.ImpactText = view.ImpactText(v.Impact)
	// A maintenance shows its scheduled window; "Started" appears only
	// once it records when the work really began (started:), not its
	// declaration, which comes days before an upcoming window.
	if !v.Start.IsZero() && !(v.Maintenance && v.src.Started.IsZero()) {
		v.StartHTML = timeTag(v.Start, loc)
	}
	if !v.Resolved.IsZero() {
		v.ResolvedHTML = timeTag(v.Resolved, loc)
	}
	v.Timeline = make([]updateView, len(v.Updates))
	for j, u := range v.Updates {
		v.Timeline[j] = updateView{StatusText: view.StatusText(u.Status), Class: updateClass(u.Status), Message: u.Message, When: timeTag(u.At, loc)}
	}
	var err error
	v.StatusHTML, err = ts.fragment(fragmentKey{"istatus", v.StatusClass, v.Status},
		struct{ StatusClass, Status string }{v.StatusClass, v.Status})
	if err != nil {
		return err
	}
	meta := v.ImpactText
	if v.Maintenance {
		meta = "Scheduled maintenance"
	}
	if v.MetaHTML, err = ts.fragment(fragmentKey{"incident-meta", meta, string(v.StatusHTML)},
		struct {
			Text, Icon string
			Status     template.HTML
		}{meta, impactIcon(v.Impact), v.StatusHTML}); err != nil {
		return err
	}
	// The row of incidentItems: a link to the incident, its impact, status,
	// start (a maintenance's window) and duration ("so far" while open).
	var b strings.Builder
	b.WriteString(`<span class="meta"><span class="impact">` + html.EscapeString(v.ImpactText) + `</span><span>` + string(v.StatusHTML) + `</span>`)
	switch {
	case v.Maintenance && v.Window != nil:
		b.WriteString(`<span>` + string(timeTag(v.Window.From, loc)) + `</span>`)
	case !v.Maintenance && v.StartHTML != "":
		b.WriteString(`<span>` + string(v.StartHTML) + `</span>`)
	}
	if v.Duration != "" {
		b.WriteString(`<span>` + html.EscapeString(v.Duration))
		if v.Ongoing {
			b.WriteString(" so far")
		}
		b.WriteString(`</span>`)
	}
	b.WriteString("</span>\n</li>\n")
	v.itemHead = "\n" + `<li class="incident-item impact-` + html.EscapeString(v.Impact) + `">` + "\n" + `<a href="`
	v.itemTail = html.EscapeString((&url.URL{Path: v.Link}).EscapedPath()) + `">` + template.HTMLEscapeString(v.Title) + "</a>\n" + b.String()
	b.Reset()
	for _, ci := range v.Components {
		h, err := ts.fragment(fragmentKey{"component-impact", ci.Name, ci.Impact}, ci)
		if err != nil {
			return err
		}
		b.WriteString(string(h))
	}
	v.ComponentsHTML = template.HTML(b.String()) // html/template fragments
	if iv := v.Internal; iv != nil {
		b.Reset()
		for _, f := range []fact{{"Severity", iv.Severity}, {"Visibility", iv.Visibility}, {"Rotation", iv.Rotation}, {"IMOC", iv.IMOC}, {"Owner", iv.Owner}} {
			if f.Value == "" && f.Name != "Visibility" {
				continue
			}
			if f.Name == "Visibility" {
				b.WriteString("\n")
			}
			if err := ts.writeFact(&b, f); err != nil {
				return err
			}
		}
		iv.Roles = template.HTML(b.String()) // html/template fragments
		for i, t := range iv.Times {
			iv.Times[i].When = timeTag(t.At, loc)
		}
	}
	if pv := v.Postmortem; pv != nil {
		b.Reset()
		for _, f := range []fact{{"Authors", strings.Join(pv.Authors, ", ")}, {"Reviewers", strings.Join(pv.Reviewers, ", ")}} {
			if f.Value == "" {
				continue
			}
			if err := ts.writeFact(&b, f); err != nil {
				return err
			}
		}
		pv.People = template.HTML(b.String()) // html/template fragments
		if !pv.ApprovedAt.IsZero() {
			pv.ApprovedHTML = timeTag(pv.ApprovedAt, loc)
		}
	}
	return nil
}

// writeFact writes the "fact" row of f.
func (ts *templateSet) writeFact(b *strings.Builder, f fact) error {
	h, err := ts.fragment(fragmentKey{"fact", f.Name, f.Value}, f)
	b.WriteString(string(h))
	return err
}

// headingTag matches the opening and closing tags of headings.
var headingTag = regexp.MustCompile(`<(/?)h([1-6])\b`)

// demoteHeadings shifts the headings of rendered Markdown down so that the
// highest of them is at level top (none goes below h6): a narrative under
// the page's own h2 "Narrative" starts at h3, whatever level its author
// began with. The Markdown renderer escapes every "<" of text, so the only
// "<hN" and "</hN" in its output are its headings' tags.
func demoteHeadings(h template.HTML, top int) template.HTML {
	s := string(h)
	if !strings.Contains(s, "<h") {
		return h
	}
	highest := 7
	for _, m := range headingTag.FindAllStringSubmatch(s, -1) {
		highest = min(highest, int(m[2][0]-'0'))
	}
	if highest >= top {
		return h
	}
	shift := top - highest
	return template.HTML(headingTag.ReplaceAllStringFunc(s, func(tag string) string {
		m := headingTag.FindStringSubmatch(tag)
		return "<" + m[1] + "h" + strconv.Itoa(min(6, int(m[2][0]-'0')+shift))
	}))
}
