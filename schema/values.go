package schema

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// minYear is the earliest year a date or wall-clock value may have. The
// zero year would read as "unset", and nothing Baton tracks is older.
const minYear = 1900

// Date is a calendar date without a time or zone, written 2006-01-02.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d *Date) parseScalar(s string) error {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	if t.Year() < minYear {
		return fmt.Errorf("%q is before %d; is the year right?", s, minYear)
	}
	*d = Date{t.Year(), t.Month(), t.Day()}
	return nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText formats the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool {
	return d.Year < e.Year || d.Year == e.Year && (d.Month < e.Month || d.Month == e.Month && d.Day < e.Day)
}

// WallClock is a local date and time without a zone, written
// 2006-01-02T15:04 (seconds optional). Rotations interpret it in a layer's
// time zone.
type WallClock struct {
	Year   int
	Month  time.Month
	Day    int
	Hour   int
	Minute int
	Second int
}

func (w *WallClock) parseScalar(s string) error {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < minYear {
				return fmt.Errorf("%q is before %d; is the year right?", s, minYear)
			}
			*w = WallClock{t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second()}
			return nil
		}
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return fmt.Errorf("%q carries an offset; a wall-clock time is read in the layer's time_zone, so drop the offset", s)
	}
	return fmt.Errorf("%q is not a wall-clock time (want YYYY-MM-DDTHH:MM)", s)
}

// IsZero reports whether the wall-clock value is unset.
func (w WallClock) IsZero() bool { return w.Year == 0 }

// String formats the value as 2006-01-02T15:04 (with seconds when set).
func (w WallClock) String() string {
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", w.Year, w.Month, w.Day, w.Hour, w.Minute)
	if w.Second != 0 {
		s += fmt.Sprintf(":%02d", w.Second)
	}
	return s
}

// MarshalText formats the value like String.
func (w WallClock) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// Date returns the calendar date part.
func (w WallClock) Date() Date { return Date{w.Year, w.Month, w.Day} }

// Clock is a time of day, written "15:04", stored as seconds after midnight.
// "24:00" is allowed as the end of a window.
type Clock int

func (c *Clock) parseScalar(s string) error {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(h) != 2 || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return fmt.Errorf("%q is not a time of day (want HH:MM, e.g. \"09:00\")", s)
	}
	*c = Clock(hh*3600 + mm*60)
	return nil
}

// String formats the clock time as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/3600, int(c)%3600/60) }

// MarshalText formats the clock time as HH:MM.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Unit is the unit of a rotation's handoff interval.
type Unit string

// Handoff interval units of a rotation layer (Every).
const (
	Hours  Unit = "h"
	Days   Unit = "d"
	Weeks  Unit = "w"
	Months Unit = "mo"
)

// Every is a rotation's handoff interval, written like "12h", "1d", "1w" or
// "1mo".
type Every struct {
	N    int
	Unit Unit
}

func (e *Every) parseScalar(s string) error {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return fmt.Errorf("%q is not an interval (want a number and a unit: h, d, w or mo, e.g. 1w)", s)
	}
	n, err := strconv.Atoi(s[:i])
	u := Unit(s[i:])
	if err != nil || n <= 0 || n > 10000 {
		return fmt.Errorf("%q: the number must be between 1 and 10000", s)
	}
	switch u {
	case Hours, Days, Weeks, Months:
	default:
		return fmt.Errorf("%q has unknown unit %q (want h, d, w or mo)", s, u)
	}
	*e = Every{n, u}
	return nil
}

// String formats the interval as written, e.g. "1w".
func (e Every) String() string { return strconv.Itoa(e.N) + string(e.Unit) }

// MarshalText formats the interval like String.
func (e Every) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Weekday is a day of the week written as its RFC 5545 two-letter code
// (MO, TU, WE, TH, FR, SA, SU).
type Weekday time.Weekday

var weekdayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func (w *Weekday) parseScalar(s string) error {
	for i, c := range weekdayCodes {
		if strings.EqualFold(s, c) {
			*w = Weekday(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not a weekday (want MO, TU, WE, TH, FR, SA or SU)", s)
}

// String returns the two-letter code.
func (w Weekday) String() string { return weekdayCodes[int(w)%7] }

// MarshalText returns the two-letter code.
func (w Weekday) MarshalText() ([]byte, error) { return []byte(w.String()), nil }
