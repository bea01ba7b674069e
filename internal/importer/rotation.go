package importer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// RenderRotation writes r as a rotation file, with header as a comment at
// the top (one comment line per line of header). Only the keys the
// importers produce are written: name, time_zone, layers (name, time_zone,
// rotation, changes, active) and overrides.
func RenderRotation(r *schema.Rotation, header string) []byte {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(header, "\n"), "\n") {
		b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
	}
	fmt.Fprintf(&b, "name: %s\n", quote(r.Name))
	if r.TimeZone != "" {
		fmt.Fprintf(&b, "time_zone: %s\n", r.TimeZone)
	}
	b.WriteString("\n# Layers are listed lowest priority first: where several yield someone,\n# the one further down wins.\nlayers:\n")
	for _, l := range r.Layers {
		fmt.Fprintf(&b, "  - name: %s\n", quote(l.Name))
		if l.TimeZone != "" {
			fmt.Fprintf(&b, "    time_zone: %s\n", l.TimeZone)
		}
		c := l.Rotation
		fmt.Fprintf(&b, "    rotation:\n      anchor: %s\n      every: %s\n", c.Anchor, c.Every)
		if len(c.HandoffDays) > 0 {
			fmt.Fprintf(&b, "      handoff_days: %s\n", days(c.HandoffDays))
		}
		fmt.Fprintf(&b, "      participants: %s\n", list(c.Participants))
		if len(l.Changes) > 0 {
			b.WriteString("    changes:\n")
			for _, ch := range l.Changes {
				fmt.Fprintf(&b, "      - {from: %s, participants: %s", ch.From, list(ch.Participants))
				if ch.First != "" {
					fmt.Fprintf(&b, ", first: %s", ch.First)
				}
				b.WriteString("}\n")
			}
		}
		if len(l.Active) > 0 {
			b.WriteString("    active:\n")
			for _, w := range l.Active {
				b.WriteString("      - {")
				if len(w.Days) > 0 && len(w.Days) < 7 {
					fmt.Fprintf(&b, "days: %s, ", days(w.Days))
				}
				fmt.Fprintf(&b, "from: %q, to: %q}\n", w.From.String(), w.To.String())
			}
		}
	}
	if len(r.Overrides) > 0 {
		b.WriteString("\noverrides:\n")
		for _, o := range r.Overrides {
			fmt.Fprintf(&b, "  - {kind: %s, user: %s", o.Kind, o.User)
			if o.Replaces != "" {
				fmt.Fprintf(&b, ", replaces: %s", o.Replaces)
			}
			fmt.Fprintf(&b, ", from: %s, until: %s", o.From.Format(time.RFC3339), o.Until.Format(time.RFC3339))
			if o.Reason != "" {
				fmt.Fprintf(&b, ", reason: %s", quote(o.Reason))
			}
			b.WriteString("}\n")
		}
	}
	return []byte(b.String())
}

// quote writes s as a double-quoted YAML scalar (JSON's string escapes are
// valid YAML).
func quote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

func list(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }

func days(ds []schema.Weekday) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return list(s)
}

// Entry is one stretch of a vendor's rendered schedule: who is on call
// from Start to End. Vendors leave out the stretches with nobody on call.
type Entry struct {
	Start, End time.Time
	// Users are the handles on call (one for most vendors).
	Users []string
}

