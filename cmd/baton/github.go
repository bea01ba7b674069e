package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

// This file wires the concrete git and GitHub clients to the incident
// commands: --pr on declare, update and postmortem, and the token and API
// settings shared with ping and handoff.

// pullRequests is what the commands need from GitHub (package forge).
type pullRequests interface {
	FindOrCreatePR(ctx context.Context, n forge.NewPR) (*forge.PR, bool, error)
	PR(ctx context.Context, n int) (*forge.PR, error)
	PRFiles(ctx context.Context, n int) ([]string, error)
	File(ctx context.Context, path, ref string) ([]byte, bool, error)
	RequestReview(ctx context.Context, pr *forge.PR, login string) (bool, error)
	Assign(ctx context.Context, n int, have []string, logins ...string) ([]string, error)
	AddLabel(ctx context.Context, n int, have []string, l forge.Label) (bool, error)
	UpsertComment(ctx context.Context, n int, marker, body string) (string, string, error)
}

// githubFlags are the flags of commands that talk to GitHub.
type githubFlags struct {
	token string
}

func (f *githubFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.token, "token", "", "GitHub `TOKEN` (default: $GITHUB_TOKEN, then $GH_TOKEN); never printed")
}

// resolveToken returns --token, $GITHUB_TOKEN or $GH_TOKEN.
func (f *githubFlags) resolveToken(g *globals) string {
	for _, t := range []string{f.token, g.getenv("GITHUB_TOKEN"), g.getenv("GH_TOKEN")} {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return ""
}

// client returns a GitHub client for the repository named in baton.yaml
// (or $GITHUB_REPOSITORY when baton.yaml names none).
func (f *githubFlags) client(g *globals, cfg *schema.Config) (pullRequests, string, error) {
	repo := cfg.GitHub.Repo
	if repo == "" {
		repo = g.getenv("GITHUB_REPOSITORY")
	}
	if repo == "" {
		return nil, "", usageErrorf("no GitHub repository is configured").withHint("set github.repo in baton.yaml, e.g. acme/incidents")
	}
	token := f.resolveToken(g)
	c, err := forge.New(forge.Options{
		Token: token, APIURL: g.getenv("GITHUB_API_URL"), Repo: repo, Now: g.env.now,
	})
	if err != nil {
		return nil, token, forgeErr(err, token)
	}
	return c, token, nil
}

// forgeErr turns a forge or git error into a failure with its hint, with the
// token removed for good measure.
func forgeErr(err error, token string) *cliError {
	redact := func(s string) string {
		if token == "" {
			return s
		}
		return strings.ReplaceAll(s, token, "***")
	}
	var fe *forge.Error
	if errors.As(err, &fe) {
		ce := failuref("%s", redact(fe.Msg))
		if fe.Hint != "" {
			ce = ce.withHint("%s", fe.Hint)
		}
		return ce
	}
	var ce *cliError
	if errors.As(err, &ce) {
		return ce
	}
	return failuref("%s", redact(err.Error()))
}

// prFlags add --pr to a command that edits files.
type prFlags struct {
	githubFlags
	enabled bool
	remote  string
}

func (p *prFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&p.enabled, "pr", false, "commit the change on a branch, push it and open (or find) the pull request")
	cmd.Flags().StringVar(&p.remote, "remote", "origin", "the git `REMOTE` to push to (with --pr)")
	p.githubFlags.register(cmd)
}

// prKind says which branch and pull request an edit goes to.
type prKind int

const (
	prDeclare    prKind = iota // a new incident: baton/incident/<id>
	prIncident                 // an update: baton/incident/<id>
	prPostmortem               // baton/postmortem/<id>
)

func (k prKind) branch(id string) string {
	if k == prPostmortem {
		return "baton/postmortem/" + id
	}
	return "baton/incident/" + id
}

// gitIdentity returns the user's git name and email for the repository at
// dir, or empty strings.
func gitIdentity(ctx context.Context, dir string) (name, email string) {
	r, err := gitrepo.Open(ctx, dir, gitrepo.Options{})
	if err != nil {
		return "", ""
	}
	s := r.Identity()
	if s == gitrepo.DefaultSignature {
		return "", ""
	}
	return s.Name, s.Email
}

