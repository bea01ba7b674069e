package schema

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Level says how serious a [Problem] is.
type Level int

const (
	// Warning is a problem worth fixing that does not fail validation.
	Warning Level = iota
	// Error is a problem that makes `baton validate` exit 1.
	Error
)

// String returns "error" or "warning".
func (l Level) String() string {
	if l == Error {
		return "error"
	}
	return "warning"
}

// MarshalJSON encodes the level as "error" or "warning".
func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// UnmarshalJSON decodes "error" or "warning".
func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch s {
	case "error":
		*l = Error
	case "warning":
		*l = Warning
	default:
		return fmt.Errorf("unknown problem severity %q (want error or warning)", s)
	}
	return nil
}

// Pos is a 1-based line and column in a file. The zero Pos means "the whole
// file" and is reported as line 1, column 1.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"column"`
}

// Problem is one finding of validation: where it is, how serious it is, a
// stable code that tools and tests can match on, a message for people and,
// where it helps, a hint that says how to fix it.
type Problem struct {
	Level   Level  `json:"severity"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// IsProcess reports whether the problem is about how the incident process
// is going rather than about the files: a postmortem past its due date, or
// someone on call during their time away. Such errors fail validate (they
// need someone's attention) but leave every file readable and every page,
// feed and figure right, so they never stop a build of the status site or
// a report: on the day an incident happens, an overdue postmortem from
// last month must not keep its status off the page.
func (p Problem) IsProcess() bool {
	switch p.Code {
	case "postmortem/overdue", "rotation/away-conflict":
		return true
	}
	return false
}

// String formats the problem as `file:line:col: error: message (code)`.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s (%s)", p.File, p.Line, p.Column, p.Level, p.Message, p.Code)
}

// Problems is a list of findings. Validation functions return every problem
// they find rather than stopping at the first.
type Problems []Problem

// HasErrors reports whether any problem is an [Error].
func (ps Problems) HasErrors() bool { return ps.Count(Error) > 0 }

// Count returns how many problems have the given level.
func (ps Problems) Count(l Level) int {
	n := 0
	for _, p := range ps {
		if p.Level == l {
			n++
		}
	}
	return n
}

// Sort orders problems by file, line, column, then code and message, so that
// output is deterministic and reads top to bottom.
func (ps Problems) Sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// reporter collects problems for one file.
type reporter struct {
	file string
	ps   *Problems
}

func (r reporter) add(l Level, at Pos, code, hint, format string, args ...any) {
	if at.Line < 1 {
		at = Pos{1, 1}
	}
	if at.Col < 1 {
		at.Col = 1
	}
	*r.ps = append(*r.ps, Problem{
		Level: l, File: r.file, Line: at.Line, Column: at.Col,
		Code: code, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

func (r reporter) errorf(at Pos, code, hint, format string, args ...any) {
	r.add(Error, at, code, hint, format, args...)
}

func (r reporter) warnf(at Pos, code, hint, format string, args ...any) {
	r.add(Warning, at, code, hint, format, args...)
}
