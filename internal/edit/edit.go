// Package edit implements Baton's incident commands as file edits: declare
// a new incident, append a status update, scaffold a postmortem. Each edit
// is a pure function of the loaded repository ([schema.Repo]), the current
// file bytes and an instant; it returns the files to write and never touches
// the disk, git or GitHub (package cmd/baton does that).
//
// Existing files are edited by splicing: the front matter is parsed with the
// yaml.v3 Node API to find where keys and values are, new text is rendered
// with yaml.v3 and inserted, and every other byte — comments, key order,
// quoting, flow collections and the Markdown body — is kept as it was. An
// edit then re-reads the result and refuses to return it if anything other
// than the intended keys changed.
//
// Edits are idempotent where a second run would otherwise duplicate
// something: declaring the same title twice on a day finds the first
// incident, repeating the last update changes nothing, and an existing
// postmortem is never overwritten.
package edit

import (
	"errors"
	"fmt"
	"time"
)

// File is one file to write, at a slash-separated path inside the
// repository.
type File struct {
	Path string
	Data []byte
}

// Result is the outcome of an edit.
type Result struct {
	// ID is the incident's id.
	ID string
	// Files are the files to write; empty when nothing changed.
	Files []File
	// Notes are remarks for the person running the command, such as
	// "nobody is on call".
	Notes []string
}

// Changed reports whether the edit has anything to write.
func (r *Result) Changed() bool { return len(r.Files) > 0 }

// Error is an edit refused for a reason a person can fix; Hint says how.
type Error struct {
	Msg  string
	Hint string
}

func (e *Error) Error() string { return e.Msg }

func errorf(hint, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// ErrNotFound is returned (wrapped) when an incident id names no incident.
var ErrNotFound = errors.New("no such incident")

// stamp formats an instant as front matter writes it: RFC 3339, whole
// seconds, in the zone it was given in.
func stamp(t time.Time) string { return t.Truncate(time.Second).Format(time.RFC3339) }

// timeKeys are the incident's instants in their required order; new keys
// are inserted after the last present one before them.
var timeKeys = []string{"started", "detected", "declared", "acknowledged", "mitigated", "resolved"}

// keysBefore returns timeKeys up to (not including) key.
func keysBefore(key string) []string {
	for i, k := range timeKeys {
		if k == key {
			return timeKeys[:i]
		}
	}
	return timeKeys
}
