package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

type scheduleOptions struct {
	*globals
	rotation string
	from, to *instantFlag
	days     int
	json     bool
	ical     bool
	daysSet  bool
}

// maxScheduleDays bounds --days and --from/--to so that a typo cannot ask
// for centuries of shifts.
const maxScheduleDays = 3660

func newScheduleCmd(g *globals) *cobra.Command {
	o := &scheduleOptions{globals: g, from: newInstantFlag("--from"), to: newInstantFlag("--to")}
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Print the final IMOC shifts over a range, merged where the same people continue",
		Long: `Schedule prints the final IMOC schedule (layers, restrictions, overrides and
shadows applied) over [--from, --to), by default from now (--now or the
clock) for 14 days. Consecutive stretches with the same IMOC set and the same
shadows are merged; stretches with nobody on call are shown too. Without
--rotation it covers every rotation.

--json prints an array of intervals, ordered by rotation id and then time,
that tile the range exactly:

  [{"rotation": "ID", "start": "RFC3339", "end": "RFC3339",
    "imoc": ["bob"], "shadows": ["tara"]}, …]

Times are in UTC; handles are sorted; "imoc" is [] when nobody is on call.

--ical prints an iCalendar file (RFC 5545) with one event per interval with
someone on call. Events keep their real start and end even where these lie
outside the range, and their UIDs (rotation id and start) are stable, so a
calendar that imports the file again updates events instead of duplicating
them.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.daysSet = cmd.Flags().Changed("days")
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` (file name in rotations/ without .yaml); default: all")
	f.Var(o.from, "from", "start of the range, `TIME` in RFC 3339 (default: now)")
	f.Var(o.to, "to", "end of the range, `TIME` in RFC 3339 (default: --from plus --days)")
	f.IntVar(&o.days, "days", 14, "length of the range in `N` days")
	f.BoolVar(&o.json, "json", false, "print JSON (see above)")
	f.BoolVar(&o.ical, "ical", false, "print an iCalendar file (see above)")
	return cmd
}

// scheduleJSON is the stable --json shape of one interval.
type scheduleJSON struct {
	Rotation string   `json:"rotation"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	IMOC     []string `json:"imoc"`
	Shadows  []string `json:"shadows"`
}

func (o *scheduleOptions) run(ctx context.Context) error {
	if o.json && o.ical {
		return usageErrorf("--json and --ical cannot be used together").withHint("pick one output format")
	}
	if o.to.set && o.daysSet {
		return usageErrorf("--to and --days cannot be used together").withHint("give the end of the range either as a time (--to) or as a length (--days)")
	}
	if o.days < 1 || o.days > maxScheduleDays {
		return usageErrorf("--days %d is out of range", o.days).withHint("use 1 to %d days", maxScheduleDays)
	}
	from, fromSet, err := o.from.value()
	if err != nil {
		return err
	}
	to, toSet, err := o.to.value()
	if err != nil {
		return err
	}
	repo, problems, now, err := checkRotations(ctx, o.globals)
	if err != nil {
		return err
	}
	if !fromSet {
		from = now
	}
	if !toSet {
		to = from.AddDate(0, 0, o.days)
		if to.After(endInstant()) {
			return usageErrorf("%s after %s ends in the year %d, out of range", plural(o.days, "day"), from.Format(time.RFC3339), to.UTC().Year()).
				withHint("%s; ask for fewer --days", instantRangeHint)
		}
	}
	if !to.After(from) {
		return usageErrorf("--to %s is not after --from %s", to.Format(time.RFC3339), from.Format(time.RFC3339)).withHint("the range is [--from, --to)")
	}
	if to.Sub(from) > maxScheduleDays*24*time.Hour {
		return usageErrorf("the range from %s to %s is longer than %d days", from.Format(time.RFC3339), to.Format(time.RFC3339), maxScheduleDays).withHint("ask for a shorter range")
	}
	rots, err := selectRotations(repo, problems, o.rotation)
	if err != nil {
		return err
	}
	switch {
	case o.json:
		out := []scheduleJSON{}
		for _, r := range rots {
			for _, iv := range oncall.Schedule(r, from, to) {
				out = append(out, scheduleJSON{
					Rotation: r.ID, Start: iv.Start.UTC().Format(time.RFC3339), End: iv.End.UTC().Format(time.RFC3339),
					IMOC: iv.IMOC, Shadows: iv.Shadows,
				})
			}
		}
		return writeOncallJSON(o.stdout, out)
	case o.ical:
		cal := oncall.Calendar{Name: "IMOC schedule", Stamp: now}
		if len(rots) == 1 {
			cal.Name = rots[0].Name
		}
		for _, r := range rots {
			cal.Events = append(cal.Events, oncall.Events(r, from, to)...)
		}
		if err := oncall.WriteICal(rawWriter(o.stdout), cal); err != nil {
			return failuref("%w", err)
		}
		return nil
	}
	if len(rots) == 0 {
		fmt.Fprintln(o.stdout, "no rotations in rotations/")
		return nil
	}
	for i, r := range rots {
		if i > 0 {
			fmt.Fprintln(o.stdout)
		}
		writeSchedule(o.stdout, repo, r, from, to)
	}
	return nil
}

func writeSchedule(w io.Writer, repo *schema.Repo, r *schema.Rotation, from, to time.Time) {
	loc := rotationZone(r)
	fmt.Fprintf(w, "%s — %s (%s), %s to %s\n", r.ID, r.Name, loc,
		from.In(loc).Format(oncallTimeLayout), to.In(loc).Format(oncallTimeLayout))
	for _, iv := range oncall.Schedule(r, from, to) {
		who := formatHandles(repo, iv.IMOC, false)
		if len(iv.Shadows) > 0 {
			who += ", shadow: " + strings.Join(iv.Shadows, ", ")
		}
		fmt.Fprintf(w, "  %s → %s  %s\n", iv.Start.Format(oncallTimeLayout), iv.End.Format(oncallTimeLayout), who)
	}
}
