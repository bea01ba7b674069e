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

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/importer"
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
			return usageErrorf("name a source: statuspage or pagerduty").withHint("see `baton import --help`")
		},
	}
	cmd.AddCommand(newImportStatuspageCmd(g), newImportPagerDutyCmd(g))
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
		return problemsErrorf("the repository does not validate after the import: %s", plural(n, "error")).withHint("fix the problems above (the imported files are written; a re-run skips them)")
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
