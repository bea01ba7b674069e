package manpage

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tree is a small command tree with the cases the renderer must handle:
// shorthands, defaults, hidden flags and commands, an indented example
// paragraph, text that roff would read as requests, and backslashes.
func tree() *cobra.Command {
	root := &cobra.Command{
		Use:   "tool",
		Short: "A tool with sub-commands",
		Long: `Tool does things.

It has two commands.`,
	}
	root.PersistentFlags().String("repo", ".", "the repository `DIR`")

	run := func(*cobra.Command, []string) error { return nil }
	show := &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a thing",
		Long: `Show prints a thing. Lines that look like roff requests stay text:
.TH not a header
'quoted line
and a backslash \n stays a backslash.

  tool show --format json 'a b'
  .hidden-looking example

A --flag in prose.`,
		Example: "  tool show --format json\n.example",
		RunE:    run,
	}
	show.Flags().StringP("format", "f", "text", "output `FORMAT`: text or json")
	show.Flags().Bool("all", false, "show everything")
	show.Flags().Int("limit", 0, "at most `N` things")
	show.Flags().String("secret", "", "hidden")
	_ = show.Flags().MarkHidden("secret")

	hidden := &cobra.Command{Use: "internal", Short: "Hidden", Hidden: true, RunE: run}
	deprecated := &cobra.Command{Use: "old", Short: "Old", Deprecated: "use show", RunE: run}
	group := &cobra.Command{Use: "group", Short: "A group"}
	group.AddCommand(&cobra.Command{Use: "leaf", Short: "A leaf", RunE: run})

	root.AddCommand(show, hidden, deprecated, group)
	root.InitDefaultHelpCmd()
	return root
}

func TestCommands(t *testing.T) {
	var got []string
	for _, c := range Commands(tree()) {
		got = append(got, FileName(c))
	}
	want := []string{"tool.1", "tool-group.1", "tool-group-leaf.1", "tool-show.1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

func TestWriteGolden(t *testing.T) {
	h := Header{Date: "2026-12-01", Source: `tool 1.2.3 "x" \y`, Manual: "Tool Manual"}
	for _, c := range Commands(tree()) {
		t.Run(Name(c), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, c, h); err != nil {
				t.Fatal(err)
			}
			golden(t, FileName(c), b.Bytes())
		})
	}
}

// TestRoffLint runs groff's warnings over every page when groff exists:
// the escaping must leave no unknown requests or escapes behind.
func TestRoffLint(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	for _, c := range Commands(tree()) {
		var b bytes.Buffer
		if err := Write(&b, c, Header{Source: "tool"}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(groff, "-k", "-man", "-ww", "-z")
		cmd.Stdin = &b
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("%s: groff: %v\n%s", FileName(c), err, out)
		}
		// Rendered as text, the prose keeps its dots, quotes and
		// backslashes, and no roff request leaks through.
		cmd = exec.Command(groff, "-k", "-man", "-Tutf8", "-P-cbou")
		var page bytes.Buffer
		if err := Write(&page, c, Header{Source: "tool"}); err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = &page
		text, err := cmd.Output()
		if err != nil {
			t.Fatalf("groff -Tutf8: %v", err)
		}
		if c.Name() == "show" {
			flat := strings.Join(strings.Fields(string(text)), " ")
			for _, want := range []string{".TH not a header", "'quoted line", `backslash \n stays`, "tool show --format json 'a b'", ".hidden-looking example", "--format FORMAT", `(default "text")`} {
				if !strings.Contains(flat, want) {
					t.Errorf("rendered page lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(string(text), "secret") {
				t.Errorf("rendered page shows a hidden flag:\n%s", text)
			}
		}
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
