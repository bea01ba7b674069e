package oncall

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// Time away is checked against the final schedule from now on: conflicts
// that start within AwayErrorWindow are errors, later ones warnings, and
// nothing beyond AwayHorizon is looked at (however far ahead people.yaml
// lists time away).
const (
	AwayErrorWindow = 30 * 24 * time.Hour
	AwayHorizon     = 400 * 24 * time.Hour
)

// Away is one entry of a person's time away, as instants: from midnight at
// the start of From to midnight at the end of Until, in the person's zone
// (their time_zone, else the site's), resolved by the rules of RFC 5545
// where a midnight does not exist or happens twice.
type Away struct {
	Person string
	// Index is the entry's position in the person's away list.
	Index       int
	From, Until schema.Date
	Reason      string
	Start, End  time.Time
}

// AwayOf returns the time away of the person with the given handle,
// sorted by start (then by position in the file). Entries with a missing
// day or that end before they start are left out: validation reports them.
func AwayOf(repo *schema.Repo, handle string) []Away {
	p := repo.Person(handle)
	if p == nil || len(p.Away) == 0 {
		return nil
	}
	loc := repo.PersonZone(handle)
	var out []Away
	for i, a := range p.Away {
		if a.From.IsZero() || a.Until.IsZero() || a.Until.Before(a.From) {
			continue
		}
		next := time.Date(a.Until.Year, a.Until.Month, a.Until.Day+1, 0, 0, 0, 0, time.UTC)
		out = append(out, Away{
			Person: handle, Index: i, From: a.From, Until: a.Until, Reason: a.Reason,
			Start: Resolve(schema.WallClock{Year: a.From.Year, Month: a.From.Month, Day: a.From.Day}, loc),
			End:   Resolve(schema.WallClock{Year: next.Year(), Month: next.Month(), Day: next.Day()}, loc),
		})
	}
	slices.SortStableFunc(out, func(a, b Away) int { return a.Start.Compare(b.Start) })
	return out
}

// awaySet is one person's time away, prepared for lookups.
type awaySet struct {
	entries []Away // sorted by Start
	// latest[i] is the index of the entry that ends last among
	// entries[:i+1].
	latest []int
	union  []ival // the entries united: sorted, disjoint, not touching
}

func newAwaySet(entries []Away) *awaySet {
	s := &awaySet{entries: entries, latest: make([]int, len(entries))}
	for i, a := range entries {
		s.latest[i] = i
		if i > 0 && !a.End.After(entries[s.latest[i-1]].End) {
			s.latest[i] = s.latest[i-1]
		}
		s.union = addSpan(s.union, ival{a.Start.Unix(), a.End.Unix()})
	}
	return s
}

// awaySets returns the prepared time away of everyone in repo who has any.
func awaySets(repo *schema.Repo) map[string]*awaySet {
	out := map[string]*awaySet{}
	for _, p := range repo.People {
		if a := AwayOf(repo, p.Handle); len(a) > 0 && out[p.Handle] == nil {
			out[p.Handle] = newAwaySet(a)
		}
	}
	return out
}

// covering returns an entry that holds instant t, if any.
func (s *awaySet) covering(t int64) (Away, bool) {
	i, _ := slices.BinarySearchFunc(s.entries, t, func(a Away, t int64) int {
		if a.Start.Unix() <= t {
			return -1
		}
		return 1
	})
	if i == 0 {
		return Away{}, false
	}
	a := s.entries[s.latest[i-1]]
	return a, a.End.Unix() > t
}

// overlaps reports whether any entry overlaps [from, to).
func (s *awaySet) overlaps(from, to int64) bool {
	i, _ := slices.BinarySearchFunc(s.union, from, func(v ival, t int64) int {
		if v.to <= t {
			return -1
		}
		return 1
	})
	return i < len(s.union) && s.union[i].from < to
}

