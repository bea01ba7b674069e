// Package statuspage imports an Atlassian Statuspage page into a Baton
// repository: components and component groups into baton.yaml, incidents
// and scheduled maintenances (with every update) into incident.md files,
// and published postmortems into public, published postmortem.md files.
//
// It reads the v1 manage API's JSON shapes (components, component groups,
// incidents) or the public api/v2/incidents.json of any page, which has
// the same incident shape without postmortems. [Translate] is a pure
// function of the decoded responses; [Fetch] and [FetchPublic] get them.
package statuspage

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/schema"
)

// Export is everything the importer reads, in the shapes Statuspage's API
// returns. It is also the format of a --from-file: a JSON object with the
// three lists (any may be missing). A page's public api/v2/incidents.json
// decodes into it too (its "incidents" list).
type Export struct {
	Components      []Component `json:"components"`
	ComponentGroups []Group     `json:"component_groups"`
	Incidents       []Incident  `json:"incidents"`
	// ScheduledMaintenances is the public API's list of maintenances
	// (api/v2/scheduled-maintenances.json); the manage API lists them among
	// the incidents.
	ScheduledMaintenances []Incident `json:"scheduled_maintenances"`
}

// Component is a Statuspage component.
type Component struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Status      string  `json:"status"`
	Position    int     `json:"position"`
	GroupID     *string `json:"group_id"`
	Group       bool    `json:"group"`
}

// Group is a Statuspage component group.
type Group struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Components []string `json:"components"`
	Position   int      `json:"position"`
}

// Incident is a Statuspage incident or scheduled maintenance.
type Incident struct {
	ID                    string      `json:"id"`
	Name                  string      `json:"name"`
	Status                string      `json:"status"`
	Impact                string      `json:"impact"`
	CreatedAt             *time.Time  `json:"created_at"`
	StartedAt             *time.Time  `json:"started_at"`
	ResolvedAt            *time.Time  `json:"resolved_at"`
	MonitoringAt          *time.Time  `json:"monitoring_at"`
	ScheduledFor          *time.Time  `json:"scheduled_for"`
	ScheduledUntil        *time.Time  `json:"scheduled_until"`
	Shortlink             string      `json:"shortlink"`
	Components            []Component `json:"components"`
	IncidentUpdates       []Update    `json:"incident_updates"`
	PostmortemBody        *string     `json:"postmortem_body"`
	PostmortemPublishedAt *time.Time  `json:"postmortem_published_at"`
}

// Update is one incident update.
type Update struct {
	ID                 string     `json:"id"`
	Status             string     `json:"status"`
	Body               string     `json:"body"`
	CreatedAt          *time.Time `json:"created_at"`
	DisplayAt          *time.Time `json:"display_at"`
	AffectedComponents []Affected `json:"affected_components"`
}

// Affected is a component's status change recorded on an update.
type Affected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// Options are what Statuspage does not record and Baton needs.
type Options struct {
	// Owner and IMOC are the handles written as every imported incident's
	// owner and IMOC (Statuspage has no such roles). Owner is required;
	// IMOC may be empty.
	Owner, IMOC string
}

// Translate turns an export into a plan for repo. Incidents are imported
// oldest first, so ids made unique with a suffix come out the same on
// every run.
func Translate(repo *schema.Repo, ex *Export, opt Options) (*importer.Plan, error) {
	if opt.Owner == "" {
		return nil, fmt.Errorf("an owner is required: Statuspage records none, and every Baton incident needs one")
	}
	if repo.Person(opt.Owner) == nil {
		return nil, fmt.Errorf("owner %q is not in people.yaml", opt.Owner)
	}
	if opt.IMOC != "" && repo.Person(opt.IMOC) == nil {
		return nil, fmt.Errorf("IMOC %q is not in people.yaml", opt.IMOC)
	}
	if opt.IMOC == opt.Owner {
		return nil, fmt.Errorf("the owner and the IMOC must be different people")
	}
	t := &translator{repo: repo, plan: &importer.Plan{Source: "Atlassian Statuspage"}, opt: opt,
		compIDs: map[string]string{}, ids: map[string]bool{}}
	t.components(ex)
	incidents := slices.Concat(ex.Incidents, ex.ScheduledMaintenances)
	seen := map[string]bool{}
	incidents = slices.DeleteFunc(incidents, func(in Incident) bool {
		dup := in.ID != "" && seen[in.ID]
		seen[in.ID] = true
		return dup
	})
	slices.SortStableFunc(incidents, func(a, b Incident) int { return created(a).Compare(created(b)) })
	for i := range incidents {
		t.incident(&incidents[i])
	}
	return t.plan, nil
}

type translator struct {
	repo    *schema.Repo
	plan    *importer.Plan
	opt     Options
	compIDs map[string]string // Statuspage component id → Baton id
	ids     map[string]bool   // incident ids planned in this run
}

