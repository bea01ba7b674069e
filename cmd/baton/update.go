package main

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/schema"
)

type updateOptions struct {
	*globals
	id, status, message string
	pr                  prFlags
}

func newUpdateCmd(g *globals) *cobra.Command {
	o := &updateOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "update ID --status STATUS --message TEXT [--pr]",
		Short: "Append a public status update to an incident or a maintenance",
		Long: `Update appends a status update (at --now, or the clock) to the incident and
moves its status. Reaching monitoring or resolved sets mitigated when it is not
set yet; resolved sets resolved; going back from resolved removes it.
Repeating the last update changes nothing. Resolving an incident whose
severity requires a postmortem says when it is due.

A maintenance moves through in_progress, verifying and completed, or is
cancelled; completed and cancelled set resolved. For these statuses
--message may be left out: the update then uses the usual wording
("Scheduled maintenance is currently in progress…").

With --pr the change is committed on the incident's branch
baton/incident/<id> (created from the default branch when it does not exist),
pushed, and the pull request is opened or found.`,
		Args: incidentArg(g, "update", `--status identified --message "We found the cause."`, "open incidents", func(in *schema.Incident) bool { return !in.IsResolved() }),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.status, "status", "", "the new `STATUS`: investigating, identified, monitoring or resolved; for a maintenance also in_progress, verifying, completed or cancelled (required)")
	f.StringVar(&o.message, "message", "", "what customers need to know, in plain text (required, except for the maintenance statuses)")
	o.pr.register(cmd)
	return cmd
}

func (o *updateOptions) run(ctx context.Context) error {
	if err := o.checkID(ctx, o.id); err != nil {
		return err
	}
	if o.status == "" {
		return usageErrorf("update needs --status").withHint("e.g. baton update %s --status identified --message \"We found the cause.\"", o.id)
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	var (
		before *schema.Incident
		cfg    *schema.Config
		res    *edit.Result
	)
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		in, data, err := readIncident(repo, fsys, o.id)
		if err != nil {
			return nil, err
		}
		r, err := edit.Update(repo, in, data, edit.StatusUpdate{Status: o.status, Message: o.message, At: now})
		before, cfg, res = in, repo.Config, r
		return r, err
	}
	describe := func() { o.describe(res, before, cfg) }
	if o.pr.enabled {
		return o.pr.publish(ctx, o.globals, flow.Update, o.id, now, mk, describe)
	}
	if _, err := editWorkingTree(ctx, o.globals, now, mk); err != nil {
		return err
	}
	describe()
	return nil
}

// describe prints the new status and, when the update resolves an
// incident whose severity requires a postmortem, when that is due.
func (o *updateOptions) describe(res *edit.Result, before *schema.Incident, cfg *schema.Config) {
	if res == nil || !res.Changed() {
		return
	}
	f := res.Files[0]
	in, _ := schema.ParseIncident(f.Path, f.Data)
	if in == nil {
		return
	}
	if !o.pr.enabled {
		fmt.Fprintf(o.stdout, "updated %s: %s\n", res.ID, in.Status)
	}
	if !in.IsResolved() || before.IsResolved() {
		return
	}
	due, required := schema.PostmortemDue(cfg, in)
	if !required {
		return
	}
	sev, _ := cfg.Severity(in.Severity)
	pr := ""
	if o.pr.enabled {
		pr = " --pr"
	}
	when := fmt.Sprintf("approved by %s (%s after resolution)", due.Format("2006-01-02"), plural(sev.Postmortem.DueDays, "day"))
	switch pm := before.Postmortem; {
	case pm == nil:
		fmt.Fprintf(o.stdout, "%s requires a postmortem %s: baton postmortem %s%s\n", in.Severity, when, res.ID, pr)
	case !pm.IsApproved():
		fmt.Fprintf(o.stdout, "%s requires the postmortem to be %s; it is %s\n", in.Severity, when, pm.Status)
	}
}

