package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/grafanaoncall"
	"github.com/batonhq/baton/internal/importer/opsgenie"
	"github.com/batonhq/baton/internal/importer/pagerduty"
	"github.com/batonhq/baton/internal/importer/statuspage"
	"github.com/batonhq/baton/schema"
)

// importOptions are the flags every importer shares.
type importOptions struct {
	*globals
	fromFile string
	apiURL   string
	dryRun   bool
}

func (o *importOptions) register(cmd *cobra.Command, defaultAPI string) {
	f := cmd.Flags()
	f.StringVar(&o.fromFile, "from-file", "", "read a saved API response from `PATH` instead of calling the API (no token needed)")
	f.StringVar(&o.apiURL, "api-url", defaultAPI, "the API's base `URL` (self-hosted instances, tests)")
	f.BoolVar(&o.dryRun, "dry-run", false, "list what would be written and write nothing")
}

func newImportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Bring status page history or on-call schedules in from another tool",
		Long: `Import writes Baton files made from another tool's data into the repository,
then validates the repository. It never overwrites a file: a re-run skips what
is already there and says so. Where something has no exact Baton equivalent,
the import says so for that item and writes nothing for it.

Each source reads the vendor's REST API with a token from an environment
variable, or a saved JSON response with --from-file. docs/migrating.md
describes what maps to what and how to check the result.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("name a source: statuspage, pagerduty, opsgenie or grafana-oncall").withHint("see `baton import --help`")
		},
	}
	cmd.AddCommand(newImportStatuspageCmd(g), newImportPagerDutyCmd(g), newImportOpsgenieCmd(g), newImportGrafanaOnCallCmd(g))
	return cmd
}

// client returns an API client with the token from the environment
// variable, which must be set.
func (o *importOptions) client(tokenEnv string, header func(token string) http.Header) (*importer.Client, error) {
	token := strings.TrimSpace(o.getenv(tokenEnv))
	if token == "" {
		return nil, usageErrorf("%s is not set", tokenEnv).withHint("export %s with an API token, or import a saved response with --from-file (docs/migrating.md shows the curl commands)", tokenEnv)
	}
	c, err := importer.NewClient(o.apiURL, importer.ClientOptions{Header: header(token)})
	if err != nil {
		return nil, usageErrorf("--api-url: %v", err)
	}
	return c, nil
}

// readJSON decodes the --from-file.
func (o *importOptions) readJSON(v any) error {
	f, err := os.Open(o.fromFile)
	if err != nil {
		return failuref("reading --from-file: %w", err)
	}
	defer f.Close()
	if err := json.NewDecoder(io.LimitReader(f, 256<<20)).Decode(v); err != nil {
		return usageErrorf("--from-file %s is not the JSON expected: %v", o.fromFile, err).withHint("docs/migrating.md shows how to save the responses")
	}
	return nil
}

// apply loads the repository, makes the plan, writes it and reports.
func (o *importOptions) apply(ctx context.Context, mk func(repo *schema.Repo) (*importer.Plan, error)) error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	root, err := o.openRoot()
	if err != nil {
		return err
	}
	defer root.Close()
	repo, _ := schema.Load(ctx, root.FS())
	plan, err := mk(repo)
	if err != nil {
		var ce *cliError
		if errors.As(err, &ce) {
			return err
		}
		var se *importer.StatusError
		if errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden) {
			return failuref("%v", err).withHint("check the token and its permissions")
		}
		return failuref("%v", err)
	}
	rep, err := importer.Apply(ctx, root, plan, importer.Options{DryRun: o.dryRun, Now: now})
	// Files first (imported, then already there), then remarks, then what
	// could not be imported.
	for _, kind := range []string{importer.Imported, importer.Exists, importer.Info, importer.Unsupported} {
		for _, n := range rep.Notes {
			if n.Kind != kind {
				continue
			}
			if o.dryRun && kind == importer.Imported {
				fmt.Fprint(o.stdout, "would be ")
			}
			fmt.Fprintln(o.stdout, n)
		}
	}
	if err != nil {
		return failuref("%v", err)
	}
	fmt.Fprintln(o.stdout, importer.Summary(rep.Notes))
	if o.dryRun {
		fmt.Fprintf(o.stdout, "dry run: nothing was written (%s would change)\n", plural(len(rep.Written), "file"))
		return nil
	}
	writeText(o.stdout, rep.Problems)
	if n := rep.Problems.Count(schema.Error); n > 0 {
		ce := problemsErrorf("the repository does not validate after the import: %s", plural(n, "error")).withHint("fix the problems above (the imported files are written; a re-run skips them)")
		for _, p := range rep.Problems {
			if p.Code == "postmortem/overdue" {
				ce = ce.withHint("imported incidents without a postmortem are overdue under your postmortem policy; to apply the policy only from your move to Baton, set postmortem: {required_from: %s} in baton.yaml", now.In(repo.Config.Location).Format("2006-01-02"))
				break
			}
		}
		return ce
	}
	if plan.HasUnsupported() {
		return problemsErrorf("some items have no exact Baton equivalent and were not imported").withHint("see the unsupported: lines above; docs/migrating.md lists what maps and what does not")
	}
	return nil
}

type importStatuspageOptions struct {
	importOptions
	page, fromURL, owner, imoc string
}

func newImportStatuspageCmd(g *globals) *cobra.Command {
	o := &importStatuspageOptions{importOptions: importOptions{globals: g}}
	cmd := &cobra.Command{
		Use:   "statuspage (--page ID | --from-file PATH | --from-url URL) --owner HANDLE [--imoc HANDLE]",
		Short: "Import components, incidents, maintenances and postmortems from Atlassian Statuspage",
		Long: `Import an Atlassian Statuspage page: components and component groups become
