package schema

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxLocateSize bounds the files whose syntax errors are located by
// re-parsing prefixes (about 2·log2(size) parses): 64 KiB parses in a few
// milliseconds, and configuration files and front matter are far smaller.
// Larger files keep the parser's own line.
const maxLocateSize = 64 << 10

// syntaxMessage splits a yaml.v3 error into its line (0 when it names
// none) and its message.
func syntaxMessage(err error) (line int, msg string) {
	msg = err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		return line, m[2]
	}
	if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	return 0, msg
}

// locateSyntaxError finds where a YAML syntax error really is. yaml.v3
// reports the line of the construct the parser was inside (the start of a
// block sequence, say) rather than the line it failed on, so an
// over-indented list item on line 50 is reported on line 46. The real
// place is the shortest prefix of data that fails the same way: the parser
// stops at the first error, so a prefix fails with the same message (and
// the same reported line) exactly when it contains the offending token.
// Binary search over lines, then over the columns of that line, finds it.
//
// ok is false when the file is too large to search or the search does not
// confirm the error (the caller then keeps the parser's line).
func locateSyntaxError(data []byte, err error) (line, col int, ok bool) {
	if len(data) > maxLocateSize {
		return 0, 0, false
	}
	wantLine, wantMsg := syntaxMessage(err)
	fails := func(prefix []byte) bool {
		e := parseErr(prefix)
		if e == nil {
			return false
		}
		l, m := syntaxMessage(e)
		return m == wantMsg && l == wantLine
	}
	// Line starts: ends[i] is the offset just after line i+1 (its newline
	// included), so data[:ends[i]] is the first i+1 lines.
	var ends []int
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	if !fails(data) {
		return 0, 0, false
	}
	// The first line n (0-based) such that the first n+1 lines fail.
	lo, hi := 0, len(ends)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(data[:ends[mid]]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	start := 0
	if lo > 0 {
		start = ends[lo-1]
	}
	if lo > 0 && fails(data[:start]) {
		return 0, 0, false
	}
	// The first byte of that line whose inclusion makes the prefix fail.
	end := ends[lo]
	c0, c1 := start, end
	for c0 < c1 {
		mid := (c0 + c1) / 2
		if fails(data[:mid+1]) {
			c1 = mid
		} else {
			c0 = mid + 1
		}
	}
	col = 1 + utf8.RuneCount(data[start:min(c0, end)])
	return lo + 1, col, true
}

// parseErr is the error of parsing data as one YAML document, or nil.
func parseErr(data []byte) (err error) {
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
	return nil
}
