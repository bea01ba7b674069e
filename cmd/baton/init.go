package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/gitrepo"
)

// scaffoldFS holds the files `baton init` writes, as real files under
// scaffold/ so that they can be read and reviewed like any other. "all:"
// includes .github/.
//
//go:embed all:scaffold
var scaffoldFS embed.FS

type initOptions struct {
	*globals
	dir   string
	force bool
}

func newInitCmd(g *globals) *cobra.Command {
	o := &initOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Scaffold a new incidents repository",
		Long: `Init creates a new, valid incidents repository in DIR (default: --repo, which
defaults to the current folder): baton.yaml, people.yaml, an IMOC rotation,
one example incident with its postmortem, and GitHub Actions workflows that
validate pull requests, ping the IMOC, publish the site, announce handoffs and
send notifications (once baton.yaml lists a target). Every file is commented
to teach its format, and the YAML files point editors at their JSON Schema.

When DIR is not inside a git repository, init creates one (git init, branch
main). It writes a .gitignore that keeps the built sites (public/,
internal-site/) and the lock files of builds out of git, or adds those lines
to an existing .gitignore.

Init never overwrites a file unless --force is given; other files in DIR are
left alone.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = o.repoDir
			if len(args) == 1 {
				o.dir = args[0]
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "overwrite files that already exist")
	return cmd
}

// scaffoldFiles lists the scaffold's files, slash-separated and relative to
// the new repository's root, in a stable order.
func scaffoldFiles() ([]string, error) {
	var files []string
	err := fs.WalkDir(scaffoldFS, "scaffold", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, strings.TrimPrefix(p, "scaffold/"))
		return nil
	})
	return files, err
}

// gitignoreLines are what a repository's .gitignore needs for Baton: the
// folders baton build writes by default and the lock files next to them.
var gitignoreLines = []string{"/public/", "/internal-site/", "/.public.lock", "/.internal-site.lock"}

const gitignoreHeader = `# Written by baton build: the public site, the internal site (never publish
# it) and the lock files of builds in progress.
`

// writeGitignore creates .gitignore with gitignoreLines, or appends the
// ones an existing .gitignore lacks. It returns the lines it added.
func writeGitignore(root *os.Root) ([]string, error) {
	old, err := root.ReadFile(".gitignore")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(old), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	var add []string
	for _, l := range gitignoreLines {
		if !have[l] && !have[strings.TrimPrefix(l, "/")] {
			add = append(add, l)
		}
	}
	if len(add) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.Write(old)
	if len(old) > 0 {
		if !strings.HasSuffix(string(old), "\n") {
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(gitignoreHeader)
	for _, l := range add {
		b.WriteString(l + "\n")
	}
	return add, edit.WriteFile(root, ".gitignore", []byte(b.String()))
}

func (o *initOptions) run(ctx context.Context) error {
	files, err := scaffoldFiles()
	if err != nil {
		return failuref("reading the scaffold: %w", err)
	}
	if info, err := os.Stat(o.dir); err == nil && !info.IsDir() {
		return failuref("cannot initialise %s: it is not a folder", o.dir)
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return failuref("creating %s: %w", o.dir, err)
	}
	// os.Root confines every write to the folder: a symbolic link inside it
	// cannot send a file elsewhere.
	root, err := os.OpenRoot(o.dir)
	if err != nil {
		return failuref("opening %s: %w", o.dir, err)
	}
	defer root.Close()

	// Check everything first, so that a refusal writes nothing.
	if !o.force {
		var existing []string
		for _, f := range files {
			if _, err := root.Lstat(filepath.FromSlash(f)); err == nil {
				existing = append(existing, f)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return failuref("checking %s: %w", path.Join(o.dir, f), err)
			}
		}
		if len(existing) > 0 {
			return failuref("%s already has %s; not overwriting", o.dir, joinFiles(existing)).
				withHint("pass --force to overwrite the scaffold's files, or run `baton init NEW-DIR` in a new folder")
		}
	}

	for _, f := range files {
		data, err := scaffoldFS.ReadFile("scaffold/" + f)
		if err != nil {
			return failuref("reading the scaffold: %w", err)
		}
		name := filepath.FromSlash(f)
		if err := root.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return failuref("creating %s: %w", path.Join(o.dir, path.Dir(f)), err)
		}
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if !o.force {
			flags |= os.O_EXCL
		}
		w, err := root.OpenFile(name, flags, 0o644)
		if err != nil {
			return failuref("writing %s: %w", path.Join(o.dir, f), err)
		}
		_, werr := w.Write(data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return failuref("writing %s: %w", path.Join(o.dir, f), werr)
		}
	}

	added, err := writeGitignore(root)
	if err != nil {
		return failuref("writing %s: %w", path.Join(o.dir, ".gitignore"), err)
	}
	gitInit := !gitrepo.IsGitRepo(o.dir)
	if gitInit {
		if err := gitrepo.Init(ctx, o.dir, "main"); err != nil {
			return failuref("%v", err).withHint("the files are written; run `git init` in %s yourself", shellQuote(o.dir))
		}
	}

	fmt.Fprintf(o.stdout, "Created an incidents repository in %s:\n", o.dir)
	for _, f := range files {
		fmt.Fprintf(o.stdout, "  %s\n", f)
	}
	if len(added) > 0 {
		fmt.Fprintf(o.stdout, "  .gitignore (%s)\n", strings.Join(added, ", "))
	}
	if gitInit {
		fmt.Fprintf(o.stdout, "Initialised a git repository in %s (branch main): it was not inside one.\n", o.dir)
	}
	repoFlag := ""
	if filepath.Clean(o.dir) != "." {
		repoFlag = " --repo " + shellQuote(o.dir)
	}
	fmt.Fprintf(o.stdout, `
Next steps:
  1. Edit baton.yaml (site, GitHub repository, components) and people.yaml:
     add yourself with the email of `+"`git config user.email`"+`, so that
     `+"`baton declare`"+` knows you.
  2. Put your IMOC rotation in rotations/imoc.yaml; check it with `+"`baton%s imoc`"+`.
  3. Replace the example incident, or keep it until you declare your first:
     baton%s declare --title "Slow sign-in" --severity SEV3 --component website:degraded_performance
  4. Run `+"`baton%s validate`"+`, then commit and push. The workflows in
     .github/workflows validate every pull request, ping the IMOC on
     incident pull requests, publish the status site to GitHub Pages and
     announce handoffs; docs/github.md in Baton's repository explains the
     repository settings they need.
Editors with the YAML language server validate as you type; see `+"`baton schema`"+`.
`, repoFlag, repoFlag, repoFlag)
	return nil
}

// joinFiles lists up to five file names for a message.
func joinFiles(files []string) string {
	if len(files) > 5 {
		return strings.Join(files[:5], ", ") + fmt.Sprintf(" and %d more", len(files)-5)
	}
	return strings.Join(files, ", ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+:@", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
