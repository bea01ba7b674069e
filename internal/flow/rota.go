package flow

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// RotaDays is how far ahead `baton schedule diff` and ping on a pull
// request that changes rotations compare by default.
const RotaDays = 90

// Bounds of what ping does on a pull request that changes rotations/ or
// people.yaml. One that touches more than MaxRotaFiles such files gets a
// neutral comment and nothing else; one that changes the shifts of more
// than MaxRotaReviewers people gets the comment without review requests.
const (
	MaxRotaFiles     = 20
	MaxRotaReviewers = 20
)

// Limits of the comment's rotation section, which keep it short whatever
// the pull request changes.
const (
	maxRotaPeople  = 20 // people listed
	maxRotaPeriods = 8  // gains and losses listed per person
	maxRotaOther   = 10 // gaps, and time-away conflicts, listed
)

// IsRotaFile reports whether p (slash-separated, from the repository's
// root) is people.yaml or a rotation file: the files whose changes move
// shifts.
func IsRotaFile(p string) bool {
	if p == schema.PeopleFile {
		return true
	}
	dir, name := path.Split(p)
	return dir == schema.RotationsDir+"/" && strings.HasSuffix(name, ".yaml") && !strings.HasPrefix(name, ".")
}

// Comparison is what a change to the rotations and people does, between
// two revisions' files.
type Comparison struct {
	Base, Head *schema.Repo
	Diff       oncall.Diff
}

// InvalidRotaError says that one side's people.yaml or rotation files do
// not validate, so that who is on call there cannot be trusted. Side is
// "base" or "head".
type InvalidRotaError struct {
	Side     string
	Problems schema.Problems
}

func (e *InvalidRotaError) Error() string {
	return fmt.Sprintf("the %s revision's people.yaml and rotations do not validate", e.Side)
}

// CompareSchedules loads both file systems and compares who is on call in
// [from, to) (oncall.Compare). It refuses, with an InvalidRotaError, a
// side whose people.yaml or rotation files have validation errors.
func CompareSchedules(ctx context.Context, base, head fs.FS, from, to time.Time) (*Comparison, error) {
	c := &Comparison{}
	for _, side := range []struct {
		name string
		fsys fs.FS
		dst  **schema.Repo
	}{{"base", base, &c.Base}, {"head", head, &c.Head}} {
		repo, ps := schema.Load(ctx, side.fsys)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if bad := rotaErrors(ps, nil); len(bad) > 0 {
			return nil, &InvalidRotaError{Side: side.name, Problems: bad}
		}
		*side.dst = repo
	}
	c.Diff = oncall.Compare(c.Base, c.Head, from, to)
	return c, nil
}

// rotaErrors returns the errors of ps in people.yaml and rotation files,
// leaving out those that base (when not nil) has too: a pull request is
// not held for what its base branch already has wrong.
func rotaErrors(ps, base schema.Problems) schema.Problems {
	type key struct{ file, code, msg string }
	had := map[key]bool{}
	for _, p := range base {
		had[key{p.File, p.Code, p.Message}] = true
	}
	var out schema.Problems
	for _, p := range ps {
		if p.Level == schema.Error && IsRotaFile(p.File) && !had[key{p.File, p.Code, p.Message}] {
			out = append(out, p)
		}
	}
	return out
}

// PeriodText formats [start, end) in loc for people: "Mon 21 Dec 09:00 →
// Mon 28 Dec 09:00 EST (168 h)", with both zone abbreviations when they
// differ ("Mon 2 Mar 09:00 EST → Mon 9 Mar 09:00 EDT (167 h)"), and the
// year after each date when the period does not lie in the year of ref
// (in loc).
func PeriodText(start, end time.Time, loc *time.Location, ref time.Time) string {
	s, e := start.In(loc), end.In(loc)
	layout := "Mon 2 Jan 15:04"
	if y := ref.In(loc).Year(); s.Year() != y || e.Year() != y {
		layout = "Mon 2 Jan 2006 15:04"
	}
	from := s.Format(layout)
	if s.Format("MST") != e.Format("MST") {
		from += " " + s.Format("MST")
	}
	return fmt.Sprintf("%s → %s %s (%s)", from, e.Format(layout), e.Format("MST"), Hours(end.Sub(start)))
}

