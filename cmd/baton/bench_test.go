package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/synth"
)

var (
	largeRepoDir = flag.String("large-repo", "", "TestWriteLargeRepo writes a synthetic repository into `DIR` (which must not exist)")
	largeRepoN   = flag.Int("large-repo-n", 10000, "how many incidents TestWriteLargeRepo generates")
)

// TestWriteLargeRepo writes a synthetic repository (package synth) to disk
// for measuring the CLI, and does nothing without -large-repo:
//
//	go test ./cmd/baton -run TestWriteLargeRepo -large-repo /tmp/r10k -large-repo-n 10000
//
// scripts/perf.sh uses it.
func TestWriteLargeRepo(t *testing.T) {
	if *largeRepoDir == "" {
		t.Skip("pass -large-repo DIR to write a synthetic repository")
	}
	if _, err := os.Stat(*largeRepoDir); err == nil {
		t.Fatalf("%s exists; pass a new folder", *largeRepoDir)
	}
	if err := os.CopyFS(*largeRepoDir, synth.Repo(*largeRepoN)); err != nil {
		t.Fatal(err)
	}
}

// benchRepo writes a synthetic repository of n incidents to a temporary
// folder.
func benchRepo(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if err := os.CopyFS(dir, synth.Repo(n)); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchCommand runs baton with args in this process, b.N times, and fails
// unless it exits 0 and prints want (when not empty) somewhere in its
// output. It reports the CPU time per run of all threads, steadier than
// wall time on a shared machine.
func benchCommand(b *testing.B, want string, args ...string) {
	b.Helper()
	b.ReportAllocs()
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }, now: time.Now}
	cpu0 := cpuTime()
	for b.Loop() {
		out.Reset()
		if code := run(b.Context(), args, e); code != 0 {
			b.Fatalf("baton %s exited %d:\n%s", strings.Join(args, " "), code, truncateOutput(out.String()))
		}
		if want != "" && !strings.Contains(out.String(), want) {
			b.Fatalf("baton %s printed no %q:\n%s", strings.Join(args, " "), want, truncateOutput(out.String()))
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

func truncateOutput(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// cpuTime returns the user and system CPU time used by this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkValidate runs `baton validate` on synthetic repositories of
// 1,000 and 10,000 incidents (package synth: 40 people, 60% with
// postmortems, half public):
//
//	go test ./cmd/baton -run '^$' -bench 'Validate$' -benchtime 5x
func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := benchRepo(b, n)
		b.Run(fmt.Sprintf("incidents=%d", n), func(b *testing.B) {
			benchCommand(b, "", "--repo", dir, "--now", synth.NowFlag, "validate")
		})
	}
}

// BenchmarkRotationCommands runs `baton imoc --json` and `baton schedule
// --days 365 --json`, which need rotations and people only, on a synthetic
// repository of 10,000 incidents:
//
//	go test ./cmd/baton -run '^$' -bench 'RotationCommands$'
func BenchmarkRotationCommands(b *testing.B) {
	dir := benchRepo(b, 10000)
	b.Run("imoc", func(b *testing.B) {
		benchCommand(b, `"rotation": "imoc-platform"`, "--repo", dir, "--now", synth.NowFlag, "imoc", "--json")
	})
	b.Run("schedule", func(b *testing.B) {
		benchCommand(b, `"rotation": "imoc-global"`, "--repo", dir, "--now", synth.NowFlag, "schedule", "--days", "365", "--json")
	})
}
