package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/schema"
)

type handoffOptions struct {
	*globals
	githubFlags
	hours  int
	issue  int
	notify bool
}

func newHandoffCmd(g *globals) *cobra.Command {
	o := &handoffOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "handoff [--issue N]",
		Short: "Announce the IMOC handoffs of the next 24 hours (for a scheduled workflow)",
		Long: `Handoff lists, for each rotation, who hands the IMOC role over to whom in the
next 24 hours (from --now), as Markdown on stdout and appended to
$GITHUB_STEP_SUMMARY when it is set. With --issue N the same text is posted as
a comment on issue N (one comment per day: a re-run edits it). With --notify
the handoffs also go to the notify: targets of baton.yaml that list the
handoff event (internal targets only: handoffs name people); their addresses
come from the environment variables the targets name.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().IntVar(&o.hours, "hours", 24, "how many `HOURS` ahead to look")
	cmd.Flags().IntVar(&o.issue, "issue", 0, "also comment on the tracking issue `NUMBER`")
	cmd.Flags().BoolVar(&o.notify, "notify", false, "also send the handoffs to the notify: targets subscribed to handoff")
	o.githubFlags.register(cmd)
	return cmd
}

func (o *handoffOptions) run(ctx context.Context) error {
	if o.hours <= 0 || o.hours > 24*31 {
		return usageErrorf("--hours %d is out of range", o.hours).withHint("use 1 to 744")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	repo, problems, err := o.Rotations(ctx)
	if err != nil {
		return err
	}
	if len(repo.Rotations) == 0 {
		if problems.HasErrors() {
			return problemsErrorf("no rotation could be read").withHint("run `baton validate`")
		}
		return usageErrorf("the repository has no rotations").withHint("add one in rotations/<id>.yaml")
	}
	window := flow.Handoffs(repo, now, time.Duration(o.hours)*time.Hour)
	text := handoffMarkdown(repo, window)
	fmt.Fprint(o.stdout, text)
	if p := o.getenv("GITHUB_STEP_SUMMARY"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return failuref("writing the step summary: %w", err).withHint("GITHUB_STEP_SUMMARY names a file Baton cannot write")
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return failuref("writing the step summary: %w", werr)
		}
	}
	if o.issue > 0 {
		gh, token, err := o.client(o.globals, repo.Config)
		if err != nil {
			return err
		}
		marker := forge.Marker("handoff:" + now.UTC().Format("2006-01-02"))
		outcome, link, err := gh.UpsertComment(ctx, o.issue, marker, text)
		if err != nil {
			return forgeErr(err, token)
		}
		fmt.Fprintf(o.stderr, "baton: comment on #%d %s: %s\n", o.issue, outcome, link)
	}
	if o.notify {
		return o.sendHandoffs(ctx, repo, window, now)
	}
	return nil
}

// sendHandoffs sends the handoffs to the targets that subscribe to them and
// prints one line per target on stderr (stdout is the Markdown).
func (o *handoffOptions) sendHandoffs(ctx context.Context, repo *schema.Repo, window flow.HandoffWindow, now time.Time) error {
	var targets []flow.NotifyTarget
	for _, t := range o.targets(repo.Config) {
		if t.Wants(schema.EventHandoff) && t.Audience == schema.Internal {
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		fmt.Fprintf(o.stderr, "baton: no notify target in %s lists the handoff event (with audience: internal): nothing sent\n", schema.ConfigFile)
		return nil
	}
	res := flow.NotifyHandoff(ctx, o.sender(), window, flow.NotifyRequest{Repo: repo, Targets: targets, Now: now})
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, t := range res.Targets {
		switch {
		case t.Error != "":
			fmt.Fprintf(o.stderr, "baton: %s (%s): failed: %s\n", t.ID, t.Kind, t.Error)
		case len(t.Failed) > 0:
			fmt.Fprintf(o.stderr, "baton: %s (%s): failed: %s\n", t.ID, t.Kind, t.Failed[0].Error)
		default:
			fmt.Fprintf(o.stderr, "baton: %s (%s): sent %s\n", t.ID, t.Kind, strings.Join(t.Sent, ", "))
		}
	}
	return o.notifyErr(res)
}

// handoffMarkdown describes, per rotation, the changes of the IMOC set in
// the window. Names from the repository are escaped (flow.EscapeMarkdown),
// so they show as written in the summary and in the issue comment.
func handoffMarkdown(repo *schema.Repo, hw flow.HandoffWindow) string {
	loc := repo.Config.Location
	if loc == nil {
		loc = time.UTC
	}
	names := func(hs []string) string {
		if len(hs) == 0 {
			return "nobody"
		}
		var out []string
		for _, h := range hs {
			p := repo.Person(h)
			switch {
			case p == nil:
				out = append(out, flow.EscapeMarkdown(h))
			case p.GitHub != "":
				out = append(out, fmt.Sprintf("%s (%s)", flow.EscapeMarkdown(p.Name), flow.Mention(p.GitHub)))
			default:
				out = append(out, flow.EscapeMarkdown(p.Name))
			}
		}
		return strings.Join(out, ", ")
	}
	when := func(t time.Time) string { return t.In(loc).Format("Mon 2006-01-02 15:04 MST") }
	var b strings.Builder
	fmt.Fprintf(&b, "## IMOC handoffs from %s to %s\n\n", when(hw.From), when(hw.To))
	for _, rh := range hw.Rotations {
		rot := rh.Rotation
		title := rot.Name
		if title == "" {
			title = rot.ID
		}
		fmt.Fprintf(&b, "### %s (`%s`)\n\n", flow.EscapeMarkdown(title), rot.ID)
		if !rh.Scheduled {
			b.WriteString("No schedule.\n\n")
			continue
		}
		fmt.Fprintf(&b, "On call now: %s", names(rh.OnCall))
		if len(rh.Shadows) > 0 {
			fmt.Fprintf(&b, ", shadowed by %s", names(rh.Shadows))
		}
		b.WriteString(".\n\n")
		for i, c := range rh.Changes {
			if i == 0 {
				b.WriteString("| When | From | To |\n|---|---|---|\n")
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", when(c.At), names(c.From), names(c.To))
		}
		if len(rh.Changes) == 0 {
			b.WriteString("No handoff in this window.")
			if rh.Next != nil {
				fmt.Fprintf(&b, " Next: %s to %s.", when(rh.Next.At), names(rh.Next.To))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}
