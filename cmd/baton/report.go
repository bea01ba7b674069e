package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/schema"
)

type reportOptions struct {
	*globals
	since *instantFlag
	json  bool
}

func newReportCmd(g *globals) *cobra.Command {
	o := &reportOptions{globals: g, since: newInstantFlag("--since")}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the incident metrics, overdue postmortems and action items",
		Long: `Report measures how well the incident process runs: incidents per
severity and per month with the mean, median and 90th percentile of the time
to detect, acknowledge, mitigate and resolve; postmortems approved on time or
late; action items by owner; the IMOC load per person; and each trainee's
shadowing record against the qualification threshold of baton.yaml.

It also shows, per rotation, each person's hours on call in the window and in
the next 90 days, and the spread: the most hours divided by the fewest among
those with any (1.00 is perfectly even).

Figures about a period cover the incidents declared in [--since, --now).
--since is an RFC 3339 time or a date (YYYY-MM-DD, midnight in the site's
time zone); by default the window is the current calendar month and the
eleven before it. Action items, overdue work and training count the whole
repository as of --now. Every definition is in docs/metrics.md.

--json prints one object whose shape is documented in docs/metrics.md:
durations are whole seconds in keys ending in _seconds, instants RFC 3339
in UTC.

The report names people: it is for the organisation, not for the public.

It exits 1, after printing the report, when a postmortem is overdue (the
postmortem/overdue errors of baton validate), so it can gate CI; and it
refuses (exit 1) a repository with other validation errors, except shifts
during time away (rotation/away-conflict), which do not make any figure
wrong.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.Var(o.since, "since", "start the window at `TIME` (RFC 3339, or YYYY-MM-DD in the site's time zone)")
	f.BoolVar(&o.json, "json", false, "print JSON (see docs/metrics.md)")
	return cmd
}

func (o *reportOptions) run(ctx context.Context) error {
	since, sinceDate, err := parseSinceFlag(o.since)
	if err != nil {
		return err
	}
	repo, problems, now, err := checkRepo(ctx, o.globals)
	if err != nil {
		return err
	}
	if err := refuseBroken(problems); err != nil {
		return err
	}
	loc := time.UTC
	if repo.Config != nil && repo.Config.Location != nil {
		loc = repo.Config.Location
	}
	if !sinceDate.IsZero() {
		since = time.Date(sinceDate.Year, sinceDate.Month, sinceDate.Day, 0, 0, 0, 0, loc)
		if err := checkInstant("--since", o.since.raw, since); err != nil {
			return err
		}
	}
	if !since.IsZero() && !since.Before(now) {
		return usageErrorf("--since %s is not before now (%s)", o.since.raw, now.Format(time.RFC3339)).withHint("pick an earlier --since, or a later --now")
	}
	r, err := metrics.Compute(repo, metrics.Options{Now: now, Since: since})
	if err != nil {
		return failuref("computing the report: %w", err)
	}
	if o.json {
		if err := writeJSON(o.stdout, r); err != nil {
			return failuref("writing output: %w", err)
		}
	} else {
		title := ""
		if repo.Config != nil {
			title = repo.Config.Site.Title
		}
		writeReport(o.stdout, r, title)
	}
	if n := len(r.Overdue.Postmortems); n > 0 {
		first := r.Overdue.Postmortems[0]
		e := problemsErrorf("%s overdue", plural(n, "postmortem"))
		if first.Status == "missing" {
			return e.withHint("write it with `baton postmortem %s`, then get it reviewed and approved", first.Incident)
		}
		return e.withHint("get %s reviewed and approved (status: approved)", schema.IncidentsDir+"/"+first.Incident[:4]+"/"+first.Incident+"/"+schema.PostmortemFile)
	}
	return nil
}

// parseSinceFlag accepts an RFC 3339 instant or a date; a date is returned
// separately because it is read in the site's zone, known only after
// loading (and its range is checked then).
func parseSinceFlag(f *instantFlag) (time.Time, schema.Date, error) {
	if !f.set {
		return time.Time{}, schema.Date{}, nil
	}
	v := f.raw
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		t, err := parseInstant(f.name, v)
		return t, schema.Date{}, err
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return time.Time{}, schema.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
	}
	return time.Time{}, schema.Date{}, usageErrorf("--since %q is neither an RFC 3339 time nor a date", v).withHint("e.g. --since 2026-01-01 or --since 2026-01-01T00:00:00Z")
}

// refuseBroken fails when the repository has validation errors other than
// overdue postmortems (which the report itself shows) and shifts during
// time away (which leave every file readable): figures computed from
// broken files could be wrong.
func refuseBroken(problems schema.Problems) error {
	var errs schema.Problems
	for _, p := range problems {
		if p.Level == schema.Error && !p.IsProcess() {
			errs = append(errs, p)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return problemsErrorf("the repository has %s, so its figures cannot be trusted", plural(len(errs), "validation error")).
		withHint("run `baton validate` to see them, e.g. %s", errs[0])
}

const reportTimeLayout = "2006-01-02 15:04 MST"

// writeReport prints the report for people: aligned tables, durations as
// "2 h 5 min", times in the site's zone.
func writeReport(w io.Writer, r *metrics.Report, title string) {
	loc := r.Location()
	if title == "" {
		title = "Baton"
	}
	fmt.Fprintf(w, "%s — incident report\n", title)
	fmt.Fprintf(w, "Window: %s to %s (incidents by declared time)\n", r.Since.In(loc).Format(reportTimeLayout), r.Now.In(loc).Format(reportTimeLayout))

	inc := r.Incidents
	var parts []string
	for _, sg := range inc.BySeverity {
		parts = append(parts, fmt.Sprintf("%s %d", sg.Severity, sg.Count))
	}
	fmt.Fprintf(w, "\nIncidents: %d", inc.Total.Count)
	if len(parts) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)

	measures := []struct {
		name string
		stat func(metrics.Group) metrics.Stat
	}{
		{"Time to detect (detected − started)", func(g metrics.Group) metrics.Stat { return g.Detect }},
		{"Time to acknowledge (acknowledged − declared)", func(g metrics.Group) metrics.Stat { return g.Acknowledge }},
		{"Time to mitigate (mitigated − started)", func(g metrics.Group) metrics.Stat { return g.Mitigate }},
		{"Time to resolve (resolved − started)", func(g metrics.Group) metrics.Stat { return g.Resolve }},
	}
	for _, m := range measures {
		fmt.Fprintf(w, "\n%s\n", m.name)
		rows := [][]string{{"SEVERITY", "N", "MEAN", "MEDIAN", "P90", "SKIPPED"}}
		for _, sg := range inc.BySeverity {
			rows = append(rows, statRow(sg.Severity, m.stat(sg.Group)))
		}
		rows = append(rows, statRow("all", m.stat(inc.Total)))
		writeTable(w, rows)
	}

	fmt.Fprintf(w, "\nIncidents per month (%s)\n", r.TimeZone)
	header := []string{"MONTH"}
	for _, s := range r.Severities {
		header = append(header, s.ID)
	}
	rows := [][]string{append(header, "TOTAL", "MEDIAN TIME TO RESOLVE")}
	for _, m := range inc.ByMonth {
		row := []string{m.Month}
		for _, sc := range m.Severities {
			row = append(row, strconv.Itoa(sc.Count))
		}
		rows = append(rows, append(row, strconv.Itoa(m.Count), statText(m.Resolve, m.Resolve.Median)))
	}
	writeTable(w, rows)

	pm := r.Postmortems
	fmt.Fprintf(w, "\nPostmortems required by incidents in the window: %d\n", pm.Required)
	if pm.Required > 0 {
		fmt.Fprintf(w, "  approved on time %d, approved late %d, overdue %d, not yet due %d (of which %d not started)\n",
			pm.OnTime, pm.Late, pm.Overdue, pm.Pending, pm.Missing)
	}

	ai := r.ActionItems
	fmt.Fprintf(w, "\nAction items, all postmortems, as of %s: %d open (%d overdue), %d done, %d won't fix\n",
		r.Now.In(loc).Format("2006-01-02"), ai.Total.Open, ai.Total.Overdue, ai.Total.Done, ai.Total.WontFix)
	if len(ai.ByOwner) > 0 {
		rows = [][]string{{"OWNER", "OPEN", "OVERDUE", "DONE", "WONTFIX"}}
		for _, o := range ai.ByOwner {
			owner := o.Owner
			if owner == "" {
				owner = "(no owner)"
			}
			rows = append(rows, []string{owner, strconv.Itoa(o.Open), strconv.Itoa(o.Overdue), strconv.Itoa(o.Done), strconv.Itoa(o.WontFix)})
		}
		writeTable(w, rows)
	}

	fmt.Fprintf(w, "\nIMOC load in the window\n")
	rows = [][]string{{"PERSON", "INCIDENTS", "MAJOR", "ON CALL"}}
	for _, l := range r.IMOCLoad {
		rows = append(rows, []string{l.Person, strconv.Itoa(l.Incidents), strconv.Itoa(l.Major), metrics.FormatHours(l.OnCall)})
	}
	writeTable(w, rows)

	fmt.Fprintf(w, "\nOn-call fairness per rotation: hours in the window, and in the next %d days\n", metrics.FairnessDays)
	if len(r.Fairness) == 0 {
		fmt.Fprintln(w, "  no rotations")
	}
	for i, f := range r.Fairness {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  %s — %s\n", f.Rotation, f.Name)
		rows = [][]string{{"  PERSON", "WINDOW", fmt.Sprintf("NEXT %d DAYS", metrics.FairnessDays)}}
		for _, h := range f.People {
			rows = append(rows, []string{"  " + h.Person, metrics.FormatHours(h.Past), metrics.FormatHours(h.Next)})
		}
		writeTable(w, rows)
		fmt.Fprintf(w, "    spread (most hours / fewest, among those with any): %s in the window, %s next\n", spreadText(f.PastSpread), spreadText(f.NextSpread))
	}

	th := r.Training.Threshold
	fmt.Fprintf(w, "\nTraining: to qualify, shadow %s, at least %d of them major\n", plural(th.Incidents, "incident"), th.Major)
	if len(r.Training.Trainees) == 0 {
		fmt.Fprintln(w, "  no trainees (imoc: trainee in people.yaml)")
	} else {
		rows = [][]string{{"TRAINEE", "SHADOWED", "MAJOR", "READY", "INCIDENTS SHADOWED"}}
		for _, t := range r.Training.Trainees {
			ready := "yes"
			if !t.Ready {
				var need []string
				if t.IncidentsNeeded > 0 {
					need = append(need, plural(t.IncidentsNeeded, "more incident"))
				}
				if t.MajorNeeded > 0 {
					need = append(need, fmt.Sprintf("%d more major", t.MajorNeeded))
				}
				ready = "no, needs " + strings.Join(need, " and ")
			}
			var shadowed []string
			for _, s := range t.Shadowed {
				shadowed = append(shadowed, s.Incident+" ("+s.Severity+")")
			}
			if len(shadowed) == 0 {
				shadowed = []string{"none yet"}
			}
			rows = append(rows, []string{t.Person, fmt.Sprintf("%d/%d", t.Incidents, th.Incidents), fmt.Sprintf("%d/%d", t.Major, th.Major), ready, strings.Join(shadowed, ", ")})
		}
		writeTable(w, rows)
		for _, t := range r.Training.Trainees {
			if t.Ready {
				fmt.Fprintf(w, "  %s is ready: set imoc: qualified in people.yaml and add them to a rotation\n", t.Person)
			}
		}
	}

	od := r.Overdue
	fmt.Fprintf(w, "\nOverdue, whole repository\n")
	if len(od.Postmortems) == 0 && len(od.ActionItems) == 0 {
		fmt.Fprintln(w, "  nothing is overdue")
		return
	}
	if len(od.Postmortems) > 0 {
		rows = [][]string{{"POSTMORTEM OF", "SEVERITY", "DUE", "STATUS"}}
		for _, p := range od.Postmortems {
			rows = append(rows, []string{p.Incident, p.Severity, p.Due.In(loc).Format(reportTimeLayout), p.Status})
		}
		writeTable(w, rows)
	}
	if len(od.ActionItems) > 0 {
		if len(od.Postmortems) > 0 {
			fmt.Fprintln(w)
		}
		rows = [][]string{{"ACTION ITEM", "PRIORITY", "OWNER", "DUE", "TITLE"}}
		for _, a := range od.ActionItems {
			owner := a.Owner
			if owner == "" {
				owner = "(no owner)"
			}
			rows = append(rows, []string{a.Incident + " " + a.ID, a.Priority, owner, a.Due.String(), a.Title})
		}
		writeTable(w, rows)
	}
}

func statRow(label string, s metrics.Stat) []string {
	if s.N == 0 {
		return []string{label, "0", "–", "–", "–", strconv.Itoa(s.Skipped)}
	}
	return []string{label, strconv.Itoa(s.N), metrics.FormatDuration(s.Mean), metrics.FormatDuration(s.Median), metrics.FormatDuration(s.P90), strconv.Itoa(s.Skipped)}
}

func statText(s metrics.Stat, d time.Duration) string {
	if s.N == 0 {
		return "–"
	}
	return metrics.FormatDuration(d)
}

// writeTable prints rows as an aligned table indented by two spaces.
func writeTable(w io.Writer, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintf(tw, "  %s\n", strings.Join(row, "\t"))
	}
	tw.Flush()
}

// spreadText formats a fairness spread ("1.13"), or "–" when nobody had
// any hours.
func spreadText(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}
