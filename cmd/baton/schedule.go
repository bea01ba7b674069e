package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
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
	person   string
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
them.

--person HANDLE shows only that person's own shifts on every rotation (or
--rotation), by default for the 12 months from now, in their time zone. With
--ical it prints their personal calendar, the file the internal site
publishes as oncall/people/HANDLE.ics: one event per stretch on call,
TRANSP:TRANSPARENT so that calendars do not mark them busy, UIDs that stay
the same when a shift moves, and a SEQUENCE that grows with --now. With
--json it prints [{"rotation": "ID", "start": "RFC3339", "end": "RFC3339"}, …].

"baton schedule diff" compares two revisions of the rotations: see
"baton schedule diff --help".`,
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
	f.StringVar(&o.person, "person", "", "only the shifts of the person with this `HANDLE` (default range: 12 months)")
	cmd.AddCommand(newScheduleDiffCmd(g))
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
	if o.person != "" && repo.Person(o.person) == nil {
		return usageErrorf("there is nobody with handle %q in people.yaml", o.person).withHint("--person takes a handle from people.yaml")
	}
	personDefault := o.person != "" && !toSet && !o.daysSet
	if personDefault {
		to, toSet = from.AddDate(0, oncall.PersonCalendarMonths, 0), true
		if !to.Before(endInstant()) {
			return usageErrorf("12 months after %s is out of range", from.Format(time.RFC3339)).withHint("%s", instantRangeHint)
		}
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
	if o.person != "" {
		return o.runPerson(repo, rots, from, to, now, personDefault && !fromSet)
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

// personShiftJSON is the stable --person --json shape of one stretch.
type personShiftJSON struct {
	Rotation string `json:"rotation"`
	Start    string `json:"start"`
	End      string `json:"end"`
}

// runPerson prints one person's own shifts on rots over [from, to); asNow
// says the range is the default one, so that --ical prints exactly the
// calendar the internal site publishes.
func (o *scheduleOptions) runPerson(repo *schema.Repo, rots []*schema.Rotation, from, to, now time.Time, asNow bool) error {
	h := o.person
	ours := func(e oncall.Event) bool {
		return slices.ContainsFunc(rots, func(r *schema.Rotation) bool { return strings.HasPrefix(e.UID, r.ID+".") })
	}
	switch {
	case o.ical:
		cal := oncall.PersonCalendar(repo, h, now)
		if !asNow {
			cal.Events = oncall.PersonEvents(repo, h, from, to, now)
		}
		cal.Events = slices.DeleteFunc(cal.Events, func(e oncall.Event) bool { return !ours(e) })
		if err := oncall.WriteICal(rawWriter(o.stdout), cal); err != nil {
			return failuref("%w", err)
		}
		return nil
	case o.json:
		out := []personShiftJSON{}
		for _, r := range rots {
			for _, st := range oncall.Held(r, h, from, to) {
				out = append(out, personShiftJSON{Rotation: r.ID, Start: st.Start.UTC().Format(time.RFC3339), End: st.End.UTC().Format(time.RFC3339)})
			}
		}
		return writeOncallJSON(o.stdout, out)
	}
	loc := repo.PersonZone(h)
	fmt.Fprintf(o.stdout, "%s — %s (%s), %s to %s\n", h, repo.Person(h).Name, loc, from.In(loc).Format(oncallTimeLayout), to.In(loc).Format(oncallTimeLayout))
	n := 0
	for _, r := range rots {
		for _, st := range oncall.Held(r, h, from, to) {
			fmt.Fprintf(o.stdout, "  %s → %s  %s  %s\n", st.Start.In(loc).Format(oncallTimeLayout), st.End.In(loc).Format(oncallTimeLayout), r.ID, flow.Hours(st.End.Sub(st.Start)))
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(o.stdout, "  no shifts")
	}
	return nil
}
