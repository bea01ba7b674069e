package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"unicode"
)

// GitHub Actions reads a step's output line by line (a line ends at CR, LF
// or CRLF) and obeys two kinds of workflow commands in it: a line that
// starts with "::" once leading blanks are trimmed ("::error ...::",
// "::add-mask::", "::stop-commands::"), and the older form "##[name]"
// anywhere in a line. Text from the repository (file names, titles,
// messages) reaches Baton's output, so without care a file named
// "x\n::add-mask::y" would run a command in the workflow that validates
// it. Two rules keep that out:
//
//   - Baton's own workflow commands are written by [writeWorkflowCommand]
//     only, with their data and properties escaped as the runner expects.
//   - Everything else Baton prints goes through a [safeLines] writer, which
//     makes every line inert (see [inertLine]): a line that would start with
//     "::" gets a backslash in front, and "##[" becomes "##\[". Lines that
//     are not commands are printed unchanged.
//
// JSON output cannot take a backslash before "[", so [writeJSON] writes
// "##[" as "##\u005b", the same JSON value. iCalendar output is data for
// files, not for the log: it is written as it is (redirect it to a file).

// escapeData and escapeProperty implement the escaping of GitHub Actions
// workflow commands (see actions/toolkit, command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// commandProperty is one key=value of a workflow command.
type commandProperty struct{ key, value string }

// writeWorkflowCommand writes the workflow command "::name k=v,…::data" as
// one line, escaped. It is the only way Baton emits a workflow command: on
// a [safeLines] writer it bypasses the line filter, which would otherwise
// make it inert.
func writeWorkflowCommand(w io.Writer, name string, props []commandProperty, data string) error {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(name)
	for i, p := range props {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(escapeProperty(p.value))
	}
	b.WriteString("::")
	b.WriteString(escapeData(data))
	b.WriteByte('\n')
	if sw, ok := w.(*lineSafeWriter); ok {
		return sw.writeCommand(b.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// leadingBlank reports characters the runner may trim before it looks for
// "::" (its TrimStart trims white space; invisible format characters are
// included here to be safe).
func leadingBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zs, r)
}

// inertLine returns line (which holds no CR or LF) changed just enough that
// GitHub Actions does not read a workflow command in it.
func inertLine(line string) string {
	line = strings.ReplaceAll(line, "##[", `##\[`)
	rest := strings.TrimLeftFunc(line, leadingBlank)
	if strings.HasPrefix(rest, "::") {
		i := len(line) - len(rest)
		line = line[:i] + `\` + line[i:]
	}
	return line
}

// oneLine returns s with its line breaks written as the two characters
// `\n` (or `\r`), so that one record (a problem, an error) is one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", `\n`, "\r", `\r`, "\n", `\n`).Replace(s)
}

// lineSafeWriter passes text through, line by line, making every line inert
// (see [inertLine]). A line is written once it is complete; flush writes
// an unfinished one. It is safe for concurrent use.
type lineSafeWriter struct {
	mu   sync.Mutex
	w    io.Writer
	line []byte // the unfinished line
	err  error
}

// safeLines returns w wrapped in a lineSafeWriter (w itself if it is one).
func safeLines(w io.Writer) *lineSafeWriter {
	if sw, ok := w.(*lineSafeWriter); ok {
		return sw
	}
	return &lineSafeWriter{w: w}
}

// Write implements io.Writer. It reports len(p) unless the underlying
// writer failed.
func (s *lineSafeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	n := len(p)
	var out []byte
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			s.line = append(s.line, p...)
			break
		}
		s.line = append(s.line, p[:i]...)
		out = append(out, inertLine(string(s.line))...)
		out = append(out, p[i])
		s.line = s.line[:0]
		p = p[i+1:]
	}
	if len(out) > 0 {
		if _, err := s.w.Write(out); err != nil {
			s.err = err
			return 0, err
		}
	}
	return n, nil
}

// writeCommand writes a complete workflow command line as it is, after
// finishing any unfinished line so that the command starts a line.
func (s *lineSafeWriter) writeCommand(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.flushLocked(true); err != nil {
		return err
	}
	_, err := io.WriteString(s.w, line)
	return err
}

// flush writes the unfinished line, if any.
func (s *lineSafeWriter) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked(false)
}

func (s *lineSafeWriter) flushLocked(newline bool) error {
	if s.err != nil || len(s.line) == 0 {
		return s.err
	}
	out := inertLine(string(s.line))
	if newline {
		out += "\n"
	}
	s.line = s.line[:0]
	if _, err := io.WriteString(s.w, out); err != nil {
		s.err = err
	}
	return s.err
}

// rawWriter returns the writer under a lineSafeWriter, for output that is
// data in its own format (JSON through writeJSON, iCalendar).
func rawWriter(w io.Writer) io.Writer {
	if sw, ok := w.(*lineSafeWriter); ok {
		sw.flush()
		return sw.w
	}
	return w
}

// terminal returns the terminal that w writes to, if it is one.
func terminal(w io.Writer) (*os.File, bool) {
	if sw, ok := w.(*lineSafeWriter); ok {
		w = sw.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return nil, false
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil, false
	}
	return f, true
}

// writeJSON writes v as indented JSON, made inert for GitHub Actions.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := rawWriter(w).Write(jsonInert(buf.Bytes()))
	return err
}

// jsonInert makes encoded JSON inert for GitHub Actions: "##[" can occur
// only inside JSON strings, where "##\u005b" is the same text. (JSON lines
// never start with "::": the encoder escapes line breaks in strings.)
func jsonInert(data []byte) []byte {
	return bytes.ReplaceAll(data, []byte("##["), []byte(`##\u005b`))
}
