package generator

import (
	"bytes"
	"testing"
)

// TestNoZeroTimes: a time that is not set (an open incident's resolution,
// an unscheduled field) is left out, never shown as 1 January of year 1.
func TestNoZeroTimes(t *testing.T) {
	repo := loadFixture(t)
	for _, a := range []Audience{Public, Internal} {
		site := build(t, repo, a)
		for _, p := range site.Paths() {
			for _, bad := range []string{"0001-01-01", "Jan 0001", "00010101"} {
				if bytes.Contains(site.Files[p], []byte(bad)) {
					t.Errorf("%s: %s shows a zero time (%s)", a, p, bad)
				}
			}
		}
	}
}
