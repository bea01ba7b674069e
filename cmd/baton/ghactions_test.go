package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// runnerCommand is a workflow command as the GitHub Actions runner reads it
// from a log line.
type runnerCommand struct {
	name, props, data string
}

// runnerCommands reads output the way the runner does: lines end at CR, LF
// or CRLF; a line whose text, after leading white space, starts with "::"
// and has a second "::" is a command (the new form), and otherwise "##[" with
// a later "]" anywhere in the line is one (the old form). Every command name
// is returned, registered or not: a test wants none but its own.
func runnerCommands(out string) []runnerCommand {
	var cmds []runnerCommand
	for _, line := range regexp.MustCompile(`\r\n|\r|\n`).Split(out, -1) {
		t := strings.TrimLeftFunc(line, unicode.IsSpace)
		if rest, ok := strings.CutPrefix(t, "::"); ok {
			if info, data, ok := strings.Cut(rest, "::"); ok {
				name, props, _ := strings.Cut(info, " ")
				cmds = append(cmds, runnerCommand{name, props, data})
				continue
			}
		}
		if i := strings.Index(line, "##["); i >= 0 {
			if info, data, ok := strings.Cut(line[i+3:], "]"); ok {
				name, props, _ := strings.Cut(info, " ")
				cmds = append(cmds, runnerCommand{name, props, data})
			}
		}
	}
	return cmds
}

// unescapeData undoes escapeData as the runner does.
func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

// hostileRepo is a copy of the example organisation with incident folders
// whose names carry line breaks followed by workflow commands, in both
// forms, and Markdown/HTML for the step summary; and enough bad folders
// that some problems fall past the 10 annotations GitHub shows.
func hostileRepo(t *testing.T) string {
	t.Helper()
	dir := exampleCopy(t)
	names := []string{
		"evil\n::add-mask::secret-one",
		"evil\r::stop-commands::tok",
		"evil\r\n  \u00a0::set-output name=x::y",
		"evil ##[add-mask]secret-two",
		"evil | <img src=x onerror=alert(1)> `code` **bold** [link](javascript:alert(1)) ![i](x.png)",
	}
	for i := range 12 {
		names = append(names, fmt.Sprintf("bad%02d", i))
	}
	for _, n := range names {
		p := filepath.Join(dir, "incidents", "2026", n)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "incident.md"), []byte("---\ntitle: x\n---\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runBaton(t *testing.T, envs map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return envs[k] },
		now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}
	code := run(t.Context(), args, e)
	return code, stdout.String(), stderr.String()
}

// TestHardening10GitHubFormatEscapesEveryLine: with --format github, the
// only workflow commands in the output are Baton's own annotations and
// notice; problems past the tenth, printed as plain lines, cannot start a
// command, whatever their file names hold.
func TestHardening10GitHubFormatEscapesEveryLine(t *testing.T) {
	dir := hostileRepo(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	code, out, errOut := runBaton(t, map[string]string{"GITHUB_STEP_SUMMARY": summary},
		"--repo", dir, "--now", "2026-11-27T12:00:00Z", "validate", "--format", "github")
	if code != exitProblems {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	var names []string
	for _, c := range runnerCommands(out + errOut) {
		names = append(names, c.name)
		if c.name != "error" && c.name != "warning" && c.name != "notice" {
			t.Errorf("the output runs the workflow command %q (data %q)", c.name, c.data)
		}
		if d := unescapeData(c.data); strings.Contains(c.props, "secret") && !strings.Contains(c.props, "%0A") && !strings.Contains(c.props, "%0D") {
			t.Errorf("properties not escaped: %q (data %q)", c.props, d)
		}
	}
	if n := strings.Count(strings.Join(names, " "), "error"); n != 10 {
		t.Errorf("%d error annotations, want 10: %v\n%s", n, names, out)
	}
	if !slices.Contains(names, "notice") {
		t.Errorf("no notice about the problems past the tenth:\n%s", out)
	}
	// The hostile folders sort after bad00..bad11, so they are on the plain
	// lines: all there, each on one line, with their line breaks shown as
	// \n or \r, and "##[" broken by a backslash.
	for _, want := range []string{
		`incidents/2026/evil\n::add-mask::secret-one:1:1: error: `,
		`incidents/2026/evil\r::stop-commands::tok:1:1: error: `,
		"incidents/2026/evil\\n  \u00a0::set-output name=x::y:1:1: error: ",
		`incidents/2026/evil ##\[add-mask]secret-two:1:1: error: `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The step summary: one table row per problem, four cells each, no
	// HTML, no link, no image.
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		rows++
		if cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)); cells != 5 {
			t.Errorf("row with %d separators, want 5: %s", cells, line)
		}
	}
	if want := 1 + 17; rows != want { // header and 17 problems
		t.Errorf("%d table rows, want %d:\n%s", rows, want, data)
	}
	// Rendered as GitHub renders it (GFM), the summary is one table whose
	// cells hold text and code only: no HTML, link, image or emphasis.
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(data, &html); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<a ", "<strong>"} {
		if bytes.Contains(html.Bytes(), []byte(bad)) {
			t.Errorf("the rendered step summary holds %q:\n%s", bad, html.Bytes())
		}
	}
	if n := bytes.Count(html.Bytes(), []byte("<tr>")); n != 1+17 {
		t.Errorf("the rendered step summary has %d table rows, want 18:\n%s", n, html.Bytes())
	}
}

