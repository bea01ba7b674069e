package schema

import (
	"fmt"
	"slices"
	"time"
)

// resolveRotationZones fills the rotation's and layers' Location fields.
func resolveRotationZones(rot *Rotation, r reporter) {
	if rot.TimeZone == "" && rot.Keys != nil {
		hasAll := len(rot.Layers) > 0
		for _, l := range rot.Layers {
			hasAll = hasAll && l.TimeZone != ""
		}
		if !hasAll {
			r.errorf(rot.Pos, "rotation/missing-field", "add time_zone, e.g. America/New_York; wall-clock times are read in it", "time_zone is required (or set one on every layer)")
		}
	}
	rot.Location = loadZone(rot.TimeZone, rot.PosOf("time_zone"), r, time.UTC)
	for i := range rot.Layers {
		l := &rot.Layers[i]
		l.Location = loadZone(l.TimeZone, l.PosOf("time_zone"), r, rot.Location)
	}
}

// checkRotation checks a rotation file's static rules: everything in S6
// that needs no rotation arithmetic (package oncall adds the rest).
func checkRotation(repo *Repo, rot *Rotation, r reporter) {
	resolveRotationZones(rot, r)
	if rot.Name == "" {
		r.errorf(rot.Pos, "rotation/missing-field", "add name, e.g. \"Platform IMOC\"", "name is required")
	}
	if len(rot.Layers) == 0 {
		r.errorf(rot.PosOf("layers"), "rotation/missing-field", "add at least one layer with a rotation: {anchor, every, participants}", "a rotation needs at least one layer")
	}
	for _, x := range rot.excesses() {
		r.errorf(x.at, "rotation/too-complex", x.hint, "%s, over the limit of %d: Baton does not work out who is on call from a rotation this large", x.what, x.limit)
	}
	imocOK := func(m *Meta, key, h string) {
		if h == Nobody {
			return
		}
		p := person(repo, m, key, h, "rotation/unknown-person", r)
		switch {
		case p == nil:
		case p.IMOC == IMOCTrainee:
			r.errorf(m.PosOf(key), "rotation/not-qualified", "trainees train by shadowing: list them under shadows:", "%s is an IMOC trainee and cannot take IMOC shifts", h)
		case p.IMOC != IMOCQualified:
			r.errorf(m.PosOf(key), "rotation/not-imoc", "set imoc: qualified for them in people.yaml, or remove them", "%s is not an IMOC (people.yaml has no imoc: qualified)", h)
		}
	}
	names := map[string]bool{}
	for li := range rot.Layers {
		l := &rot.Layers[li]
		if l.Keys == nil {
			continue
		}
		if l.Name != "" {
			if names[l.Name] {
				r.errorf(l.PosOf("name"), "rotation/duplicate-id", "", "layer name %q is used twice", l.Name)
			}
			names[l.Name] = true
		}
		c := &l.Rotation
		if !l.Has("rotation") {
			r.errorf(l.Pos, "rotation/missing-field", "add rotation: {anchor: 2025-01-06T09:00, every: 1w, participants: [...]}", "layer %q has no rotation", l.Name)
			continue
		}
		if !c.Has("anchor") {
			r.errorf(c.Pos, "rotation/missing-field", "add anchor: the wall-clock time of the first handoff, e.g. 2025-01-06T09:00", "rotation.anchor is required")
		}
		if !c.Has("every") {
			r.errorf(c.Pos, "rotation/missing-field", "add every: e.g. 1w, 1d, 12h or 1mo", "rotation.every is required")
		}
		if c.Every.Unit == Months && c.Anchor.Day > 28 {
			r.errorf(c.PosOf("anchor"), "rotation/bad-anchor", "anchor monthly rotations on day 1–28", "a monthly rotation's anchor day must be at most 28 (not every month has day %d)", c.Anchor.Day)
		}
		if len(c.HandoffDays) > 0 && (c.Every != Every{1, Days}) {
			r.errorf(c.PosOf("handoff_days"), "rotation/bad-handoff-days", "use handoff_days only with every: 1d", "handoff_days requires every: 1d (it is %s)", c.Every)
		}
		if len(c.Participants) == 0 {
			r.errorf(c.PosOf("participants"), "rotation/missing-field", "list handles from people.yaml (or nobody for an empty slot)", "rotation.participants is empty")
		}
		for i, h := range c.Participants {
			imocOK(&c.Meta, fmt.Sprintf("participants.%d", i), h)
		}
		var prev WallClock
		for ci := range l.Changes {
			ch := &l.Changes[ci]
			if !ch.Has("from") {
				r.errorf(ch.Pos, "rotation/missing-field", "", "a roster change needs from:")
			} else if !c.Anchor.IsZero() && !ch.From.IsZero() && wallBefore(ch.From, c.Anchor) {
				r.errorf(ch.PosOf("from"), "rotation/bad-change", "roster changes take effect after the anchor", "change from %s is before the anchor %s", ch.From, c.Anchor)
			} else if ci > 0 && !prev.IsZero() && !ch.From.IsZero() && !wallBefore(prev, ch.From) {
				r.errorf(ch.PosOf("from"), "rotation/bad-change", "list roster changes in date order", "change from %s is not after the previous change (%s)", ch.From, prev)
			}
			prev = ch.From
			if len(ch.Participants) == 0 {
				r.errorf(ch.PosOf("participants"), "rotation/missing-field", "", "a roster change needs participants")
			}
			for i, h := range ch.Participants {
				imocOK(&ch.Meta, fmt.Sprintf("participants.%d", i), h)
			}
			if ch.First != "" && !slices.Contains(ch.Participants, ch.First) {
				r.errorf(ch.PosOf("first"), "rotation/bad-change", "first must be one of the change's participants", "first %q is not among the participants", ch.First)
			}
		}
		for wi := range l.Active {
			w := &l.Active[wi]
			if !w.Has("from") || !w.Has("to") {
				r.errorf(w.Pos, "rotation/missing-field", "e.g. {days: [MO, TU, WE, TH, FR], from: \"09:00\", to: \"17:00\"}", "an active window needs from and to")
			}
			if w.From >= 24*3600 {
				r.errorf(w.PosOf("from"), "rotation/bad-window", "", "a window cannot start at 24:00")
			}
		}
	}
	for i := range rot.Overrides {
		o := &rot.Overrides[i]
		if o.Keys == nil {
			continue
		}
		if o.Kind == "" {
			r.errorf(o.Pos, "rotation/missing-field", "kind is one of assign, replace, add, remove", "override has no kind")
		} else {
			oneOf(r, &o.Meta, "kind", o.Kind, "rotation/bad-override", OverrideKinds...)
		}
		if o.User == "" {
			r.errorf(o.Pos, "rotation/missing-field", "", "override has no user")
		} else if o.Kind == OverrideRemove {
			person(repo, &o.Meta, "user", o.User, "rotation/unknown-person", r)
		} else {
			imocOK(&o.Meta, "user", o.User)
		}
		if o.Kind == OverrideReplace && o.Replaces == "" {
			r.errorf(o.Pos, "rotation/missing-field", "name who is replaced: replaces: <handle>", "a replace override needs replaces")
		}
		if o.Kind != OverrideReplace && o.Replaces != "" {
			r.errorf(o.PosOf("replaces"), "rotation/bad-override", "use kind: replace, or remove replaces", "replaces is only meaningful with kind: replace")
		}
		if o.Replaces != "" {
			person(repo, &o.Meta, "replaces", o.Replaces, "rotation/unknown-person", r)
		}
		checkInterval(r, &o.Meta, o.From, o.Until, "override")
	}
	for i := range rot.Shadows {
		s := &rot.Shadows[i]
		if s.Keys == nil {
			continue
		}
		if s.User == "" {
			r.errorf(s.Pos, "rotation/missing-field", "", "shadow has no user")
		} else if p := person(repo, &s.Meta, "user", s.User, "rotation/unknown-person", r); p != nil && p.IMOC == "" {
			r.errorf(s.PosOf("user"), "rotation/not-imoc", "set imoc: trainee for them in people.yaml", "%s shadows the IMOC but is not an IMOC trainee", s.User)
		}
		switch {
		case s.With == "":
			r.errorf(s.Pos, "rotation/missing-field", "with: imoc follows whoever is the IMOC; with: <handle> follows one person", "shadow has no with")
		case s.With != WithIMOC:
			person(repo, &s.Meta, "with", s.With, "rotation/unknown-person", r)
		}
		checkInterval(r, &s.Meta, s.From, s.Until, "shadow")
	}
}

func checkInterval(r reporter, m *Meta, from, until time.Time, what string) {
	if from.IsZero() && !m.Has("from") {
		r.errorf(m.Pos, "rotation/missing-field", "", "%s has no from", what)
	}
	if until.IsZero() && !m.Has("until") {
		r.errorf(m.Pos, "rotation/missing-field", "", "%s has no until", what)
	}
	if !from.IsZero() && !until.IsZero() && !until.After(from) {
		r.errorf(m.PosOf("until"), "rotation/bad-interval", "until must be after from", "%s ends (%s) before it starts (%s)", what, until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
}

func wallBefore(a, b WallClock) bool {
	x := time.Date(a.Year, a.Month, a.Day, a.Hour, a.Minute, a.Second, 0, time.UTC)
	y := time.Date(b.Year, b.Month, b.Day, b.Hour, b.Minute, b.Second, 0, time.UTC)
	return x.Before(y)
}
