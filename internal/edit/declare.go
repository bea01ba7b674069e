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

// Declaration is what `baton declare` knows about a new incident or
// maintenance.
type Declaration struct {
	Title string
	// Type is incident (the default) or maintenance.
	Type string
	// Severity is a severity id, matched without regard to case ("sev2"
	// is SEV2). Required for incidents, optional for maintenances.
	Severity string
	// Owner is the handle of the person who owns the incident.
	Owner string
	// Rotation names the IMOC rotation; empty means the one [ChooseRotation]
	// picks from the components and baton.yaml.
	Rotation string
	// Visibility is public or internal; empty means declare.visibility
	// from baton.yaml, else internal for an incident and public for a
	// maintenance (maintenances are announcements).
	Visibility string
	// Components are the affected components with their impact. A
	// maintenance's components may leave Impact empty: under_maintenance.
	Components []Component
	// Status is the first status (default investigating, or scheduled for
	// a maintenance) and Message the first public update (default: a
	// generic sentence for the status).
	Status, Message string
	// Started and Detected are optional earlier instants.
	Started, Detected time.Time
	// Window is a maintenance's announced window; required for a
	// maintenance, refused for an incident.
	Window *Window
	// At is the declaration instant: `declared` and the first update. The
	// IMOC and shadows on call at that instant are attached (for a
	// maintenance: at the start of its window, if that is later).
	At time.Time
	// Taken reports whether an incident id is in use even though the
	// loaded repository does not show it (a folder that failed to parse).
	// Optional.
	Taken func(id string) bool
}

// Window is the announced window [From, Until) of a maintenance.
type Window struct {
	From, Until time.Time
}

// Component is one affected component and its impact.
type Component struct {
	ID, Impact string
}

// DefaultMessage is the first public update of an incident when none is
// given.
const DefaultMessage = "We are investigating this issue and will post an update as soon as we know more."

// DefaultMaintenanceMessage is the update of a maintenance moving to
// status when none is given, as Statuspage words them. It is "" for
// statuses that have no default (the incident statuses).
func DefaultMaintenanceMessage(status string, w *Window, loc *time.Location) string {
	switch status {
	case schema.StatusScheduled:
		if w == nil {
			return ""
		}
		return "Scheduled maintenance from " + windowText(w, loc) + "."
	case schema.StatusInProgress:
		return "Scheduled maintenance is currently in progress. We will provide updates as necessary."
	case schema.StatusVerifying:
		return "Verification is currently underway for the maintenance items."
	case schema.StatusCompleted:
		return "The scheduled maintenance has been completed."
	case schema.StatusCancelled:
		return "This scheduled maintenance has been cancelled."
	}
	return ""
}

// windowText is "2026-12-01 02:00 to 04:00 UTC", or with both dates when
// the window spans days.
func windowText(w *Window, loc *time.Location) string {
	from, until := w.From.In(loc), w.Until.In(loc)
	if from.Format("2006-01-02") == until.Format("2006-01-02") {
		return from.Format("2006-01-02 15:04") + " to " + until.Format("15:04 MST")
	}
	return from.Format("2006-01-02 15:04 MST") + " to " + until.Format("2006-01-02 15:04 MST")
}

// RotationChoice is the rotation an incident gets and why.
type RotationChoice struct {
	// ID is the rotation's id; "" when baton.yaml names no default and
	// nothing else applies.
	ID string
	// Why explains the choice for people: "given with --rotation", "the
	// rotation of checkout (major_outage)", "the default rotation".
	Why string
	// Component is the component whose rotation was chosen, if any.
	Component string
}

