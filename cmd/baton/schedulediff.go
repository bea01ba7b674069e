package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

type scheduleDiffOptions struct {
	*globals
	base, head string
	remote     string
	days       int
	json       bool
}

func newScheduleDiffCmd(g *globals) *cobra.Command {
	o := &scheduleDiffOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "diff [--base REV] [--head REV] [--days N] [--json]",
		Short: "Show who gains and loses which shifts between two revisions of the rotations",
		Long: `Diff compares who is on call (the final IMOC sets: layers, restrictions and
overrides; not shadows) between the base revision's files and the working tree
(or --head REV), over the --days days from now (--now or the clock). For each
person whose shifts change it prints the stretches they gain and lose, in
their own time zone; then the gaps the change opens (nobody on call), the
time away it puts on call, and everyone's hours on call before and after.

The base is --base REV, by default the merge base of HEAD with the default
branch (github.default_branch in baton.yaml): its remote-tracking branch on
--remote when there is one, else the local branch. Nothing is fetched.

A side whose people.yaml or rotation files have validation errors is refused
(exit 1): who is on call there cannot be trusted.

--json prints one object, documented in docs/rotations.md:

  {"base": "…", "head": "…", "from": "RFC3339", "to": "RFC3339",
   "people": [{"person": "bob", "changed": true,
               "gained": [{"rotation", "start", "end", "seconds"}], "lost": […],
               "before_seconds": 0, "after_seconds": 0,
               "rotations": [{"rotation", "before_seconds", "after_seconds"}]}],
   "new_gaps": [{"rotation", "start", "end", "seconds"}],
   "new_away_conflicts": [{"rotation", "person", "start", "end", "seconds",
                           "away": {"from", "until", "reason"}}]}`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.base, "base", "", "the base `REV` (default: the merge base of HEAD with the default branch)")
	f.StringVar(&o.head, "head", "", "compare with `REV` instead of the working tree")
	f.StringVar(&o.remote, "remote", "origin", "the git `REMOTE` whose default branch is the default base")
	f.IntVar(&o.days, "days", flow.RotaDays, "compare `N` days from now")
	f.BoolVar(&o.json, "json", false, "print JSON (see above)")
	return cmd
}

