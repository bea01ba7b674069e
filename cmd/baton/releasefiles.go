package main

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/internal/manpage"
)

// newReleaseFilesCmd is the hidden command the release build runs (see
// .goreleaser.yaml) to generate the shell completions and man pages that go
// into every release archive.
func newReleaseFilesCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "release-files DIR",
		Short: "Write shell completions and man pages for a release archive",
		Long: `Release-files writes DIR/completions (baton.bash, baton.zsh, baton.fish,
baton.ps1) and DIR/man (one page per command, section 1), replacing what
those two folders held. The release build runs it; the page header names this
binary's version.`,
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeReleaseFiles(cmd.Root(), args[0], readVersion())
		},
	}
}

func writeReleaseFiles(root *cobra.Command, dir string, v versionInfo) error {
	files := map[string][]byte{}

	completions := []struct {
		name string
		gen  func(*bytes.Buffer) error
	}{
		{"baton.bash", func(b *bytes.Buffer) error { return root.GenBashCompletionV2(b, true) }},
		{"baton.zsh", func(b *bytes.Buffer) error { return root.GenZshCompletion(b) }},
		{"baton.fish", func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) }},
		{"baton.ps1", func(b *bytes.Buffer) error { return root.GenPowerShellCompletionWithDesc(b) }},
	}
	for _, c := range completions {
		var b bytes.Buffer
		if err := c.gen(&b); err != nil {
			return failuref("generating %s: %w", c.name, err)
		}
		files[filepath.Join("completions", c.name)] = b.Bytes()
	}

	h := manpage.Header{Source: "baton " + v.Version, Manual: "Baton Manual"}
	if len(v.Date) >= len("2006-01-02") {
		h.Date = v.Date[:len("2006-01-02")]
	}
	for _, c := range manpage.Commands(root) {
		var b bytes.Buffer
		if err := manpage.Write(&b, c, h); err != nil {
			return failuref("generating the man page of %s: %w", c.CommandPath(), err)
		}
		files[filepath.Join("man", manpage.FileName(c))] = b.Bytes()
	}

	for _, sub := range []string{"completions", "man"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return failuref("cannot replace %s: %w", filepath.Join(dir, sub), err)
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return failuref("cannot create %s: %w", filepath.Join(dir, sub), err)
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return failuref("cannot write %s: %w", filepath.Join(dir, name), err)
		}
	}
	return nil
}
