package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Layer returns the rotation reduced to its layer i, without overrides or
// shadows: what that layer alone yields.
func Layer(r *schema.Rotation, i int) *schema.Rotation {
	one := *r
	one.Layers = []schema.Layer{r.Layers[i]}
	one.Overrides, one.Shadows = nil, nil
	return &one
}

// LayerEntries is what layer i of r alone yields over [from, to), as
// entries (the stretches with nobody left out).
func LayerEntries(r *schema.Rotation, i int, from, to time.Time) []Entry {
	return Rendered(Layer(r, i), from, to)
}

// maxSpan bounds how far ahead [Exclusive] looks after each date that
// changes the layers' pattern.
const maxSpan = 3 * 366 * 24 * time.Hour

// Exclusive checks that the given layers of r never have two different
// people on call at the same instant. Some tools put everyone their
// rotations name on call together (Opsgenie's rotations, Grafana OnCall's
// shifts of one priority level); Baton lets one layer speak at a time, so
// such layers translate exactly only if they never overlap with different
// people. Which layers run, and with which rosters, changes only at the
// layers' anchors and roster changes (and last, the end of a rendering
// window, is checked as such a date too); from each of these dates the
// layers' joint pattern repeats every [Span], so the check looks at one
// span after each (or up to the next date), and a year more when the
// layers are in different time zones (their clock changes do not repeat
// together). It returns "" when the layers are exclusive, or the first
// instant where they are not; an error when the pattern takes too long to
// repeat for the check to be complete.
func Exclusive(r *schema.Rotation, layers []int, last time.Time) (string, error) {
	if len(layers) < 2 {
		return "", nil
	}
	span, err := Span(r, layers)
	if err != nil {
		return "", err
	}
	var dates []time.Time
	zones := map[string]bool{}
	for _, i := range layers {
		l := &r.Layers[i]
		loc := l.Location
		if loc == nil {
			loc = r.Location
		}
		if loc == nil {
			loc = time.UTC
		}
		zones[loc.String()] = true
		dates = append(dates, oncall.Resolve(l.Rotation.Anchor, loc))
		for _, ch := range l.Changes {
			dates = append(dates, oncall.Resolve(ch.From, loc))
		}
	}
	if !last.IsZero() {
		dates = append(dates, last)
	}
	if len(zones) > 1 {
		span += 366 * 24 * time.Hour
	}
	for _, rg := range ranges(dates, span) {
		if msg := overlap(r, layers, rg[0], rg[1]); msg != "" {
			return msg, nil
		}
	}
	return "", nil
}

// ranges returns the stretches to check: from each date (in order) for
// span, or up to the next date when that comes first.
func ranges(dates []time.Time, span time.Duration) [][2]time.Time {
	dates = slices.Clone(dates)
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	dates = slices.CompactFunc(dates, func(a, b time.Time) bool { return a.Equal(b) })
	var out [][2]time.Time
	for i, d := range dates {
		end := d.Add(span)
		if i+1 < len(dates) && dates[i+1].Before(end) {
			end = dates[i+1]
		}
		out = append(out, [2]time.Time{d, end})
	}
	return out
}

// overlap describes the first instant in [from, to) at which two of the
// layers have different people on call, or returns "".
func overlap(r *schema.Rotation, layers []int, from, to time.Time) string {
	type stretch struct {
		Entry
		layer int
	}
	var all []stretch
	for _, i := range layers {
		for _, e := range LayerEntries(r, i, from, to) {
			all = append(all, stretch{e, i})
		}
	}
	slices.SortStableFunc(all, func(a, b stretch) int { return a.Start.Compare(b.Start) })
	// Sweep: each layer's entries are disjoint, so a conflict is an entry
	// that starts before an earlier-starting entry of another layer ends.
	var open []stretch
	for _, s := range all {
		open = slices.DeleteFunc(open, func(o stretch) bool { return !o.End.After(s.Start) })
		for _, o := range open {
			if o.layer != s.layer && !slices.Equal(o.Users, s.Users) {
				end := min(o.End.Unix(), s.End.Unix())
				return fmt.Sprintf("%s would be on call in %q and %s in %q at the same time, from %s to %s; Baton has one person from one layer at a time",
					strings.Join(o.Users, ", "), r.Layers[o.layer].Name, strings.Join(s.Users, ", "), r.Layers[s.layer].Name,
					s.Start.UTC().Format(time.RFC3339), time.Unix(end, 0).UTC().Format(time.RFC3339))
			}
		}
		open = append(open, s)
	}
	return ""
}

// Span returns how long the joint pattern of the given layers takes to
// repeat on the wall clock: the least common multiple of a week (for the
// windows) and of each layer's cycle (its interval times the length of
// each roster). It fails for layers that hand off by months (months differ
// in length) and for spans longer than three years.
func Span(r *schema.Rotation, layers []int) (time.Duration, error) {
	span := int64(7 * 86400)
	for _, i := range layers {
		l := &r.Layers[i]
		c := l.Rotation
		var step int64
		switch c.Every.Unit {
		case schema.Hours:
			step = int64(c.Every.N) * 3600
		case schema.Days:
			step = int64(c.Every.N) * 86400
		case schema.Weeks:
			step = int64(c.Every.N) * 7 * 86400
		default:
			return 0, fmt.Errorf("layer %q hands off every %s; months differ in length, so Baton cannot check that it never overlaps the others", l.Name, c.Every)
		}
		if c.Every.N <= 0 || c.Every.N > 1000 {
			return 0, fmt.Errorf("layer %q hands off every %s, too far apart for Baton to check that it never overlaps the others", l.Name, c.Every)
		}
		if len(c.HandoffDays) > 0 {
			// A week of kept handoffs moves the roster by the number of
			// handoff days: after n weeks it is where it started.
			step = 7 * 86400
		}
		rosters := [][]string{c.Participants}
		for _, ch := range l.Changes {
			rosters = append(rosters, ch.Participants)
		}
		for _, ps := range rosters {
			if n := int64(max(len(ps), 1)); n > int64(maxSpan/time.Second) {
				span = -1
			} else {
				span = lcm(span, step*n)
			}
			if span <= 0 || span > int64(maxSpan/time.Second) {
				break
			}
		}
		if span <= 0 {
			return 0, fmt.Errorf("layer %q has a roster too long for Baton to check that it never overlaps the others", l.Name)
		}
		if span > int64(maxSpan/time.Second) {
			return 0, fmt.Errorf("the layers' turns and windows repeat only every %d days, too long for Baton to check that they never overlap", span/86400)
		}
	}
	return time.Duration(span) * time.Second, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func lcm(a, b int64) int64 { return a / gcd(a, b) * b }

// Rotate returns the participants of layer i of r rotated so that the
// first of them holds the turn running at t (windows and roster changes
// aside): the roster of a change at t that keeps who holds which turn.
func Rotate(r *schema.Rotation, i int, t time.Time) []string {
	l := r.Layers[i]
	ps := l.Rotation.Participants
	places := make([]string, len(ps))
	for j := range places {
		places[j] = "#" + strconv.Itoa(j)
	}
	l.Rotation.Participants = places
	l.Active, l.Exclude, l.Changes = nil, nil, nil
	probe := *r
	probe.Layers = []schema.Layer{l}
	probe.Overrides, probe.Shadows = nil, nil
	k := 0
	if st := oncall.At(&probe, t); len(st.IMOC) == 1 {
		k, _ = strconv.Atoi(strings.TrimPrefix(st.IMOC[0], "#"))
	}
	return slices.Concat(ps[k:], ps[:k])
}