// intersect returns the parts of the stretches (sorted, disjoint) that
// fall in time away.
func (s *awaySet) intersect(stretches []ival) []ival {
	var out []ival
	i, j := 0, 0
	for i < len(stretches) && j < len(s.union) {
		a, b := stretches[i], s.union[j]
		if lo, hi := max(a.from, b.from), min(a.to, b.to); lo < hi {
			out = append(out, ival{lo, hi})
		}
		if a.to < b.to {
			i++
		} else {
			j++
		}
	}
	return out
}

// personStretches returns, for everyone on call in a schedule, the
// stretches during which they are, merged where they continue.
func personStretches(ivs []Interval) map[string][]ival {
	out := map[string][]ival{}
	for _, iv := range ivs {
		from, to := iv.Start.Unix(), iv.End.Unix()
		for _, h := range iv.IMOC {
			out[h] = addSpan(out[h], ival{from, to})
		}
	}
	return out
}

// Conflict is time when someone is on call while away.
type Conflict struct {
	Rotation string
	Person   string
	// Start and End bound the stretch the person is on call (within the
	// range looked at); OverlapStart and OverlapEnd the part of it during
	// the time away Away.
	Start, End               time.Time
	OverlapStart, OverlapEnd time.Time
	Away                     Away
}

// conflicts returns, for every stretch of the schedule ivs whose holder
// is away for part of it, one Conflict per away entry it overlaps, sorted
// by overlap start, person and entry.
func conflicts(r *schema.Rotation, ivs []Interval, away map[string]*awaySet) []Conflict {
	loc := rotationZone(r)
	var out []Conflict
	for h, stretches := range personStretches(ivs) {
		as := away[h]
		if as == nil {
			continue
		}
		for _, a := range as.entries {
			from, to := a.Start.Unix(), a.End.Unix()
			i, _ := slices.BinarySearchFunc(stretches, from, func(v ival, t int64) int {
				if v.to <= t {
					return -1
				}
				return 1
			})
			for ; i < len(stretches) && stretches[i].from < to; i++ {
				s := stretches[i]
				out = append(out, Conflict{
					Rotation: r.ID, Person: h, Away: a,
					Start: time.Unix(s.from, 0).In(loc), End: time.Unix(s.to, 0).In(loc),
					OverlapStart: time.Unix(max(s.from, from), 0).In(loc), OverlapEnd: time.Unix(min(s.to, to), 0).In(loc),
				})
			}
		}
	}
	slices.SortFunc(out, func(a, b Conflict) int {
		return cmp.Or(a.OverlapStart.Compare(b.OverlapStart), cmp.Compare(a.Person, b.Person), cmp.Compare(a.Away.Index, b.Away.Index))
	})
	return out
}

// Conflicts returns every stretch of [from, to) during which someone on
// call on r is away, one per away entry it overlaps (see Conflict), sorted
// by when the overlap starts.
func Conflicts(repo *schema.Repo, r *schema.Rotation, from, to time.Time) []Conflict {
	if !to.After(from) || !r.WithinLimits() {
		return nil
	}
	return conflicts(r, schedule(r, from, to), awaySets(repo))
}

