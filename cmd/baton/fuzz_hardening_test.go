package main

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzFolderRedirect: whatever the cleaned request path, a redirect that
// serve emits stays on the site: a path with one leading slash, which a
// URL parser reads as having no scheme and no host.
func FuzzFolderRedirect(f *testing.F) {
	for _, s := range []string{"incidents", "/evil.example", `\evil.example`, "evil.example/..", "a b/ü", "%2F", "\t/x", ":x", "http:/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		loc, ok := folderRedirect(name)
		if !ok {
			return
		}
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) || strings.ContainsAny(loc, "\\\t\r\n") {
			t.Fatalf("%q redirects to %q", name, loc)
		}
		u, err := url.Parse(loc)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
			t.Fatalf("%q redirects to %q, which parses as %#v (%v)", name, loc, u, err)
		}
	})
}

// FuzzParseInstant: an accepted instant lies in the supported range and
// formats back as RFC 3339 with a four-digit year, also a year on.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"2026-11-20T14:03:00Z", "0001-01-01T00:00:00Z", "9998-12-31T23:59:59-14:00", "1900-01-01T00:00:00+01:00", "10000-01-01T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ts, err := parseInstant("--now", v)
		if err != nil {
			return
		}
		if ts.Before(firstInstant()) || !ts.Before(endInstant()) {
			t.Fatalf("%q accepted as %v, out of range", v, ts)
		}
		for _, u := range []time.Time{ts, ts.AddDate(0, 0, maxScheduleDays/10)} {
			s := u.UTC().Format(time.RFC3339)
			if back, err := time.Parse(time.RFC3339, s); err != nil || !back.Equal(u) {
				t.Fatalf("%q: %s does not parse back (%v)", v, s, err)
			}
		}
	})
}
