package generator

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/schema"
)

// largeRepo returns a repository with n incidents over the two years before
// fixtureNow, every other one public and every other one with a postmortem.
func largeRepo(n int) fstest.MapFS {
	fsys := markerRepo()
	for k := range fsys {
		if len(k) > 10 && k[:10] == "incidents/" {
			delete(fsys, k)
		}
	}
	start := fixtureNow.Add(-2 * 365 * 24 * time.Hour)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		t := start.Add(time.Duration(i) * step).Truncate(time.Minute)
		id := fmt.Sprintf("%s-incident-%05d", t.Format("2006-01-02"), i)
		dir := fmt.Sprintf("incidents/%d/%s/", t.Year(), id)
		vis := "internal"
		if i%2 == 0 {
			vis = "public"
		}
		ts := func(d time.Duration) string { return t.Add(d).Format(time.RFC3339) }
		fsys[dir+"incident.md"] = &fstest.MapFile{Data: fmt.Appendf(nil, `---
title: Incident number %d with a longer title
severity: MKRSEV2
status: resolved
visibility: %s
imoc: mkr-imoc
owner: mkr-owner
components:
  - {id: api, impact: partial_outage}
  - {id: web, impact: degraded_performance}
started: %s
declared: %s
resolved: %s
updates:
  - {at: %s, status: investigating, message: We are looking into errors on the API.}
  - {at: %s, status: identified, message: We found the cause and are rolling back.}
  - {at: %s, status: resolved, message: The API works normally again.}
---
## What happened

Some *narrative* with a [link](https://example.com) and a list:

- one
- two
`, i, vis, ts(0), ts(5*time.Minute), ts(90*time.Minute), ts(10*time.Minute), ts(30*time.Minute), ts(90*time.Minute))}
		if i%4 < 2 {
			fsys[dir+"postmortem.md"] = &fstest.MapFile{Data: fmt.Appendf(nil, `---
status: published
visibility: %s
authors: [mkr-owner]
reviewers: [mkr-imoc]
approved: {by: mkr-imoc, at: %s}
action_items:
  - {id: AI-1, title: Add a canary, type: prevent, priority: P1, owner: mkr-owner, due: 2027-01-01, status: open, link: https://example.com/1}
summary: A configuration push broke the API.
---
## Summary
Text.
## Impact
| a | b |
|---|---|
| 1 | 2 |
## Timeline
## Contributing factors
## Action items
## Lessons learned
`, vis, ts(48*time.Hour))}
		}
	}
	return fsys
}

// BenchmarkBuild builds 2,500, 5,000 and 10,000 incidents (half of them
// with postmortems) for each audience:
//
//	go test -run '^$' -bench 'Build$' -benchmem ./generator/
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{2500, 5000, 10000} {
		repo, _ := schema.Load(b.Context(), largeRepo(n))
		if len(repo.Incidents) != n {
			b.Fatalf("loaded %d incidents, want %d", len(repo.Incidents), n)
		}
		for _, a := range []Audience{Public, Internal} {
			b.Run(fmt.Sprintf("%s/%d", a, n), func(b *testing.B) {
				for b.Loop() {
					site, err := Build(b.Context(), repo, Options{Now: fixtureNow, Audience: a})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(len(site.Files)), "files")
				}
			})
		}
	}
}

// BenchmarkBuildPeak measures what B/op cannot: the peak memory of a
// process that loads n incidents and builds the public and then the
// internal site, as `baton build` does twice. Each iteration runs that in a
// fresh child process (this test binary, running TestBuildPeakChild) and
// reports the child's peak resident set (VmHWM from /proc/self/status, the
// whole process: test binary, repository and both builds), the peak of
// runtime's heap-and-stacks memory, and the wall and CPU time of the two
// builds together (on a shared machine the CPU time is the steadier
// figure):
//
//	go test -run '^$' -bench BuildPeak -benchtime 3x ./generator/
func BenchmarkBuildPeak(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc/self/status (Linux)")
	}
	for _, n := range []int{2500, 5000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var hwm, sys, builds, cpu float64
			for b.Loop() {
				cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run", "^TestBuildPeakChild$", "-test.v")
				cmd.Env = append(os.Environ(), "BATON_PEAK_CHILD="+strconv.Itoa(n))
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("child: %v\n%s", err, out)
				}
				m := map[string]float64{}
				sc := bufio.NewScanner(bytes.NewReader(out))
				for sc.Scan() {
					if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok && strings.HasPrefix(k, "peak.") {
						m[k], _ = strconv.ParseFloat(v, 64)
					}
				}
				if m["peak.vmhwm_kb"] == 0 {
					b.Fatalf("child reported no peak:\n%s", out)
				}
				hwm = max(hwm, m["peak.vmhwm_kb"]/1024)
				sys = max(sys, m["peak.heap_sys_mb"])
				builds += m["peak.builds_ms"]
				cpu += m["peak.cpu_ms"]
			}
			b.ReportMetric(hwm, "peak-RSS-MB")
			b.ReportMetric(sys, "heap-sys-MB")
			b.ReportMetric(builds/float64(b.N), "builds-ms")
			b.ReportMetric(cpu/float64(b.N), "builds-cpu-ms")
		})
	}
}