// components maps Statuspage components to Baton components: matched by
// name (case does not matter) to one already in baton.yaml, or added with
// an id slugged from the name. Groups become the components' group.
func (t *translator) components(ex *Export) {
	groups := map[string]string{}
	for _, g := range ex.ComponentGroups {
		groups[g.ID] = g.Name
	}
	var comps []Component
	for _, c := range ex.Components {
		if c.Group {
			groups[c.ID] = c.Name
			continue
		}
		comps = append(comps, c)
	}
	// Components named only inside incidents (the public API).
	for _, in := range slices.Concat(ex.Incidents, ex.ScheduledMaintenances) {
		for _, c := range in.Components {
			if !c.Group && !slices.ContainsFunc(comps, func(x Component) bool { return x.ID == c.ID }) {
				comps = append(comps, c)
			}
		}
	}
	for _, g := range ex.ComponentGroups {
		for _, id := range g.Components {
			for i := range comps {
				if comps[i].ID == id && comps[i].GroupID == nil {
					gid := g.ID
					comps[i].GroupID = &gid
				}
			}
		}
	}
	taken := map[string]bool{}
	for _, c := range t.repo.Config.Components {
		taken[c.ID] = true
	}
	for _, c := range comps {
		item := fmt.Sprintf("component %q", c.Name)
		if existing := t.existingComponent(c.Name); existing != "" {
			t.compIDs[c.ID] = existing
			t.plan.Note(importer.Exists, item, "baton.yaml already has it as %s", existing)
			continue
		}
		base := edit.Slug(c.Name)
		if strings.HasPrefix(base, "incident") && !strings.HasPrefix(strings.ToLower(c.Name), "incident") {
			base = "component"
		}
		id := base
		for n := 2; taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		taken[id] = true
		t.compIDs[c.ID] = id
		comp := schema.Component{ID: id, Name: c.Name}
		if c.GroupID != nil {
			comp.Group = groups[*c.GroupID]
		}
		if c.Description != nil {
			comp.Description = strings.Join(strings.Fields(*c.Description), " ")
		}
		t.plan.Components = append(t.plan.Components, comp)
	}
}

func (t *translator) existingComponent(name string) string {
	for _, c := range t.repo.Config.Components {
		if strings.EqualFold(c.Name, name) {
			return c.ID
		}
	}
	return ""
}

func created(in Incident) time.Time {
	for _, p := range []*time.Time{in.CreatedAt, in.StartedAt, in.ScheduledFor} {
		if p != nil {
			return *p
		}
	}
	for _, u := range in.IncidentUpdates {
		if at := updateAt(u); !at.IsZero() {
			return at
		}
	}
	return time.Time{}
}

func updateAt(u Update) time.Time {
	switch {
	case u.DisplayAt != nil:
		return *u.DisplayAt
	case u.CreatedAt != nil:
		return *u.CreatedAt
	}
	return time.Time{}
}

// impactRank inverts the site's rule (severity rank 0 → critical, 1 →
// major, 2 → minor, others → none).
var impactRank = map[string]int{"critical": 0, "major": 1, "minor": 2, "none": 3}

// componentImpacts are the component statuses that are impacts in Baton,
// from the least to the most severe.
var componentImpacts = []string{schema.ImpactMaintenance, schema.ImpactDegraded, schema.ImpactPartial, schema.ImpactMajor}