// TestHardening10EveryCommandOutputIsInert: not only validate — build's
// problem list, error messages and hints, and JSON output all go through
// the same filter.
func TestHardening10EveryCommandOutputIsInert(t *testing.T) {
	dir := hostileRepo(t)
	for _, args := range [][]string{
		{"validate"},
		{"validate", "--format", "json"},
		{"build", "--out", filepath.Join(t.TempDir(), "site")},
	} {
		code, out, errOut := runBaton(t, nil, append([]string{"--repo", dir, "--now", "2026-11-27T12:00:00Z"}, args...)...)
		if code != exitProblems {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		if cmds := runnerCommands(out + errOut); len(cmds) != 0 {
			t.Errorf("%v: the output runs workflow commands %v:\n%s%s", args, cmds, out, errOut)
		}
	}
	// JSON stays valid JSON with the same strings.
	_, out, _ := runBaton(t, nil, "--repo", dir, "--now", "2026-11-27T12:00:00Z", "validate", "--format", "json")
	if !strings.Contains(out, `evil ##\u005badd-mask]secret-two`) {
		t.Errorf("JSON output does not escape ##[:\n%s", out)
	}
}

func TestInertLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain line":                 "plain line",
		"a::b":                       "a::b",
		"::add-mask::x":              `\::add-mask::x`,
		"  \t::error::x":             "  \t\\::error::x",
		"\u00a0\u2028\ufeff::warn::": "\u00a0\u2028\ufeff\\::warn::",
		"see ##[add-mask]x":          `see ##\[add-mask]x`,
		"###[x]":                     `###\[x]`,
		"":                           "",
	} {
		if got := inertLine(in); got != want {
			t.Errorf("inertLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeLines: whatever is written, in whatever pieces, the output holds
// no workflow command, keeps every line break, and changes only lines that
// would have been commands.
func FuzzSafeLines(f *testing.F) {
	f.Add("hello\n::add-mask::x\r\n  ##[error]y\rz", 3)
	f.Add(":\n:", 1)
	f.Add("#", 0)
	f.Fuzz(func(t *testing.T, s string, cut int) {
		var buf bytes.Buffer
		w := safeLines(&buf)
		if cut > 0 && cut < len(s) {
			w.Write([]byte(s[:cut]))
			w.Write([]byte(s[cut:]))
		} else {
			w.Write([]byte(s))
		}
		if err := w.flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if cmds := runnerCommands(out); len(cmds) != 0 {
			t.Fatalf("%q became %q, which runs %v", s, out, cmds)
		}
		split := regexp.MustCompile(`\r\n|\r|\n`)
		in, got := split.Split(s, -1), split.Split(out, -1)
		if len(in) != len(got) {
			t.Fatalf("%q: %d lines became %d: %q", s, len(in), len(got), out)
		}
		for i := range in {
			if len(runnerCommands(in[i])) == 0 && !strings.Contains(in[i], "##[") && !strings.HasPrefix(strings.TrimLeftFunc(in[i], leadingBlank), "::") && in[i] != got[i] {
				t.Fatalf("line %q changed to %q", in[i], got[i])
			}
		}
	})
}
