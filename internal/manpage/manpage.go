// Package manpage renders the commands of a cobra command tree as roff man
// pages in section 1, one page per command, for the release archives.
//
// It is deliberately small: help texts are plain text, so it escapes them
// for roff instead of converting Markdown. Paragraphs are separated by blank
// lines; a paragraph whose lines are all indented is printed as-is
// (an example). It is not for generating other documentation formats.
package manpage

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Header is the page header (.TH) shared by every page.
type Header struct {
	// Date is printed in the page footer, e.g. "2026-12-01"; may be empty.
	Date string
	// Source is the software and version, e.g. "baton 1.2.3".
	Source string
	// Manual is the manual's title, e.g. "Baton Manual".
	Manual string
}

// Commands returns root and every command below it that gets a page:
// available (neither hidden nor deprecated), not the help command and not an
// additional help topic; in a stable order (depth first, by name).
func Commands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		children := c.Commands()
		sort.Slice(children, func(i, j int) bool { return children[i].Name() < children[j].Name() })
		for _, child := range children {
			if child.IsAvailableCommand() && !child.IsAdditionalHelpTopicCommand() {
				walk(child)
			}
		}
	}
	walk(root)
	return out
}

// Name is the page's name: the command path joined with "-", e.g.
// "baton-schedule" for `baton schedule`.
func Name(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// FileName is the page's file name, Name with the section: "baton-schedule.1".
func FileName(c *cobra.Command) string { return Name(c) + ".1" }

// Write renders the page of c to w.
func Write(w io.Writer, c *cobra.Command, h Header) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p(".TH %s 1 %s %s %s\n", quote(strings.ToUpper(Name(c))), quote(h.Date), quote(h.Source), quote(h.Manual))
	p(".SH NAME\n%s \\- %s\n", escape(Name(c)), escape(c.Short))

	p(".SH SYNOPSIS\n")
	p("\\fB%s\\fP", escape(c.CommandPath()))
	if rest := strings.TrimSpace(strings.TrimPrefix(c.UseLine(), c.CommandPath())); rest != "" {
		p(" %s", escape(rest))
	}
	if c.HasAvailableSubCommands() {
		p(" \\fICOMMAND\\fP")
	}
	p("\n")

	p(".SH DESCRIPTION\n")
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	writeText(bw, desc)

	if fs := c.NonInheritedFlags(); fs.HasAvailableFlags() {
		p(".SH OPTIONS\n")
		writeFlags(bw, fs)
	}
	if fs := c.InheritedFlags(); fs.HasAvailableFlags() {
		p(".SH \"OPTIONS INHERITED FROM PARENT COMMANDS\"\n")
		writeFlags(bw, fs)
	}
	if c.Example != "" {
		p(".SH EXAMPLES\n.PP\n.RS 4\n.nf\n")
		for _, line := range strings.Split(strings.Trim(c.Example, "\n"), "\n") {
			p("%s\n", line1(escape(line)))
		}
		p(".fi\n.RE\n")
	}

	var seeAlso []string
	if c.HasParent() {
		seeAlso = append(seeAlso, Name(c.Parent()))
	}
	for _, child := range Commands(c)[1:] {
		if child.Parent() == c {
			seeAlso = append(seeAlso, Name(child))
		}
	}
	if len(seeAlso) > 0 {
		p(".SH \"SEE ALSO\"\n")
		for i, name := range seeAlso {
			sep := ","
			if i == len(seeAlso)-1 {
				sep = ""
			}
			p("\\fB%s\\fP(1)%s\n", escape(name), sep)
		}
	}
	return bw.Flush()
}

// writeText writes plain text as paragraphs; an indented paragraph stays as
// it is written.
func writeText(w io.Writer, text string) {
	for _, para := range paragraphs(text) {
		if indented(para) {
			fmt.Fprint(w, ".PP\n.RS 4\n.nf\n")
			for _, line := range para {
				fmt.Fprintf(w, "%s\n", line1(escape(strings.TrimPrefix(line, "  "))))
			}
			fmt.Fprint(w, ".fi\n.RE\n")
			continue
		}
		fmt.Fprint(w, ".PP\n")
		for _, line := range para {
			fmt.Fprintf(w, "%s\n", line1(escape(strings.TrimSpace(line))))
		}
	}
}

// paragraphs splits text on blank lines.
func paragraphs(text string) [][]string {
	var out [][]string
	var cur []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

func indented(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "\t") {
			return false
		}
	}
	return true
}

// writeFlags writes one tagged paragraph per visible flag, in name order.
func writeFlags(w io.Writer, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(f)
		var b strings.Builder
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			fmt.Fprintf(&b, "\\fB\\-%s\\fP, ", escape(f.Shorthand))
		}
		fmt.Fprintf(&b, "\\fB\\-\\-%s\\fP", escape(f.Name))
		if varname != "" {
			fmt.Fprintf(&b, " \\fI%s\\fP", escape(varname))
		}
		fmt.Fprintf(w, ".TP\n%s\n", b.String())
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		}
		for _, line := range strings.Split(usage, "\n") {
			fmt.Fprintf(w, "%s\n", line1(escape(strings.TrimSpace(line))))
		}
	})
}

// escape makes text safe inside a roff line: a backslash is printed with
// \e, and every "-" becomes \- so that options can be copied from the page.
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// line1 protects a text line that roff would read as a request.
func line1(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + s
	}
	return s
}

// quote makes a .TH argument: in double quotes, with a backslash written
// as \e and a double quote as \(dq.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return `"` + strings.ReplaceAll(s, `"`, `\(dq`) + `"`
}
