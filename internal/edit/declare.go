package edit

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Declaration is what `baton declare` knows about a new incident.
type Declaration struct {
	Title    string
	Severity string
	// Owner is the handle of the person who owns the incident.
	Owner string
	// Rotation names the IMOC rotation; empty means the repository default.
	Rotation string
	// Visibility is public or internal (default internal).
	Visibility string
	// Components are the affected components with their impact.
	Components []Component
	// Status is the first status (default investigating) and Message the
	// first public update (default: a generic "investigating" sentence).
	Status, Message string
	// Started and Detected are optional earlier instants.
	Started, Detected time.Time
	// At is the declaration instant: `declared`, the first update, and the
	// instant at which the IMOC and shadows on call are looked up.
	At time.Time
	// Taken reports whether an incident id is in use even though the
	// loaded repository does not show it (a folder that failed to parse).
	// Optional.
	Taken func(id string) bool
}

// Component is one affected component and its impact.
type Component struct {
	ID, Impact string
}

// DefaultMessage is the first public update when none is given.
const DefaultMessage = "We are investigating this issue and will post an update as soon as we know more."

// Declare creates incidents/<YYYY>/<id>/incident.md. The id is the
// declaration date (in the site's time zone) and a slug of the title, made
// unique. The IMOC and shadows on call at d.At on the incident's rotation
// are attached. Declaring an open incident with the same title on the same
// day again returns that incident and no files.
func Declare(repo *schema.Repo, d Declaration) (*Result, error) {
	c := repo.Config
	if strings.TrimSpace(d.Title) == "" {
		return nil, errorf("describe the symptom customers see, e.g. --title \"Elevated checkout errors in EU\"", "the title is empty")
	}
	d.Title = strings.Join(strings.Fields(d.Title), " ")
	if d.At.IsZero() {
		return nil, errorf("", "the declaration time is not set")
	}
	sev, _ := c.Severity(d.Severity)
	if sev == nil {
		return nil, errorf("use one of "+strings.Join(severityIDs(c), ", "), "severity %q is not defined in baton.yaml", d.Severity)
	}
	if d.Visibility == "" {
		d.Visibility = schema.Internal
	}
	if d.Visibility != schema.Public && d.Visibility != schema.Internal {
		return nil, errorf("use public or internal", "visibility %q is not valid", d.Visibility)
	}
	if d.Status == "" {
		d.Status = schema.StatusInvestigating
	}
	if !slices.Contains(schema.IncidentStatuses, d.Status) || d.Status == schema.StatusResolved {
		return nil, errorf("declare with investigating, identified or monitoring; resolve with `baton update ID --status resolved`", "status %q cannot start an incident", d.Status)
	}
	if d.Message == "" {
		d.Message = DefaultMessage
	}
	if d.Owner == "" {
		return nil, errorf("pass --owner HANDLE: the person most able to fix it", "the incident needs an owner")
	}
	if repo.Person(d.Owner) == nil {
		return nil, errorf("owners are handles from people.yaml", "%s is not in people.yaml", d.Owner)
	}
	seen := map[string]bool{}
	for _, ci := range d.Components {
		if c.Component(ci.ID) == nil {
			ids := make([]string, len(c.Components))
			for i, comp := range c.Components {
				ids[i] = comp.ID
			}
			return nil, errorf("components are the ids listed in baton.yaml: "+strings.Join(ids, ", "), "component %q is not defined in baton.yaml", ci.ID)
		}
		if !slices.Contains(schema.Impacts, ci.Impact) || ci.Impact == schema.ImpactMaintenance {
			return nil, errorf("impact is degraded_performance, partial_outage or major_outage", "impact %q of %s is not valid", ci.Impact, ci.ID)
		}
		if seen[ci.ID] {
			return nil, errorf("list each component once, with its worst impact", "component %s is given twice", ci.ID)
		}
		seen[ci.ID] = true
	}
	for _, t := range []struct {
		name string
		t    time.Time
	}{{"started", d.Started}, {"detected", d.Detected}} {
		if t.t.After(d.At) {
			return nil, errorf("times run started ≤ detected ≤ declared", "%s (%s) is after the declaration (%s)", t.name, stamp(t.t), stamp(d.At))
		}
	}
	if !d.Started.IsZero() && !d.Detected.IsZero() && d.Detected.Before(d.Started) {
		return nil, errorf("times run started ≤ detected ≤ declared", "detected is before started")
	}

	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	date := d.At.In(loc).Format("2006-01-02")
	for _, in := range repo.Incidents {
		if in.Title == d.Title && strings.HasPrefix(in.ID, date+"-") && !in.IsResolved() {
			return &Result{ID: in.ID, Notes: []string{fmt.Sprintf("incident %s with this title was already declared today; nothing new was created", in.ID)}}, nil
		}
	}
	id := uniqueID(date, slug(d.Title), func(id string) bool {
		return repo.Incident(id) != nil || (d.Taken != nil && d.Taken(id))
	})

	res := &Result{ID: id}
	rotID := d.Rotation
	if rotID == "" {
		rotID = c.Rotations.Default
	}
	var imoc string
	var shadows []string
	rot := repo.Rotation(rotID)
	switch {
	case rotID == "":
		res.Notes = append(res.Notes, "no rotation is configured (rotations.default in baton.yaml), so no IMOC was attached")
	case rot == nil:
		if d.Rotation != "" {
			return nil, errorf("rotations are the files in rotations/, without .yaml", "rotation %q does not exist", d.Rotation)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("the default rotation %s has no file in rotations/, so no IMOC was attached", rotID))
	default:
		st := oncall.At(rot, d.At)
		for _, h := range st.IMOC {
			if h != d.Owner && repo.Person(h).Qualified() {
				imoc = h
				break
			}
		}
		if imoc == "" {
			if slices.Contains(st.IMOC, d.Owner) {
				return nil, errorf("the IMOC owns the process and the owner owns the incident: pass --owner with someone else, or add an override to "+rot.Path+" so another IMOC takes over",
					"%s is the IMOC on call on %s and cannot also own the incident", d.Owner, rotID)
			}
			res.Notes = append(res.Notes, fmt.Sprintf("nobody is on call on %s at %s: no IMOC was attached; add imoc: to the incident by hand", rotID, stamp(d.At)))
		}
		for _, h := range st.Shadows {
			if h != d.Owner && h != imoc {
				shadows = append(shadows, h)
			}
		}
	}

	fm := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) *yaml.Node {
		k := &yaml.Node{Kind: yaml.ScalarNode, Value: key}
		fm.Content = append(fm.Content, k, v)
		return v
	}
	add("title", str(d.Title))
	add("type", str(schema.TypeIncident))
	add("severity", str(sev.ID)).LineComment = sev.Name
	add("status", str(d.Status))
	add("visibility", str(d.Visibility))
	if d.Rotation != "" {
		add("rotation", str(d.Rotation))
	}
	if imoc != "" {
		add("imoc", str(imoc)).LineComment = fmt.Sprintf("on call on %s when declared", rotID)
	}
	add("owner", str(d.Owner))
	if len(shadows) > 0 {
		add("shadows", strSeq(shadows))
	}
	if len(d.Components) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, ci := range d.Components {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
				str("id"), str(ci.ID), str("impact"), str(ci.Impact),
			}})
		}
		add("components", seq)
	}
	if !d.Started.IsZero() {
		add("started", timestamp(d.Started))
	}
	if !d.Detected.IsZero() {
		add("detected", timestamp(d.Detected))
	}
	add("declared", timestamp(d.At))
	add("updates", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{updateNode(d.At, d.Status, d.Message)}})

	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("rendering the front matter: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rendering the front matter: %w", err)
	}
	b.WriteString("---\n")
	b.WriteString(declareBody(d, sev, imoc, loc))
	p := path.Join(schema.IncidentsDir, id[:4], id, schema.IncidentFile)
	if _, ps := schema.ParseIncident(p, b.Bytes()); ps.HasErrors() {
		return nil, fmt.Errorf("the new incident does not parse: %v", ps[0])
	}
	res.Files = []File{{Path: p, Data: b.Bytes()}}
	return res, nil
}

