package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by the release build (.goreleaser.yaml) with
//
//	-X main.version=1.2.3 -X main.commit=<full hash> -X main.date=<RFC 3339>
//	-X main.treeState=clean|dirty
//
// They are link-time constants: nothing assigns them at run time. A build
// without them (go install, go run, go build) reports what the Go toolchain
// recorded instead (see readVersion).
var (
	version   string
	commit    string
	date      string
	treeState string
)

// linkInfo is what the release build linked into the binary.
type linkInfo struct {
	version, commit, date, treeState string
}

// versionInfo says which Baton this is. Its JSON form is what
// `baton version --json` prints; the field names are stable.
type versionInfo struct {
	// Version is the release version without a leading "v" (1.2.3), the
	// module version of a `go install …@v1.2.3` build, a Go pseudo-version
	// for a build from a git checkout, or "devel" when nothing is known.
	Version string `json:"version"`
	// Commit is the full git commit hash, or "" when unknown.
	Commit string `json:"commit"`
	// Date is the commit's time in RFC 3339 (UTC), or "" when unknown. It
	// is the commit's time, not the build's, so that builds are reproducible.
	Date string `json:"date"`
	// Dirty is true when the binary was built from a working tree with
	// uncommitted changes.
	Dirty bool `json:"dirty"`
	// Go is the Go toolchain that built the binary, e.g. go1.26.8.
	Go string `json:"go"`
	// OS and Arch are the platform the binary runs on (GOOS, GOARCH).
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// readVersion describes the running binary.
func readVersion() versionInfo {
	bi, _ := debug.ReadBuildInfo()
	return resolveVersion(linkInfo{version, commit, date, treeState}, bi)
}

// resolveVersion prefers what the release build linked in; otherwise it uses
// the build information the Go toolchain records (bi may be nil): the main
// module's version and the vcs.revision, vcs.time and vcs.modified settings.
func resolveVersion(ld linkInfo, bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi != nil && bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	if ld.version != "" {
		v.Version = strings.TrimPrefix(ld.version, "v")
		v.Commit = ld.commit
		v.Date = ld.date
		v.Dirty = ld.treeState == "dirty"
		return v
	}
	if bi != nil {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v.Version = strings.TrimPrefix(mv, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Dirty = s.Value == "true"
			}
		}
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	return v
}

// String is the line `baton version` and `baton --version` print:
//
//	baton 1.2.3 (commit 0123abc, 2026-12-01T09:30:00Z)
//
// The commit is abbreviated to 7 characters and gets "-dirty" for a build
// from a modified working tree; the parenthesis leaves out what is unknown
// and is absent when nothing is.
func (v versionInfo) String() string {
	var extra []string
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 7 {
			c = c[:7]
		}
		if v.Dirty {
			c += "-dirty"
		}
		extra = append(extra, "commit "+c)
	}
	if v.Date != "" {
		extra = append(extra, v.Date)
	}
	if len(extra) == 0 {
		return "baton " + v.Version
	}
	return "baton " + v.Version + " (" + strings.Join(extra, ", ") + ")"
}

type versionOptions struct {
	*globals
	json bool
}

func newVersionCmd(g *globals) *cobra.Command {
	o := &versionOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print Baton's version, commit and date",
		Long: `Version prints one line, the same as ` + "`baton --version`" + `:

  baton 1.2.3 (commit 0123abc, 2026-12-01T09:30:00Z)

The date is the commit's time. A release binary reports its release; a
binary from ` + "`go install`" + ` reports the module version, and one built from a git
checkout the commit it was built from ("-dirty" when the working tree had
changes). "devel" means the build recorded no version.

--json prints {"version", "commit", "date", "dirty", "go", "os", "arch"},
with the full commit hash; unknown values are empty strings.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(readVersion())
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON object")
	return cmd
}

func (o *versionOptions) run(v versionInfo) error {
	if o.json {
		enc := json.NewEncoder(o.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return failuref("writing output: %w", err)
		}
		return nil
	}
	if _, err := fmt.Fprintln(o.stdout, v); err != nil {
		return failuref("writing output: %w", err)
	}
	return nil
}
