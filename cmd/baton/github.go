package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

// This file wires the concrete git and GitHub clients to the flows of
// package flow: --pr on declare, update and postmortem, and the token and
// API settings shared with ping and handoff.

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
// (or $GITHUB_REPOSITORY when baton.yaml names none), and the token.
func (f *githubFlags) client(g *globals, cfg *schema.Config) (*forge.Client, string, error) {
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
		AppLogin: strings.TrimSpace(g.getenv("BATON_APP_LOGIN")),
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
	var ge *gitrepo.Error
	if errors.As(err, &ge) {
		ce := failuref("%s", redact(ge.Msg))
		if ge.Hint != "" {
			ce = ce.withHint("%s", redact(ge.Hint))
		}
		return ce
	}
	var ce *cliError
	if errors.As(err, &ce) {
		return ce
	}
	return failuref("%s", redact(err.Error()))
}

// tokenHost is the host git may send the token to: the host of
// $GITHUB_SERVER_URL (GitHub Enterprise Server), else github.com.
func tokenHost(g *globals) (string, error) {
	s := g.getenv("GITHUB_SERVER_URL")
	if s == "" {
		return gitrepo.DefaultTokenHost, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return "", usageErrorf("GITHUB_SERVER_URL %q is not a URL", s).withHint("GitHub Enterprise Server: https://HOST; unset it for github.com")
	}
	return u.Host, nil
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

// publish runs flow.Publish for an incident edit with the clone at --repo
// and the GitHub client, and prints what it did. describe, when not nil,
// prints what the edit means before the pull request's URL, which stays
// the last line of the output.
func (p *prFlags) publish(ctx context.Context, g *globals, kind flow.Kind, id string, now time.Time, mk editFunc, describe func()) error {
	branch := ""
	if id != "" {
		branch = kind.Branch(id)
	}
	return p.publishEdit(ctx, g, branch, now, func(*schema.Config) flow.Edit { return flow.IncidentEdit(kind, mk) }, describe)
}

// publishEdit runs flow.Publish for an edit (made from the working tree's
// baton.yaml) on branch ("" when only the edit knows it) and prints what
// it did, with describe as in publish.
func (p *prFlags) publishEdit(ctx context.Context, g *globals, branch string, now time.Time, mk func(cfg *schema.Config) flow.Edit, describe func()) error {
	wt, _, err := g.Rotations(ctx) // for baton.yaml; flow.Publish checks the edit
	if err != nil {
		return err
	}
	cfg := wt.Config
	gh, token, err := p.client(g, cfg)
	if err != nil {
		return err
	}
	host, err := tokenHost(g)
	if err != nil {
		return err
	}
	gr, err := gitrepo.Open(ctx, g.repoDir, gitrepo.Options{Token: token, TokenHost: host})
	if err != nil {
		return failuref("%v", err).withHint("--pr needs --repo to be a git clone with the remote %s", p.remote)
	}
	pub := flow.Publication{Remote: p.remote, DefaultBranch: cfg.GitHub.DefaultBranch, Branch: branch, Edit: mk(cfg), Now: now}
	if g.getenv("GITHUB_ACTIONS") == "true" {
		pub.Signature = gitrepo.DefaultSignature
	}
	res, err := flow.Publish(ctx, gh, gr, pub)
	for _, n := range res.Notes {
		fmt.Fprintf(g.stderr, "baton: note: %s\n", n)
	}
	if res.Pushed != "" {
		fmt.Fprintf(g.stdout, "pushed %s (%s)\n", res.Branch, res.Pushed[:min(12, len(res.Pushed))])
	}
	if res.PR != nil {
		verb := "found"
		if res.Created {
			verb = "opened"
		}
		fmt.Fprintf(g.stderr, "baton: %s pull request #%d\n", verb, res.PR.Number)
	}
	if res.Ping != nil {
		g.printPing(res.Ping)
	}
	if err != nil {
		return g.flowErr(err, token)
	}
	if describe != nil {
		describe()
	}
	if res.PR == nil {
		fmt.Fprintln(g.stdout, "nothing to commit; no pull request opened")
		return nil
	}
	fmt.Fprintln(g.stdout, res.PR.URL)
	return nil
}

// flowErr maps the errors of package flow to exit codes and hints.
func (g *globals) flowErr(err error, token string) error {
	var ie *flow.InvalidEditError
	if errors.As(err, &ie) {
		writeText(g.stderr, ie.Problems)
		return problemsErrorf("the edit would not validate: %s", plural(len(ie.Problems), "error")).withHint("nothing was written; fix the problems above and run the command again")
	}
	var ee *flow.EditError
	if errors.As(err, &ee) {
		return editErr(ee.Err)
	}
	var fe *flow.Error
	if errors.As(err, &fe) {
		ce := forgeErr(errors.New(fe.Msg), token)
		if fe.Hint != "" {
			ce = ce.withHint("%s", fe.Hint)
		}
		return ce
	}
	return forgeErr(err, token)
}
