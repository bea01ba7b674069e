package schema

import (
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v).Elem() }

// loadZone resolves an IANA zone name, reporting a problem when it is
// unknown. An empty name yields fallback.
func loadZone(name string, at Pos, r reporter, fallback *time.Location) *time.Location {
	if name == "" {
		return fallback
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		r.errorf(at, "zone/unknown", "use an IANA zone name such as UTC, Europe/Berlin or America/New_York", "unknown time zone %q", name)
		return fallback
	}
	return loc
}

func checkConfig(c *Config, r reporter) {
	if c.Meta.Keys == nil {
		// The file was missing or unparseable; that was reported already.
		c.Location = time.UTC
		return
	}
	if c.Site.Title == "" {
		r.errorf(c.Site.Pos, "config/missing-field", "add site.title, e.g. \"Acme Status\"", "site.title is required")
	}
	if !c.Has("site") {
		r.errorf(c.Pos, "config/missing-field", "add a site: section with title and base_url", "site is required")
	}
	if c.Site.BaseURL == "" {
		r.errorf(c.Site.Pos, "config/missing-field", "add site.base_url, e.g. https://status.example.com/", "site.base_url is required")
	} else if !absoluteHTTP(c.Site.BaseURL) {
		r.errorf(c.Site.PosOf("base_url"), "config/bad-url", "write an absolute http(s) URL, e.g. https://status.example.com/", "site.base_url %q is not an absolute http(s) URL", c.Site.BaseURL)
	}
	if v := c.Site.InternalBaseURL; v != "" && !absoluteHTTP(v) {
		r.errorf(c.Site.PosOf("internal_base_url"), "config/bad-url", "write an absolute http(s) URL, e.g. https://status.internal.example.com/", "site.internal_base_url %q is not an absolute http(s) URL", v)
	}
	c.Location = loadZone(c.Site.TimeZone, c.Site.PosOf("time_zone"), r, time.UTC)
	if c.GitHub.Repo != "" {
		owner, name, ok := strings.Cut(c.GitHub.Repo, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			r.errorf(c.GitHub.PosOf("repo"), "config/bad-repo", "write owner/name, e.g. acme/incidents", "github.repo %q is not owner/name", c.GitHub.Repo)
		}
	}

	ids := map[string]bool{}
	for i := range c.Severities {
		s := &c.Severities[i]
		if s.Keys == nil {
			continue // not a mapping: reported by the decoder
		}
		if s.ID == "" {
			r.errorf(s.Pos, "config/missing-field", "", "severity %d has no id", i+1)
			continue
		}
		if ids[s.ID] {
			r.errorf(s.PosOf("id"), "config/duplicate-id", "", "severity %q is defined twice", s.ID)
		}
		ids[s.ID] = true
		if s.Name == "" {
			r.errorf(s.Pos, "config/missing-field", "", "severity %s has no name", s.ID)
		}
		if s.Postmortem.Required && s.Postmortem.DueDays <= 0 {
			r.errorf(s.Postmortem.Pos, "config/bad-policy", "set postmortem.due_days to the number of days after resolution, e.g. 5", "severity %s requires a postmortem but has no positive due_days", s.ID)
		}
		if s.Postmortem.DueDays < 0 {
			r.errorf(s.Postmortem.PosOf("due_days"), "config/bad-policy", "", "due_days must not be negative")
		}
	}

	ids = map[string]bool{}
	for i := range c.Components {
		comp := &c.Components[i]
		if comp.Keys == nil {
			continue
		}
		switch {
		case comp.ID == "":
			r.errorf(comp.Pos, "config/missing-field", "", "component %d has no id", i+1)
			continue
		case !CheckHandle(comp.ID):
			r.errorf(comp.PosOf("id"), "config/bad-id", "use lower-case letters, digits and hyphens, e.g. checkout-api", "component id %q is not valid", comp.ID)
		case ids[comp.ID]:
			r.errorf(comp.PosOf("id"), "config/duplicate-id", "", "component %q is defined twice", comp.ID)
		}
		ids[comp.ID] = true
		if comp.Name == "" {
			r.errorf(comp.Pos, "config/missing-field", "", "component %s has no name", comp.ID)
		}
		if comp.Has("tier") && (comp.Tier < 1 || comp.Tier > 4) {
			r.errorf(comp.PosOf("tier"), "config/bad-tier", "tiers run from 1 (most critical) to 4", "component %s has tier %d", comp.ID, comp.Tier)
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Postmortem.RequiredSections {
		if seen[strings.ToLower(s)] {
			r.errorf(c.Postmortem.PosOf(fmt.Sprintf("required_sections.%d", i)), "config/duplicate-id", "", "section %q is listed twice", s)
		}
		seen[strings.ToLower(s)] = true
	}
	if c.Training.Incidents < 0 || c.Training.Major < 0 || c.Training.Major > c.Training.Incidents {
		r.errorf(c.Training.Pos, "config/bad-policy", "e.g. incidents: 3, major: 1", "training needs 0 ≤ major ≤ incidents")
	}
	if v := c.Declare.Visibility; v != "" {
		oneOf(r, &c.Declare.Meta, "visibility", v, "config/bad-value", Public, Internal)
	}
	var groups []string
	for _, comp := range c.Components {
		if comp.Group != "" && !slices.Contains(groups, comp.Group) {
			groups = append(groups, comp.Group)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(c.Rotations.Groups)) {
		if !slices.Contains(groups, g) {
			hint := "name a group of the components above"
			if s := Suggest(g, groups); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			} else if len(groups) > 0 {
				hint = "groups in baton.yaml: " + strings.Join(groups, ", ")
			}
			r.errorf(c.Rotations.PosOf("groups."+g), "config/unknown-group", hint, "rotations.groups names the group %q, which no component has", g)
		}
	}
	checkNotify(c, r)
}

// checkConfigRefs checks references from baton.yaml to other files (the
// rotations named by rotations.default, rotations.groups and components),
// and that the public text of baton.yaml names nobody from people.yaml.
func (l *loader) checkConfigRefs(repo *Repo) {
	c := repo.Config
	r := l.reporter(ConfigFile)
	if c.Rotations.Default != "" && !repo.rotationFiles[c.Rotations.Default] {
		r.errorf(c.Rotations.PosOf("default"), "config/unknown-rotation", rotationHint(repo, c.Rotations.Default), "default rotation %q does not exist", c.Rotations.Default)
	}
	for _, g := range slices.Sorted(maps.Keys(c.Rotations.Groups)) {
		switch id := c.Rotations.Groups[g]; {
		case id == "":
			r.errorf(c.Rotations.PosOf("groups."+g), "config/missing-field", "write the id of a rotation, e.g. "+g+": imoc-payments", "rotations.groups has no rotation for the group %q", g)
		case !repo.rotationFiles[id]:
			r.errorf(c.Rotations.PosOf("groups."+g), "config/unknown-rotation", rotationHint(repo, id), "rotation %q of the group %q does not exist", id, g)
		}
	}
	for i := range c.Components {
		comp := &c.Components[i]
		if comp.Rotation != "" && !repo.rotationFiles[comp.Rotation] {
			r.errorf(comp.PosOf("rotation"), "config/unknown-rotation", rotationHint(repo, comp.Rotation), "rotation %q of the component %s does not exist", comp.Rotation, comp.ID)
		}
	}
	pm := repo.personMention
	if pm == nil {
		return
	}
	// The site's title and description and the components' names, groups
	// and descriptions appear on every public page and in the JSON API.
	check := func(m *Meta, key, value, what string) {
		if start, end, ok := pm.find(value); ok {
			r.errorf(m.PosOf(key), "config/names-person", namesPersonHint, "%s names %q; it is public, and the public site names nobody", what, value[start:end])
		}
	}
	check(&c.Site.Meta, "title", c.Site.Title, "site.title")
	check(&c.Site.Meta, "description", c.Site.Description, "site.description")
	for i := range c.Components {
		co := &c.Components[i]
		check(&co.Meta, "name", co.Name, "the name of component "+co.ID)
		check(&co.Meta, "group", co.Group, "the group of component "+co.ID)
		check(&co.Meta, "description", co.Description, "the description of component "+co.ID)
	}
	for i := range c.Site.Subscribe {
		l := &c.Site.Subscribe[i]
		check(&l.Meta, "name", l.Name, "the name of a site.subscribe link")
	}
}

// rotationHint is the hint for a rotation id that has no file: the closest
// id, or the ids there are.
func rotationHint(repo *Repo, id string) string {
	ids := slices.Sorted(maps.Keys(repo.rotationFiles))
	if s := Suggest(id, ids); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	if len(ids) == 0 {
		return fmt.Sprintf("create %s/%s.yaml", RotationsDir, id)
	}
	return fmt.Sprintf("create %s/%s.yaml or name one of: %s", RotationsDir, id, strings.Join(ids, ", "))
}

func checkPeople(p *People, r reporter) {
	handles := map[string]bool{}
	logins := map[string]string{}
	for i := range p.People {
		pp := &p.People[i]
		if pp.Keys == nil {
			continue
		}
		switch {
		case pp.Handle == "":
			r.errorf(pp.Pos, "people/missing-field", "", "person %d has no handle", i+1)
		case !CheckHandle(pp.Handle):
			r.errorf(pp.PosOf("handle"), "people/bad-handle", "use lower-case letters, digits and hyphens, e.g. alice or alice-ng", "handle %q is not valid", pp.Handle)
		case handles[pp.Handle]:
			r.errorf(pp.PosOf("handle"), "people/duplicate-handle", "", "handle %q is used twice", pp.Handle)
		}
		handles[pp.Handle] = true
		if pp.Name == "" {
			r.errorf(pp.Pos, "people/missing-field", "", "person %q has no name", pp.Handle)
		}
		if pp.GitHub != "" {
			key := strings.ToLower(pp.GitHub)
			if prev, dup := logins[key]; dup {
				r.errorf(pp.PosOf("github"), "people/duplicate-github", "", "GitHub login %q is also used by %s", pp.GitHub, prev)
			}
			logins[key] = pp.Handle
			if !githubLoginOK(pp.GitHub) {
				r.errorf(pp.PosOf("github"), "people/bad-github", "write the login without @, e.g. alice-ng", "%q is not a GitHub login", pp.GitHub)
			}
		}
		if pp.Email != "" {
			if a, err := mail.ParseAddress(pp.Email); err != nil || a.Address != pp.Email {
				r.errorf(pp.PosOf("email"), "people/bad-email", "", "%q is not an email address", pp.Email)
			}
		}
		pp.Location = loadZone(pp.TimeZone, pp.PosOf("time_zone"), r, nil)
		if pp.IMOC != "" {
			oneOf(r, &pp.Meta, "imoc", pp.IMOC, "people/bad-imoc", IMOCQualified, IMOCTrainee)
		}
		checkAway(pp, r)
	}
}

// checkAway checks a person's time away: both days given, in order.
func checkAway(pp *Person, r reporter) {
	for i := range pp.Away {
		a := &pp.Away[i]
		if a.Keys == nil {
			continue
		}
		if !a.Has("from") {
			r.errorf(a.Pos, "people/missing-field", "e.g. {from: 2026-12-21, until: 2027-01-02, reason: holiday}", "time away of %s has no from (the first day away)", pp.Handle)
		}
		if !a.Has("until") {
			r.errorf(a.Pos, "people/missing-field", "until is the last day away (inclusive); for one day write the same date as from", "time away of %s has no until (the last day away)", pp.Handle)
		}
		if !a.From.IsZero() && !a.Until.IsZero() && a.Until.Before(a.From) {
			r.errorf(a.PosOf("until"), "people/bad-away", "until is the last day away, inclusive: it cannot be before from", "time away of %s ends (%s) before it starts (%s)", pp.Handle, a.Until, a.From)
		}
	}
}

func githubLoginOK(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// person checks that handle (at key) names someone in people.yaml and
// returns them.
func person(repo *Repo, m *Meta, key, handle, code string, r reporter) *Person {
	if p := repo.Person(handle); p != nil || repo.peopleIncomplete {
		return p
	}
	hint := "add them to people.yaml, or fix the handle"
	if s := suggest(handle, personHandles(repo)); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	r.errorf(m.PosOf(key), code, hint, "%q is not in people.yaml", handle)
	return nil
}

func personHandles(repo *Repo) []string {
	hs := make([]string, 0, len(repo.People))
	for _, p := range repo.People {
		hs = append(hs, p.Handle)
	}
	slices.Sort(hs)
	return hs
}

// absoluteHTTP says whether s is an absolute http or https URL with a host.
func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