// incidentArg checks the ID argument of update and postmortem: a missing
// id says what is missing, with an example and, when the repository can
// be read, the incidents that fit (those list accepts).
func incidentArg(g *globals, name, example, what string, list func(*schema.Incident) bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 1:
			return nil
		case len(args) > 1:
			return usageErrorf("%s takes one incident id, not %d arguments (%s)", name, len(args), strings.Join(args, " ")).
				withHint("quote text that has spaces, e.g. --message \"We found the cause.\"")
		}
		ids := g.listIncidents(cmd, list)
		id := "2026-11-20-checkout-errors"
		if len(ids) > 0 {
			id = ids[0]
		}
		e := usageErrorf("%s needs the incident id", name).withHint("e.g. baton %s %s %s", name, id, example)
		if len(ids) > 0 {
			e = e.withHint("%s: %s", what, joinFiles(ids))
		}
		return e.withHint("an id is the incident's folder name under incidents/<YYYY>/")
	}
}

// listIncidents returns the ids of the incidents that keep accepts, newest
// first, or nothing when the repository cannot be read.
func (g *globals) listIncidents(cmd *cobra.Command, keep func(*schema.Incident) bool) []string {
	if g.findRepo(cmd.Flags().Changed("repo"), cmd.Name()) != nil {
		return nil
	}
	repo, _, err := g.Repo(cmd.Context())
	if err != nil {
		return nil
	}
	var ids []string
	for _, in := range slices.Backward(repo.Incidents) {
		if keep(in) {
			ids = append(ids, in.ID)
		}
	}
	return ids
}

// checkID refuses an id that is not YYYY-MM-DD-slug before it becomes a
// path, suggesting the incident meant when the repository has one whose
// id ends with it ("checkout-errors").
func (g *globals) checkID(ctx context.Context, id string) error {
	err := schema.CheckID(id)
	if err == nil {
		return nil
	}
	e := usageErrorf("%v", err)
	if repo, _, rerr := g.Repo(ctx); rerr == nil && id != "" {
		var match []string
		for _, in := range repo.Incidents {
			if strings.HasSuffix(in.ID, "-"+id) {
				match = append(match, in.ID)
			}
		}
		if len(match) == 1 {
			return e.withHint("did you mean %s?", match[0])
		}
	}
	return e.withHint("the id is the incident's folder name, e.g. 2026-11-20-checkout-errors")
}

// readIncident finds the incident and reads its file's current bytes.
func readIncident(repo *schema.Repo, fsys fs.FS, id string) (*schema.Incident, []byte, error) {
	in := repo.Incident(id)
	if in == nil {
		p := incidentPath(id)
		if _, err := fs.Stat(fsys, p); err == nil {
			return nil, nil, problemsErrorf("%s cannot be read: it has errors", p).withHint("run `baton validate` and fix them first")
		}
		return nil, nil, unknownIncident(repo, id)
	}
	data, err := fs.ReadFile(fsys, in.Path)
	if err != nil {
		return nil, nil, failuref("reading %s: %w", in.Path, err)
	}
	return in, data, nil
}

// unknownIncident is the error for an id that names no incident, with the
// closest id, or the open incidents.
func unknownIncident(repo *schema.Repo, id string) error {
	e := usageErrorf("incident %s does not exist", id)
	var ids, open []string
	for _, in := range slices.Backward(repo.Incidents) {
		ids = append(ids, in.ID)
		if !in.IsResolved() {
			open = append(open, in.ID)
		}
	}
	if s := schema.Suggest(id, ids); s != "" {
		return e.withHint("did you mean %s?", s)
	}
	if len(open) > 0 {
		return e.withHint("open incidents: %s", joinFiles(open))
	}
	return e.withHint("ids are folder names under incidents/<YYYY>/; run `baton declare` to create one")
}

func incidentPath(id string) string {
	return schema.IncidentsDir + "/" + id[:4] + "/" + id + "/" + schema.IncidentFile
}
