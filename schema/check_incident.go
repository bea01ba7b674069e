package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// markdownRE spots Markdown or HTML in a status update message, which is
// published as plain text.
var markdownRE = regexp.MustCompile("(\\*\\*|__|`|\\[[^\\]]*\\]\\([^)]*\\)|<[a-zA-Z/!][^>]*>|^#{1,6} |^\\s*[-*+] |!\\[)")

func checkIncident(repo *Repo, in *Incident, r reporter) {
	c := repo.Config
	if in.Title == "" {
		r.errorf(in.Pos, "incident/missing-field", "add title: a short public description of the symptom", "title is required")
	}
	if in.Type == "" {
		in.Type = TypeIncident
	} else {
		oneOf(r, &in.Meta, "type", in.Type, "incident/bad-value", TypeIncident, TypeMaintenance)
	}
	if in.Visibility == "" {
		in.Visibility = Internal
	} else {
		oneOf(r, &in.Meta, "visibility", in.Visibility, "incident/bad-value", Public, Internal)
	}
	statuses := IncidentStatuses
	if in.IsMaintenance() {
		statuses = append(slices.Clone(MaintenanceStatuses), IncidentStatuses...)
	}
	// Checks that depend on the status are skipped when it is missing or
	// unknown: one mistake, one problem.
	statusOK := false
	if in.Status == "" {
		r.errorf(in.Pos, "incident/missing-field", "add status: one of investigating, identified, monitoring, resolved", "status is required")
	} else {
		statusOK = oneOf(r, &in.Meta, "status", in.Status, "incident/bad-value", statuses...)
	}

	sevRank := -1
	switch {
	case in.Severity == "" && !in.IsMaintenance():
		r.errorf(in.Pos, "incident/missing-field", "add severity: one of "+severityIDs(c), "severity is required")
	case in.Severity != "":
		if _, sevRank = c.Severity(in.Severity); sevRank < 0 && !repo.configIncomplete {
			hint := "use one of " + severityIDs(c)
			if s := suggest(in.Severity, severityList(c)); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			r.errorf(in.PosOf("severity"), "incident/unknown-severity", hint, "severity %q is not defined in baton.yaml", in.Severity)
		}
	}

	if in.Rotation != "" && !repo.rotationFiles[in.Rotation] {
		r.errorf(in.PosOf("rotation"), "incident/unknown-rotation", rotationHint(repo, in.Rotation), "rotation %q does not exist", in.Rotation)
	}

	// People and roles.
	if in.Owner == "" {
		r.errorf(in.Pos, "incident/missing-field", "add owner: the handle of the person most able to fix it", "owner is required (the owner owns the incident)")
	} else {
		person(repo, &in.Meta, "owner", in.Owner, "incident/unknown-person", r)
	}
	if in.IMOC == "" {
		r.warnf(in.Pos, "incident/no-imoc", "`baton declare` attaches the IMOC on call; or add imoc: <handle>", "no IMOC is attached (the IMOC owns the process)")
	} else if p := person(repo, &in.Meta, "imoc", in.IMOC, "incident/unknown-person", r); p != nil && !p.Qualified() {
		hint := "pick a qualified IMOC; trainees are listed under shadows"
		r.errorf(in.PosOf("imoc"), "incident/imoc-not-qualified", hint, "%s is not a qualified IMOC", in.IMOC)
	}
	if in.Owner != "" && in.Owner == in.IMOC {
		r.errorf(in.PosOf("imoc"), "incident/owner-is-imoc", "the IMOC owns the process and the owner owns the incident: hand one role to someone else", "%s is both owner and IMOC", in.Owner)
	}
	for i, h := range in.Shadows {
		key := fmt.Sprintf("shadows.%d", i)
		if p := person(repo, &in.Meta, key, h, "incident/unknown-person", r); p != nil && p.IMOC == "" {
			r.errorf(in.PosOf(key), "incident/shadow-not-imoc", "set imoc: trainee for them in people.yaml, or list them as a responder", "%s shadows the IMOC but is not an IMOC trainee or IMOC", h)
		}
		if slices.Contains(in.Shadows[:i], h) {
			r.errorf(in.PosOf(key), "incident/duplicate-person", "", "%s is listed twice", h)
		}
	}
	for i, h := range in.Responders {
		key := fmt.Sprintf("responders.%d", i)
		person(repo, &in.Meta, key, h, "incident/unknown-person", r)
		if slices.Contains(in.Responders[:i], h) {
			r.errorf(in.PosOf(key), "incident/duplicate-person", "", "%s is listed twice", h)
		}
	}

	// Components.
	seen := map[string]bool{}
	for i := range in.Components {
		ci := &in.Components[i]
		if ci.Keys == nil {
			continue
		}
		if ci.ID == "" {
			r.errorf(ci.Pos, "incident/missing-field", "", "component entry has no id")
		} else if c.Component(ci.ID) == nil && !repo.configIncomplete {
			hint := "add it to components in baton.yaml, or fix the id"
			if s := suggest(ci.ID, componentIDs(c)); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			r.errorf(ci.PosOf("id"), "incident/unknown-component", hint, "component %q is not defined in baton.yaml", ci.ID)
		} else if seen[ci.ID] {
			r.errorf(ci.PosOf("id"), "incident/duplicate-component", "list each component once, with its worst impact", "component %q is listed twice", ci.ID)
		}
		seen[ci.ID] = true
		if ci.Impact == "" {
			r.errorf(ci.Pos, "incident/missing-field", "impact is one of "+joinOr(Impacts), "component %s has no impact", ci.ID)
		} else if oneOf(r, &ci.Meta, "impact", ci.Impact, "incident/bad-value", Impacts...) &&
			ci.Impact == ImpactMaintenance && !in.IsMaintenance() {
			r.errorf(ci.PosOf("impact"), "incident/bad-value", "use type: maintenance for planned work", "under_maintenance is only for maintenance")
		}
	}

	// Times.
	if !in.Has("declared") {
		r.errorf(in.Pos, "incident/missing-field", "add declared: the time the incident was declared, e.g. 2026-11-20T14:03:00Z", "declared is required")
	}
	order := []struct {
		key string
		t   time.Time
	}{{"started", in.Started}, {"detected", in.Detected}, {"declared", in.Declared}, {"acknowledged", in.Acked}, {"mitigated", in.Mitigated}, {"resolved", in.Resolved}}
	var lastKey string
	var last time.Time
	for _, o := range order {
		if o.t.IsZero() {
			continue
		}
		if !last.IsZero() && o.t.Before(last) {
			r.errorf(in.PosOf(o.key), "incident/time-order", "times run started ≤ detected ≤ declared ≤ acknowledged ≤ mitigated ≤ resolved", "%s (%s) is before %s (%s)", o.key, o.t.Format(time.RFC3339), lastKey, last.Format(time.RFC3339))
		}
		lastKey, last = o.key, o.t
	}
	switch {
	case !statusOK:
	case in.IsResolved() && !in.Has("resolved"):
		r.errorf(in.PosOf("status"), "incident/resolved-mismatch", "add resolved: the time impact ended", "status is %s but resolved is not set", in.Status)
	case !in.IsResolved() && in.Has("resolved"):
		r.errorf(in.PosOf("resolved"), "incident/resolved-mismatch", "set status: resolved, or remove resolved", "resolved is set but status is %s", in.Status)
	}

	// Maintenance window.
	if in.IsMaintenance() {
		if in.Scheduled == nil {
			r.errorf(in.Pos, "incident/missing-field", "add scheduled: {from: …, until: …}", "a maintenance needs its scheduled window")
		} else if in.Scheduled.From.IsZero() || in.Scheduled.Until.IsZero() {
			r.errorf(in.Scheduled.Pos, "incident/missing-field", "", "scheduled needs from and until")
		} else if !in.Scheduled.Until.After(in.Scheduled.From) {
			r.errorf(in.Scheduled.PosOf("until"), "incident/time-order", "", "the maintenance window ends before it starts")
		}
	} else if in.Scheduled != nil {
		r.errorf(in.PosOf("scheduled"), "incident/bad-value", "use type: maintenance, or remove scheduled", "scheduled is only for maintenance")
	}

	// Updates.
	if in.IsPublic() && len(in.Updates) == 0 {
		r.errorf(in.PosOf("visibility"), "incident/no-updates", "add updates: [{at: …, status: …, message: …}]", "a public incident needs at least one status update")
	}
	if in.IsPublic() && !in.Has("components") {
		r.warnf(in.PosOf("visibility"), "incident/no-components", "add components: [{id: …, impact: …}] so readers see what is affected; the overall status still follows the incident's impact", "a public incident that names no component shows no affected service on the status page")
	}
	for i := range in.Updates {
		u := &in.Updates[i]
		if u.Keys == nil {
			continue
		}
		if u.At.IsZero() {
			r.errorf(u.Pos, "incident/missing-field", "", "update %d has no at", i+1)
		}
		if u.Status == "" {
			r.errorf(u.Pos, "incident/missing-field", "", "update %d has no status", i+1)
		} else {
			oneOf(r, &u.Meta, "status", u.Status, "incident/bad-value", statuses...)
		}
		if u.Message == "" {
			r.errorf(u.Pos, "incident/missing-field", "write what customers need to know", "update %d has no message", i+1)
		} else if loc := findMarkup(u.Message); loc != nil {
			r.errorf(u.PosOf("message"), "incident/markup-in-update", "status updates are plain text; remove Markdown and HTML", "update message contains markup %q", truncate(u.Message[loc[0]:loc[1]], 30))
		}
		if i > 0 && !u.At.IsZero() && !in.Updates[i-1].At.IsZero() && u.At.Before(in.Updates[i-1].At) {
			r.errorf(u.PosOf("at"), "incident/update-order", "list updates oldest first", "update at %s is earlier than the one before it", u.At.Format(time.RFC3339))
		}
	}
	if in.IsPublic() {
		checkPublicIncidentText(repo, in, r)
	}
	if n := len(in.Updates); n > 0 && statusOK && in.Updates[n-1].Status != "" && in.Updates[n-1].Status != in.Status {
		r.errorf(in.PosOf("status"), "incident/status-mismatch", "append an update with the new status", "status is %s but the last update says %s", in.Status, in.Updates[n-1].Status)
	}

	checkMarkdownSize(in.Body, in.BodyLine, "narrative", r)

	// Leveling guidance.
	if sevRank >= 0 && !in.IsMaintenance() {
		if sug, why, ok := SuggestSeverity(c, in.Components); ok && sug < sevRank {
			r.warnf(in.PosOf("severity"), "incident/under-leveled", fmt.Sprintf("raise severity to %s, or lower the recorded impact (%s)", c.Severities[sug].ID, why), "under-leveled: impact suggests %s", c.Severities[sug].ID)
		}
	}
}

