package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/flow"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// checkRepo loads the repository and runs every check: parsing and static
// rules (schema.Load), time-dependent policy (schema.CheckPolicy) and
// rotation arithmetic. Every command that needs a valid repository starts
// here (or at checkRotations).
func checkRepo(ctx context.Context, g *globals) (*schema.Repo, schema.Problems, time.Time, error) {
	return checkWith(ctx, g, g.Repo)
}

// checkRotations is checkRepo for commands that answer from rotations and
// people alone (imoc, schedule): problems in incidents do not concern them,
// and they do not read the incidents at all (globals.Rotations).
func checkRotations(ctx context.Context, g *globals) (*schema.Repo, schema.Problems, time.Time, error) {
	return checkWith(ctx, g, g.Rotations)
}

func checkWith(ctx context.Context, g *globals, load func(context.Context) (*schema.Repo, schema.Problems, error)) (*schema.Repo, schema.Problems, time.Time, error) {
	now, err := g.Now()
	if err != nil {
		return nil, nil, now, err
	}
	repo, problems, err := load(ctx)
	if err != nil {
		return nil, nil, now, err
	}
	problems = append(problems, schema.CheckPolicy(repo, now)...)
	problems = append(problems, oncall.Check(repo, now)...)
	problems.Sort()
	return repo, problems, now, nil
}

type validateOptions struct {
	*globals
	format string
}

func newValidateCmd(g *globals) *cobra.Command {
	o := &validateOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check every file of the repository and report all problems",
		Long: `Validate reads the whole repository and reports every problem it finds, each
with file:line:col, a stable code and, where it helps, a hint. It exits 1 when
any problem is an error (warnings alone exit 0).

Formats: text (for people), json (an array of problem objects), github
(GitHub Actions workflow commands: annotations on the pull request, at most 10
per level, and the full list in $GITHUB_STEP_SUMMARY when it is set).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output `FORMAT`: text, json or github")
	return cmd
}

func (o *validateOptions) run(ctx context.Context) error {
	switch o.format {
	case "text", "json", "github":
	default:
		return didYouMean(usageErrorf("unknown --format %q", o.format), "--format", o.format, []string{"text", "json", "github"}).withHint("use text, json or github")
	}
	repo, problems, _, err := checkRepo(ctx, o.globals)
	if err != nil {
		return err
	}
	switch o.format {
	case "json":
		if problems == nil {
			problems = schema.Problems{}
		}
		if err := writeJSON(o.stdout, problems); err != nil {
			return failuref("writing output: %w", err)
		}
	case "github":
		if err := writeGitHubAnnotations(o.stdout, problems, 10); err != nil {
			return failuref("writing output: %w", err)
		}
		if path := o.getenv("GITHUB_STEP_SUMMARY"); path != "" {
			if err := appendStepSummary(path, problems); err != nil {
				return err
			}
		}
	default:
		writeText(o.stdout, problems)
		fmt.Fprintf(o.stdout, "%s: %s, %s, %s, %s\n", summaryLine(problems),
			plural(len(repo.Incidents), "incident"), plural(countPostmortems(repo), "postmortem"),
			plural(len(repo.Rotations), "rotation"), plural(len(repo.People), "person"))
	}
	if n := problems.Count(schema.Error); n > 0 {
		return problemsErrorf("validation failed: %s", plural(n, "error"))
	}
	return nil
}

func countPostmortems(repo *schema.Repo) int {
	n := 0
	for _, in := range repo.Incidents {
		if in.Postmortem != nil {
			n++
		}
	}
	return n
}

func summaryLine(ps schema.Problems) string {
	e, w := ps.Count(schema.Error), ps.Count(schema.Warning)
	if e == 0 && w == 0 {
		return "ok, no problems"
	}
	return plural(e, "error") + ", " + plural(w, "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "person" {
		return fmt.Sprintf("%d people", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeText prints problems as "file:line:col: level: message (code)" with
// an indented hint line; every problem is one line, whatever its text.
func writeText(w io.Writer, ps schema.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, oneLine(p.String()))
		if p.Hint != "" {
			fmt.Fprintf(w, "  hint: %s\n", oneLine(p.Hint))
		}
	}
}

// writeGitHubAnnotations prints at most limit annotations per level (GitHub
// shows only 10 per step and level) and the remaining problems as plain
// log lines, so nothing is lost. No text from the repository can start a
// workflow command of its own: annotations are escaped, and every other
// line is made inert.
func writeGitHubAnnotations(w io.Writer, ps schema.Problems, limit int) error {
	sw := safeLines(w)
	shown := map[schema.Level]int{}
	var rest schema.Problems
	for _, p := range ps {
		if shown[p.Level] >= limit {
			rest = append(rest, p)
			continue
		}
		shown[p.Level]++
		msg := p.Message
		if p.Hint != "" {
			msg += "\nhint: " + p.Hint
		}
		props := []commandProperty{{"file", p.File}, {"line", strconv.Itoa(p.Line)}, {"col", strconv.Itoa(p.Column)}, {"title", p.Code}}
		if err := writeWorkflowCommand(sw, p.Level.String(), props, msg); err != nil {
			return err
		}
	}
	if len(rest) > 0 {
		note := fmt.Sprintf("%d more problems are not annotated; they are listed below and in the job summary", len(rest))
		if err := writeWorkflowCommand(sw, "notice", []commandProperty{{"title", "baton"}}, note); err != nil {
			return err
		}
		writeText(sw, rest)
	}
	return sw.flush()
}

// appendStepSummary appends a Markdown table of every problem to the file
// named by $GITHUB_STEP_SUMMARY. Every cell is escaped (flow.EscapeMarkdownUncut), so
// text from the repository renders as text.
func appendStepSummary(path string, ps schema.Problems) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return failuref("writing the step summary: %w", err).withHint("GITHUB_STEP_SUMMARY names a file Baton cannot write")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### baton validate: %s\n\n", summaryLine(ps))
	if len(ps) > 0 {
		b.WriteString("| | File | Problem | Code |\n|---|---|---|---|\n")
		for _, p := range ps {
			icon := "⚠️"
			if p.Level == schema.Error {
				icon = "❌"
			}
			msg := flow.EscapeMarkdownUncut(p.Message)
			if p.Hint != "" {
				msg += "<br>*" + flow.EscapeMarkdownUncut(p.Hint) + "*"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", icon, flow.Code(fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)), msg, flow.Code(p.Code))
		}
		b.WriteString("\n")
	}
	_, werr := f.WriteString(b.String())
	cerr := f.Close()
	if werr != nil || cerr != nil {
		return failuref("writing the step summary: %v", errors.Join(werr, cerr))
	}
	return nil
}