func (t *translator) incident(in *Incident) {
	maint := in.ScheduledFor != nil
	kind := "incident"
	if maint {
		kind = "maintenance"
	}
	declared := created(*in)
	name := strings.Join(strings.Fields(in.Name), " ")
	item := fmt.Sprintf("%s %q", kind, name)
	if in.ID != "" {
		item = fmt.Sprintf("%s %s %q", kind, in.ID, name)
	}
	if declared.IsZero() || name == "" {
		t.plan.Note(importer.Unsupported, item, "it has no creation time or no name")
		return
	}
	declared = declared.UTC().Truncate(time.Second)

	// The id: the creation date in the site's zone and a slug of the name.
	// An incident with this title and declaration time already in the
	// repository is this one, imported before.
	loc := t.repo.Config.Location
	if loc == nil {
		loc = time.UTC
	}
	date := declared.In(loc).Format("2006-01-02")
	var id string
	existing := ""
	id = edit.UniqueID(date, edit.Slug(name), func(id string) bool {
		if t.ids[id] {
			return true
		}
		if ex := t.repo.Incident(id); ex != nil {
			if ex.Title == name && ex.Declared.Equal(declared) {
				existing = id
				return false
			}
			return true
		}
		return false
	})
	t.ids[id] = true
	dir := path.Join(schema.IncidentsDir, id[:4], id)

	status, ok := mapStatus(in.Status, maint)
	if !ok {
		t.plan.Note(importer.Unsupported, item, "status %q is not a Statuspage %s status", in.Status, kind)
		return
	}
	var notes []string
	fm := &frontMatter{}
	fm.add("title", name)
	fm.add("type", kind)
	if !maint {
		rank, ok := impactRank[in.Impact]
		if !ok {
			rank = 3
			notes = append(notes, fmt.Sprintf("impact %q is unknown; read as none", in.Impact))
		}
		sevs := t.repo.Config.Severities
		if rank >= len(sevs) {
			rank = len(sevs) - 1
			notes = append(notes, fmt.Sprintf("impact %s maps past the last severity; recorded as %s", in.Impact, sevs[rank].ID))
		}
		fm.addComment("severity", sevs[rank].ID, "Statuspage impact: "+cmpOr(in.Impact, "none"))
	}
	fm.add("status", status)
	fm.add("visibility", schema.Public)
	if t.opt.IMOC != "" {
		fm.add("imoc", t.opt.IMOC)
	}
	fm.add("owner", t.opt.Owner)

	// Components: the worst impact each had over the updates, else the
	// status listed on the incident.
	impacts := map[string]string{}
	var order []string
	note := func(spID, st string) {
		id, ok := t.compIDs[spID]
		if !ok || !slices.Contains(componentImpacts, st) {
			return
		}
		if st == schema.ImpactMaintenance && !maint {
			return
		}
		cur, seen := impacts[id]
		if !seen {
			order = append(order, id)
		}
		if slices.Index(componentImpacts, st) > slices.Index(componentImpacts, cur) {
			impacts[id] = st
		}
	}
	updates := slices.Clone(in.IncidentUpdates)
	slices.SortStableFunc(updates, func(a, b Update) int { return updateAt(a).Compare(updateAt(b)) })
	for _, u := range updates {
		for _, a := range u.AffectedComponents {
			note(a.Code, a.NewStatus)
		}
	}
	for _, c := range in.Components {
		if _, seen := impacts[t.compIDs[c.ID]]; seen {
			continue
		}
		st := c.Status
		if maint && !slices.Contains(componentImpacts, st) {
			st = schema.ImpactMaintenance
		}
		if slices.Contains(componentImpacts, st) {
			note(c.ID, st)
		} else {
			notes = append(notes, fmt.Sprintf("component %s is listed without an impact; left out", c.Name))
		}
	}
	if len(order) > 0 {
		var cs []string
		for _, id := range order {
			cs = append(cs, fmt.Sprintf("{id: %s, impact: %s}", id, impacts[id]))
		}
		fm.raw("components", cs)
	}

	if in.StartedAt != nil && !in.StartedAt.After(declared) {
		fm.time("started", in.StartedAt.UTC())
	}
	fm.time("declared", declared)
	resolved := time.Time{}
	if status == schema.StatusResolved || status == schema.StatusCompleted {
		switch {
		case in.ResolvedAt != nil:
			resolved = in.ResolvedAt.UTC()
		case len(updates) > 0:
			resolved = updateAt(updates[len(updates)-1]).UTC()
		default:
			resolved = declared
		}
		if resolved.Before(declared) {
			resolved = declared
		}
		fm.time("resolved", resolved)
	}
	if maint {
		until := in.ScheduledUntil
		if until == nil || !until.After(*in.ScheduledFor) {
			t.plan.Note(importer.Unsupported, item, "the maintenance window has no end after its start")
			return
		}
		fm.rawLine("scheduled", fmt.Sprintf("{from: %s, until: %s}", stamp(in.ScheduledFor.UTC()), stamp(until.UTC())))
	}
	var us []string
	for i, u := range updates {
		at := updateAt(u)
		if at.IsZero() {
			notes = append(notes, fmt.Sprintf("update %d has no time; left out", i+1))
			continue
		}
		st, ok := mapStatus(u.Status, maint)
		if !ok {
			notes = append(notes, fmt.Sprintf("update %d has status %q; left out", i+1, u.Status))
			continue
		}
		msg, changed := PlainText(u.Body)
		if changed {
			notes = append(notes, fmt.Sprintf("update %d: Markdown converted to plain text", i+1))
		}
		if msg == "" {
			msg = "(This update had no message.)"
			notes = append(notes, fmt.Sprintf("update %d has no message", i+1))
		}
		us = append(us, fmt.Sprintf("  - at: %s\n    status: %s\n    message: %s\n", stamp(at.UTC().Truncate(time.Second)), st, yamlString(msg)))
	}
	if len(us) == 0 {
		t.plan.Note(importer.Unsupported, item, "it has no update to publish (a public Baton incident needs one)")
		return
	}
	fm.block("updates", us)

	var body strings.Builder
	fmt.Fprintf(&body, "\nImported from Atlassian Statuspage")
	if in.ID != "" {
		fmt.Fprintf(&body, " (incident %s", in.ID)
		if in.Shortlink != "" {
			fmt.Fprintf(&body, ", %s", in.Shortlink)
		}
		body.WriteString(")")
	}
	body.WriteString(". Statuspage records no owner, IMOC or internal narrative; add what you know here.\n")
	data := []byte("---\n" + fm.String() + "---\n" + body.String())
	p := path.Join(dir, schema.IncidentFile)
	if _, ps := schema.ParseIncident(p, data); ps.HasErrors() {
		t.plan.Note(importer.Unsupported, item, "the translation does not parse: %v", ps[0])
		return
	}
	label := kind + " " + id
	if existing == "" {
		t.plan.AddFile(label, p, data)
	} else {
		t.plan.Files = append(t.plan.Files, importer.File{Path: p, Data: data, Item: label})
	}
	for _, n := range notes {
		t.plan.Note(importer.Info, label, "%s", n)
	}
	if in.PostmortemBody != nil && strings.TrimSpace(*in.PostmortemBody) != "" {
		if in.PostmortemPublishedAt == nil {
			t.plan.Note(importer.Info, label, "its postmortem is not published on Statuspage; not imported")
		} else if !maint {
			t.postmortem(label, dir, in, resolved)
		}
	}
}