// checkPublicIncidentText reports a public incident whose title or update
// messages name a person: they are published verbatim, on the status page,
// in the feed and in the JSON API, and the public site names nobody.
func checkPublicIncidentText(repo *Repo, in *Incident, r reporter) {
	pm := repo.personMention
	if pm == nil {
		return
	}
	if start, end, ok := pm.find(in.Title); ok {
		r.errorf(in.PosOf("title"), "incident/names-person", namesPersonHint, "the title of this public incident names %q; the public site names nobody", in.Title[start:end])
	}
	for i := range in.Updates {
		msg := in.Updates[i].Message
		if start, end, ok := pm.find(msg); ok {
			r.errorf(in.Updates[i].PosOf("message"), "incident/names-person", namesPersonHint, "update %d of this public incident names %q; the public site names nobody", i+1, msg[start:end])
		}
	}
}

// findMarkup returns the position of the first Markdown or HTML construct
// in a status update message, or nil. Most messages have none of the
// characters markup needs, so they skip the regular expression.
func findMarkup(msg string) []int {
	t := strings.TrimLeft(msg, " \t\n\f\r") // RE2's \s
	if !strings.ContainsAny(msg, "*_`[<#!") && !strings.HasPrefix(t, "- ") && !strings.HasPrefix(t, "+ ") {
		return nil
	}
	return markdownRE.FindStringIndex(msg)
}

func severityList(c *Config) []string {
	ids := make([]string, len(c.Severities))
	for i, s := range c.Severities {
		ids[i] = s.ID
	}
	return ids
}

func severityIDs(c *Config) string { return joinOr(severityList(c)) }

func componentIDs(c *Config) []string {
	ids := make([]string, len(c.Components))
	for i, s := range c.Components {
		ids[i] = s.ID
	}
	return ids
}

func joinOr(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs[:len(xs)-1] {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s + " or " + xs[len(xs)-1]
}
