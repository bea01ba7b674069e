package schema

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// syntheticRepo returns the test repository plus n generated incidents, one
// in two with a postmortem.
func syntheticRepo(n int) fstest.MapFS {
	fsys := testRepo()
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		day := start.Add(time.Duration(i) * 7 * time.Hour)
		id := fmt.Sprintf("%s-incident-%05d", day.Format("2006-01-02"), i)
		dir := fmt.Sprintf("incidents/%d/%s/", day.Year(), id)
		inc := strings.ReplaceAll(testIncident, "2026-01-10", day.Format("2006-01-02"))
		fsys[dir+"incident.md"] = &fstest.MapFile{Data: []byte(inc + strings.Repeat("More narrative about what we saw and did.\n", 20))}
		if i%2 == 0 {
			pm := strings.ReplaceAll(testPostmortem, "2026-01-12", day.AddDate(0, 0, 2).Format("2006-01-02"))
			fsys[dir+"postmortem.md"] = &fstest.MapFile{Data: []byte(pm + strings.Repeat("The configuration service accepted the change and pushed it to every region.\n", 30))}
		}
	}
	return fsys
}

// BenchmarkLoad measures Load plus CheckPolicy on 10,000 incidents (half
// with postmortems) written to a real folder, read through os.Root as the
// CLI does. (fstest.MapFS is not used: its ReadDir scans every file, which
// would make the benchmark itself quadratic.) Target: under 0.5 s on a
// 2-core machine.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		if err := os.CopyFS(dir, syntheticRepo(n)); err != nil {
			b.Fatal(err)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer root.Close()
		fsys := root.FS()
		b.Run(fmt.Sprintf("incidents=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				repo, ps := Load(b.Context(), fsys)
				ps = append(ps, CheckPolicy(repo, testNow)...)
				if len(repo.Incidents) != n+1 || ps.HasErrors() {
					b.Fatalf("loaded %d incidents, problems:\n%s", len(repo.Incidents), ps[:min(len(ps), 5)].text())
				}
			}
			// CPU time per load, all threads: on a shared, noisy machine it
			// is steadier than wall time (which is about cpu-s/op ÷ cores on
			// an idle machine, as loading is parallel).
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime returns the user and system CPU time used by this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
