package main

import (
	"context"
	"fmt"
	"io/fs"

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
		Short: "Append a public status update to an incident",
		Long: `Update appends a status update (at --now, or the clock) to the incident and
moves its status. Reaching monitoring or resolved sets mitigated when it is not
set yet; resolved sets resolved; going back from resolved removes it.
Repeating the last update changes nothing.

With --pr the change is committed on the incident's branch
baton/incident/<id> (created from the default branch when it does not exist),
pushed, and the pull request is opened or found.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.status, "status", "", "the new `STATUS`: investigating, identified, monitoring or resolved (required)")
	f.StringVar(&o.message, "message", "", "what customers need to know, in plain text (required)")
	o.pr.register(cmd)
	return cmd
}

func (o *updateOptions) run(ctx context.Context) error {
	if err := schema.CheckID(o.id); err != nil {
		return usageErrorf("%v", err).withHint("the id is the incident's folder name, e.g. 2026-11-20-checkout-errors")
	}
	if o.status == "" || o.message == "" {
		return usageErrorf("--status and --message are required").withHint("e.g. baton update %s --status identified --message \"We found the cause.\"", o.id)
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		in, data, err := readIncident(repo, fsys, o.id)
		if err != nil {
			return nil, err
		}
		return edit.Update(repo, in, data, edit.StatusUpdate{Status: o.status, Message: o.message, At: now})
	}
	if o.pr.enabled {
		return o.pr.publish(ctx, o.globals, flow.Update, o.id, now, mk)
	}
	res, err := editWorkingTree(ctx, o.globals, now, mk)
	if err != nil {
		return err
	}
	if res.Changed() {
		fmt.Fprintf(o.stdout, "updated %s: %s\n", res.ID, o.status)
	}
	return nil
}

// readIncident finds the incident and reads its file's current bytes.
func readIncident(repo *schema.Repo, fsys fs.FS, id string) (*schema.Incident, []byte, error) {
	in := repo.Incident(id)
	if in == nil {
		p := incidentPath(id)
		if _, err := fs.Stat(fsys, p); err == nil {
			return nil, nil, problemsErrorf("%s cannot be read: it has errors", p).withHint("run `baton validate` and fix them first")
		}
		return nil, nil, usageErrorf("incident %s does not exist", id).withHint("ids are folder names under incidents/<YYYY>/; run `baton declare` to create one")
	}
	data, err := fs.ReadFile(fsys, in.Path)
	if err != nil {
		return nil, nil, failuref("reading %s: %w", in.Path, err)
	}
	return in, data, nil
}

func incidentPath(id string) string {
	return schema.IncidentsDir + "/" + id[:4] + "/" + id + "/" + schema.IncidentFile
}