baton.yaml components (ids made from the names), incidents and scheduled
maintenances with all their updates become public incidents, and published
postmortems become public, published postmortem.md files.

Sources:
  --page ID        the manage API, with the key in $STATUSPAGE_API_KEY
  --from-file PATH a saved JSON object {"components": [...],
                   "component_groups": [...], "incidents": [...]}, or a page's
                   public api/v2/incidents.json
  --from-url URL   any page's public API (the last 50 incidents), no key

Statuspage records no owner or IMOC; --owner (and --imoc) are written on every
imported incident.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	o.register(cmd, statuspage.DefaultAPI)
	f := cmd.Flags()
	f.StringVar(&o.page, "page", "", "the Statuspage page `ID` (manage API)")
	f.StringVar(&o.fromURL, "from-url", "", "a status page's `URL`, read through its public api/v2/incidents.json")
	f.StringVar(&o.owner, "owner", "", "the `HANDLE` written as every incident's owner (required)")
	f.StringVar(&o.imoc, "imoc", "", "the `HANDLE` written as every incident's IMOC and postmortem reviewer")
	return cmd
}

func (o *importStatuspageOptions) run(ctx context.Context) error {
	n := 0
	for _, s := range []string{o.page, o.fromFile, o.fromURL} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return usageErrorf("give exactly one of --page, --from-file and --from-url").withHint("see `baton import statuspage --help`")
	}
	if o.owner == "" {
		return usageErrorf("--owner is required").withHint("Statuspage records no owner; pass --owner HANDLE (and --imoc HANDLE) from people.yaml")
	}
	return o.apply(ctx, func(repo *schema.Repo) (*importer.Plan, error) {
		var ex *statuspage.Export
		switch {
		case o.fromFile != "":
			ex = &statuspage.Export{}
			if err := o.readJSON(ex); err != nil {
				return nil, err
			}
		case o.fromURL != "":
			base := strings.TrimSuffix(o.fromURL, "/") + "/"
			base = strings.TrimSuffix(base, "api/v2/incidents.json/")
			c, err := importer.NewClient(base, importer.ClientOptions{})
			if err != nil {
				return nil, usageErrorf("--from-url: %v", err)
			}
			if ex, err = statuspage.FetchPublic(ctx, c); err != nil {
				return nil, err
			}
		default:
			c, err := o.client("STATUSPAGE_API_KEY", func(tok string) http.Header {
				return http.Header{"Authorization": {"OAuth " + tok}}
			})
			if err != nil {
				return nil, err
			}
			if ex, err = statuspage.Fetch(ctx, c, o.page); err != nil {
				return nil, err
			}
		}
		plan, err := statuspage.Translate(repo, ex, statuspage.Options{Owner: o.owner, IMOC: o.imoc})
		if err != nil {
			return nil, usageErrorf("%v", err).withHint("--owner and --imoc are handles from people.yaml, two different people")
		}
		return plan, nil
	})
}

type importPagerDutyOptions struct {
	importOptions
	schedule, rotation string
	days               int
}

