package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
)

type pingOptions struct {
	*globals
	githubFlags
	pr int
}

func newPingCmd(g *globals) *cobra.Command {
	o := &pingOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ping [--pr N]",
		Short: "In GitHub Actions: ask the IMOC, and the people whose shifts move, to review a pull request",
		Long: `Ping reads the pull request from $GITHUB_EVENT_PATH (pull_request and
pull_request_target events) or --pr, finds the incidents and postmortems it
touches, and for each one requests the IMOC's review (or @-mentions them when
GitHub refuses, e.g. because they opened the pull request), assigns the owner,
labels the pull request with the severity, and keeps one comment naming the
IMOC, the owner, the shadows, the severity and what the IMOC should do next.

When the pull request changes rotations/ or people.yaml, the comment also
shows who gains and loses which shifts in the next 90 days (each person's
times in their own time zone), the gaps it opens and the time away it puts on
call, and ping asks everyone whose shifts change to review.

People, rotations and baton.yaml are read only from --repo (the base branch's
checkout), whatever the pull request changes; the touched incident, rotation
and people files are read from the pull request's head through the API, as
data. No code from the pull request is run. The IMOC asked is the one the
rotation had on call when the incident was declared; the people asked about
shifts must be in the base branch's people.yaml (at most 20). A pull request
whose files do not validate, or that touches more than 10 incidents or 20
rotation files, gets a neutral comment and no review request, assignment or
label. Running ping again edits the same comment and adds nothing twice.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().IntVar(&o.pr, "pr", 0, "the pull request `NUMBER` (default: from $GITHUB_EVENT_PATH)")
	o.githubFlags.register(cmd)
	return cmd
}

func (o *pingOptions) run(ctx context.Context) error {
	now, err := o.Now()
	if err != nil {
		return err
	}
	n := o.pr
	if n == 0 {
		if n, err = prFromEvent(o.getenv("GITHUB_EVENT_PATH")); err != nil {
			return err
		}
	}
	base, _, err := o.Rotations(ctx) // for baton.yaml; flow.Ping reads the rest
	if err != nil {
		return err
	}
	gh, token, err := o.client(o.globals, base.Config)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(o.repoDir)
	if err != nil {
		return failuref("cannot open repository %s: %v", o.repoDir, err)
	}
	defer root.Close()
	res, err := flow.Ping(ctx, gh, flow.PingRequest{PR: n, Base: root.FS(), Now: now})
	if err == nil && len(res.Touched) == 0 && len(res.RotaFiles) == 0 {
		fmt.Fprintf(o.stdout, "#%d touches no incident, rotation or people.yaml; nothing to do\n", n)
		return nil
	}
	switch res.Held {
	case flow.HeldTooMany:
		if len(res.Touched) > flow.MaxIncidents {
			fmt.Fprintf(o.stderr, "baton: note: #%d touches %d incidents, more than %d: asked nobody, commented\n", n, len(res.Touched), flow.MaxIncidents)
		} else {
			fmt.Fprintf(o.stderr, "baton: note: #%d touches %d rotation files, more than %d: asked nobody, commented\n", n, len(res.RotaFiles), flow.MaxRotaFiles)
		}
	case flow.HeldInvalid:
		fmt.Fprintf(o.stderr, "baton: note: the files of #%d do not validate: asked nobody, commented\n", n)
		for _, p := range res.Problems {
			// Only positions and codes: messages quote the pull request.
			fmt.Fprintf(o.stderr, "baton: note: %s:%d: %s\n", p.File, max(p.Line, 1), p.Code)
		}
	}
	if len(res.RotaChanged) > 0 {
		fmt.Fprintf(o.stderr, "baton: note: #%d moves the shifts of %s\n", n, strings.Join(res.RotaChanged, ", "))
	}
	o.printPing(res)
	if err != nil {
		return forgeErr(err, token)
	}
	return nil
}

// printPing prints what a ping did: notes, one line of actions, the
// comment's link.
func (g *globals) printPing(res *flow.PingResult) {
	for _, note := range res.Notes {
		fmt.Fprintf(g.stderr, "baton: note: %s\n", note)
	}
	if len(res.Did) > 0 {
		fmt.Fprintf(g.stdout, "#%d: %s\n", res.PR, strings.Join(res.Did, "; "))
	}
	if res.Link != "" {
		fmt.Fprintf(g.stderr, "baton: comment %s\n", res.Link)
	}
}

// prFromEvent reads the pull request number of a pull_request or
// pull_request_target event payload.
func prFromEvent(p string) (int, error) {
	if p == "" {
		return 0, usageErrorf("no pull request: pass --pr N, or run in a pull_request_target workflow").withHint("GITHUB_EVENT_PATH is not set")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return 0, failuref("reading the event payload: %w", err)
	}
	var ev struct {
		PullRequest *struct {
			Number int `json:"number"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return 0, failuref("the event payload %s is not JSON: %v", p, err)
	}
	if ev.PullRequest == nil || ev.PullRequest.Number <= 0 {
		return 0, usageErrorf("the event is not about a pull request").withHint("run ping on pull_request_target (or pull_request) events, or pass --pr N")
	}
	return ev.PullRequest.Number, nil
}
