package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// Stat summarises one duration (say, time to resolve) over a group of
// incidents. With N == 0, Mean, Median and P90 are zero and encode as null.
type Stat struct {
	// N is how many incidents had both times, in order.
	N int
	// Skipped is how many incidents of the group lacked one of the times
	// (or had them in the wrong order) and were left out.
	Skipped int
	// Mean and Median are rounded to the nearest second; P90 is the
	// nearest-rank 90th percentile, one of the observed values.
	Mean, Median, P90 time.Duration
}

// newStat summarises the durations ds, of which skipped more were missing.
func newStat(ds []time.Duration, skipped int) Stat {
	s := Stat{N: len(ds), Skipped: skipped}
	if len(ds) == 0 {
		return s
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	n := len(sorted)
	var sum float64
	for _, d := range sorted {
		sum += float64(d)
	}
	s.Mean = roundSecond(sum / float64(n))
	if n%2 == 1 {
		s.Median = roundSecond(float64(sorted[n/2]))
	} else {
		s.Median = roundSecond((float64(sorted[n/2-1]) + float64(sorted[n/2])) / 2)
	}
	s.P90 = sorted[nearestRank(90, n)-1]
	return s
}

// nearestRank returns the 1-based rank ⌈p/100 × n⌉ of the p-th percentile
// of n sorted values (at least 1). It works in integers, so 90% of 10 is
// exactly rank 9.
func nearestRank(p, n int) int {
	return max(1, (p*n+99)/100)
}

// roundSecond rounds nanoseconds to the nearest second (halves away from
// zero).
func roundSecond(ns float64) time.Duration {
	return time.Duration(math.Round(ns/float64(time.Second))) * time.Second
}

// seconds is a duration as whole seconds for JSON; nil encodes as null.
func seconds(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	s := int64(d.Round(time.Second) / time.Second)
	return &s
}

// MarshalJSON encodes the Stat as
// {"n":…,"skipped":…,"mean_seconds":…,"median_seconds":…,"p90_seconds":…}.
func (s Stat) MarshalJSON() ([]byte, error) {
	ok := s.N > 0
	return json.Marshal(struct {
		N       int    `json:"n"`
		Skipped int    `json:"skipped"`
		Mean    *int64 `json:"mean_seconds"`
		Median  *int64 `json:"median_seconds"`
		P90     *int64 `json:"p90_seconds"`
	}{s.N, s.Skipped, seconds(s.Mean, ok), seconds(s.Median, ok), seconds(s.P90, ok)})
}

// FormatDuration writes a duration for people, rounded to the minute:
// "45 min", "2 h 5 min", "3 h", "1 d 4 h" (days drop the minutes), "0 min".
func FormatDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	days, h, mins := m/(24*60), m%(24*60)/60, m%60
	var s string
	switch {
	case days > 0 && h > 0:
		s = fmt.Sprintf("%d d %d h", days, h)
	case days > 0:
		s = fmt.Sprintf("%d d", days)
	case h > 0 && mins > 0:
		s = fmt.Sprintf("%d h %d min", h, mins)
	case h > 0:
		s = fmt.Sprintf("%d h", h)
	default:
		s = fmt.Sprintf("%d min", mins)
	}
	if neg {
		s = "−" + s
	}
	return s
}

// FormatHours writes a duration as whole hours, e.g. "948 h".
func FormatHours(d time.Duration) string {
	return fmt.Sprintf("%d h", int64(math.Round(d.Hours())))
}
