package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/internal/notify"
	"github.com/batonhq/baton/schema"
)

type notifyOptions struct {
	*globals
	since, until string
	dryRun, json bool
}

func newNotifyCmd(g *globals) *cobra.Command {
	o := &notifyOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "notify --since REV [--until REV] [--dry-run] [--json]",
		Short: "Send the incident events between two revisions to the notify: targets",
		Long: `Notify compares the repository at two revisions of its git history (never the
working tree): a new incident is "declared", a new maintenance "maintenance",
each appended update "updated" (or "resolved" when it resolves), a postmortem
that reaches a target's audience "postmortem". Each target of notify: in
baton.yaml (read from --until) gets the events of its audience that its
events, severities and components keep, as a Slack, Discord or Teams message or
a signed Statuspage-shaped webhook. Every event has a stable id, sent with it,
so running the same range again sends the same ids and receivers can drop
repeats.

Each target's address is read from the environment variable its url_env names
(and a webhook's signing key from secret_env); addresses and keys are never
printed. Targets are served independently: one that fails does not stop the
others. With --dry-run the payloads are printed instead of sent, and no
variable is needed. Exit status 3 when some delivery finally failed, with a
summary per target.

In GitHub Actions, run it on pushes to the default branch with
--since set to the push's previous commit (see .github/workflows/notify.yml).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.since, "since", "", "compare from `REV` (a commit, branch or tag; required)")
	f.StringVar(&o.until, "until", "HEAD", "compare to `REV`")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the payloads instead of sending them")
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	return cmd
}

func (o *notifyOptions) run(ctx context.Context) error {
	if strings.TrimSpace(o.since) == "" {
		return usageErrorf("--since is required").withHint("pass the revision to compare from, e.g. --since HEAD~1 (in GitHub Actions, the push's previous commit)")
	}
	now, err := o.Now()
	if err != nil {
		return err
	}
	git, err := gitrepo.Open(ctx, o.repoDir, gitrepo.Options{})
	if err != nil {
		return failuref("%v", err).withHint("baton notify reads the git history: pass --repo a git clone that holds both revisions")
	}
	revs, err := inFolder(git, o.repoDir)
	if err != nil {
		return err
	}
	r, err := flow.LoadRange(ctx, revs, o.since, o.until)
	if errors.Is(err, flow.ErrNoBase) {
		fmt.Fprintf(o.stderr, "baton: nothing to compare: %v\n", err)
		return o.printEmpty()
	}
	var fe *flow.Error
	if errors.As(err, &fe) {
		ce := failuref("%s", fe.Msg)
		if fe.Hint != "" {
			ce = ce.withHint("%s", fe.Hint)
		}
		return ce
	}
	if err != nil {
		return err
	}
	if n := r.Problems.Count(schema.Error); n > 0 {
		fmt.Fprintf(o.stderr, "baton: warning: the repository at %s has %s; notifying anyway (run baton validate)\n", short(r.Until), plural(n, "validation error"))
	}
	cfg := r.New.Config
	if len(cfg.Notify) == 0 {
		fmt.Fprintf(o.stderr, "baton: no notify targets in %s at %s: nothing to send\n", schema.ConfigFile, short(r.Until))
		return o.printEmpty()
	}
	res := flow.Notify(ctx, o.sender(), r, flow.NotifyRequest{Targets: o.targets(cfg), Now: now, DryRun: o.dryRun})
	if err := ctx.Err(); err != nil {
		return err
	}
	return o.report(res, r.Since, r.Until)
}

// sender is the HTTP client of deliveries.
func (g *globals) sender() *notify.Sender {
	return &notify.Sender{UserAgent: "Baton/" + readVersion().Version + " (+" + notify.DocumentationURL + ")"}
}

// targets pairs the targets of cfg with the addresses and keys their
// environment variables hold.
func (g *globals) targets(cfg *schema.Config) []flow.NotifyTarget {
	var out []flow.NotifyTarget
	for _, t := range cfg.Notify {
		nt := flow.NotifyTarget{NotifyTarget: t}
		if t.URLEnv != "" {
			nt.URL = strings.TrimSpace(g.getenv(t.URLEnv))
		}
		if t.SecretEnv != "" {
			nt.Secret = g.getenv(t.SecretEnv)
		}
		out = append(out, nt)
	}
	return out
}

func (o *notifyOptions) printEmpty() error {
	if o.json {
		return writeJSON(o.stdout, notifyJSON{DryRun: o.dryRun, Targets: []targetJSON{}})
	}
	return nil
}

// notifyJSON is what --json prints.
type notifyJSON struct {
	Since   string       `json:"since,omitempty"`
	Until   string       `json:"until,omitempty"`
	DryRun  bool         `json:"dry_run"`
	Events  int          `json:"events"`
	Targets []targetJSON `json:"targets"`
}

type targetJSON struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Audience string        `json:"audience"`
	Sent     []string      `json:"sent"`
	Failed   []failureJSON `json:"failed"`
	Error    string        `json:"error,omitempty"`
	Payloads []payloadJSON `json:"payloads,omitempty"`
}

type failureJSON struct {
	EventID string `json:"event_id"`
	Error   string `json:"error"`
}

type payloadJSON struct {
	EventID string          `json:"event_id"`
	Body    json.RawMessage `json:"body"`
}

// report prints the result and returns the error for its exit status.
func (o *notifyOptions) report(res *flow.NotifyResult, since, until string) error {
	if o.json {
		out := notifyJSON{Since: since, Until: until, DryRun: o.dryRun, Events: res.Events, Targets: []targetJSON{}}
		for _, t := range res.Targets {
			tj := targetJSON{ID: t.ID, Kind: t.Kind, Audience: t.Audience, Sent: t.Sent, Failed: []failureJSON{}, Error: t.Error}
			if tj.Sent == nil {
				tj.Sent = []string{}
			}
			for _, f := range t.Failed {
				tj.Failed = append(tj.Failed, failureJSON{f.EventID, f.Error})
			}
			for _, p := range t.Payloads {
				tj.Payloads = append(tj.Payloads, payloadJSON{p.EventID, p.Body})
			}
			out.Targets = append(out.Targets, tj)
		}
		if err := writeJSON(o.stdout, out); err != nil {
			return err
		}
	} else {
		o.printResult(res, since, until)
	}
	return o.notifyErr(res)
}

// notifyErr is the error of a delivery that finally failed somewhere.
func (g *globals) notifyErr(res *flow.NotifyResult) error {
	if !res.Failed() {
		return nil
	}
	var bad []string
	for _, t := range res.Targets {
		if t.Error != "" || len(t.Failed) > 0 {
			bad = append(bad, t.ID)
		}
	}
	return failuref("%s could not be notified: %s", plural(len(bad), "target"), strings.Join(bad, ", ")).
		withHint("the summary above says what failed; fix it and run the same range again (webhook receivers drop event ids they already have; a chat shows repeats)")
}

// printResult prints the summary per target (and, with --dry-run, the
// payloads).
func (o *notifyOptions) printResult(res *flow.NotifyResult, since, until string) {
	w := o.stdout
	verb := "sent"
	if o.dryRun {
		verb = "would send"
	}
	fmt.Fprintf(w, "%s from %s to %s\n", plural(res.Events, "event"), short(since), short(until))
	for _, t := range res.Targets {
		fmt.Fprintf(w, "%s (%s, %s): ", t.ID, t.Kind, t.Audience)
		switch {
		case t.Error != "":
			fmt.Fprintf(w, "failed: %s\n", t.Error)
			continue
		case len(t.Sent) == 0 && len(t.Failed) == 0:
			fmt.Fprintln(w, "nothing to send")
			continue
		}
		parts := []string{}
		if len(t.Sent) > 0 || len(t.Failed) == 0 {
			parts = append(parts, fmt.Sprintf("%s %d", verb, len(t.Sent)))
		}
		if len(t.Failed) > 0 {
			parts = append(parts, fmt.Sprintf("failed %d", len(t.Failed)))
		}
		fmt.Fprintln(w, strings.Join(parts, ", "))
		for _, id := range t.Sent {
			if !o.dryRun {
				fmt.Fprintf(w, "  %s\n", id)
			}
		}
		for _, f := range t.Failed {
			fmt.Fprintf(w, "  %s: failed: %s\n", f.EventID, f.Error)
		}
		for _, p := range t.Payloads {
			fmt.Fprintf(w, "--- %s to %s\n", p.EventID, t.ID)
			var b bytes.Buffer
			if json.Indent(&b, p.Body, "", "  ") == nil {
				b.WriteByte('\n')
				_, _ = io.Copy(w, &b)
			}
		}
	}
}

// short abbreviates a commit hash as git does.
func short(hash string) string {
	if len(hash) > 7 {
		return hash[:7]
	}
	return hash
}

// folderRevisions reads the incidents repository from a folder of a
// larger git repository (a monorepo).
type folderRevisions struct {
	flow.Revisions
	dir string // slash-separated, relative to the git repository's root
}

func (f folderRevisions) FS(ctx context.Context, rev string) (fs.FS, error) {
	fsys, err := f.Revisions.FS(ctx, rev)
	if err != nil {
		return nil, err
	}
	return fs.Sub(fsys, f.dir)
}

// inFolder returns git's revisions as seen from dir: the whole tree when
// dir is the git repository's root, else the folder.
func inFolder(git flow.Revisions, dir string) (flow.Revisions, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, failuref("cannot open repository %s: %v", dir, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for root := abs; ; {
		if _, err := os.Lstat(filepath.Join(root, ".git")); err == nil {
			rel, err := filepath.Rel(root, abs)
			if err != nil || rel == "." {
				return git, nil
			}
			return folderRevisions{Revisions: git, dir: filepath.ToSlash(rel)}, nil
		}
		parent := filepath.Dir(root)
		if parent == root {
			return git, nil
		}
		root = parent
	}
}