// publish computes an edit against the remote's default branch (or the
// branch of an earlier run), commits it on the edit's branch without
// touching the working tree, pushes, and finds or opens the pull request,
// which is then pinged like `baton ping` does. Every step is idempotent:
// running the same command twice leaves one branch, one pull request, one
// review request, one label and one comment.
func (p *prFlags) publish(ctx context.Context, g *globals, kind prKind, id string, now time.Time, mk editFunc) error {
	wt, _, err := g.Repo(ctx)
	if err != nil {
		return err
	}
	cfg := wt.Config
	gh, token, err := p.client(g, cfg)
	if err != nil {
		return err
	}
	gr, err := gitrepo.Open(ctx, g.repoDir, gitrepo.Options{Token: token})
	if err != nil {
		return failuref("%v", err).withHint("--pr needs --repo to be a git clone with the remote %s", p.remote)
	}
	def := cfg.GitHub.DefaultBranch
	wanted := []string{def}
	if id != "" {
		wanted = append(wanted, kind.branch(id))
	}
	have, err := gr.Fetch(ctx, p.remote, wanted...)
	if err != nil {
		return forgeErr(err, token)
	}
	if _, ok := have[def]; !ok {
		return failuref("the remote %s has no branch %s", p.remote, def).withHint("set github.default_branch in baton.yaml, or push %s first", def)
	}
	load := func(rev string) (*schema.Repo, fs.FS, *edit.Result, error) {
		fsys, err := gr.FS(ctx, rev)
		if err != nil {
			return nil, nil, nil, failuref("%v", err)
		}
		repo, _ := schema.Load(ctx, fsys)
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err // interrupted: an edit of a partial repository could be wrong
		}
		res, err := mk(repo, fsys)
		if err != nil {
			return nil, nil, nil, editErr(err)
		}
		return repo, fsys, res, nil
	}
	baseRev := p.remote + "/" + def
	if id != "" {
		if _, ok := have[kind.branch(id)]; ok {
			baseRev = p.remote + "/" + kind.branch(id)
		}
	}
	repo, fsys, res, err := load(baseRev)
	if err != nil {
		return err
	}
	branch := kind.branch(res.ID)
	if kind == prDeclare {
		// The id is known only now: continue on the branch of an earlier
		// run when there is one.
		more, err := gr.Fetch(ctx, p.remote, branch)
		if err != nil {
			return forgeErr(err, token)
		}
		if _, ok := more[branch]; ok {
			have[branch] = more[branch]
			baseRev = p.remote + "/" + branch
			if repo, fsys, res, err = load(baseRev); err != nil {
				return err
			}
		}
	}
	g.printNotes(res)
	_, onBranch := have[branch]
	if res.Changed() {
		if err := checkEdit(ctx, g, fsys, res, now); err != nil {
			return err
		}
		parent, err := gr.Resolve(baseRev)
		if err != nil {
			return failuref("%v", err)
		}
		sig := gr.Identity()
		if g.getenv("GITHUB_ACTIONS") == "true" {
			sig = gitrepo.DefaultSignature
		}
		var files []gitrepo.File
		for _, f := range res.Files {
			files = append(files, gitrepo.File{Path: f.Path, Data: f.Data})
		}
		hash, changed, err := gr.Commit(ctx, parent, files, commitMessage(kind, res, repo), sig, now)
		if err != nil {
			return failuref("committing: %v", err)
		}
		if changed {
			if err := gr.SetBranch(branch, hash); err != nil {
				return failuref("%v", err)
			}
			if err := gr.Push(ctx, p.remote, branch, false); err != nil {
				return forgeErr(err, token).withHint("someone else may have pushed to %s; run the command again", branch)
			}
			fmt.Fprintf(g.stdout, "pushed %s (%s)\n", branch, hash[:12])
			onBranch = true
		}
	}
	if !onBranch {
		fmt.Fprintln(g.stdout, "nothing to commit; no pull request opened")
		return nil
	}
	// The state of the incident as the pull request shows it.
	after, _ := schema.Load(ctx, overlayFS{base: fsys, files: filesOf(res)})
	if err := ctx.Err(); err != nil {
		return err
	}
	in := after.Incident(res.ID)
	title := prTitle(kind, res.ID, in)
	pr, created, err := gh.FindOrCreatePR(ctx, forge.NewPR{Head: branch, Base: def, Title: title, Body: prBody(kind, in)})
	if err != nil {
		return forgeErr(err, token)
	}
	verb := "found"
	if created {
		verb = "opened"
	}
	fmt.Fprintf(g.stderr, "baton: %s pull request #%d\n", verb, pr.Number)
	if in != nil {
		if err := pingPR(ctx, g, gh, pr, after, []pingTarget{{in: in, postmortem: kind == prPostmortem}}, now); err != nil {
			return forgeErr(err, token)
		}
	}
	fmt.Fprintln(g.stdout, pr.URL)
	return nil
}

func filesOf(res *edit.Result) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range res.Files {
		m[f.Path] = f.Data
	}
	return m
}

func commitMessage(kind prKind, res *edit.Result, repo *schema.Repo) string {
	switch kind {
	case prDeclare:
		return "Declare " + res.ID + "\n\nCreated by baton declare.\n"
	case prPostmortem:
		return "Postmortem of " + res.ID + ": scaffold\n\nCreated by baton postmortem.\n"
	}
	status := ""
	if in := repo.Incident(res.ID); in != nil {
		status = " (was " + in.Status + ")"
	}
	return "Update " + res.ID + status + "\n\nCreated by baton update.\n"
}

func prTitle(kind prKind, id string, in *schema.Incident) string {
	t := id
	if in != nil {
		t = in.Title
	}
	switch kind {
	case prDeclare:
		return "Declare incident: " + t
	case prPostmortem:
		return "Postmortem: " + t
	}
	return "Incident: " + t
}

func prBody(kind prKind, in *schema.Incident) string {
	if in == nil {
		return "Opened by baton."
	}
	var b strings.Builder
	switch kind {
	case prPostmortem:
		fmt.Fprintf(&b, "The postmortem of `%s`, scaffolded by `baton postmortem`. Fill in the sections, then ask the reviewers to approve.\n", in.ID)
	default:
		fmt.Fprintf(&b, "Incident `%s` (%s, %s). Status updates are committed here by `baton update --pr`; merging publishes them.\n", in.ID, in.Severity, in.Status)
	}
	b.WriteString("\nOpened by baton. Pull requests opened with the Actions GITHUB_TOKEN do not start other workflows: re-run checks by pushing a commit, or use a GitHub App token.\n")
	return b.String()
}
