package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveVersion(t *testing.T) {
	const sha = "0123abcdef0123abcdef0123abcdef0123abcdef"
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: time},
			{Key: "vcs.modified", Value: modified},
		}
	}
	platform := func(v versionInfo) versionInfo {
		v.OS, v.Arch = runtime.GOOS, runtime.GOARCH
		if v.Go == "" {
			v.Go = runtime.Version()
		}
		return v
	}
	tests := []struct {
		name     string
		ld       linkInfo
		bi       *debug.BuildInfo
		want     versionInfo
		wantLine string
	}{
		{
			name: "release build: the linked values win over the build info",
			ld:   linkInfo{version: "1.2.3", commit: sha, date: "2026-12-01T09:30:00Z", treeState: "clean"},
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v9.9.9"},
				Settings: vcs("ffffffffffffffffffffffffffffffffffffffff", "2020-01-01T00:00:00Z", "true")},
			want:     versionInfo{Version: "1.2.3", Commit: sha, Date: "2026-12-01T09:30:00Z", Go: "go1.26.8"},
			wantLine: "baton 1.2.3 (commit 0123abc, 2026-12-01T09:30:00Z)",
		},
		{
			name:     "release build of a dirty tree (a snapshot)",
			ld:       linkInfo{version: "v0.0.0-SNAPSHOT-0123abc", commit: sha, date: "2026-12-01T09:30:00Z", treeState: "dirty"},
			want:     versionInfo{Version: "0.0.0-SNAPSHOT-0123abc", Commit: sha, Date: "2026-12-01T09:30:00Z", Dirty: true},
			wantLine: "baton 0.0.0-SNAPSHOT-0123abc (commit 0123abc-dirty, 2026-12-01T09:30:00Z)",
		},
		{
			name: "go install module@v1.2.3: module version, no VCS",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/batonhq/baton", Version: "v1.2.3"}},
			want: versionInfo{Version: "1.2.3", Go: "go1.26.8"},
			// nothing else is known, so no parenthesis
			wantLine: "baton 1.2.3",
		},
		{
			name: "go build in a git checkout: pseudo-version and VCS settings",
			bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261127122927-0123abcdef01+dirty"},
				Settings: vcs(sha, "2026-11-27T12:29:27Z", "true")},
			want:     versionInfo{Version: "0.0.0-20261127122927-0123abcdef01+dirty", Commit: sha, Date: "2026-11-27T12:29:27Z", Dirty: true},
			wantLine: "baton 0.0.0-20261127122927-0123abcdef01+dirty (commit 0123abc-dirty, 2026-11-27T12:29:27Z)",
		},
		{
			name:     "go run without VCS stamping",
			bi:       &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want:     versionInfo{Version: "devel"},
			wantLine: "baton devel",
		},
		{
			name:     "devel with a revision but no time",
			bi:       &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}},
			want:     versionInfo{Version: "devel", Commit: "abc"},
			wantLine: "baton devel (commit abc)",
		},
		{
			name:     "no build information at all",
			want:     versionInfo{Version: "devel"},
			wantLine: "baton devel",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveVersion(tt.ld, tt.bi)
			if diff := cmp.Diff(platform(tt.want), got); diff != "" {
				t.Errorf("resolveVersion (-want +got):\n%s", diff)
			}
			if line := got.String(); line != tt.wantLine {
				t.Errorf("String() = %q, want %q", line, tt.wantLine)
			}
		})
	}
}

// TestVersionJSON pins the field names of `baton version --json`: scripts
// rely on them.
func TestVersionJSON(t *testing.T) {
	var out bytes.Buffer
	o := &versionOptions{globals: &globals{env: &env{stdout: &out}}, json: true}
	v := versionInfo{Version: "1.2.3", Commit: "0123abc", Date: "2026-12-01T09:30:00Z", Dirty: true, Go: "go1.26.8", OS: "linux", Arch: "arm64"}
	if err := o.run(v); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	want := map[string]any{
		"version": "1.2.3", "commit": "0123abc", "date": "2026-12-01T09:30:00Z", "dirty": true,
		"go": "go1.26.8", "os": "linux", "arch": "arm64",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}
