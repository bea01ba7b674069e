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

type postmortemOptions struct {
	*globals
	id string
	pr prFlags
}

func newPostmortemCmd(g *globals) *cobra.Command {
	o := &postmortemOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "postmortem ID [--pr]",
		Short: "Scaffold an incident's postmortem.md with its timeline filled in",
		Long: `Postmortem creates incidents/<YYYY>/<id>/postmortem.md as a draft: the owner
as author, the incident's IMOC as the required reviewer, every section that
baton.yaml requires, and the Timeline filled from the incident's times and
status updates. An existing postmortem is never overwritten.

With --pr the file is committed on a branch baton/postmortem/<id>, pushed, and
a pull request is opened (or found) with the IMOC asked for review.`,
		Args: incidentArg(g, "postmortem", "", "resolved incidents without a postmortem", func(in *schema.Incident) bool {
			return in.IsResolved() && in.Postmortem == nil && !in.IsMaintenance()
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return o.run(cmd.Context())
		},
	}
	o.pr.register(cmd)
	return cmd
}

func (o *postmortemOptions) run(ctx context.Context) error {
	if err := o.checkID(ctx, o.id); err != nil {
		return err
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		in, _, err := readIncident(repo, fsys, o.id)
		if err != nil {
			return nil, err
		}
		return edit.Postmortem(repo, in)
	}
	if o.pr.enabled {
		return o.pr.publish(ctx, o.globals, flow.Postmortem, o.id, now, mk, nil)
	}
	res, err := editWorkingTree(ctx, o.globals, now, mk)
	if err != nil {
		return err
	}
	if res.Changed() {
		fmt.Fprintf(o.stdout, "scaffolded the postmortem of %s\n", res.ID)
	}
	return nil
}