// Normalize sorts entries, drops empty ones, puts everyone of overlapping
// entries on call together (vendors that list each person's stretches
// separately overlap them where several are on call at once) and merges
// neighbours with the same users, so that two renderings of one schedule
// compare equal however each vendor cuts its entries.
func Normalize(es []Entry) []Entry {
	var cuts []int64
	for _, e := range es {
		if len(e.Users) > 0 && e.End.After(e.Start) {
			cuts = append(cuts, e.Start.Unix(), e.End.Unix())
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	if len(cuts) < 2 {
		return nil
	}
	// who[i] is everyone on call in [cuts[i], cuts[i+1]).
	who := make([][]string, len(cuts)-1)
	for _, e := range es {
		if len(e.Users) == 0 || !e.End.After(e.Start) {
			continue
		}
		lo, _ := slices.BinarySearch(cuts, e.Start.Unix())
		hi, _ := slices.BinarySearch(cuts, e.End.Unix())
		for i := lo; i < hi; i++ {
			who[i] = append(who[i], e.Users...)
		}
	}
	var out []Entry
	for i, us := range who {
		if len(us) == 0 {
			continue
		}
		us = slices.Clone(us)
		slices.Sort(us)
		us = slices.Compact(us)
		start, end := time.Unix(cuts[i], 0).UTC(), time.Unix(cuts[i+1], 0).UTC()
		if n := len(out); n > 0 && out[n-1].End.Equal(start) && slices.Equal(out[n-1].Users, us) {
			out[n-1].End = end
			continue
		}
		out = append(out, Entry{Start: start, End: end, Users: us})
	}
	return out
}

// Rendered is Baton's final schedule of r over [from, to) as entries.
func Rendered(r *schema.Rotation, from, to time.Time) []Entry {
	var es []Entry
	for _, iv := range oncall.Schedule(r, from, to) {
		es = append(es, Entry{Start: iv.Start, End: iv.End, Users: iv.IMOC})
	}
	return Normalize(es)
}

// maxCompare bounds the window Compare renders: windows come from saved
// files as well as from the commands, which ask for a year at most.
const maxCompare = 2 * 366 * 24 * time.Hour

// Compare checks Baton's schedule of r over [from, to) against a vendor's
// rendered schedule (entries clipped to the window) and describes the
// first difference, or returns "" when they agree interval by interval.
// A window longer than two years is itself reported as a difference.
func Compare(r *schema.Rotation, from, to time.Time, vendor []Entry) string {
	if to.Sub(from) > maxCompare {
		return fmt.Sprintf("the vendor's rendering runs from %s to %s, more than two years; Baton compares at most two years", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	var clipped []Entry
	for _, e := range vendor {
		if e.Start.Before(from) {
			e.Start = from
		}
		if e.End.After(to) {
			e.End = to
		}
		clipped = append(clipped, e)
	}
	want, got := Normalize(clipped), Rendered(r, from, to)
	for i := 0; i < max(len(want), len(got)); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("the vendor has %s; Baton has nobody on call then", want[i])
		case i >= len(want):
			return fmt.Sprintf("Baton has %s; the vendor has nobody on call then", got[i])
		case !want[i].Start.Equal(got[i].Start) || !want[i].End.Equal(got[i].End) || !slices.Equal(want[i].Users, got[i].Users):
			return fmt.Sprintf("the vendor has %s where Baton has %s", want[i], got[i])
		}
	}
	return ""
}

func (e Entry) String() string {
	who := strings.Join(e.Users, ", ")
	if who == "" {
		who = "nobody"
	}
	return fmt.Sprintf("%s from %s to %s", who, e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339))
}

// Wall returns the wall-clock reading of t in loc, and whether Baton reads
// that wall-clock value back as t (false when t is the second occurrence of
// a time that happens twice as clocks go back).
func Wall(t time.Time, loc *time.Location) (schema.WallClock, bool) {
	l := t.In(loc)
	w := schema.WallClock{Year: l.Year(), Month: l.Month(), Day: l.Day(), Hour: l.Hour(), Minute: l.Minute(), Second: l.Second()}
	return w, oncall.Resolve(w, loc).Equal(t)
}

// WeekdayCode converts a Go weekday.
func WeekdayCode(d time.Weekday) schema.Weekday { return schema.Weekday(d) }

// Windows turns restrictions given as (start weekday or every day, start
// time of day, duration) into Baton active windows: a window belongs to the
// day it starts on and lasts at most a day, so a restriction longer than a
// day becomes a chain of day-long windows that meet end to start. It fails
// when a start time or a duration is not a whole number of minutes, or a
// duration is not between a minute and a week.
func Windows(rs []Restriction) ([]schema.Window, error) {
	type key struct{ from, to schema.Clock }
	byKey := map[key][]schema.Weekday{}
	var order []key
	add := func(d time.Weekday, from, to int) {
		k := key{schema.Clock(from), schema.Clock(to)}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(byKey[k], schema.Weekday(d)) {
			byKey[k] = append(byKey[k], schema.Weekday(d))
		}
	}
	for _, r := range rs {
		if r.Start%60 != 0 || r.Duration%60 != 0 || r.Start < 0 || r.Start >= 86400 {
			return nil, fmt.Errorf("a restriction at %s for %s is not in whole minutes", clock(r.Start), dur(r.Duration))
		}
		if r.Duration <= 0 || r.Duration > 7*86400 || (r.Daily && r.Duration > 86400) {
			return nil, fmt.Errorf("a restriction of %s is longer than its period", dur(r.Duration))
		}
		starts := []time.Weekday{r.Day}
		if r.Daily {
			starts = []time.Weekday{0, 1, 2, 3, 4, 5, 6}
		}
		for _, d := range starts {
			left := r.Duration
			for j := 0; left > 0; j++ {
				n := min(left, 86400)
				add((d+time.Weekday(j))%7, r.Start, (r.Start+n)%86400)
				left -= n
			}
		}
	}
	var out []schema.Window
	for _, k := range order {
		ds := byKey[k]
		slices.SortFunc(ds, func(a, b schema.Weekday) int { return int((a+6)%7) - int((b+6)%7) })
		out = append(out, schema.Window{Days: ds, From: k.from, To: k.to})
	}
	return out, nil
}

// Restriction is a vendor's time restriction: from Start (seconds after
// midnight) on Day (or every day when Daily) for Duration seconds.
type Restriction struct {
	Daily    bool
	Day      time.Weekday
	Start    int
	Duration int
}

func clock(s int) string { return fmt.Sprintf("%02d:%02d:%02d", s/3600, s%3600/60, s%60) }

func dur(s int) string { return (time.Duration(s) * time.Second).String() }

// RotationOptions name the rotation file an on-call import writes.
type RotationOptions struct {
	// RotationID is the file name (without .yaml); default a slug of the
	// schedule's name.
	RotationID string
}

// RotationID is the id of the rotation file for a vendor's schedule: the
// one given, else a slug of the schedule's name, else (a name with too
// little to slug) prefix-<slug of the vendor's schedule id>. It is an error
// when the result is not a valid id.
func RotationID(given, name, prefix, vendorID string) (string, error) {
	id := given
	if id == "" {
		id = edit.Slug(name)
		// edit.Slug makes "incident-…" of a name with fewer than three
		// letters or digits; a rotation deserves the vendor's id instead.
		if strings.HasPrefix(id, "incident") && !strings.Contains(strings.ToLower(name), "incident") {
			id = prefix + "-" + edit.Slug(vendorID)
		}
	}
	if !schema.CheckHandle(id) {
		return "", fmt.Errorf("rotation id %q is not valid: use lower-case letters, digits and hyphens", id)
	}
	return id, nil
}
