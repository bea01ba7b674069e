package main

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/schema"
)

type swapOptions struct {
	*globals
	rotation, reason string
	shift            *instantFlag
	pr               prFlags
}

func newSwapCmd(g *globals) *cobra.Command {
	o := &swapOptions{globals: g, shift: newInstantFlag("--shift")}
	cmd := &cobra.Command{
		Use:   "swap --rotation ID A B --shift T [--reason TEXT] [--pr]",
		Short: "Exchange two people's shifts on a rotation",
		Long: `Swap exchanges A's and B's shifts on rotations/<ID>.yaml, as replace
overrides appended to the file (comments and order are kept):

  - A's shift is the layer shift that contains --shift and that A holds (on
    the highest layer where A holds the shift containing that instant);
  - B's shift is the layer shift containing --shift that B holds on another
    layer (in a follow-the-sun rotation: the same week in another region),
    else B's next shift after A's on A's layer (in a weekly rotation: B's
    next week). To exchange with an earlier shift of B, name B first and
    give an instant in that shift.

B then takes A's place wherever A's shift gives A the IMOC slot, and A
takes B's wherever B's shift gives B the slot: one override per stretch, so
that hours A or B hold on other layers do not move. The repository must
still validate. Running it again changes nothing.

With --pr the change is committed on the branch
baton/swap/<ID>/<A>-<B>-<shift>, pushed, and a pull request is opened (or
found) that shows who gains and loses which shifts and asks them to review.`,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args[0], args[1]) },
	}
	f := cmd.Flags()
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` (required)")
	f.Var(o.shift, "shift", "an instant in A's shift, `TIME` in RFC 3339 (required)")
	f.StringVar(&o.reason, "reason", "", "why (default \"swap: A and B\")")
	o.pr.register(cmd)
	return cmd
}

func (o *swapOptions) run(ctx context.Context, a, b string) error {
	if o.rotation == "" || !o.shift.set {
		return usageErrorf("--rotation and --shift are required").withHint("e.g. baton swap --rotation imoc-platform dana tomas --shift 2026-12-01T12:00:00Z")
	}
	for _, h := range []struct{ what, v string }{{"--rotation", o.rotation}, {"A", a}, {"B", b}} {
		if !schema.CheckHandle(h.v) {
			return usageErrorf("%s %q is not a handle", h.what, h.v).withHint("handles are lower-case letters, digits and hyphens, as in people.yaml and rotations/")
		}
	}
	t, _, err := o.shift.value()
	if err != nil {
		return err
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		res, plan, err := edit.Swap(repo, fsys, o.rotation, a, b, t, o.reason)
		if err == nil {
			res.Notes = append([]string{fmt.Sprintf("%s's shift on %s (%s) and %s's (%s) are exchanged",
				a, plan.A.Name, plan.A.Start.Format(time.RFC3339), b, plan.B.Start.Format(time.RFC3339))}, res.Notes...)
		}
		return res, err
	}
	if o.pr.enabled {
		branch := "baton/swap/" + o.rotation + "/" + a + "-" + b + "-" + t.UTC().Format("20060102T150405Z")
		title := fmt.Sprintf("Swap on %s: %s and %s", o.rotation, a, b)
		return o.pr.publishEdit(ctx, o.globals, branch, now, func(cfg *schema.Config) flow.Edit {
			return flow.RotaEdit(branch, title, cfg.GitHub.DefaultBranch, now, mk)
		}, nil)
	}
	return editRota(ctx, o.globals, now, mk)
}
