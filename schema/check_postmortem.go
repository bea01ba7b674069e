package schema

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var atxHeadingRE = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)

// headings returns the ATX headings of the given level in a Markdown body,
// skipping fenced code blocks. firstLine is the body's line number.
func headings(body string, firstLine, level int) []Heading {
	var hs []Heading
	fence := ""
	for i, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if !strings.HasPrefix(t, "#") || len(line)-len(t) > 3 {
			continue
		}
		if m := atxHeadingRE.FindStringSubmatch(line); m != nil && len(m[1]) == level {
			hs = append(hs, Heading{Text: strings.TrimSpace(m[2]), Line: firstLine + i})
		}
	}
	return hs
}

func checkPostmortem(repo *Repo, in *Incident, pm *Postmortem, r reporter) {
	c := repo.Config
	if pm.Status == "" {
		r.errorf(pm.Pos, "postmortem/missing-field", "add status: draft", "status is required")
	} else {
		oneOf(r, &pm.Meta, "status", pm.Status, "postmortem/bad-value", PostmortemStatuses...)
	}
	if pm.Visibility == "" {
		pm.Visibility = Internal
	} else if oneOf(r, &pm.Meta, "visibility", pm.Visibility, "postmortem/bad-value", Public, Internal) &&
		pm.Visibility == Public && pm.Status != PMPublished {
		r.errorf(pm.PosOf("visibility"), "postmortem/public-unpublished", "keep it internal until status: published", "a public postmortem must have status published (it is %s)", pm.Status)
	}
	if pm.Visibility == Public && !in.IsPublic() {
		r.errorf(pm.PosOf("visibility"), "postmortem/public-unpublished", "make the incident public first, or keep the postmortem internal", "the postmortem is public but its incident is internal")
	}
	if pm.Visibility == Public && strings.TrimSpace(pm.Summary) == "" {
		r.errorf(pm.PosOf("visibility"), "postmortem/missing-field", "add summary: one public paragraph", "a public postmortem needs a summary")
	}
	if len(pm.Authors) == 0 {
		r.errorf(pm.Pos, "postmortem/missing-field", "add authors: [<handle>]", "authors is required")
	}
	for i, h := range pm.Authors {
		person(repo, &pm.Meta, fmt.Sprintf("authors.%d", i), h, "postmortem/unknown-person", r)
	}
	for i, h := range pm.Reviewers {
		person(repo, &pm.Meta, fmt.Sprintf("reviewers.%d", i), h, "postmortem/unknown-person", r)
	}
	if in.IMOC != "" && !slices.Contains(pm.Reviewers, in.IMOC) {
		r.errorf(pm.PosOf("reviewers"), "postmortem/imoc-not-reviewer", fmt.Sprintf("add %s to reviewers", in.IMOC), "the incident's IMOC (%s) must review the postmortem", in.IMOC)
	}
	if pm.Status == PMApproved || pm.Status == PMPublished {
		switch {
		case pm.Approved == nil:
			r.errorf(pm.PosOf("status"), "postmortem/missing-approval", "add approved: {by: <reviewer>, at: <time>}", "a %s postmortem needs approved: {by, at}", pm.Status)
		case pm.Approved.By == "" || pm.Approved.At.IsZero():
			r.errorf(pm.Approved.Pos, "postmortem/missing-approval", "", "approved needs both by and at")
		}
	}
	if a := pm.Approved; a != nil && a.By != "" {
		if person(repo, &a.Meta, "by", a.By, "postmortem/unknown-person", r) != nil && !slices.Contains(pm.Reviewers, a.By) {
			r.errorf(a.PosOf("by"), "postmortem/approver-not-reviewer", "add them to reviewers", "%s approved the postmortem but is not a reviewer", a.By)
		}
		if !a.At.IsZero() && !in.Resolved.IsZero() && a.At.Before(in.Resolved) {
			r.errorf(a.PosOf("at"), "postmortem/time-order", "", "the postmortem was approved before the incident was resolved")
		}
	}

	// Sections.
	have := map[string]bool{}
	for _, h := range pm.Sections {
		have[strings.ToLower(h.Text)] = true
	}
	for _, s := range c.Postmortem.RequiredSections {
		if !have[strings.ToLower(s)] {
			r.errorf(Pos{pm.BodyLine, 1}, "postmortem/missing-section", fmt.Sprintf("add a heading \"## %s\"", s), "required section %q is missing", s)
		}
	}

	// Action items.
	sev, _ := c.Severity(in.Severity)
	strict := sev != nil && sev.Major
	ids := map[string]bool{}
	for i := range pm.ActionItems {
		a := &pm.ActionItems[i]
		if a.Keys == nil {
			continue
		}
		switch {
		case a.ID == "":
			r.errorf(a.Pos, "postmortem/missing-field", "give it an id such as AI-1", "action item %d has no id", i+1)
		case ids[a.ID]:
			r.errorf(a.PosOf("id"), "postmortem/duplicate-id", "", "action item %s is listed twice", a.ID)
		}
		ids[a.ID] = true
		if a.Title == "" {
			r.errorf(a.Pos, "postmortem/missing-field", "", "action item %s has no title", a.ID)
		}
		if a.Type != "" {
			oneOf(r, &a.Meta, "type", a.Type, "postmortem/bad-value", ActionTypes...)
		}
		if a.Priority != "" {
			oneOf(r, &a.Meta, "priority", a.Priority, "postmortem/bad-value", ActionPriorities...)
		}
		if a.Status == "" {
			a.Status = "open"
		} else {
			oneOf(r, &a.Meta, "status", a.Status, "postmortem/bad-value", ActionStatuses...)
		}
		if a.Owner != "" {
			person(repo, &a.Meta, "owner", a.Owner, "postmortem/unknown-person", r)
		}
		if a.Link != "" {
			if u, err := url.Parse(a.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				r.errorf(a.PosOf("link"), "postmortem/bad-link", "link to the tracking issue, e.g. https://github.com/acme/app/issues/990", "link %q is not an http(s) URL", a.Link)
			}
		}
		if strict {
			var missing []string
			if a.Owner == "" {
				missing = append(missing, "owner")
			}
			if a.Due.IsZero() {
				missing = append(missing, "due")
			}
			if a.Link == "" {
				missing = append(missing, "link")
			}
			if len(missing) > 0 {
				r.errorf(a.Pos, "postmortem/incomplete-action-item", "action items of major incidents are tracked: give each an owner, a due date and a link", "action item %s of a %s postmortem has no %s", a.ID, in.Severity, joinAnd(missing))
			}
		}
	}
	if !in.IsResolved() && slices.Contains(append(IncidentStatuses, MaintenanceStatuses...), in.Status) {
		r.warnf(pm.Pos, "postmortem/unresolved-incident", "", "the incident is not resolved yet")
	}

	checkMarkdownSize(pm.Body, pm.BodyLine, "postmortem's body", r)
	if pm.IsPublic() && in.IsPublic() {
		checkNoPersonNamed(repo, pm, r)
	}

	for _, f := range blamelessLint(repo, pm.Body, pm.BodyLine) {
		r.warnf(f.pos, "postmortem/blameless", f.hint, "%s", f.msg)
	}
	if pm.Has("summary") {
		// The summary is a YAML scalar whose layout (quotes, folding) is
		// gone after decoding: report findings at the value itself.
		for _, f := range blamelessLint(repo, pm.Summary, 1) {
			r.warnf(pm.PosOf("summary"), "postmortem/blameless", f.hint, "summary: %s", f.msg)
		}
	}
}