// declareBody is the internal narrative a new incident starts with.
func declareBody(d Declaration, sev *schema.Severity, imoc string, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("\n## What we know\n\n")
	b.WriteString("Symptoms, dashboards, logs and the current understanding. This narrative is\n")
	b.WriteString("internal; the public status updates are the `updates` in the front matter\n")
	b.WriteString("(add one with `baton update`).\n\n")
	b.WriteString("## What we are doing\n\n")
	who := "no IMOC attached"
	if imoc != "" {
		who = "IMOC " + imoc
	}
	fmt.Fprintf(&b, "- %s Declared %s (%s), %s, owner %s.\n",
		d.At.In(loc).Format("2006-01-02 15:04 MST"), sev.ID, sev.Name, who, d.Owner)
	return b.String()
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func timestamp(t time.Time) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: stamp(t)}
}

func strSeq(xs []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, x := range xs {
		n.Content = append(n.Content, str(x))
	}
	return n
}

func updateNode(at time.Time, status, message string) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "at"}, timestamp(at),
		{Kind: yaml.ScalarNode, Value: "status"}, str(status),
		{Kind: yaml.ScalarNode, Value: "message"}, str(message),
	}}
}

func severityIDs(c *schema.Config) []string {
	var ids []string
	for _, s := range c.Severities {
		ids = append(ids, s.ID)
	}
	return ids
}

// maxSlug is the longest slug an id may have (SPEC S1).
const maxSlug = 60

// slug turns a title into lower-case ASCII words joined by single hyphens,
// at most maxSlug characters, cut at a word boundary. Accents are dropped
// ("Tomás" → "tomas").
func slug(title string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range norm.NFKD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			w.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			flush()
		}
	}
	flush()
	s := ""
	for _, word := range words {
		next := word
		if s != "" {
			next = s + "-" + word
		}
		if len(next) > maxSlug {
			if s == "" {
				s = word[:maxSlug]
			}
			break
		}
		s = next
	}
	if len(s) < 3 {
		s = strings.Trim("incident-"+s, "-")
	}
	return s
}

// uniqueID returns date-slug, or date-slug-2, -3, … when taken.
func uniqueID(date, s string, taken func(string) bool) string {
	id := date + "-" + s
	for n := 2; taken(id); n++ {
		suffix := fmt.Sprintf("-%d", n)
		base := s
		if len(base)+len(suffix) > maxSlug {
			base = strings.TrimRight(base[:maxSlug-len(suffix)], "-")
		}
		id = date + "-" + base + suffix
	}
	return id
}
