package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/schema"
)

type declareOptions struct {
	*globals
	title, severity, owner, rotation string
	visibility, status, message      string
	components                       []string
	started, detected                *instantFlag
	pr                               prFlags
}

func newDeclareCmd(g *globals) *cobra.Command {
	o := &declareOptions{globals: g, started: newInstantFlag("--started"), detected: newInstantFlag("--detected")}
	cmd := &cobra.Command{
		Use:   "declare --title TITLE --severity SEV [--component ID:IMPACT]... [--owner HANDLE] [--pr]",
		Short: "Declare an incident: create its folder with the IMOC on call attached",
		Long: `Declare creates incidents/<YYYY>/<id>/incident.md. The id is the declaration
date and a slug of the title; declared is --now (or the clock). The IMOC and
the shadows on call at that instant on the incident's rotation are attached,
and a first public status update is written.

The owner defaults to the person running the command, found in people.yaml by
$GITHUB_ACTOR (GitHub login) or by the git user.email.

Declaring the same title again on the same day finds the open incident instead
of creating a second one. With --pr the new file is committed on a branch
baton/incident/<id>, pushed, and a pull request is opened (or found).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.title, "title", "", "a short public description of the symptom (required)")
	f.StringVar(&o.severity, "severity", "", "severity `ID` from baton.yaml, e.g. SEV2 (required)")
	f.StringArrayVar(&o.components, "component", nil, "an affected component as `ID:IMPACT` (impact: degraded_performance, partial_outage, major_outage); repeatable")
	f.StringVar(&o.owner, "owner", "", "the `HANDLE` of the person who owns the incident (default: you)")
	f.StringVar(&o.rotation, "rotation", "", "the IMOC rotation `ID` (default: rotations.default in baton.yaml)")
	f.StringVar(&o.visibility, "visibility", schema.Internal, "public (on the status page) or internal")
	f.StringVar(&o.status, "status", schema.StatusInvestigating, "the first status: investigating, identified or monitoring")
	f.StringVar(&o.message, "message", "", "the first public status update (plain text)")
	f.Var(o.started, "started", "when impact began, `TIME` in RFC 3339, if known")
	f.Var(o.detected, "detected", "when the problem was detected, `TIME` in RFC 3339, if known")
	o.pr.register(cmd)
	return cmd
}

func (o *declareOptions) run(ctx context.Context) error {
	if o.title == "" || o.severity == "" {
		return usageErrorf("--title and --severity are required").withHint("e.g. baton declare --title \"Elevated checkout errors\" --severity SEV2")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	d := edit.Declaration{
		Title: o.title, Severity: o.severity, Owner: o.owner, Rotation: o.rotation,
		Visibility: o.visibility, Status: o.status, Message: o.message, At: now,
	}
	for _, c := range o.components {
		id, impact, ok := strings.Cut(c, ":")
		if !ok || id == "" || impact == "" {
			return usageErrorf("--component %q is not ID:IMPACT", c).withHint("e.g. --component checkout:partial_outage")
		}
		d.Components = append(d.Components, edit.Component{ID: id, Impact: impact})
	}
	for _, t := range []struct {
		f   *instantFlag
		dst *time.Time
	}{{o.started, &d.Started}, {o.detected, &d.Detected}} {
		if *t.dst, _, err = t.f.value(); err != nil {
			return err
		}
	}
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		if d.Owner == "" {
			h, err := o.defaultOwner(ctx, repo)
			if err != nil {
				return nil, err
			}
			d.Owner = h
		}
		d.Taken = func(id string) bool {
			_, err := fs.Stat(fsys, path.Join(schema.IncidentsDir, id[:4], id))
			return err == nil
		}
		return edit.Declare(repo, d)
	}
	if o.pr.enabled {
		return o.pr.publish(ctx, o.globals, flow.Declare, "", now, mk)
	}
	res, err := editWorkingTree(ctx, o.globals, now, mk)
	if err != nil {
		return err
	}
	repo, _, err := o.Repo(ctx)
	if err != nil {
		return err
	}
	if in := repo.Incident(res.ID); in != nil {
		fmt.Fprintf(o.stdout, "declared %s: %s\n", res.ID, describeRoles(in))
	}
	return nil
}

// describeRoles is "SEV2, IMOC bob, owner carol, shadows erin".
func describeRoles(in *schema.Incident) string {
	parts := []string{in.Severity}
	if in.IMOC != "" {
		parts = append(parts, "IMOC "+in.IMOC)
	} else {
		parts = append(parts, "no IMOC")
	}
	parts = append(parts, "owner "+in.Owner)
	if len(in.Shadows) > 0 {
		parts = append(parts, "shadows "+strings.Join(in.Shadows, ", "))
	}
	return strings.Join(parts, ", ")
}

// defaultOwner finds the person running the command in people.yaml: by
// $GITHUB_ACTOR, then by the git identity's email.
func (g *globals) defaultOwner(ctx context.Context, repo *schema.Repo) (string, error) {
	hint := "pass --owner HANDLE: the person most able to fix the incident"
	if actor := g.getenv("GITHUB_ACTOR"); actor != "" {
		for _, p := range repo.People {
			if strings.EqualFold(p.GitHub, actor) {
				return p.Handle, nil
			}
		}
		return "", usageErrorf("--owner is not set and the GitHub user %s is not in people.yaml", actor).withHint("%s", hint)
	}
	if _, email := gitIdentity(ctx, g.repoDir); email != "" {
		for _, p := range repo.People {
			if p.Email != "" && strings.EqualFold(p.Email, email) {
				return p.Handle, nil
			}
		}
		return "", usageErrorf("--owner is not set and your git email %s is not in people.yaml", email).withHint("%s", hint)
	}
	return "", usageErrorf("--owner is not set").withHint("%s", hint)
}

// editFunc computes an edit from a loaded repository and the file system it
// was loaded from.
type editFunc func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error)

// editWorkingTree loads the repository from --repo, computes the edit,
// checks that the edited files validate, and writes them.
func editWorkingTree(ctx context.Context, g *globals, now time.Time, mk editFunc) (*edit.Result, error) {
	info, err := os.Stat(g.repoDir)
	if err != nil || !info.IsDir() {
		return nil, failuref("cannot open repository %s: not a folder", g.repoDir).withHint("pass --repo DIR, the folder that holds baton.yaml")
	}
	root, err := os.OpenRoot(g.repoDir)
	if err != nil {
		return nil, failuref("cannot open repository %s: %v", g.repoDir, err)
	}
	defer root.Close()
	fsys := root.FS()
	repo, _ := schema.Load(ctx, fsys)
	if err := ctx.Err(); err != nil {
		return nil, err // interrupted: an edit of a partial repository could be wrong
	}
	res, err := mk(repo, fsys)
	if err != nil {
		return nil, editErr(err)
	}
	g.printNotes(res)
	if !res.Changed() {
		return res, nil
	}
	bad, err := flow.CheckEdit(ctx, fsys, res.Files, now)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, g.flowErr(&flow.InvalidEditError{Problems: bad}, "")
	}
	for _, f := range res.Files {
		if err := writeFileAtomic(root, f.Path, f.Data); err != nil {
			return nil, failuref("writing %s: %w", f.Path, err)
		}
		fmt.Fprintf(g.stdout, "wrote %s\n", f.Path)
	}
	return res, nil
}

func (g *globals) printNotes(res *edit.Result) {
	for _, n := range res.Notes {
		fmt.Fprintf(g.stderr, "baton: note: %s\n", n)
	}
}

// editErr turns an edit's refusal into a usage error with its hint.
func editErr(err error) error {
	var ee *edit.Error
	if errors.As(err, &ee) {
		ce := usageErrorf("%s", ee.Msg)
		if ee.Hint != "" {
			ce = ce.withHint("%s", ee.Hint)
		}
		return ce
	}
	var ce *cliError
	if errors.As(err, &ce) {
		return err
	}
	return failuref("%w", err)
}

// writeFileAtomic writes data to name inside root through a temporary file
// and a rename, creating folders as needed.
func writeFileAtomic(root *os.Root, name string, data []byte) error {
	dir := path.Dir(name)
	if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
		return err
	}
	tmp := path.Join(dir, "."+path.Base(name)+".baton-tmp")
	if err := root.WriteFile(filepath.FromSlash(tmp), data, 0o644); err != nil {
		return err
	}
	if err := root.Rename(filepath.FromSlash(tmp), filepath.FromSlash(name)); err != nil {
		_ = root.Remove(filepath.FromSlash(tmp))
		return err
	}
	return nil
}