func (o *scheduleDiffOptions) run(ctx context.Context) error {
	if o.days < 1 || o.days > maxScheduleDays {
		return usageErrorf("--days %d is out of range", o.days).withHint("use 1 to %d days", maxScheduleDays)
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	to := now.AddDate(0, 0, o.days)
	if !to.Before(endInstant()) {
		return usageErrorf("%s after %s ends in the year %d, out of range", plural(o.days, "day"), now.Format(time.RFC3339), to.UTC().Year()).withHint("%s; ask for fewer --days", instantRangeHint)
	}
	wt, _, err := o.Repo(ctx)
	if err != nil {
		return err
	}
	gr, err := gitrepo.Open(ctx, o.repoDir, gitrepo.Options{})
	if err != nil {
		return failuref("%v", err).withHint("schedule diff compares git revisions: run it in a clone of the incidents repository (--repo DIR)")
	}
	baseRev, baseName := o.base, o.base
	if baseRev == "" {
		def := wt.Config.GitHub.DefaultBranch
		branch := o.remote + "/" + def
		if _, err := gr.Resolve(branch); err != nil {
			branch = def
		}
		if baseRev, err = gr.MergeBase("HEAD", branch); err != nil {
			return failuref("finding the merge base of HEAD and %s: %v", branch, err).withHint("pass --base REV, the revision to compare with")
		}
		baseName = "merge base with " + branch + " (" + baseRev[:12] + ")"
	}
	if baseRev, err = gr.Resolve(baseRev); err != nil {
		return failuref("%v", err).withHint("--base names a branch, tag or commit of the clone")
	}
	base, err := gr.FS(ctx, baseRev)
	if err != nil {
		return failuref("%v", err).withHint("--base names a branch, tag or commit of the clone")
	}
	var head fs.FS
	headName, headRev := "the working tree", ""
	if o.head != "" {
		if headRev, err = gr.Resolve(o.head); err != nil {
			return failuref("%v", err).withHint("--head names a branch, tag or commit of the clone")
		}
		if head, err = gr.FS(ctx, headRev); err != nil {
			return failuref("%v", err).withHint("--head names a branch, tag or commit of the clone")
		}
		headName = o.head
	} else {
		root, err := os.OpenRoot(o.repoDir)
		if err != nil {
			return failuref("cannot open repository %s: %v", o.repoDir, err)
		}
		defer root.Close()
		head = root.FS()
	}
	c, err := flow.CompareSchedules(ctx, base, head, now, to)
	var ie *flow.InvalidRotaError
	if errors.As(err, &ie) {
		writeText(o.stderr, ie.Problems)
		name := baseName
		if ie.Side == "head" {
			name = headName
		}
		return problemsErrorf("the rotations of %s do not validate: %s", name, plural(len(ie.Problems), "error")).withHint("fix them (`baton validate` lists them), or compare other revisions")
	}
	if err != nil {
		return failuref("%w", err)
	}
	if o.json {
		return writeOncallJSON(o.stdout, diffJSON(c, baseRev, headRev))
	}
	writeDiff(o.stdout, c, baseName, headName, o.days)
	return nil
}

// Stable JSON shapes of schedule diff (documented in docs/rotations.md).
type (
	diffOut struct {
		Base      string            `json:"base"`
		Head      string            `json:"head"`
		From      string            `json:"from"`
		To        string            `json:"to"`
		People    []diffPersonOut   `json:"people"`
		NewGaps   []diffPeriodOut   `json:"new_gaps"`
		Conflicts []diffConflictOut `json:"new_away_conflicts"`
	}
	diffPersonOut struct {
		Person    string          `json:"person"`
		Changed   bool            `json:"changed"`
		Gained    []diffPeriodOut `json:"gained"`
		Lost      []diffPeriodOut `json:"lost"`
		Before    int64           `json:"before_seconds"`
		After     int64           `json:"after_seconds"`
		Rotations []diffHoursOut  `json:"rotations"`
	}
	diffPeriodOut struct {
		Rotation string `json:"rotation"`
		Start    string `json:"start"`
		End      string `json:"end"`
		Seconds  int64  `json:"seconds"`
	}
	diffHoursOut struct {
		Rotation string `json:"rotation"`
		Before   int64  `json:"before_seconds"`
		After    int64  `json:"after_seconds"`
	}
	diffConflictOut struct {
		Rotation string      `json:"rotation"`
		Person   string      `json:"person"`
		Start    string      `json:"start"`
		End      string      `json:"end"`
		Seconds  int64       `json:"seconds"`
		Away     diffAwayOut `json:"away"`
	}
	diffAwayOut struct {
		From   schema.Date `json:"from"`
		Until  schema.Date `json:"until"`
		Reason string      `json:"reason"`
	}
)

func periodOut(rotation string, start, end time.Time) diffPeriodOut {
	return diffPeriodOut{Rotation: rotation, Start: start.UTC().Format(time.RFC3339), End: end.UTC().Format(time.RFC3339), Seconds: int64(end.Sub(start) / time.Second)}
}

// diffJSON is the --json form of a comparison: base and head are commit
// hashes, head "" for the working tree.
func diffJSON(c *flow.Comparison, base, head string) diffOut {
	d := c.Diff
	out := diffOut{Base: base, Head: head, From: d.From.UTC().Format(time.RFC3339), To: d.To.UTC().Format(time.RFC3339),
		People: []diffPersonOut{}, NewGaps: []diffPeriodOut{}, Conflicts: []diffConflictOut{}}
	for _, pd := range d.People {
		po := diffPersonOut{Person: pd.Person, Changed: pd.Changed(), Gained: []diffPeriodOut{}, Lost: []diffPeriodOut{}, Rotations: []diffHoursOut{},
			Before: int64(pd.Before / time.Second), After: int64(pd.After / time.Second)}
		for _, p := range pd.Gained {
			po.Gained = append(po.Gained, periodOut(p.Rotation, p.Start, p.End))
		}
		for _, p := range pd.Lost {
			po.Lost = append(po.Lost, periodOut(p.Rotation, p.Start, p.End))
		}
		for _, h := range pd.Rotations {
			po.Rotations = append(po.Rotations, diffHoursOut{Rotation: h.Rotation, Before: int64(h.Before / time.Second), After: int64(h.After / time.Second)})
		}
		out.People = append(out.People, po)
	}
	for _, g := range d.NewGaps {
		out.NewGaps = append(out.NewGaps, periodOut(g.Rotation, g.Start, g.End))
	}
	for _, x := range d.NewConflicts {
		p := periodOut(x.Rotation, x.OverlapStart, x.OverlapEnd)
		out.Conflicts = append(out.Conflicts, diffConflictOut{Rotation: x.Rotation, Person: x.Person, Start: p.Start, End: p.End, Seconds: p.Seconds,
			Away: diffAwayOut{From: x.Away.From, Until: x.Away.Until, Reason: x.Away.Reason}})
	}
	return out
}

// writeDiff prints a comparison for people: each person whose shifts
// change, with the stretches in their own zone; new gaps (in the site's
// zone); new conflicts with time away; hours before and after.
func writeDiff(w io.Writer, c *flow.Comparison, baseName, headName string, days int) {
	d := c.Diff
	site := time.UTC
	if c.Head.Config != nil && c.Head.Config.Location != nil {
		site = c.Head.Config.Location
	}
	fmt.Fprintf(w, "Schedule diff: %s → %s, %s to %s (%s)\n\n", baseName, headName,
		d.From.In(site).Format(oncallTimeLayout), d.To.In(site).Format(oncallTimeLayout), plural(days, "day"))
	zoneOf := func(h string) *time.Location {
		if c.Head.Person(h) != nil {
			return c.Head.PersonZone(h)
		}
		return c.Base.PersonZone(h)
	}
	nameOf := func(h string) string {
		for _, r := range []*schema.Repo{c.Head, c.Base} {
			if p := r.Person(h); p != nil && p.Name != "" {
				return p.Name
			}
		}
		return h
	}
	changed := d.Changed()
	if len(changed) == 0 {
		fmt.Fprint(w, "Nobody's shifts change.\n\n")
	}
	for _, pd := range changed {
		loc := zoneOf(pd.Person)
		fmt.Fprintf(w, "%s (%s, %s): %s → %s on call\n", pd.Person, nameOf(pd.Person), loc, flow.Hours(pd.Before), flow.Hours(pd.After))
		items := pd.Changes()
		var rows [][]string
		for _, it := range items {
			rows = append(rows, []string{it.Verb, it.Rotation, flow.PeriodText(it.Start, it.End, loc, d.From)})
		}
		writeTable(w, rows)
		fmt.Fprintln(w)
	}
	if len(d.NewGaps) > 0 {
		fmt.Fprintf(w, "New gaps, nobody on call (%s):\n", site)
		for _, g := range d.NewGaps {
			fmt.Fprintf(w, "  %s  %s\n", g.Rotation, flow.PeriodText(g.Start, g.End, site, d.From))
		}
		fmt.Fprintln(w)
	}
	if len(d.NewConflicts) > 0 {
		fmt.Fprintln(w, "New conflicts with time away:")
		for _, x := range d.NewConflicts {
			away := x.Away.From.String() + " to " + x.Away.Until.String()
			if x.Away.Reason != "" {
				away += ", " + x.Away.Reason
			}
			fmt.Fprintf(w, "  %s (away %s) is on call on %s %s\n", x.Person, away, x.Rotation, flow.PeriodText(x.OverlapStart, x.OverlapEnd, zoneOf(x.Person), d.From))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Hours on call, before → after:")
	rows := [][]string{{"PERSON", "BEFORE", "AFTER"}}
	for _, pd := range d.People {
		rows = append(rows, []string{pd.Person, flow.Hours(pd.Before), flow.Hours(pd.After)})
	}
	writeTable(w, rows)
}
