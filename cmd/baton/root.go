package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/schema"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1 // validation or policy errors
	exitUsage    = 2 // bad flags or arguments
	exitFailure  = 3 // anything else
	// exitInterrupted: stopped by Ctrl-C (SIGINT) or SIGTERM, as shells
	// report a process that SIGINT ended.
	exitInterrupted = 130
)

// env is what a command may touch of the outside world. Tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
}

// globals are the flags every command shares.
type globals struct {
	*env
	repoDir string
	nowFlag *instantFlag
}

// Now returns --now, or the clock. A --now outside the years Baton
// handles is a usage error, whatever its value.
func (g *globals) Now() (time.Time, error) {
	t, set, err := g.nowFlag.value()
	if err != nil || set {
		return t, err
	}
	return g.env.now(), nil
}

// Repo opens --repo as a file system confined to that folder (symbolic
// links cannot leave it) and loads it.
func (g *globals) Repo(ctx context.Context) (*schema.Repo, schema.Problems, error) {
	info, err := os.Stat(g.repoDir)
	if err != nil || !info.IsDir() {
		return nil, nil, failuref("cannot open repository %s: not a folder", g.repoDir).withHint("pass --repo DIR, the folder that holds baton.yaml")
	}
	root, err := os.OpenRoot(g.repoDir)
	if err != nil {
		return nil, nil, failuref("cannot open repository %s: %v", g.repoDir, err)
	}
	defer root.Close()
	repo, problems := schema.Load(ctx, root.FS())
	if err := ctx.Err(); err != nil {
		return nil, nil, err // interrupted: what was loaded is partial
	}
	return repo, problems, nil
}

// cliError is an error with an exit code and hints for people.
type cliError struct {
	code  int
	msg   string
	hints []string
	err   error
}

func (e *cliError) Error() string { return e.msg }
func (e *cliError) Unwrap() error { return e.err }

func (e *cliError) withHint(format string, args ...any) *cliError {
	e.hints = append(e.hints, fmt.Sprintf(format, args...))
	return e
}

func usageErrorf(format string, args ...any) *cliError {
	return &cliError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

func failuref(format string, args ...any) *cliError {
	err := fmt.Errorf(format, args...)
	return &cliError{code: exitFailure, msg: err.Error(), err: errors.Unwrap(err)}
}

func problemsErrorf(format string, args ...any) *cliError {
	return &cliError{code: exitProblems, msg: fmt.Sprintf(format, args...)}
}

// usageArgs wraps a cobra argument validator so its errors exit 2.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageErrorf("%v", err).withHint("see `%s --help`", cmd.CommandPath())
		}
		return nil
	}
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "baton",
		Short: "Incidents as code: validate, compute the IMOC, open PRs, render the status site",
		Long: `Baton keeps incidents, postmortems, people and IMOC rotations as files in a git
repository. It validates them, computes who the Incident Manager On Call is,
opens pull requests for incident updates and renders a static status site.`,
		Version:       readVersion().String(), // see version.go
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetIn(g.stdin)
	root.SetVersionTemplate("{{.Version}}\n") // --version prints what `baton version` prints
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v", err).withHint("see `%s --help`", cmd.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.repoDir, "repo", ".", "the incidents repository `DIR`")
	if g.nowFlag == nil {
		g.nowFlag = newInstantFlag("--now")
	}
	pf.Var(g.nowFlag, "now", "treat `TIME` (RFC 3339) as the current time, for reproducible output")
	root.AddCommand(
		newValidateCmd(g),
		newInitCmd(g),
		newSchemaCmd(g),
		newBuildCmd(g),
		newServeCmd(g),
		newIMOCCmd(g),
		newScheduleCmd(g),
		newOverrideCmd(g),
		newSwapCmd(g),
		newDeclareCmd(g),
		newUpdateCmd(g),
		newPostmortemCmd(g),
		newPingCmd(g),
		newHandoffCmd(g),
		newReportCmd(g),
		newImportCmd(g),
		newVersionCmd(g),
		newReleaseFilesCmd(g),
	)
	return root
}

// run executes the command line and returns the exit code. Errors are
// printed once, as "baton: error: …" with optional "baton: hint: …" lines.
//
// Everything printed goes through a lineSafeWriter, so that no text from
// the repository can run a GitHub Actions workflow command.
func run(ctx context.Context, args []string, e *env) int {
	stdout, stderr := safeLines(e.stdout), safeLines(e.stderr)
	defer stdout.flush()
	defer stderr.flush()
	safe := *e
	safe.stdout, safe.stderr = stdout, stderr
	e = &safe
	g := &globals{env: e}
	root := newRootCmd(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		// Whatever failed, it failed because of the interruption (a
		// partial load, a server that stopped): say that, nothing else.
		fmt.Fprintln(e.stderr, "baton: interrupted")
		return exitInterrupted
	}
	code, hints := exitFailure, []string(nil)
	var ce *cliError
	if errors.As(err, &ce) {
		code, hints = ce.code, ce.hints
	} else if isCobraUsageError(err) {
		code = exitUsage
		hints = []string{"see `baton --help`"}
	}
	fmt.Fprintf(e.stderr, "baton: error: %s\n", oneLine(err.Error()))
	for _, h := range hints {
		fmt.Fprintf(e.stderr, "baton: hint: %s\n", oneLine(h))
	}
	return code
}

// isCobraUsageError recognises the few usage errors cobra creates itself
// before our validators run (an unknown subcommand of a command group).
func isCobraUsageError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") || strings.HasPrefix(s, "unknown shorthand flag")
}