// checkAway reports the conflicts of r's schedule ivs (from now) with time
// away: one problem per away entry and level, at the entry in people.yaml.
func checkAway(repo *schema.Repo, r *schema.Rotation, ivs []Interval, away map[string]*awaySet, now time.Time) schema.Problems {
	type key struct {
		person string
		index  int
		err    bool
	}
	groups := map[key][]Conflict{}
	var order []key
	limit := now.Add(AwayErrorWindow)
	for _, c := range conflicts(r, ivs, away) {
		k := key{c.Person, c.Away.Index, c.Start.Before(limit)}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	var ps schema.Problems
	for _, k := range order {
		cs := groups[k]
		p := repo.Person(k.person)
		if p == nil || k.index >= len(p.Away) {
			continue
		}
		loc := repo.PersonZone(k.person)
		a := cs[0].Away
		from, until := cs[0].OverlapStart, cs[len(cs)-1].OverlapEnd
		level := schema.Warning
		when := "more than 30 days ahead"
		if k.err {
			level, when = schema.Error, "within 30 days"
		}
		what := fmt.Sprintf("%s to %s", a.From, a.Until)
		if a.Reason != "" {
			what += " (" + a.Reason + ")"
		}
		var shifts []string
		for i, c := range cs {
			if i == maxListedShifts {
				shifts = append(shifts, fmt.Sprintf("and %d more", len(cs)-i))
				break
			}
			shifts = append(shifts, fmt.Sprintf("%s → %s (%s)", stampIn(c.Start, loc), stampIn(c.End, loc), hoursText(c.End.Sub(c.Start))))
		}
		cover := coverFor(repo, r, k.person, from, until, away)
		pos := p.Away[k.index].Pos
		ps = append(ps, schema.Problem{
			Level: level, File: schema.PeopleFile, Line: max(pos.Line, 1), Column: max(pos.Col, 1),
			Code: "rotation/away-conflict",
			Message: fmt.Sprintf("%s is away %s but is IMOC on %s %s: %s", k.person, what, r.ID, when,
				strings.Join(shifts, ", ")),
			Hint: overrideHint(r, k.person, cover, from, until, loc, a.Reason),
		})
	}
	return ps
}

// maxListedShifts bounds the shifts one away-conflict message lists.
const maxListedShifts = 5

// coverFor picks who could take person's place on r during [from, until):
// a qualified IMOC who is not away at any time then. It tries the roster
// of the layer that gives person the slot at from, starting after them,
// then every other participant of the rotation, highest layer first. It
// returns "" when nobody fits.
func coverFor(repo *schema.Repo, r *schema.Rotation, person string, from, until time.Time, away map[string]*awaySet) string {
	var candidates []string
	st := At(r, from)
	for i := len(r.Layers) - 1; i >= 0; i-- {
		l := &r.Layers[i]
		name := l.Name
		if name == "" {
			name = fmt.Sprintf("layer %d", i+1)
		}
		roster := rosterAt(r, i, from)
		if name == st.Layer {
			if j := slices.Index(roster, person); j >= 0 {
				roster = append(slices.Clone(roster[j+1:]), roster[:j]...)
			}
			candidates = append(slices.Clone(roster), candidates...)
			continue
		}
		candidates = append(candidates, roster...)
	}
	for _, h := range candidates {
		if h == person || h == schema.Nobody || !repo.Person(h).Qualified() {
			continue
		}
		if as := away[h]; as != nil && as.overlaps(from.Unix(), until.Unix()) {
			continue
		}
		return h
	}
	return ""
}

// rosterAt returns the participants of layer i in force at t.
func rosterAt(r *schema.Rotation, i int, t time.Time) []string {
	l := &r.Layers[i]
	loc := l.Location
	if loc == nil {
		loc = rotationZone(r)
	}
	roster := l.Rotation.Participants
	for _, ch := range l.Changes {
		if !ch.From.IsZero() && len(ch.Participants) > 0 && !Resolve(ch.From, loc).After(t) {
			roster = ch.Participants
		}
	}
	return roster
}

// overrideHint is the override that hands person's shifts during [from,
// until) to cover, written as a line of r's overrides list.
func overrideHint(r *schema.Rotation, person, cover string, from, until time.Time, loc *time.Location, reason string) string {
	user := cover
	if user == "" {
		user = "WHO"
	}
	why := person + " away"
	if reason != "" {
		why += ": " + reason
	}
	o := fmt.Sprintf("- {kind: replace, user: %s, replaces: %s, from: %s, until: %s, reason: %s}",
		user, person, from.In(loc).Truncate(time.Second).Format(time.RFC3339), ceilSecond(until).In(loc).Format(time.RFC3339), strconv.Quote(why))
	hint := fmt.Sprintf("add to the overrides of %s: %s", r.Path, o)
	if cover == "" {
		hint += " (WHO: a qualified IMOC who is not away then; nobody on the rotation is free)"
	}
	return hint
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); !u.Equal(t) {
		return u.Add(time.Second)
	}
	return t
}

// stampIn formats an instant for messages in loc: "Mon 2026-12-21 09:00 EST".
func stampIn(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}

// hoursText formats a duration as whole hours, or hours and minutes.
func hoursText(d time.Duration) string {
	h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}