// ChooseRotation picks the IMOC rotation of a new incident: rotation when
// it is given; else the rotation responsible for the most affected
// component (the most severe impact; on a tie the lower tier number, then
// the first listed), which is the component's own rotation or its group's
// (rotations.groups); else rotations.default.
func ChooseRotation(c *schema.Config, rotation string, comps []Component) RotationChoice {
	if rotation != "" {
		return RotationChoice{ID: rotation, Why: "given with --rotation"}
	}
	var best *schema.Component
	bestImpact := ""
	for _, ci := range comps {
		comp := c.Component(ci.ID)
		if comp == nil {
			continue
		}
		if best == nil || moreAffected(ci.Impact, comp.Tier, bestImpact, best.Tier) {
			best, bestImpact = comp, ci.Impact
		}
	}
	if best != nil {
		if id, from := c.ComponentRotation(best); id != "" {
			why := fmt.Sprintf("the rotation of %s (%s)", best.ID, bestImpact)
			if from == "group" {
				why = fmt.Sprintf("the rotation of the group %s, for %s (%s)", best.Group, best.ID, bestImpact)
			}
			if len(comps) > 1 {
				why += ", the most affected component"
			}
			return RotationChoice{ID: id, Why: why, Component: best.ID}
		}
	}
	if c.Rotations.Default == "" {
		return RotationChoice{}
	}
	return RotationChoice{ID: c.Rotations.Default, Why: "the default rotation (rotations.default in baton.yaml)"}
}

// moreAffected reports whether impact a on a component of tier ta is worse
// than impact b on tier tb: a more severe impact, or the same impact on a
// more critical tier (a missing tier counts as the least critical).
func moreAffected(a string, ta int, b string, tb int) bool {
	ra, rb := slices.Index(schema.Impacts, a), slices.Index(schema.Impacts, b)
	// schema.Impacts runs from degraded to major, then under_maintenance:
	// rank under_maintenance lowest.
	rank := func(i int, s string) int {
		if s == schema.ImpactMaintenance {
			return -1
		}
		return i
	}
	ra, rb = rank(ra, a), rank(rb, b)
	if ra != rb {
		return ra > rb
	}
	tier := func(t int) int {
		if t == 0 {
			return 99
		}
		return t
	}
	return tier(ta) < tier(tb)
}

// visibility returns the visibility a declaration gets: d.Visibility, else
// declare.visibility from baton.yaml, else internal for an incident and
// public for a maintenance.
func (d Declaration) visibility(c *schema.Config) string {
	switch {
	case d.Visibility != "":
		return strings.ToLower(d.Visibility)
	case c.Declare.Visibility != "":
		return c.Declare.Visibility
	case d.Type == schema.TypeMaintenance:
		return schema.Public
	}
	return schema.Internal
}

