package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	// repoDir is --repo as given; once findRepo has run, the folder of the
	// repository (relative to the working directory when it was found by
	// walking up from it).
	repoDir string
	nowFlag *instantFlag
	// found records that findRepo ran, and its outcome.
	found    bool
	foundErr error
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

// needsRepo marks a command that works on an incidents repository: before
// it runs, the repository is found (see findRepo).
func needsRepo(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[needsRepoKey] = "yes"
	return cmd
}

const needsRepoKey = "baton:needs-repo"

// findRepo settles which folder is the repository, once. An explicit
// --repo is used as it is. Without it, the repository is the first folder
// holding baton.yaml from the working directory upwards, like git finds
// .git: the search stops at the top of the git work tree it is in (the
// folder holding .git) or at the file system's root. A command that needs
// a repository and finds none fails with a usage error (exit 2): the
// command was run in the wrong place or without --repo, and nothing was
// tried. commandName is for the message (validate reports a missing
// baton.yaml in an explicit --repo as a problem of its own).
func (g *globals) findRepo(given bool, commandName string) error {
	if g.found {
		return g.foundErr
	}
	g.found = true
	g.foundErr = g.locateRepo(given, commandName)
	return g.foundErr
}

func (g *globals) locateRepo(given bool, commandName string) error {
	if given {
		info, err := os.Stat(g.repoDir)
		if err != nil || !info.IsDir() {
			return failuref("cannot open repository %s: not a folder", g.repoDir).withHint("pass --repo DIR, the folder that holds baton.yaml")
		}
		if commandName == "validate" {
			return nil // validate reports the missing files as problems
		}
		if _, err := os.Stat(filepath.Join(g.repoDir, schema.ConfigFile)); errors.Is(err, fs.ErrNotExist) {
			return usageErrorf("no baton.yaml in %s", g.repoDir).
				withHint("pass --repo with the folder that holds baton.yaml, or run `baton init %s` to start an incidents repository there", shellQuote(g.repoDir))
		}
		return nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return failuref("finding the current folder: %w", err)
	}
	dir, gitTop, ok := findRepoUp(wd)
	if !ok {
		e := usageErrorf("no baton.yaml here or in any parent folder").
			withHint("run `baton init` to start an incidents repository here, or pass --repo DIR")
		if gitTop != "" && gitTop != wd {
			e = e.withHint("the search stopped at the top of the git repository %s", gitTop)
		}
		return e
	}
	if rel, err := filepath.Rel(wd, dir); err == nil {
		dir = rel
	}
	g.repoDir = dir
	return nil
}

// findRepoUp returns the first folder from dir upwards that holds
// baton.yaml, without going above a folder that holds .git; when it finds
// none, gitTop is where it stopped at such a folder, if it did.
func findRepoUp(dir string) (repo, gitTop string, ok bool) {
	for {
		if info, err := os.Stat(filepath.Join(dir, schema.ConfigFile)); err == nil && info.Mode().IsRegular() {
			return dir, "", true
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return "", dir, false // the top of this git work tree
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", false
		}
		dir = parent
	}
}

// openRoot opens the repository's folder, or says why there is none.
func (g *globals) openRoot() (*os.Root, error) {
	if g.foundErr != nil {
		return nil, g.foundErr
	}
	info, err := os.Stat(g.repoDir)
	if err != nil || !info.IsDir() {
		return nil, failuref("cannot open repository %s: not a folder", g.repoDir).withHint("pass --repo DIR, the folder that holds baton.yaml")
	}
	root, err := os.OpenRoot(g.repoDir)
	if err != nil {
		return nil, failuref("cannot open repository %s: %v", g.repoDir, err)
	}
	return root, nil
}

// Repo opens the repository as a file system confined to its folder
// (symbolic links cannot leave it) and loads it.
func (g *globals) Repo(ctx context.Context) (*schema.Repo, schema.Problems, error) {
	return g.load(ctx, schema.Load)
}

// Rotations is Repo for commands that need baton.yaml, people.yaml and
// rotations/ only (schema.LoadRotations): it does not read the incidents,
// which in a large repository are almost all of the work.
func (g *globals) Rotations(ctx context.Context) (*schema.Repo, schema.Problems, error) {
	return g.load(ctx, schema.LoadRotations)
}

func (g *globals) load(ctx context.Context, load func(context.Context, fs.FS) (*schema.Repo, schema.Problems)) (*schema.Repo, schema.Problems, error) {
	root, err := g.openRoot()
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	repo, problems := load(ctx, root.FS())
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
	root.SetFlagErrorFunc(flagError)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Annotations[needsRepoKey] == "" {
			return nil
		}
		// Found now, reported by the first use (openRoot): mistakes in
		// the command line itself are reported first.
		_ = g.findRepo(cmd.Flags().Changed("repo"), cmd.Name())
		return nil
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.repoDir, "repo", ".", "the incidents repository `DIR` (default: the folder holding baton.yaml, from the current folder upwards)")
	if g.nowFlag == nil {
		g.nowFlag = newInstantFlag("--now")
	}
	pf.Var(g.nowFlag, "now", "treat `TIME` (RFC 3339) as the current time, for reproducible output")
	root.AddCommand(
		needsRepo(newValidateCmd(g)),
		newInitCmd(g),
		newSchemaCmd(g),
		needsRepo(newBuildCmd(g)),
		needsRepo(newServeCmd(g)),
		needsRepo(newIMOCCmd(g)),
		needsRepo(newScheduleCmd(g)),
		needsRepo(newOverrideCmd(g)),
		needsRepo(newSwapCmd(g)),
		needsRepo(newDeclareCmd(g)),
		needsRepo(newUpdateCmd(g)),
		needsRepo(newPostmortemCmd(g)),
		needsRepo(newPingCmd(g)),
		needsRepo(newHandoffCmd(g)),
		needsRepo(newNotifyCmd(g)),
		needsRepo(newReportCmd(g)),
		needsRepo(newImportCmd(g)),
		newVersionCmd(g),
		newReleaseFilesCmd(g),
	)
	return root
}

// didYouMean adds "did you mean FLAG VALUE?" to e when one of allowed is
// close to the value v that was given.
func didYouMean(e *cliError, flag, v string, allowed []string) *cliError {
	if s := schema.Suggest(v, allowed); s != "" {
		return e.withHint("did you mean %s %s?", flag, s)
	}
	return e
}

// flagError turns a flag parsing error into a usage error; an unknown flag
// gets the closest flag of the command as a suggestion.
func flagError(cmd *cobra.Command, err error) error {
	ce := usageErrorf("%v", err)
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		if name := ne.GetSpecifiedName(); len(name) > 1 {
			var names []string
			cmd.Flags().VisitAll(func(f *pflag.Flag) {
				if !f.Hidden {
					names = append(names, f.Name)
				}
			})
			if s := schema.Suggest(name, names); s != "" {
				return ce.withHint("did you mean --%s? See `%s --help`", s, cmd.CommandPath())
			}
		}
	}
	return ce.withHint("see `%s --help`", cmd.CommandPath())
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
