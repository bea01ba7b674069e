package main

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

type overrideOptions struct {
	*globals
	rotation, user, replaces, kind, reason string
	from, until                            *instantFlag
	pr                                     prFlags
}

func newOverrideCmd(g *globals) *cobra.Command {
	o := &overrideOptions{globals: g, from: newInstantFlag("--from"), until: newInstantFlag("--until")}
	cmd := &cobra.Command{
		Use:   "override --rotation ID --user NEW [--replaces OLD] --from T --until T [--reason TEXT] [--pr]",
		Short: "Add an override to a rotation: someone covers a shift",
		Long: `Override appends an override to rotations/<ID>.yaml, keeping the file's
comments and order, after checking that the repository still validates. It
then prints whose shifts change in the next 90 days.

With --replaces OLD it is a replace override: NEW takes OLD's place wherever
OLD is on call in [--from, --until), and nothing else changes. Without it, the
kind is assign (NEW is the only IMOC then, whoever was on call); --kind add
makes NEW a second IMOC, --kind remove takes NEW off. --from and --until are
RFC 3339 times and are written as given, offset included.

Running it again with the same override changes nothing. With --pr the change
is committed on the branch baton/override/<ID>/<NEW>-<from>, pushed, and a pull
request is opened (or found) that shows who gains and loses which shifts and
asks those people to review.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` (file name in rotations/ without .yaml)")
	f.StringVar(&o.user, "user", "", "the `HANDLE` of who covers (required)")
	f.StringVar(&o.replaces, "replaces", "", "the `HANDLE` of who is covered (makes it a replace override)")
	f.StringVar(&o.kind, "kind", "", "assign, replace, add or remove (default: replace with --replaces, else assign)")
	f.Var(o.from, "from", "start of the override, `TIME` in RFC 3339 (required)")
	f.Var(o.until, "until", "end of the override, `TIME` in RFC 3339 (required)")
	f.StringVar(&o.reason, "reason", "", "why, e.g. \"dentist\" (written in the file)")
	o.pr.register(cmd)
	return cmd
}

func (o *overrideOptions) run(ctx context.Context) error {
	if o.rotation == "" || o.user == "" || !o.from.set || !o.until.set {
		return usageErrorf("--rotation, --user, --from and --until are required").
			withHint("e.g. baton override --rotation imoc-platform --user dana --replaces tomas --from 2026-12-01T09:00:00-05:00 --until 2026-12-02T09:00:00-05:00")
	}
	for _, h := range []struct{ flag, v string }{{"--rotation", o.rotation}, {"--user", o.user}, {"--replaces", o.replaces}} {
		if h.v != "" && !schema.CheckHandle(h.v) {
			return usageErrorf("%s %q is not a handle", h.flag, h.v).withHint("handles are lower-case letters, digits and hyphens, as in people.yaml and rotations/")
		}
	}
	kind := o.kind
	switch {
	case kind == "" && o.replaces != "":
		kind = schema.OverrideReplace
	case kind == "":
		kind = schema.OverrideAssign
	case !slices.Contains(schema.OverrideKinds, kind):
		return usageErrorf("--kind %q is not an override kind", kind).withHint("use one of %s", strings.Join(schema.OverrideKinds, ", "))
	}
	if (kind == schema.OverrideReplace) != (o.replaces != "") {
		return usageErrorf("--replaces goes with --kind replace, and only with it").withHint("name who is covered with --replaces, and leave --kind out")
	}
	from, _, err := o.from.value()
	if err != nil {
		return err
	}
	until, _, err := o.until.value()
	if err != nil {
		return err
	}
	if !until.After(from) {
		return usageErrorf("--until %s is not after --from %s", o.until.raw, o.from.raw).withHint("the override covers [--from, --until)")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	ov := schema.Override{Kind: kind, User: o.user, Replaces: o.replaces, From: from, Until: until, Reason: o.reason}
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		return edit.AddOverrides(repo, fsys, o.rotation, []schema.Override{ov})
	}
	what := o.user + " is IMOC"
	switch kind {
	case schema.OverrideReplace:
		what = o.user + " covers " + o.replaces
	case schema.OverrideAdd:
		what = o.user + " joins the IMOC"
	case schema.OverrideRemove:
		what = o.user + " is off"
	}
	title := fmt.Sprintf("Override on %s: %s, %s to %s", o.rotation, what, from.Format(time.RFC3339), until.Format(time.RFC3339))
	if o.pr.enabled {
		branch := "baton/override/" + o.rotation + "/" + o.user + "-" + from.UTC().Format("20060102T150405Z")
		return o.pr.publishEdit(ctx, o.globals, branch, now, func(cfg *schema.Config) flow.Edit {
			return flow.RotaEdit(branch, title, cfg.GitHub.DefaultBranch, now, mk)
		}, nil)
	}
	return editRota(ctx, o.globals, now, mk)
}

// editRota makes a rotation edit in the working tree (editWorkingTree)
// and prints whose shifts it changes in the next 90 days.
func editRota(ctx context.Context, g *globals, now time.Time, mk editFunc) error {
	before, _, err := g.Repo(ctx)
	if err != nil {
		return err
	}
	res, err := editWorkingTree(ctx, g, now, mk)
	if err != nil || !res.Changed() {
		return err
	}
	after, _, err := g.Repo(ctx)
	if err != nil {
		return err
	}
	d := oncall.Compare(before, after, now, now.AddDate(0, 0, flow.RotaDays))
	changed := d.Changed()
	if len(changed) == 0 {
		fmt.Fprintf(g.stdout, "nobody's shifts change in the next %d days\n", flow.RotaDays)
		return nil
	}
	for _, pd := range changed {
		loc := after.PersonZone(pd.Person)
		for _, p := range pd.Gained {
			fmt.Fprintf(g.stdout, "%s gains %s %s\n", pd.Person, p.Rotation, flow.PeriodText(p.Start, p.End, loc, now))
		}
		for _, p := range pd.Lost {
			fmt.Fprintf(g.stdout, "%s loses %s %s\n", pd.Person, p.Rotation, flow.PeriodText(p.Start, p.End, loc, now))
		}
	}
	return nil
}