// Declare creates incidents/<YYYY>/<id>/incident.md. The id is the
// declaration date (in the site's time zone; for a maintenance, the date
// its window starts) and a slug of the title, made unique. The IMOC and
// shadows on call on the incident's rotation ([ChooseRotation]) are
// attached. Declaring an open incident with the same title on the same
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
	if d.Type == "" {
		d.Type = schema.TypeIncident
	}
	maint := d.Type == schema.TypeMaintenance
	switch {
	case d.Type != schema.TypeIncident && !maint:
		return nil, errorf(oneOfHint(d.Type, []string{schema.TypeIncident, schema.TypeMaintenance}), "type %q is not incident or maintenance", d.Type)
	case maint && d.Window == nil:
		return nil, errorf("give its window: --scheduled 2026-12-01T02:00:00Z/2026-12-01T04:00:00Z", "a maintenance needs its scheduled window")
	case maint && !d.Window.Until.After(d.Window.From):
		return nil, errorf("write --scheduled FROM/UNTIL with UNTIL after FROM", "the maintenance window ends (%s) before it starts (%s)", stamp(d.Window.Until), stamp(d.Window.From))
	case !maint && d.Window != nil:
		return nil, errorf("add --type maintenance to schedule a maintenance", "only a maintenance has a scheduled window")
	}
	var sev *schema.Severity
	if d.Severity != "" || !maint {
		if sev, _ = c.SeverityFold(d.Severity); sev == nil {
			return nil, errorf(oneOfHint(d.Severity, severityIDs(c)), "severity %q is not defined in baton.yaml", d.Severity)
		}
	}
	vis := d.visibility(c)
	if vis != schema.Public && vis != schema.Internal {
		return nil, errorf(oneOfHint(vis, []string{schema.Public, schema.Internal}), "visibility %q is not public or internal", d.Visibility)
	}
	d.Visibility = vis
	statuses := []string{schema.StatusInvestigating, schema.StatusIdentified, schema.StatusMonitoring}
	statusHint := "declare with investigating, identified or monitoring; resolve with `baton update ID --status resolved`"
	if maint {
		statuses = []string{schema.StatusScheduled, schema.StatusInProgress}
		statusHint = "schedule with scheduled (the default) or in_progress; end it with `baton update ID --status completed` or cancelled"
	}
	if d.Status == "" {
		d.Status = statuses[0]
	}
	d.Status = strings.ToLower(d.Status)
	if !slices.Contains(statuses, d.Status) {
		if s := schema.Suggest(d.Status, statuses); s != "" {
			statusHint = fmt.Sprintf("did you mean %s? %s", s, statusHint)
		}
		return nil, errorf(statusHint, "status %q cannot start %s", d.Status, article(d.Type))
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	if d.Message == "" {
		d.Message = DefaultMessage
		if maint {
			d.Message = DefaultMaintenanceMessage(d.Status, d.Window, loc)
		}
	}
	if d.Owner == "" {
		return nil, errorf("pass --owner HANDLE: the person most able to fix it", "the incident needs an owner")
	}
	if repo.Person(d.Owner) == nil {
		return nil, errorf(oneOfHint(d.Owner, personHandles(repo)), "%s is not in people.yaml", d.Owner)
	}
	seen := map[string]bool{}
	impacts := []string{schema.ImpactDegraded, schema.ImpactPartial, schema.ImpactMajor}
	if maint {
		impacts = append(impacts, schema.ImpactMaintenance)
	}
	for i := range d.Components {
		ci := &d.Components[i]
		if c.Component(ci.ID) == nil {
			return nil, errorf(oneOfHint(ci.ID, componentIDs(c)), "component %q is not defined in baton.yaml", ci.ID)
		}
		ci.Impact = strings.ToLower(ci.Impact)
		if ci.Impact == "" && maint {
			ci.Impact = schema.ImpactMaintenance
		}
		if !slices.Contains(impacts, ci.Impact) {
			hint := oneOfHint(ci.Impact, impacts)
			if ci.Impact == schema.ImpactMaintenance {
				hint = "under_maintenance is for planned work: declare it with --type maintenance"
			}
			return nil, errorf(hint, "impact %q of %s is not valid", ci.Impact, ci.ID)
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

	day, onCallAt := d.At, d.At
	if maint {
		day = d.Window.From
		if d.Window.From.After(d.At) {
			onCallAt = d.Window.From
		}
	}
	date := day.In(loc).Format("2006-01-02")
	for _, in := range repo.Incidents {
		if in.Title == d.Title && in.Type == d.Type && strings.HasPrefix(in.ID, date+"-") && !in.IsResolved() {
			note := fmt.Sprintf("incident %s with this title was already declared today; nothing new was created", in.ID)
			if maint {
				note = fmt.Sprintf("maintenance %s with this title is already scheduled that day; nothing new was created", in.ID)
			}
			return &Result{ID: in.ID, Notes: []string{note}}, nil
		}
	}
	id := uniqueID(date, slug(d.Title), func(id string) bool {
		return repo.Incident(id) != nil || (d.Taken != nil && d.Taken(id))
	})

	res := &Result{ID: id}
	choice := ChooseRotation(c, d.Rotation, d.Components)
	rotID := choice.ID
	var imoc string
	var shadows []string
	rot := repo.Rotation(rotID)
	switch {
	case rotID == "":
		res.Notes = append(res.Notes, "no rotation is configured (rotations.default in baton.yaml), so no IMOC was attached")
	case rot == nil:
		if d.Rotation != "" {
			return nil, errorf(oneOfHint(d.Rotation, rotationIDs(repo)), "rotation %q does not exist", d.Rotation)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("the rotation %s (%s) has no file in rotations/, so no IMOC was attached", rotID, choice.Why))
	default:
		st := oncall.At(rot, onCallAt)
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
			res.Notes = append(res.Notes, fmt.Sprintf("nobody is on call on %s at %s: no IMOC was attached; add imoc: to the incident by hand", rotID, stamp(onCallAt)))
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
	add("type", str(d.Type))
	if sev != nil {
		add("severity", str(sev.ID)).LineComment = sev.Name
	}
	add("status", str(d.Status))
	add("visibility", str(d.Visibility))
	if rotID != "" && rotID != c.Rotations.Default {
		r := add("rotation", str(rotID))
		if choice.Component != "" {
			r.LineComment = "responsible for " + choice.Component
		}
	}
	if imoc != "" {
		when := "when declared"
		if !onCallAt.Equal(d.At) {
			when = "when the window starts"
		}
		add("imoc", str(imoc)).LineComment = fmt.Sprintf("on call on %s %s", rotID, when)
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
	if maint {
		add("scheduled", &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			str("from"), timestamp(d.Window.From), str("until"), timestamp(d.Window.Until),
		}})
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
	who := "no IMOC attached"
	if imoc != "" {
		who = "IMOC " + imoc
	}
	if d.Type == schema.TypeMaintenance {
		b.WriteString("\n## Plan\n\n")
		b.WriteString("What will be done, the runbook, how to roll back, and who is involved. This\n")
		b.WriteString("narrative is internal; the public status updates are the `updates` in the\n")
		b.WriteString("front matter (`baton update ID --status in_progress`, then completed or\n")
		b.WriteString("cancelled).\n\n")
		b.WriteString("## Log\n\n")
		fmt.Fprintf(&b, "- %s Scheduled for %s, %s, owner %s.\n",
			d.At.In(loc).Format("2006-01-02 15:04 MST"), windowText(d.Window, loc), who, d.Owner)
		return b.String()
	}
	b.WriteString("\n## What we know\n\n")
	b.WriteString("Symptoms, dashboards, logs and the current understanding. This narrative is\n")
	b.WriteString("internal; the public status updates are the `updates` in the front matter\n")
	b.WriteString("(add one with `baton update`).\n\n")
	b.WriteString("## What we are doing\n\n")
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

func componentIDs(c *schema.Config) []string {
	var ids []string
	for _, comp := range c.Components {
		ids = append(ids, comp.ID)
	}
	return ids
}

func personHandles(repo *schema.Repo) []string {
	var hs []string
	for _, p := range repo.People {
		hs = append(hs, p.Handle)
	}
	return hs
}

func rotationIDs(repo *schema.Repo) []string {
	var ids []string
	for _, r := range repo.Rotations {
		ids = append(ids, r.ID)
	}
	return ids
}

// oneOfHint is the hint for a value v that is not one of allowed: "did you
// mean X?" when one is close, and the allowed values when they are few.
func oneOfHint(v string, allowed []string) string {
	s := schema.Suggest(v, allowed)
	switch {
	case s != "" && len(allowed) <= 12:
		return fmt.Sprintf("did you mean %s? (one of %s)", s, strings.Join(allowed, ", "))
	case s != "":
		return fmt.Sprintf("did you mean %s?", s)
	case len(allowed) == 0:
		return "there are none yet"
	case len(allowed) <= 12:
		return "use one of " + strings.Join(allowed, ", ")
	}
	return fmt.Sprintf("use one of %s, … (%d in all)", strings.Join(allowed[:12], ", "), len(allowed))
}

// article is "an incident" or "a maintenance".
func article(typ string) string {
	if typ == schema.TypeIncident {
		return "an incident"
	}
	return "a " + typ
}

// maxSlug is the longest slug an id may have.
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