// postmortem writes a published postmortem: the Statuspage body under
// "## Summary", and every other required section saying it was not
// recorded.
func (t *translator) postmortem(label, dir string, in *Incident, resolved time.Time) {
	reviewer := cmpOr(t.opt.IMOC, t.opt.Owner)
	at := in.PostmortemPublishedAt.UTC().Truncate(time.Second)
	if at.Before(resolved) {
		at = resolved
	}
	body := strings.TrimSpace(strings.ReplaceAll(*in.PostmortemBody, "\r\n", "\n"))
	summary := firstParagraph(body)
	fm := &frontMatter{}
	fm.add("status", schema.PMPublished)
	fm.add("visibility", schema.Public)
	fm.raw("authors", []string{t.opt.Owner})
	fm.raw("reviewers", []string{reviewer})
	fm.rawLine("approved", fmt.Sprintf("{by: %s, at: %s}", reviewer, stamp(at)))
	fm.add("summary", summary)
	var b strings.Builder
	b.WriteString("---\n" + fm.String() + "---\n")
	b.WriteString("<!-- Imported from Atlassian Statuspage, where it was published on " + stamp(at) + ".\n")
	b.WriteString("     Statuspage keeps a postmortem as one text; it is under Summary. -->\n\n")
	b.WriteString("## Summary\n\n" + body + "\n")
	sections := t.repo.Config.Postmortem.RequiredSections
	have := map[string]bool{"summary": true}
	for _, h := range headingRE.FindAllStringSubmatch(body, -1) {
		have[strings.ToLower(strings.TrimSpace(h[1]))] = true
	}
	for _, s := range sections {
		if !have[strings.ToLower(s)] {
			fmt.Fprintf(&b, "\n## %s\n\nNot recorded in Statuspage.\n", s)
		}
	}
	p := path.Join(dir, schema.PostmortemFile)
	data := []byte(b.String())
	if _, ps := schema.ParsePostmortem(p, data); ps.HasErrors() {
		t.plan.Note(importer.Unsupported, "postmortem of "+label, "the translation does not parse: %v", ps[0])
		return
	}
	t.plan.AddFile("postmortem of "+label, p, data)
	t.plan.Note(importer.Info, "postmortem of "+label, "the body is under Summary; the other required sections say \"Not recorded in Statuspage.\"; approved by %s at its publication time", reviewer)
}

var headingRE = regexp.MustCompile(`(?m)^##[ \t]+(.+?)[ \t#]*$`)

func firstParagraph(s string) string {
	for p := range strings.SplitSeq(s, "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		txt, _ := PlainText(p)
		return strings.Join(strings.Fields(txt), " ")
	}
	return "See the postmortem below."
}

// mapStatus maps a Statuspage status to Baton's: an incident's postmortem
// status is resolved (the postmortem is its own file).
func mapStatus(s string, maint bool) (string, bool) {
	if maint {
		switch s {
		case schema.StatusScheduled, schema.StatusInProgress, schema.StatusVerifying, schema.StatusCompleted:
			return s, true
		case schema.StatusInvestigating, schema.StatusIdentified, schema.StatusMonitoring, schema.StatusResolved:
			return s, true
		}
		return "", false
	}
	switch s {
	case schema.StatusInvestigating, schema.StatusIdentified, schema.StatusMonitoring, schema.StatusResolved:
		return s, true
	case "postmortem":
		return schema.StatusResolved, true
	}
	return "", false
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }
