package main

import "time"

// Instants given on the command line must lie in [firstInstant, endInstant):
// the years 1900 to 9998 in UTC. Before 1900 nothing Baton tracks exists
// (the file formats refuse such years too). RFC 3339 and iCalendar can
// only write four-digit years, and Baton computes a little past the
// instants it is given (a schedule's shifts around its range, calendars
// 90 days ahead, the next handoff within 5 years), so the last year is
// kept free: everything Baton prints stays before the year 10000.
func firstInstant() time.Time { return time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) }
func endInstant() time.Time   { return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }

// instantRangeHint is the hint of every out-of-range error.
const instantRangeHint = "Baton handles instants from 1900-01-01T00:00:00Z to 9998-12-31T23:59:59Z"

// instantFlag is the value of a flag that holds an instant (RFC 3339). It
// remembers whether the flag was given, so that an explicit value is
// never confused with "unset", whatever it is.
type instantFlag struct {
	name string // "--now"
	raw  string
	set  bool
}

func newInstantFlag(name string) *instantFlag { return &instantFlag{name: name} }

// givenInstant is an instant flag given as v, for callers that build
// options without parsing a command line.
func givenInstant(name, v string) *instantFlag { return &instantFlag{name: name, raw: v, set: true} }

// String returns the value as given.
func (f *instantFlag) String() string { return f.raw }

// Set records the value; it is parsed when the command runs, so that its
// errors carry hints.
func (f *instantFlag) Set(v string) error {
	f.raw, f.set = v, true
	return nil
}

// Type names the value in help output.
func (f *instantFlag) Type() string { return "time" }

// value returns the instant and whether the flag was given. A given value
// that is not an RFC 3339 time in the supported range is a usage error.
func (f *instantFlag) value() (time.Time, bool, error) {
	if f == nil || !f.set {
		return time.Time{}, false, nil
	}
	t, err := parseInstant(f.name, f.raw)
	return t, true, err
}

// parseInstant parses the value v of the instant flag name: an RFC 3339
// time within the supported range. Every instant flag goes through it.
func parseInstant(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usageErrorf("%s %q is not an RFC 3339 time", name, v).withHint("write it with an offset, e.g. %s 2026-11-20T14:03:00Z", name)
	}
	if err := checkInstant(name, v, t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// checkInstant refuses an instant outside the supported range; v is the
// flag's value as given, for the message.
func checkInstant(name, v string, t time.Time) error {
	if t.Before(firstInstant()) || !t.Before(endInstant()) {
		return usageErrorf("%s %s is out of range", name, v).withHint(instantRangeHint)
	}
	return nil
}