// TestBuildPeakChild is the child process of BenchmarkBuildPeak; it does
// nothing unless BATON_PEAK_CHILD is set.
func TestBuildPeakChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("BATON_PEAK_CHILD"))
	if err != nil {
		t.Skip("run by BenchmarkBuildPeak")
	}
	repo, _ := schema.Load(t.Context(), largeRepo(n))
	if len(repo.Incidents) != n {
		t.Fatalf("loaded %d incidents, want %d", len(repo.Incidents), n)
	}
	var heapSys uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heapSys = max(heapSys, ms.HeapSys+ms.StackSys)
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start, cpuStart := time.Now(), cpu()
	for _, a := range []Audience{Public, Internal} {
		site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: a})
		if err != nil {
			t.Fatal(err)
		}
		sample()
		runtime.KeepAlive(site)
	}
	elapsed, cpuTime := time.Since(start), cpu()-cpuStart
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("peak.vmhwm_kb=%s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
		}
	}
	fmt.Printf("peak.heap_sys_mb=%.1f\npeak.builds_ms=%d\npeak.cpu_ms=%d\n", float64(heapSys)/(1<<20), elapsed.Milliseconds(), cpuTime.Milliseconds())
}

// pathologicalMarkdown returns inputs that made goldmark's time grow
// faster than their size (see mdlimits.go), each cut to n bytes.
func pathologicalMarkdown() []struct {
	name string
	gen  func(n int) string
} {
	rep := func(s string) func(int) string {
		return func(n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }
	}
	lines := func(f func(i int) string) func(int) string {
		return func(n int) string {
			var b strings.Builder
			for i := 0; b.Len() < n; i++ {
				b.WriteString(f(i))
			}
			return b.String()[:n]
		}
	}
	return []struct {
		name string
		gen  func(n int) string
	}{
		{"nested-quotes", rep(">")},
		{"nested-quotes-tabs", rep(">\t")},
		{"nested-lists", rep("+ ")},
		{"nested-ordered-lists", rep("1. ")},
		{"quote-list", rep("> - ")},
		{"unmatched-emphasis", rep("*a_")},
		{"unmatched-emphasis-2", rep("_a*")},
		{"nested-emphasis", rep("*_")},
		{"open-links", rep("[x](")},
		{"open-images", rep("![a](")},
		{"brackets", func(n int) string { return strings.Repeat("[", n/2) + strings.Repeat("]", n-n/2) }},
		{"code-span-openers", lines(func(i int) string { return strings.Repeat("`", i+1) + "a" })},
		{"footnote-refs", lines(func(i int) string { return fmt.Sprintf("[^%d]: x [^%d]\n", i, i+1) })},
		{"link-ref-defs", rep("[a]:b\n")},
		{"link-ref-defs-titles", rep("[a]:b\n(t\n")},
		{"same-headings", rep("# a\n")},
		{"wide-table", func(n int) string {
			c := n / 8
			return "|" + strings.Repeat("a|", c) + "\n|" + strings.Repeat("-|", c) + "\n" + strings.Repeat("|b|\n", n/2/4)
		}},
		{"long-table", func(n int) string { return "|a|b|\n|-|-|\n" + strings.Repeat("|x|y|\n", n/6) }},
		{"raw-html-tags", rep("<a\n")},
		{"lazy-lines", rep("> - a\nb\n")},
		{"realistic", func(n int) string {
			var b strings.Builder
			for i := 0; b.Len() < n; i++ {
				fmt.Fprintf(&b, "## Section %d\n\nThe *config* push at **14:%02d** reached `eu-west-1`; see [the dashboard](https://grafana.example/d/%d).\n\n- item one\n- item two with ~~old~~ new text\n\n| step | time |\n|---|---|\n| deploy | 14:%02d |\n\n", i, i%60, i, i%60)
			}
			return b.String()[:n]
		}},
	}
}

// BenchmarkMarkdownPathological renders each pathological input through
// the renderer alone, without the size limit that validate and render
// apply, to show that its time stays linear in the input:
//
//	go test -run '^$' -bench MarkdownPathological -benchtime 1x ./generator/
//
// It reports wall time (ns/op) and the process's CPU time (cpu-ms/op,
// garbage collection included). BATON_MD_SIZES (default "256K,1M,4M") sets the sizes, e.g. "64K,128K"
// for a quick look.
func BenchmarkMarkdownPathological(b *testing.B) {
	sizes := []int{256 << 10, 1 << 20, 4 << 20}
	if env := os.Getenv("BATON_MD_SIZES"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			mult := 1
			switch {
			case strings.HasSuffix(f, "K"):
				mult, f = 1<<10, strings.TrimSuffix(f, "K")
			case strings.HasSuffix(f, "M"):
				mult, f = 1<<20, strings.TrimSuffix(f, "M")
			}
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatalf("BATON_MD_SIZES: %v", err)
			}
			sizes = append(sizes, n*mult)
		}
	}
	md := newMarkdown()
	for _, tc := range pathologicalMarkdown() {
		for _, n := range sizes {
			src := tc.gen(n)
			b.Run(fmt.Sprintf("%s/%dK", tc.name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				cpu0 := processCPU(b)
				for b.Loop() {
					if _, err := md.convert(src, ""); err != nil {
						b.Fatal(err)
					}
				}
				// On a shared machine CPU time is steadier than wall time.
				b.ReportMetric(float64((processCPU(b)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// processCPU returns the user and system CPU time of this process.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMarkdownForce renders a 4 MiB pathological postmortem through
// render, as `baton build --force` does: it is refused with a note.
func BenchmarkMarkdownForce(b *testing.B) {
	md := newMarkdown()
	src := strings.Repeat(">", 4<<20)
	for b.Loop() {
		out, err := md.render(src, "")
		if err != nil || !strings.Contains(string(out), "not shown") {
			b.Fatalf("render: %v %q", err, out)
		}
	}
}
