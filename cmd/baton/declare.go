package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

type declareOptions struct {
	*globals
	title, severity, owner, rotation string
	typ, visibility, status, message string
	components                       []string
	scheduled                        string
	started, detected                *instantFlag
	pr                               prFlags
}

func newDeclareCmd(g *globals) *cobra.Command {
	o := &declareOptions{globals: g, started: newInstantFlag("--started"), detected: newInstantFlag("--detected")}
	cmd := &cobra.Command{
		Use:   "declare --title TITLE --severity SEV [--component ID:IMPACT]... [--owner HANDLE] [--pr]",
		Short: "Declare an incident, or schedule a maintenance, with the IMOC on call attached",
		Long: `Declare creates incidents/<YYYY>/<id>/incident.md. The id is the declaration
date and a slug of the title; declared is --now (or the clock). The IMOC and
the shadows on call at that instant on the incident's rotation are attached,
and a first public status update is written.

The rotation is --rotation, else the one responsible for the most affected
component (components[].rotation or rotations.groups in baton.yaml), else
rotations.default. The owner defaults to the person running the command,
found in people.yaml by $GITHUB_ACTOR (GitHub login) or by the git
user.email (user.name is not needed).

A new incident is internal (not on the public status page) unless
--visibility public is given or baton.yaml sets declare.visibility. The
command says where the incident will appear.

A maintenance is planned work announced on the status page:

  baton declare --type maintenance --title "Database upgrade" \
    --scheduled 2026-12-01T02:00:00Z/2026-12-01T04:00:00Z --component api

--scheduled FROM/UNTIL is its window (RFC 3339 instants; --type maintenance
is implied). Its components default to the impact under_maintenance, its
status to scheduled, its visibility to public, its id to the day the window
starts, and its IMOC to the one on call when the window starts. Move it on
with baton update ID --status in_progress, verifying, completed or cancelled.

Declaring the same title again on the same day finds the open incident instead
of creating a second one. With --pr the new file is committed on a branch
baton/incident/<id>, pushed, and a pull request is opened (or found).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.scheduled != "" && !cmd.Flags().Changed("type") {
				o.typ = schema.TypeMaintenance
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.title, "title", "", "a short public description of the symptom (required)")
	f.StringVar(&o.severity, "severity", "", "severity `ID` from baton.yaml, e.g. SEV2 (required for incidents; any case)")
	f.StringVar(&o.typ, "type", schema.TypeIncident, "`TYPE`: incident or maintenance")
	f.StringArrayVar(&o.components, "component", nil, "an affected component as `ID:IMPACT` (impact: degraded_performance, partial_outage, major_outage; a maintenance may give ID alone); repeatable")
	f.StringVar(&o.owner, "owner", "", "the `HANDLE` of the person who owns the incident (default: you, by $GITHUB_ACTOR or git user.email)")
	f.StringVar(&o.rotation, "rotation", "", "the IMOC rotation `ID` (default: the most affected component's, else rotations.default)")
	f.StringVar(&o.visibility, "visibility", "", "`VISIBILITY`: public (on the status page) or internal (default: declare.visibility in baton.yaml, else internal; public for a maintenance)")
	f.StringVar(&o.status, "status", "", "the first status: investigating (default), identified or monitoring; for a maintenance scheduled (default) or in_progress")
	f.StringVar(&o.message, "message", "", "the first public update (plain text; default: a generic sentence)")
	f.StringVar(&o.scheduled, "scheduled", "", "a maintenance's window, `FROM/UNTIL` in RFC 3339, e.g. 2026-12-01T02:00:00Z/2026-12-01T04:00:00Z")
	f.Var(o.started, "started", "when impact began, `TIME` in RFC 3339, if known")
	f.Var(o.detected, "detected", "when the problem was detected, `TIME` in RFC 3339, if known")
	o.pr.register(cmd)
	return cmd
}

func (o *declareOptions) run(ctx context.Context) error {
	o.typ = strings.ToLower(strings.TrimSpace(o.typ))
	maint := o.typ == schema.TypeMaintenance
	var missing []string
	if o.title == "" {
		missing = append(missing, "--title")
	}
	if o.severity == "" && !maint {
		missing = append(missing, "--severity")
	}
	if len(missing) > 0 {
		return usageErrorf("declare needs %s", strings.Join(missing, " and ")).
			withHint("e.g. baton declare --title \"Elevated checkout errors\" --severity SEV2 --component checkout:partial_outage")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	d := edit.Declaration{
		Title: o.title, Type: o.typ, Severity: o.severity, Owner: o.owner, Rotation: o.rotation,
		Visibility: o.visibility, Status: o.status, Message: o.message, At: now,
	}
	if o.scheduled != "" {
		if d.Window, err = parseWindow(o.scheduled); err != nil {
			return err
		}
	}
	for _, c := range o.components {
		id, impact, ok := strings.Cut(c, ":")
		switch {
		case id == "" || ok && impact == "":
			return usageErrorf("--component %q is not ID:IMPACT", c).withHint("e.g. --component checkout:partial_outage")
		case !ok && !maint:
			return usageErrorf("--component %s needs an impact: ID:IMPACT", c).
				withHint("e.g. --component %s:partial_outage (impacts: degraded_performance, partial_outage, major_outage)", c)
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
	var (
		res *edit.Result
		cfg *schema.Config
	)
	mk := func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error) {
		if d.Owner == "" {
			h, err := o.defaultOwner(repo)
			if err != nil {
				return nil, err
			}
			d.Owner = h
		}
		d.Taken = func(id string) bool {
			_, err := fs.Stat(fsys, path.Join(schema.IncidentsDir, id[:4], id))
			return err == nil
		}
		r, err := edit.Declare(repo, d)
		res, cfg = r, repo.Config
		return r, err
	}
	describe := func() { o.describe(res, cfg) }
	if o.pr.enabled {
		return o.pr.publish(ctx, o.globals, flow.Declare, "", now, mk, describe)
	}
	if _, err := editWorkingTree(ctx, o.globals, now, mk); err != nil {
		return err
	}
	describe()
	return nil
}

// parseWindow parses --scheduled FROM/UNTIL.
func parseWindow(v string) (*edit.Window, error) {
	from, until, ok := strings.Cut(v, "/")
	if !ok {
		return nil, usageErrorf("--scheduled %q is not FROM/UNTIL", v).withHint("e.g. --scheduled 2026-12-01T02:00:00Z/2026-12-01T04:00:00Z")
	}
	f, err := parseInstant("--scheduled", from)
	if err != nil {
		return nil, err
	}
	u, err := parseInstant("--scheduled", until)
	if err != nil {
		return nil, err
	}
	return &edit.Window{From: f, Until: u}, nil
}

// describe prints what was declared: the roles, the rotation and why, and
// where the incident will appear.
func (o *declareOptions) describe(res *edit.Result, cfg *schema.Config) {
	if res == nil || !res.Changed() || cfg == nil {
		return
	}
	f := res.Files[0]
	in, _ := schema.ParseIncident(f.Path, f.Data)
	if in == nil {
		return
	}
	if in.IsMaintenance() {
		window := ""
		if w := in.Scheduled; w != nil {
			window = ", " + formatWindow(w, cfg)
		}
		fmt.Fprintf(o.stdout, "scheduled %s: maintenance%s, %s\n", res.ID, window, describeRoles(in))
	} else {
		fmt.Fprintf(o.stdout, "declared %s: %s\n", res.ID, describeRoles(in))
	}
	var comps []edit.Component
	for _, ci := range in.Components {
		comps = append(comps, edit.Component{ID: ci.ID, Impact: ci.Impact})
	}
	if ch := edit.ChooseRotation(cfg, o.rotation, comps); ch.ID != "" {
		fmt.Fprintf(o.stdout, "rotation %s: %s\n", ch.ID, ch.Why)
	}
	after := "after this change is merged and the site is built"
	if o.pr.enabled {
		after = "after the pull request is merged and the site is built"
	}
	if in.IsPublic() {
		fmt.Fprintf(o.stdout, "public: on the status page %s\n", after)
	} else {
		fmt.Fprintf(o.stdout, "internal: not on the public status page; to publish it, set visibility: public in %s, or declare with --visibility public\n", f.Path)
	}
}

// formatWindow is "2026-12-01 02:00 to 04:00 UTC" in the site's time zone.
func formatWindow(w *schema.MaintenanceWindow, cfg *schema.Config) string {
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	from, until := w.From.In(loc), w.Until.In(loc)
	if from.Format("2006-01-02") == until.Format("2006-01-02") {
		return from.Format("2006-01-02 15:04") + " to " + until.Format("15:04 MST")
	}
	return from.Format("2006-01-02 15:04 MST") + " to " + until.Format("2006-01-02 15:04 MST")
}

// describeRoles is "SEV2, IMOC bob, owner carol, shadows erin".
func describeRoles(in *schema.Incident) string {
	var parts []string
	if in.Severity != "" {
		parts = append(parts, in.Severity)
	}
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
// $GITHUB_ACTOR (a GitHub login), then by the git user.email (compared
// without regard to case; user.name is not needed), then by the GitHub
// login in a GitHub no-reply email. The error says which identities were
// tried.
func (g *globals) defaultOwner(repo *schema.Repo) (string, error) {
	byLogin := func(login string) string {
		for _, p := range repo.People {
			if p.GitHub != "" && strings.EqualFold(p.GitHub, login) {
				return p.Handle
			}
		}
		return ""
	}
	var tried []string
	if actor := strings.TrimSpace(g.getenv("GITHUB_ACTOR")); actor != "" {
		if h := byLogin(actor); h != "" {
			return h, nil
		}
		tried = append(tried, fmt.Sprintf("the GitHub login %s ($GITHUB_ACTOR)", actor))
	}
	if email := gitrepo.UserEmail(g.repoDir); email != "" {
		for _, p := range repo.People {
			if p.Email != "" && strings.EqualFold(p.Email, email) {
				return p.Handle, nil
			}
		}
		tried = append(tried, fmt.Sprintf("the email %s (git user.email)", email))
		if login := noreplyLogin(email); login != "" {
			if h := byLogin(login); h != "" {
				return h, nil
			}
			tried = append(tried, fmt.Sprintf("the GitHub login %s (from that email)", login))
		}
	}
	if len(tried) == 0 {
		return "", usageErrorf("--owner is not set, and Baton cannot tell who you are: git user.email is not set and $GITHUB_ACTOR is empty").
			withHint("pass --owner HANDLE (the person most able to fix the incident), or set `git config user.email` to the email of your entry in people.yaml")
	}
	last := len(tried) - 1
	who := tried[last]
	if last > 0 {
		who = strings.Join(tried[:last], ", ") + " or " + tried[last]
	}
	return "", usageErrorf("--owner is not set, and no one in people.yaml has %s", who).
		withHint("pass --owner HANDLE (the person most able to fix the incident), or add your email or GitHub login to your entry in people.yaml")
}

// noreplyLogin returns the GitHub login of a GitHub no-reply email
// (12345+login@users.noreply.github.com or login@users.noreply.github.com),
// or "".
func noreplyLogin(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || !strings.EqualFold(domain, "users.noreply.github.com") {
		return ""
	}
	if _, login, ok := strings.Cut(local, "+"); ok {
		return login
	}
	return local
}

// editFunc computes an edit from a loaded repository and the file system it
// was loaded from.
type editFunc func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error)

// editWorkingTree loads the repository from --repo, computes the edit,
// checks that the edited files validate, and writes them.
func editWorkingTree(ctx context.Context, g *globals, now time.Time, mk editFunc) (*edit.Result, error) {
	root, err := g.openRoot()
	if err != nil {
		return nil, err
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
		if err := edit.WriteFile(root, f.Path, f.Data); err != nil {
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
