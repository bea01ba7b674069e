package schema

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/internal/synth"
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

// BenchmarkLoad measures Load plus CheckPolicy on 1,000 and 10,000
// incidents written to a real folder, read through os.Root as the CLI
// does. (fstest.MapFS is not used: its ReadDir scans every file, which
// would make the benchmark itself quadratic.) Two repositories:
//
//   - test: the rule tests' repository (4 people) with generated incidents,
//     one in two with an internal postmortem;
//   - synth: package synth's organisation (40 people, 60% of the incidents
//     with a postmortem, half of them public, so that the checks on public
//     text run), closer to a real repository of that size.
//
// Run it with
//
//	go test ./schema -run '^$' -bench 'Load$' -benchtime 5x
func BenchmarkLoad(b *testing.B) {
	for _, kind := range []string{"test", "synth"} {
		for _, n := range []int{1000, 10000} {
			src, want := syntheticRepo(n), n+1
			if kind == "synth" {
				src, want = synth.Repo(n), n
			}
			fsys := benchDir(b, src)
			b.Run(fmt.Sprintf("repo=%s/incidents=%d", kind, n), func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					repo, ps := Load(b.Context(), fsys)
					ps = append(ps, CheckPolicy(repo, testNow)...)
					if len(repo.Incidents) != want || ps.HasErrors() {
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
}

// BenchmarkLoadRotations measures LoadRotations, what imoc and schedule
// load, on package synth's repository of 10,000 incidents: it reads
// baton.yaml, people.yaml and rotations/ and none of the incidents.
//
//	go test ./schema -run '^$' -bench 'LoadRotations$'
func BenchmarkLoadRotations(b *testing.B) {
	fsys := benchDir(b, synth.Repo(10000))
	b.ReportAllocs()
	for b.Loop() {
		repo, ps := LoadRotations(b.Context(), fsys)
		if len(repo.Rotations) != 2 || len(repo.People) != synth.People || len(ps) > 0 {
			b.Fatalf("loaded %d rotations, %d people, problems:\n%s", len(repo.Rotations), len(repo.People), ps.text())
		}
	}
}

// benchDir writes src to a temporary folder and returns it as os.Root's
// fs.FS, which the CLI reads repositories through.
func benchDir(b *testing.B, src fs.FS) fs.FS {
	b.Helper()
	dir := b.TempDir()
	if err := os.CopyFS(dir, src); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root.FS()
}

// cpuTime returns the user and system CPU time used by this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
