package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

type handoffOptions struct {
	*globals
	githubFlags
	hours int
	issue int
}

func newHandoffCmd(g *globals) *cobra.Command {
	o := &handoffOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "handoff [--issue N]",
		Short: "Announce the IMOC handoffs of the next 24 hours (for a scheduled workflow)",
		Long: `Handoff lists, for each rotation, who hands the IMOC role over to whom in the
next 24 hours (from --now), as Markdown on stdout and appended to
$GITHUB_STEP_SUMMARY when it is set. With --issue N the same text is posted as
a comment on issue N (one comment per day: a re-run edits it).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().IntVar(&o.hours, "hours", 24, "how many `HOURS` ahead to look")
	cmd.Flags().IntVar(&o.issue, "issue", 0, "also comment on the tracking issue `NUMBER`")
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
	text := handoffMarkdown(repo, now, time.Duration(o.hours)*time.Hour)
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
	return nil
}

// handoffMarkdown describes, per rotation, the changes of the IMOC set in
// [now, now+window). Names from the repository are escaped (flow.EscapeMarkdown), so
// they show as written in the summary and in the issue comment.
func handoffMarkdown(repo *schema.Repo, now time.Time, window time.Duration) string {
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
	fmt.Fprintf(&b, "## IMOC handoffs from %s to %s\n\n", when(now), when(now.Add(window)))
	for _, rot := range repo.Rotations {
		title := rot.Name
		if title == "" {
			title = rot.ID
		}
		fmt.Fprintf(&b, "### %s (`%s`)\n\n", flow.EscapeMarkdown(title), rot.ID)
		iv := oncall.Schedule(rot, now, now.Add(window))
		if len(iv) == 0 {
			b.WriteString("No schedule.\n\n")
			continue
		}
		fmt.Fprintf(&b, "On call now: %s", names(iv[0].IMOC))
		if len(iv[0].Shadows) > 0 {
			fmt.Fprintf(&b, ", shadowed by %s", names(iv[0].Shadows))
		}
		b.WriteString(".\n\n")
		n := 0
		for i := 1; i < len(iv); i++ {
			if slices.Equal(iv[i].IMOC, iv[i-1].IMOC) {
				continue // only the shadows changed
			}
			if n == 0 {
				b.WriteString("| When | From | To |\n|---|---|---|\n")
			}
			n++
			fmt.Fprintf(&b, "| %s | %s | %s |\n", when(iv[i].Start), names(iv[i-1].IMOC), names(iv[i].IMOC))
		}
		if n == 0 {
			b.WriteString("No handoff in this window.")
			if at, next, ok := oncall.NextChange(rot, now); ok {
				fmt.Fprintf(&b, " Next: %s to %s.", when(at), names(next))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}