// Hours formats a duration as whole hours ("168 h"), with minutes when
// there are any ("2 h 30 min").
func Hours(d time.Duration) string {
	h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// extraSection is a part of ping's comment besides the incidents': the
// people it asks for a review, and its text.
type extraSection struct {
	// request are the people asked for a review.
	request []*schema.Person
	// render writes the section; mentioned are the logins GitHub would not
	// let Baton ask.
	render func(mentioned []string) string
}

// newRotaPing compares base with head (the base branch with the pull
// request's rotation files) from now for RotaDays days. The section asks
// the people whose shifts change who are in the base branch's people.yaml
// with a GitHub login (nobody when more than MaxRotaReviewers people's
// shifts change). It also returns the handles whose shifts change.
func newRotaPing(base, head *schema.Repo, now time.Time, baseRef string) (*extraSection, []string) {
	to := now.AddDate(0, 0, RotaDays)
	d := oncall.Compare(base, head, now, to)
	rp := &extraSection{}
	changed := d.Changed()
	var handles []string
	for _, pd := range changed {
		handles = append(handles, pd.Person)
	}
	capped := len(changed) > MaxRotaReviewers
	asked := map[string]bool{}
	if !capped {
		for _, pd := range changed {
			if p := base.Person(pd.Person); p != nil && p.GitHub != "" {
				rp.request = append(rp.request, p)
				asked[pd.Person] = true
			}
		}
	}
	rp.render = func(mentioned []string) string {
		return rotaSection(base, head, d, changed, asked, capped, mentioned, baseRef, true)
	}
	return rp, handles
}

// rotaSection is the part of ping's comment about rotations. People are
// named from the base branch's people.yaml, or, for someone the pull
// request adds, from its own (escaped, and never @-mentioned); times are
// in each person's zone.
//
// ping says whether the section is for ping's comment (else for the body
// of a pull request Baton opens).
func rotaSection(base, head *schema.Repo, d oncall.Diff, changed []oncall.PersonDiff, asked map[string]bool, capped bool, mentioned []string, baseRef string, ping bool) string {
	var b strings.Builder
	siteZone := time.UTC
	if base.Config != nil && base.Config.Location != nil {
		siteZone = base.Config.Location
	}
	b.WriteString("### Rotations: who gains and loses shifts\n\n")
	fmt.Fprintf(&b, "Compared with %s over the %d days from %s, times in each person's time zone.\n\n",
		Code(baseRef), RotaDays, d.From.In(siteZone).Format("Mon 2 Jan 2006 15:04 MST"))
	person := func(h string) (label string, loc *time.Location) {
		p := base.Person(h)
		loc = base.PersonZone(h)
		added := ""
		if p == nil {
			p = head.Person(h)
			loc = head.PersonZone(h)
			added = ", added by this pull request"
		}
		name := h
		if p != nil && p.Name != "" {
			name = p.Name
		}
		label = Code(h) + " (" + EscapeMarkdown(name) + ", " + EscapeMarkdown(loc.String()) + added + ")"
		if asked[h] {
			label = Mention(p.GitHub) + " (" + EscapeMarkdown(name) + ", " + EscapeMarkdown(loc.String()) + ")"
		}
		return label, loc
	}
	if len(changed) == 0 {
		b.WriteString("Nobody's shifts change.\n\n")
	}
	if capped {
		fmt.Fprintf(&b, "The shifts of %d people change, more than %d: Baton has asked nobody to review this pull request. Ask the people concerned yourself.\n\n", len(changed), MaxRotaReviewers)
	}
	for i, pd := range changed {
		if i == maxRotaPeople {
			fmt.Fprintf(&b, "And %d more people.\n\n", len(changed)-i)
			break
		}
		label, loc := person(pd.Person)
		fmt.Fprintf(&b, "**%s**: %s → %s on call\n", label, Hours(pd.Before), Hours(pd.After))
		items := pd.Changes()
		for j, it := range items {
			if j == maxRotaPeriods {
				fmt.Fprintf(&b, "- and %d more\n", len(items)-j)
				break
			}
			fmt.Fprintf(&b, "- %s %s %s\n", it.Verb, Code(it.Rotation), PeriodText(it.Start, it.End, loc, d.From))
		}
		b.WriteString("\n")
	}
	if len(d.NewGaps) > 0 {
		b.WriteString("**New gaps**, with nobody on call:\n")
		for i, g := range d.NewGaps {
			if i == maxRotaOther {
				fmt.Fprintf(&b, "- and %d more\n", len(d.NewGaps)-i)
				break
			}
			fmt.Fprintf(&b, "- %s %s\n", Code(g.Rotation), PeriodText(g.Start, g.End, siteZone, d.From))
		}
		b.WriteString("\n")
	}
	if len(d.NewConflicts) > 0 {
		b.WriteString("**New conflicts with time away:**\n")
		for i, c := range d.NewConflicts {
			if i == maxRotaOther {
				fmt.Fprintf(&b, "- and %d more\n", len(d.NewConflicts)-i)
				break
			}
			label, loc := person(c.Person)
			away := fmt.Sprintf("%s to %s", c.Away.From, c.Away.Until)
			if c.Away.Reason != "" {
				away += ", " + EscapeMarkdown(c.Away.Reason)
			}
			fmt.Fprintf(&b, "- %s, away %s, is on call on %s %s\n", label, away, Code(c.Rotation), PeriodText(c.OverlapStart, c.OverlapEnd, loc, d.From))
		}
		b.WriteString("\n")
	}
	for _, m := range mentioned {
		fmt.Fprintf(&b, "%s: GitHub does not let Baton request your review on this pull request (you may have opened it); please review it all the same.\n\n", Mention(m))
	}
	if len(asked) > 0 {
		if ping {
			b.WriteString("Baton asked everyone above whose shifts change, and who has a GitHub login in the base branch's people.yaml, to review: merging moves their shifts.\n")
		} else {
			b.WriteString("Baton asks everyone above whose shifts change, and who has a GitHub login in people.yaml, to review: merging moves their shifts.\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
