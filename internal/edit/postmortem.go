package edit

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// Postmortem scaffolds incidents/<YYYY>/<id>/postmortem.md for the
// incident: a draft with the owner as author, the incident's IMOC as the
// required reviewer, every section baton.yaml requires (plus Timeline), and
// the Timeline filled from the incident's instants and status updates. An
// existing postmortem is never overwritten: the result then has no files.
func Postmortem(repo *schema.Repo, in *schema.Incident) (*Result, error) {
	res := &Result{ID: in.ID}
	if in.Postmortem != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("%s already exists; it was left as it is", in.Postmortem.Path))
		return res, nil
	}
	if !in.IsResolved() {
		res.Notes = append(res.Notes, fmt.Sprintf("%s is not resolved yet (status %s); the timeline stops at the last update", in.ID, in.Status))
	}
	c := repo.Config
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}

	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("# The postmortem of " + in.ID + ".\n")
	b.WriteString("# Blameless: describe how the system made the outcome likely, not who is\n")
	b.WriteString("# at fault (`baton validate` flags blaming language).\n")
	b.WriteString("status: draft          # draft | in-review | approved | published\n")
	b.WriteString("visibility: internal   # public needs status published and a summary\n")
	if in.Owner != "" {
		fmt.Fprintf(&b, "authors: [%s]\n", in.Owner)
	} else {
		b.WriteString("authors: []\n")
	}
	if in.IMOC != "" {
		fmt.Fprintf(&b, "reviewers: [%s]      # the incident's IMOC reviews the postmortem\n", in.IMOC)
	} else {
		b.WriteString("reviewers: []\n")
	}
	b.WriteString("# approved: {by: <reviewer>, at: <time>}   # required from status approved on\n")
	b.WriteString("action_items: []\n")
	b.WriteString("# action_items:\n")
	b.WriteString("#   - id: AI-1\n")
	b.WriteString("#     title: What will change\n")
	b.WriteString("#     type: prevent      # prevent | mitigate | detect | process\n")
	b.WriteString("#     priority: P1       # P1 | P2 | P3\n")
	b.WriteString("#     owner: <handle>    # major incidents: owner, due and link are required\n")
	b.WriteString("#     due: YYYY-MM-DD\n")
	b.WriteString("#     status: open       # open | done | wontfix\n")
	b.WriteString("#     link: https://…\n")
	b.WriteString("---\n")

	sections := slices.Clone(c.Postmortem.RequiredSections)
	if len(sections) == 0 {
		sections = schema.DefaultRequiredSections()
	}
	if !slices.ContainsFunc(sections, isTimeline) {
		sections = append(sections, "Timeline")
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n\n", s)
		switch {
		case isTimeline(s):
			b.WriteString(timeline(in, loc))
		default:
			b.WriteString(sectionPrompt(s))
		}
	}
	p := path.Join(in.Dir, schema.PostmortemFile)
	if _, ps := schema.ParsePostmortem(p, []byte(b.String())); ps.HasErrors() {
		return nil, fmt.Errorf("the new postmortem does not parse: %v", ps[0])
	}
	res.Files = []File{{Path: p, Data: []byte(b.String())}}
	return res, nil
}

func isTimeline(s string) bool { return strings.EqualFold(s, "Timeline") }

// sectionPrompt is the placeholder text of a standard section.
func sectionPrompt(s string) string {
	switch strings.ToLower(s) {
	case "summary":
		return "What happened, in a few sentences, for readers who stop here.\n"
	case "impact":
		return "Who was affected, how, and for how long. Numbers where we have them.\n"
	case "contributing factors":
		return "The conditions that made this outcome possible. Ask how, not who.\n"
	case "action items":
		return "The changes we commit to, tracked in `action_items` above.\n"
	case "lessons learned":
		return "What went well, what was hard, and where we got lucky.\n"
	}
	return "To be written.\n"
}

// timeline renders the incident's instants and public updates as a table,
// oldest first, in the site's time zone.
func timeline(in *schema.Incident, loc *time.Location) string {
	type event struct {
		at   time.Time
		what string
	}
	var evs []event
	for _, e := range []event{
		{in.Started, "Impact started"},
		{in.Detected, "Detected"},
		{in.Declared, "Incident declared" + declaredWho(in)},
		{in.Acked, "IMOC acknowledged"},
	} {
		if !e.at.IsZero() {
			evs = append(evs, e)
		}
	}
	for _, u := range in.Updates {
		evs = append(evs, event{u.At, fmt.Sprintf("Status update (%s): %s", u.Status, u.Message)})
	}
	if !in.Mitigated.IsZero() {
		evs = append(evs, event{in.Mitigated, "Impact mitigated"})
	}
	if !in.Resolved.IsZero() {
		evs = append(evs, event{in.Resolved, "Resolved"})
	}
	slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })

	var b strings.Builder
	fmt.Fprintf(&b, "All times %s. Filled in by `baton postmortem` from the incident; add what\nhappened between these points.\n\n", zoneName(loc))
	b.WriteString("| Time | Event |\n|------|-------|\n")
	for _, e := range evs {
		fmt.Fprintf(&b, "| %s | %s |\n", e.at.In(loc).Format("2006-01-02 15:04"), cell(e.what))
	}
	return b.String()
}

func declaredWho(in *schema.Incident) string {
	var parts []string
	if in.Severity != "" {
		parts = append(parts, in.Severity)
	}
	if in.IMOC != "" {
		parts = append(parts, "IMOC "+in.IMOC)
	}
	if in.Owner != "" {
		parts = append(parts, "owner "+in.Owner)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func zoneName(loc *time.Location) string {
	if loc == time.UTC || loc.String() == "UTC" {
		return "UTC"
	}
	return loc.String()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