// namesPersonHint is the hint of every "names a person" problem.
const namesPersonHint = "describe roles instead of people (\"the IMOC\", \"an engineer\", \"our payments team\")"

// checkNoPersonNamed reports a published public postmortem that names a
// person: its summary, body and action-item titles go to the public site
// verbatim, and the public site names nobody.
func checkNoPersonNamed(repo *Repo, pm *Postmortem, r reporter) {
	m := repo.personMention
	if m == nil {
		return
	}
	const hint = namesPersonHint + ", or keep the postmortem internal"
	report := func(at Pos, where, who string) {
		r.errorf(at, "postmortem/names-person", hint, "this public postmortem names %q in its %s; the public site names nobody", who, where)
	}
	if start, end, ok := m.find(pm.Summary); ok {
		report(pm.PosOf("summary"), "summary", pm.Summary[start:end])
	}
	for i := range pm.ActionItems {
		title := pm.ActionItems[i].Title
		if start, end, ok := m.find(title); ok {
			report(pm.ActionItems[i].PosOf("title"), "action items", title[start:end])
		}
	}
	// Line by line, so that each line with a name is reported.
	body := pm.Body
	for i := 0; body != ""; i++ {
		line, rest, _ := strings.Cut(body, "\n")
		if start, end, ok := m.find(line); ok {
			report(Pos{pm.BodyLine + i, utf8.RuneCountInString(line[:start]) + 1}, "body", line[start:end])
		}
		body = rest
	}
}

func joinAnd(xs []string) string {
	return strings.Replace(joinOr(xs), " or ", " and ", 1)
}

// CheckPolicy applies the rules that depend on the current time: the
// postmortem due-date policy. A resolved incident whose severity
// requires a postmortem gets a warning while none is approved, and an error
// once due_days after resolution have passed.
func CheckPolicy(repo *Repo, now time.Time) Problems {
	var ps Problems
	for _, in := range repo.Incidents {
		r := reporter{file: in.Path, ps: &ps}
		due, required := PostmortemDue(repo.Config, in)
		if !required || in.Postmortem.IsApproved() {
			continue
		}
		what := "no postmortem exists"
		if in.Postmortem != nil {
			what = "the postmortem is " + in.Postmortem.Status
		}
		if now.Before(due) {
			if in.Postmortem == nil {
				r.warnf(in.PosOf("severity"), "postmortem/missing", fmt.Sprintf("run `baton postmortem %s`", in.ID), "%s requires a postmortem, approved by %s; %s", in.Severity, due.Format("2006-01-02"), what)
			}
			continue
		}
		hint := fmt.Sprintf("run `baton postmortem %s`, then get it reviewed and approved", in.ID)
		if in.Postmortem != nil {
			hint = "get the postmortem reviewed and approved (status: approved)"
		}
		r.errorf(in.PosOf("severity"), "postmortem/overdue", hint, "postmortem overdue: %s requires one approved by %s; %s", in.Severity, due.Format("2006-01-02"), what)
	}
	ps.Sort()
	return ps
}

// PostmortemDue returns when the incident's postmortem must be approved, and
// whether one is required at all: resolved incidents of a severity whose
// policy requires one, resolved on or after postmortem.required_from when
// that is set.
func PostmortemDue(c *Config, in *Incident) (time.Time, bool) {
	sev, _ := c.Severity(in.Severity)
	if sev == nil || !sev.Postmortem.Required || in.Resolved.IsZero() || in.IsMaintenance() {
		return time.Time{}, false
	}
	if from := c.Postmortem.RequiredFrom; !from.IsZero() {
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		if in.Resolved.Before(time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)) {
			return time.Time{}, false
		}
	}
	return in.Resolved.AddDate(0, 0, sev.Postmortem.DueDays), true
}
