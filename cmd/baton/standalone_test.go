package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// planningRef matches references to documents outside the repository
// that the product's text must never make: the planning documents and
// their section numbers ("SPEC S10", "(S6)", "S2–S6").
var planningRef = regexp.MustCompile(`\bSPEC\b|\bSPEC\.md|\bDESIGN\.md|\.\./shared/|\(S\d{1,2}\)|\bS\d{1,2}(?:–S\d{1,2}| rules?\b)`)

// TestTextStandsAlone checks that what people read — every command's help,
// every flag's usage, the files `baton init` writes, the README, docs/ and
// the JSON Schemas — stands alone: no planning documents or their section
// numbers.
func TestTextStandsAlone(t *testing.T) {
	check := func(where, text string) {
		t.Helper()
		for _, line := range strings.Split(text, "\n") {
			if m := planningRef.FindString(line); m != "" {
				t.Errorf("%s cites %q: %s", where, m, strings.TrimSpace(line))
			}
		}
	}
	root := newRootCmd(&globals{env: &env{stdout: os.Stdout, stderr: os.Stderr}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check(c.CommandPath()+" help", c.Use+"\n"+c.Short+"\n"+c.Long+"\n"+c.Example)
		c.Flags().VisitAll(func(f *pflag.Flag) { check(c.CommandPath()+" --"+f.Name, f.Usage) })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)

	err := fs.WalkDir(scaffoldFS, "scaffold", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := scaffoldFS.ReadFile(p)
		check("baton init: "+p, string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	repo := exampleRoot(t)
	var files []string
	for _, pattern := range []string{"README.md", "docs/*.md", "schema/jsonschema/*.json", "action.yml", "baton.yaml"} {
		m, err := filepath.Glob(filepath.Join(repo, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repo, f)
		check(rel, string(data))
	}
}

func TestPlanningRefPattern(t *testing.T) {
	for s, want := range map[string]bool{
		"Report measures (SPEC S10): x":      true,
		"see DESIGN.md":                      true,
		"in ../shared/SPEC.md":               true,
		"pure process metrics (S10) and":     true,
		"in the order (S2–S6)":               true,
		"those of S6 rules 1–6":              true,
		"severity S1 and SEV2, site S3 URLs": false,
		"SPECIFIC and SPECTRUM":              false,
	} {
		if got := planningRef.MatchString(s); got != want {
			t.Errorf("planningRef.MatchString(%q) = %v, want %v", s, got, want)
		}
	}
}
