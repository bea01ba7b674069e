package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/schema"
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
		Short: "In GitHub Actions: ask the IMOC to review the incidents a pull request touches",
		Long: `Ping reads the pull request from $GITHUB_EVENT_PATH (pull_request and
pull_request_target events) or --pr, finds the incidents and postmortems it
touches, and for each one requests the IMOC's review (or @-mentions them when
GitHub refuses, e.g. because they opened the pull request), assigns the owner,
labels the pull request with the severity, and keeps one comment naming the
IMOC, the owner, the shadows, the severity and what the IMOC should do next.

People, rotations and baton.yaml are read from --repo (the base branch's
checkout); the touched incident files are read from the pull request's head
through the API. No code from the pull request is run. Running ping again
edits the same comment and adds nothing twice.`,
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
	base, _, err := o.Repo(ctx)
	if err != nil {
		return err
	}
	gh, token, err := o.client(o.globals, base.Config)
	if err != nil {
		return err
	}
	pr, err := gh.PR(ctx, n)
	if err != nil {
		return forgeErr(err, token)
	}
	files, err := gh.PRFiles(ctx, n)
	if err != nil {
		return forgeErr(err, token)
	}
	// The touched incident files as the pull request has them, read as data
	// through the API, over the base checkout.
	over := map[string][]byte{}
	var ids []string
	pms := map[string]bool{}
	for _, f := range files {
		id, ok := incidentFileID(f)
		if !ok {
			continue
		}
		data, exists, err := gh.File(ctx, f, pr.HeadSHA)
		if err != nil {
			return forgeErr(err, token)
		}
		if exists {
			over[f] = data
		}
		if strings.HasSuffix(f, "/"+schema.PostmortemFile) {
			pms[id] = true
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(o.stdout, "#%d touches no incident; nothing to do\n", n)
		return nil
	}
	root, err := os.OpenRoot(o.repoDir)
	if err != nil {
		return failuref("cannot open repository %s: %v", o.repoDir, err)
	}
	defer root.Close()
	repo, _ := schema.Load(ctx, overlayFS{base: root.FS(), files: over})
	if err := ctx.Err(); err != nil {
		return err
	}
	var ins []pingTarget
	for _, id := range ids {
		if in := repo.Incident(id); in != nil {
			ins = append(ins, pingTarget{in: in, postmortem: pms[id]})
		} else {
			fmt.Fprintf(o.stderr, "baton: note: %s cannot be read from #%d (deleted, or it has errors that `baton validate` reports)\n", id, n)
		}
	}
	if len(ins) == 0 {
		return nil
	}
	if err := pingPR(ctx, o.globals, gh, pr, repo, ins, now); err != nil {
		return forgeErr(err, token)
	}
	return nil
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

// incidentFileID recognises incidents/<YYYY>/<id>/incident.md and
// postmortem.md and returns the id.
func incidentFileID(p string) (string, bool) {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || parts[0] != schema.IncidentsDir || (parts[3] != schema.IncidentFile && parts[3] != schema.PostmortemFile) {
		return "", false
	}
	if schema.CheckID(parts[2]) != nil || parts[2][:4] != parts[1] {
		return "", false
	}
	return parts[2], true
}

// pingTarget is an incident a pull request touches; postmortem says
// whether it touches the postmortem.
type pingTarget struct {
	in         *schema.Incident
	postmortem bool
}

// severityColours are label colours by rank, most severe first.
var severityColours = []string{"b60205", "d93f0b", "fbca04", "0e8a16", "c5def5"}

// pingPR does the IMOC workflow on one pull request: review request (or
// mention), owner assignment, severity labels, and the sticky comment.
func pingPR(ctx context.Context, g *globals, gh pullRequests, pr *forge.PR, repo *schema.Repo, targets []pingTarget, now time.Time) error {
	c := repo.Config
	var sections []string
	var did []string
	for _, t := range targets {
		in, isPM := t.in, t.postmortem && t.in.Postmortem != nil
		var mention []string
		if p := repo.Person(in.IMOC); p != nil && p.GitHub != "" {
			requested, err := gh.RequestReview(ctx, pr, p.GitHub)
			switch {
			case errors.Is(err, forge.ErrCannotRequestReview):
				mention = append(mention, p.GitHub)
				did = append(did, "mentioned "+p.GitHub+" (review cannot be requested)")
			case err != nil:
				return err
			case requested:
				did = append(did, "requested review from "+p.GitHub)
			}
		}
		if p := repo.Person(in.Owner); p != nil && p.GitHub != "" {
			added, err := gh.Assign(ctx, pr.Number, pr.Assignees, p.GitHub)
			if err != nil {
				return err
			}
			if len(added) > 0 {
				pr.Assignees = append(pr.Assignees, added...)
				did = append(did, "assigned "+strings.Join(added, ", "))
			}
		}
		if sev, rank := c.Severity(in.Severity); sev != nil {
			desc := sev.Name
			if sev.Description != "" {
				desc += ": " + sev.Description
			}
			if len(desc) > 100 {
				desc = desc[:97] + "..."
			}
			added, err := gh.AddLabel(ctx, pr.Number, pr.Labels, forge.Label{Name: sev.ID, Color: severityColours[min(rank, len(severityColours)-1)], Description: desc})
			if err != nil {
				return err
			}
			if added {
				pr.Labels = append(pr.Labels, sev.ID)
				did = append(did, "labelled "+sev.ID)
			}
		}
		sections = append(sections, pingSection(repo, in, isPM, mention, now))
	}
	body := "## Baton\n\n" + strings.Join(sections, "\n---\n\n") +
		"\n<sub>Written by `baton ping`; edited in place when the pull request changes.</sub>\n"
	outcome, link, err := gh.UpsertComment(ctx, pr.Number, forge.Marker("ping"), body)
	if err != nil {
		return err
	}
	did = append(did, "comment "+outcome)
	fmt.Fprintf(g.stdout, "#%d: %s\n", pr.Number, strings.Join(did, "; "))
	if link != "" {
		fmt.Fprintf(g.stderr, "baton: comment %s\n", link)
	}
	return nil
}

// pingSection is the part of the sticky comment about one incident.
func pingSection(repo *schema.Repo, in *schema.Incident, isPM bool, mention []string, now time.Time) string {
	c := repo.Config
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	who := func(h string) string {
		p := repo.Person(h)
		switch {
		case h == "":
			return "—"
		case p == nil:
			return h
		case p.GitHub != "":
			return "@" + p.GitHub + " (" + p.Name + ")"
		}
		return p.Name
	}
	var b strings.Builder
	kind := "Incident"
	if isPM {
		kind = "Postmortem of"
	}
	fmt.Fprintf(&b, "### %s `%s`: %s\n\n", kind, in.ID, in.Title)
	sev, _ := c.Severity(in.Severity)
	sevText := in.Severity
	if sev != nil {
		sevText = fmt.Sprintf("**%s** (%s): %s", sev.ID, sev.Name, sev.Description)
	}
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Severity | %s |\n", cellText(sevText))
	fmt.Fprintf(&b, "| Status | %s (declared %s) |\n", in.Status, in.Declared.In(loc).Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "| IMOC | %s |\n", cellText(who(in.IMOC)))
	fmt.Fprintf(&b, "| Owner | %s |\n", cellText(who(in.Owner)))
	var sh []string
	for _, h := range in.Shadows {
		sh = append(sh, who(h))
	}
	if len(sh) == 0 {
		sh = []string{"—"}
	}
	fmt.Fprintf(&b, "| Shadows | %s |\n", cellText(strings.Join(sh, ", ")))
	due, required := schema.PostmortemDue(c, in)
	if required {
		state := "none yet"
		if in.Postmortem != nil {
			state = in.Postmortem.Status
		}
		overdue := ""
		if !now.Before(due) && !in.Postmortem.IsApproved() {
			overdue = " **(overdue)**"
		}
		fmt.Fprintf(&b, "| Postmortem | approved by %s%s; %s |\n", due.In(loc).Format("2006-01-02"), overdue, state)
	}
	b.WriteString("\n")
	for _, m := range mention {
		fmt.Fprintf(&b, "@%s: GitHub does not let Baton request your review on this pull request (you may have opened it); please review it all the same.\n\n", m)
	}
	b.WriteString("**IMOC, next:**\n")
	switch {
	case in.IMOC == "":
		b.WriteString("- No IMOC is attached: nobody was on call when it was declared. Add `imoc:` to the incident.\n")
	case isPM:
		b.WriteString("- Review the postmortem: blameless wording, contributing factors rather than causes, action items with an owner, a due date and a link.\n")
		b.WriteString("- Approve by setting `status: approved` and `approved: {by, at}`.\n")
		if required {
			fmt.Fprintf(&b, "- It must be approved by %s.\n", due.In(loc).Format("2006-01-02"))
		}
	case in.IsResolved():
		b.WriteString("- Check the resolution update and the times (`mitigated`, `resolved`).\n")
		if required && in.Postmortem == nil {
			fmt.Fprintf(&b, "- %s requires a postmortem approved by %s: `baton postmortem %s --pr`.\n", in.Severity, due.In(loc).Format("2006-01-02"), in.ID)
		}
	default:
		b.WriteString("- Acknowledge, and check the severity is properly leveled for the impact.\n")
		b.WriteString("- Connect the owner and responders with the people and teams they need; keep status updates flowing (`baton update --pr`).\n")
		b.WriteString("- Keep the process blameless.\n")
		if sev != nil && sev.Postmortem.Required {
			fmt.Fprintf(&b, "- %s requires a postmortem within %d days of resolution.\n", sev.ID, sev.Postmortem.DueDays)
		}
	}
	return b.String()
}

func cellText(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
