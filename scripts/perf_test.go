package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// TestPerfScript runs perf.sh on a small generated repository, once per
// command, and checks that it times the three commands: a repository
// that stops validating, or a command that fails, stops the script.
func TestPerfScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds baton; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("perf.sh uses GNU time")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("/usr/bin/time is not installed")
	}
	work := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "sh", filepath.Join("scripts", "perf.sh"), "30", "1")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "WORK="+work)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("perf.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"validate", `imoc --json`, `schedule --days 365 --json`} {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `: [0-9.]+ s wall, [0-9.]+ s user, [0-9.]+ s sys, [0-9]+ KiB max RSS$`)
		if !re.Match(out) {
			t.Errorf("no timing of %s in:\n%s", name, out)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "repo-30", "baton.yaml")); err != nil {
		t.Errorf("the generated repository is not in WORK: %v", err)
	}
}