func newImportPagerDutyCmd(g *globals) *cobra.Command {
	o := &importPagerDutyOptions{importOptions: importOptions{globals: g}}
	cmd := &cobra.Command{
		Use:   "pagerduty (--schedule ID | --from-file PATH) [--rotation ID]",
		Short: "Import a PagerDuty schedule (layers, restrictions, overrides) as a rotation",
		Long: `Import a PagerDuty on-call schedule as rotations/<id>.yaml: its layers (in
priority order), turn lengths, virtual starts, users, daily and weekly
restrictions and its overrides, in the schedule's time zone. Users are
matched to people.yaml by e-mail; unknown users are added with imoc:
qualified (set their GitHub login afterwards).

The schedule is rendered by PagerDuty over the next --days days (from --now)
and the imported rotation must reproduce that final schedule interval by
interval; otherwise nothing is written and the difference is shown.

Sources:
  --schedule ID    the REST API, with the token in $PAGERDUTY_TOKEN
  --from-file PATH a saved JSON object {"schedule": {...}, "overrides": [...],
                   "users": [...], "since": "...", "until": "..."}
                   (docs/migrating.md shows the curl commands)`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	o.register(cmd, pagerduty.DefaultAPI)
	f := cmd.Flags()
	f.StringVar(&o.schedule, "schedule", "", "the PagerDuty schedule `ID`")
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` to write (default: from the schedule's name)")
	f.IntVar(&o.days, "days", 28, "check the translation against PagerDuty's rendering over this many `DAYS`")
	return cmd
}

func (o *importPagerDutyOptions) run(ctx context.Context) error {
	if (o.schedule == "") == (o.fromFile == "") {
		return usageErrorf("give exactly one of --schedule and --from-file").withHint("see `baton import pagerduty --help`")
	}
	if o.days < 1 || o.days > 366 {
		return usageErrorf("--days must be between 1 and 366")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	return o.apply(ctx, func(repo *schema.Repo) (*importer.Plan, error) {
		ex := &pagerduty.Export{}
		if o.fromFile != "" {
			if err := o.readJSON(ex); err != nil {
				return nil, err
			}
		} else {
			c, err := o.client("PAGERDUTY_TOKEN", func(tok string) http.Header {
				return http.Header{"Authorization": {"Token token=" + tok}, "Accept": {"application/vnd.pagerduty+json;version=2"}}
			})
			if err != nil {
				return nil, err
			}
			if ex, err = pagerduty.Fetch(ctx, c, o.schedule, now, now.AddDate(0, 0, o.days)); err != nil {
				return nil, err
			}
		}
		plan, err := pagerduty.Translate(repo, ex, pagerduty.Options{RotationID: o.rotation})
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		return plan, nil
	})
}

// importScheduleOptions are the flags of the Opsgenie and Grafana OnCall
// importers.
type importScheduleOptions struct {
	importOptions
	schedule, rotation string
	days               int
}

func (o *importScheduleOptions) registerSchedule(cmd *cobra.Command, defaultAPI, vendor string) {
	o.register(cmd, defaultAPI)
	f := cmd.Flags()
	f.StringVar(&o.schedule, "schedule", "", "the "+vendor+" schedule `ID`")
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` to write (default: from the schedule's name)")
	f.IntVar(&o.days, "days", 28, "check the translation against "+vendor+"'s rendering over this many `DAYS`")
}

// check validates the flags common to the schedule importers.
func (o *importScheduleOptions) check(name string, maxDays int) error {
	if (o.schedule == "") == (o.fromFile == "") {
		return usageErrorf("give exactly one of --schedule and --from-file").withHint("see `baton import %s --help`", name)
	}
	if o.days < 1 || o.days > maxDays {
		return usageErrorf("--days must be between 1 and %d", maxDays)
	}
	return nil
}

func newImportOpsgenieCmd(g *globals) *cobra.Command {
	o := &importScheduleOptions{importOptions: importOptions{globals: g}}
	cmd := &cobra.Command{
		Use:   "opsgenie (--schedule ID | --from-file PATH) [--rotation ID]",
		Short: "Import an Opsgenie schedule (rotations, restrictions, overrides) as a rotation",
		Long: `Import an Opsgenie on-call schedule as rotations/<id>.yaml: its rotations
(type, length, start and end dates, participants in order, time-of-day and
weekday-and-time-of-day restrictions) and its overrides, in the schedule's
time zone. Users are matched to people.yaml by e-mail (their Opsgenie
username); unknown users are added with imoc: qualified (set their GitHub
login afterwards).

Opsgenie puts the people of all rotations on call together, while a Baton
rotation has one person from one layer at a time: the import refuses
rotations that would have two different people on call at once. The
schedule's timeline over the next --days days (from --now) must be
reproduced interval by interval; otherwise nothing is written and the
difference is shown.

Sources:
  --schedule ID    the REST API, with the key in $OPSGENIE_API_KEY
                   (EU accounts: --api-url https://api.eu.opsgenie.com)
  --from-file PATH a saved JSON object {"schedule": {...}, "overrides": [...],
                   "users": [...], "timeline": {...}}
                   (docs/migrating.md shows the curl commands)`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.runOpsgenie(cmd.Context()) },
	}
	o.registerSchedule(cmd, opsgenie.DefaultAPI, "Opsgenie")
	return cmd
}

func (o *importScheduleOptions) runOpsgenie(ctx context.Context) error {
	if err := o.check("opsgenie", 366); err != nil {
		return err
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	return o.apply(ctx, func(repo *schema.Repo) (*importer.Plan, error) {
		ex := &opsgenie.Export{}
		if o.fromFile != "" {
			if err := o.readJSON(ex); err != nil {
				return nil, err
			}
		} else {
			c, err := o.client("OPSGENIE_API_KEY", func(key string) http.Header {
				return http.Header{"Authorization": {"GenieKey " + key}}
			})
			if err != nil {
				return nil, err
			}
			if ex, err = opsgenie.Fetch(ctx, c, o.schedule, now, o.days); err != nil {
				return nil, err
			}
		}
		plan, err := opsgenie.Translate(repo, ex, opsgenie.Options{RotationID: o.rotation})
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		return plan, nil
	})
}

type importGrafanaOnCallOptions struct {
	importScheduleOptions
	grafanaURL string
}

func newImportGrafanaOnCallCmd(g *globals) *cobra.Command {
	o := &importGrafanaOnCallOptions{importScheduleOptions: importScheduleOptions{importOptions: importOptions{globals: g}}}
	cmd := &cobra.Command{
		Use:   "grafana-oncall (--schedule ID --api-url URL | --from-file PATH) [--rotation ID]",
		Short: "Import a Grafana OnCall schedule (shifts, overrides) as a rotation",
		Long: `Import a Grafana OnCall schedule as rotations/<id>.yaml: each on-call shift
(rolling users, frequency, interval, by_day, week_start, start, duration,
rotation_start, until, time zone) becomes a layer in its own time zone,
ordered by priority level, and overrides become overrides. Users are matched
to people.yaml by e-mail; unknown users are added with imoc: qualified (set
their GitHub login afterwards).

A Baton layer has one person at a time: the import refuses a rolling_users
group of several users, and shifts of one level that would have two people
on call at once. The schedule's final shifts over the next --days days (from
--now) must be reproduced interval by interval; otherwise nothing is
written and the difference is shown.

Sources:
  --schedule ID    the HTTP API at --api-url (your OnCall instance, or the
                   Grafana Cloud OnCall API URL from OnCall's settings), with
                   the token in $GRAFANA_ONCALL_TOKEN; a Grafana service
                   account token also needs --grafana-url
  --from-file PATH a saved JSON object {"schedule": {...}, "shifts": [...],
                   "users": [...], "final_shifts": [...], "start_date": "...",
                   "end_date": "..."} (docs/migrating.md shows the curl commands)`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	o.registerSchedule(cmd, "", "Grafana OnCall")
	cmd.Flags().StringVar(&o.grafanaURL, "grafana-url", "", "your Grafana stack's `URL`, sent as X-Grafana-URL (needed with a service account token)")
	return cmd
}

func (o *importGrafanaOnCallOptions) run(ctx context.Context) error {
	if err := o.check("grafana-oncall", 365); err != nil {
		return err
	}
	if o.schedule != "" && o.apiURL == "" {
		return usageErrorf("--api-url is required with --schedule").withHint("pass your OnCall instance's URL, or the Grafana Cloud OnCall API URL shown in OnCall's settings")
	}
	// The endpoints are under api/v1/ of the URL given; accept it either way.
	o.apiURL = strings.TrimSuffix(strings.TrimSuffix(o.apiURL, "/"), "/api/v1")
	now, err := o.Now()
	if err != nil {
		return err
	}
	return o.apply(ctx, func(repo *schema.Repo) (*importer.Plan, error) {
		ex := &grafanaoncall.Export{}
		if o.fromFile != "" {
			if err := o.readJSON(ex); err != nil {
				return nil, err
			}
		} else {
			c, err := o.client("GRAFANA_ONCALL_TOKEN", func(token string) http.Header {
				h := http.Header{"Authorization": {token}}
				if o.grafanaURL != "" {
					h.Set("X-Grafana-URL", o.grafanaURL)
				}
				return h
			})
			if err != nil {
				return nil, err
			}
			start := now.UTC().Truncate(time.Minute)
			if ex, err = grafanaoncall.Fetch(ctx, c, o.schedule, start, start.AddDate(0, 0, o.days)); err != nil {
				return nil, err
			}
		}
		plan, err := grafanaoncall.Translate(repo, ex, grafanaoncall.Options{RotationID: o.rotation})
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		return plan, nil
	})
}
