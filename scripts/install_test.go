// Package scripts holds the tests of the repository's shell scripts; it has
// no code of its own. install-baton.sh is the GitHub Action's download-and-
// verify step: the tests serve fake releases over a local HTTP server and
// map refs to releases through a git repository on disk. perf.sh times the
// CLI on a generated repository.
package scripts

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// platforms are the release's targets, as the runner names them and as the
// archives name them.
var platforms = []struct{ runnerOS, runnerArch, goos, goarch string }{
	{"Linux", "X64", "linux", "amd64"},
	{"Linux", "ARM64", "linux", "arm64"},
	{"macOS", "X64", "darwin", "amd64"},
	{"macOS", "ARM64", "darwin", "arm64"},
	{"Windows", "X64", "windows", "amd64"},
	{"Windows", "ARM64", "windows", "arm64"},
}

// requireTools fails the test on CI and skips it elsewhere when a tool the
// script needs is missing.
func requireTools(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake binaries are shell scripts; run these tests on Linux or macOS")
	}
	for _, tool := range []string{"bash", "curl", "tar", "unzip", "git", "awk", "sort"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; the install script's test needs it on CI", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	_, err1 := exec.LookPath("sha256sum")
	_, err2 := exec.LookPath("shasum")
	if err1 != nil && err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("neither sha256sum nor shasum is installed")
		}
		t.Skip("neither sha256sum nor shasum is installed")
	}
}

// fakeBinary is the script that stands in for baton in an archive: it
// prints which archive it came from.
func fakeBinary(tag, goos, goarch string) []byte {
	return fmt.Appendf(nil, "#!/bin/sh\necho \"fake baton %s %s/%s $*\"\n", tag, goos, goarch)
}

func tarGz(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range sortedKeys(files) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipFile(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644) // as on Windows: the script must make it executable
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// release is one fake release's assets by name, laid out as GoReleaser
// publishes them (.goreleaser.yaml).
type release map[string][]byte

func archiveName(tag, goos, goarch string) string {
	ext := "tar.gz"
	if goos == "windows" {
		ext = "zip"
	}
	return fmt.Sprintf("baton_%s_%s_%s.%s", strings.TrimPrefix(tag, "v"), goos, goarch, ext)
}

func checksumsName(tag string) string {
	return fmt.Sprintf("baton_%s_checksums.txt", strings.TrimPrefix(tag, "v"))
}

// newRelease builds the archives of every platform and their checksums file.
func newRelease(t *testing.T, tag string) release {
	t.Helper()
	r := release{}
	for _, p := range platforms {
		files := map[string][]byte{"README.md": []byte("# Baton\n"), "LICENSE": []byte("license\n")}
		if p.goos == "windows" {
			files["baton.exe"] = fakeBinary(tag, p.goos, p.goarch)
			r[archiveName(tag, p.goos, p.goarch)] = zipFile(t, files)
		} else {
			files["baton"] = fakeBinary(tag, p.goos, p.goarch)
			r[archiveName(tag, p.goos, p.goarch)] = tarGz(t, files)
		}
	}
	r.writeChecksums(tag)
	return r
}

// writeChecksums writes the checksums file of every asset but itself, in
// sha256sum's format.
func (r release) writeChecksums(tag string) {
	var b strings.Builder
	for _, name := range sortedKeys(r) {
		if name == checksumsName(tag) {
			continue
		}
		sum := sha256.Sum256(r[name])
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	r[checksumsName(tag)] = []byte(b.String())
}

// server serves releases under /download/<tag>/<name> and records every
// request.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	releases map[string]release
	requests []string
}

func newServer(t *testing.T, releases map[string]release) *server {
	s := &server{releases: releases}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path)
		s.mu.Unlock()
		tag, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/download/"), "/")
		if data, found := s.releases[tag][name]; ok && found && r.Method == http.MethodGet {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) takeRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

// result is what one run of the script did.
type result struct {
	code           int
	stdout, stderr string
	outputs        map[string]string // GITHUB_OUTPUT
	installDir     string
}

// installed lists the install folder (nil when it does not exist).
func (r result) installed(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(r.installDir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// run runs install-baton.sh with a clean environment plus env.
func run(t *testing.T, env map[string]string) result {
	t.Helper()
	dir := t.TempDir()
	res := result{installDir: filepath.Join(dir, "bin"), outputs: map[string]string{}}
	outFile := filepath.Join(dir, "github_output")
	if err := os.WriteFile(outFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PATH":                os.Getenv("PATH"),
		"HOME":                dir,
		"TMPDIR":              dir,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL":   os.DevNull,
		"BATON_INSTALL_DIR":   res.installDir,
		"GITHUB_OUTPUT":       outFile,
		"RUNNER_OS":           "Linux",
		"RUNNER_ARCH":         "X64",
	}
	for k, v := range env {
		vars[k] = v
	}
	cmd := exec.Command("bash", "install-baton.sh")
	for _, k := range sortedKeys(vars) {
		if vars[k] != "<unset>" {
			cmd.Env = append(cmd.Env, k+"="+vars[k])
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res.stdout, res.stderr = stdout.String(), stderr.String()
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running the script: %v", err)
	}
	out, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			res.outputs[k] = v
		}
	}
	t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	return res
}

// TestInstallPicksArchive: for every runner OS and architecture the script
// downloads exactly that platform's archive and the checksums file,
// verifies, installs a runnable binary and reports it.
func TestInstallPicksArchive(t *testing.T) {
	requireTools(t)
	const tag = "v1.2.3"
	srv := newServer(t, map[string]release{tag: newRelease(t, tag)})
	for _, p := range platforms {
		t.Run(p.runnerOS+"-"+p.runnerArch, func(t *testing.T) {
			res := run(t, map[string]string{
				"BATON_ACTION_REF":   tag,
				"BATON_RELEASES_URL": srv.URL + "/download",
				"RUNNER_OS":          p.runnerOS,
				"RUNNER_ARCH":        p.runnerArch,
			})
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, res.stderr)
			}
			wantReq := []string{"/download/v1.2.3/baton_1.2.3_checksums.txt", "/download/v1.2.3/" + archiveName(tag, p.goos, p.goarch)}
			if diff := cmp.Diff(wantReq, srv.takeRequests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]string{"installed": "true", "tag": tag}, res.outputs); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
			bin := "baton"
			if p.goos == "windows" {
				bin = "baton.exe"
			}
			if diff := cmp.Diff([]string{bin}, res.installed(t)); diff != "" {
				t.Fatalf("installed files (-want +got):\n%s", diff)
			}
			out, err := exec.Command(filepath.Join(res.installDir, bin), "version").Output()
			if err != nil {
				t.Fatalf("the installed binary does not run: %v", err)
			}
			if want := fmt.Sprintf("fake baton %s %s/%s version\n", tag, p.goos, p.goarch); string(out) != want {
				t.Errorf("installed binary prints %q, want %q", out, want)
			}
			if want := fmt.Sprintf("installed fake baton %s %s/%s --version into ", tag, p.goos, p.goarch); !strings.Contains(res.stderr, want) {
				t.Errorf("stderr lacks %q", want)
			}
		})
	}
}

// TestInstallRefusesUnverified: a release whose archive does not match its
// checksums file, or whose checksums file has no exact line for the
// archive, fails the step and installs nothing.
func TestInstallRefusesUnverified(t *testing.T) {
	requireTools(t)
	const tag = "v1.2.3"
	const linux = "baton_1.2.3_linux_amd64.tar.gz"
	evil := tarGz(t, map[string][]byte{"baton": []byte("#!/bin/sh\necho evil\n")})

	tests := []struct {
		name       string
		tamper     func(r release)
		wantStderr []string
	}{
		{
			name:   "archive replaced after the checksums were published",
			tamper: func(r release) { r[linux] = evil },
			wantStderr: []string{
				"install-baton: error: checksum mismatch for " + linux + " of release v1.2.3: the checksums file says ",
				"; refusing to install it\n",
				"install-baton: hint: the download was corrupted or tampered with",
			},
		},
		{
			name: "archive truncated",
			tamper: func(r release) {
				r[linux] = r[linux][:len(r[linux])/2]
			},
			wantStderr: []string{"install-baton: error: checksum mismatch for " + linux},
		},
		{
			name: "archive and checksums both replaced, but only another archive's line fits",
			tamper: func(r release) {
				sum := sha256.Sum256(evil)
				r[linux] = evil
				// the evil hash is listed, but under a name that only
				// contains the archive's
				r[checksumsName(tag)] = append(r[checksumsName(tag)], fmt.Sprintf("%x  %s.sig\n", sum, linux)...)
			},
			wantStderr: []string{"install-baton: error: checksum mismatch for " + linux},
		},
		{
			name: "no line for the archive",
			tamper: func(r release) {
				var kept []string
				for _, line := range strings.SplitAfter(string(r[checksumsName(tag)]), "\n") {
					if !strings.HasSuffix(strings.TrimSpace(line), "  "+linux) {
						kept = append(kept, line)
					}
				}
				sum := sha256.Sum256(r[linux])
				// a look-alike name must not count as the archive's line
				kept = append(kept, fmt.Sprintf("%x  other/%s\n", sum, linux))
				r[checksumsName(tag)] = []byte(strings.Join(kept, ""))
			},
			wantStderr: []string{
				"install-baton: error: baton_1.2.3_checksums.txt of release v1.2.3 has no line for " + linux + "; refusing to install it\n",
				"install-baton: hint: the release is incomplete or was tampered with",
			},
		},
		{
			name: "two lines for the archive",
			tamper: func(r release) {
				r[checksumsName(tag)] = append(r[checksumsName(tag)], fmt.Sprintf("%064x  %s\n", 0, linux)...)
			},
			wantStderr: []string{"has more than one line for " + linux},
		},
		{
			name:       "empty checksums file",
			tamper:     func(r release) { r[checksumsName(tag)] = nil },
			wantStderr: []string{"has no line for " + linux},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRelease(t, tag)
			tt.tamper(r)
			srv := newServer(t, map[string]release{tag: r})
			res := run(t, map[string]string{"BATON_ACTION_REF": tag, "BATON_RELEASES_URL": srv.URL + "/download"})
			if res.code != 1 {
				t.Errorf("exit %d, want 1", res.code)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
			if got := res.installed(t); got != nil {
				t.Errorf("installed %v, want nothing", got)
			}
			if diff := cmp.Diff(map[string]string{}, res.outputs); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInstallFallsBackToSource: without a release to use, the script
// installs nothing, says why, exits 0 and reports installed=false so the
// action builds from source.
func TestInstallFallsBackToSource(t *testing.T) {
	requireTools(t)
	const tag = "v1.2.3"
	srv := newServer(t, map[string]release{tag: newRelease(t, tag)})
	repo := newTagRepo(t, nil)
	tests := []struct {
		name       string
		env        map[string]string
		wantStderr string
		wantReq    []string
	}{
		{"no action ref (uses: ./)", map[string]string{"BATON_ACTION_REF": ""}, "no action ref", nil},
		{"unset action ref", map[string]string{"BATON_ACTION_REF": "<unset>"}, "no action ref", nil},
		{"a branch", map[string]string{"BATON_ACTION_REF": "main"}, "'main' is not a tag of", nil},
		{"an untagged commit", map[string]string{"BATON_ACTION_REF": strings.Repeat("ab", 20)}, "no release tag points at the commit of", nil},
		{"a 32-bit runner", map[string]string{"BATON_ACTION_REF": tag, "RUNNER_ARCH": "X86"}, "no release archive for the runner architecture 'X86'", nil},
		{"an unknown OS", map[string]string{"BATON_ACTION_REF": tag, "RUNNER_OS": "Plan9"}, "no release archive for the runner OS 'Plan9'", nil},
		{"a tag without a release", map[string]string{"BATON_ACTION_REF": "v9.9.9"}, "could not download " + srv.URL + "/download/v9.9.9/baton_9.9.9_checksums.txt",
			[]string{"/download/v9.9.9/baton_9.9.9_checksums.txt"}},
		{"the repository cannot be reached", map[string]string{"BATON_ACTION_REF": "v1", "BATON_REPO_URL": filepath.Join(t.TempDir(), "missing.git")}, "could not list the tags of", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"BATON_RELEASES_URL": srv.URL + "/download", "BATON_REPO_URL": repo.dir}
			for k, v := range tt.env {
				env[k] = v
			}
			res := run(t, env)
			if res.code != 0 {
				t.Fatalf("exit %d, want 0", res.code)
			}
			if !strings.Contains(res.stderr, tt.wantStderr) || !strings.Contains(res.stderr, "the action builds baton from source") {
				t.Errorf("stderr lacks %q and the fallback:\n%s", tt.wantStderr, res.stderr)
			}
			if diff := cmp.Diff(map[string]string{"installed": "false"}, res.outputs); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
			if got := res.installed(t); got != nil {
				t.Errorf("installed %v, want nothing", got)
			}
			if diff := cmp.Diff(tt.wantReq, srv.takeRequests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// tagRepo is a bare git repository on disk with commits and tags, standing
// in for github.com/batonhq/baton.
type tagRepo struct {
	dir     string
	commits []string // hashes, oldest first
}

// newTagRepo makes three commits; tags maps a tag name to the index of the
// commit it points at (names ending in "+a" are annotated, without the
// suffix).
func newTagRepo(t *testing.T, tags map[string]int) tagRepo {
	t.Helper()
	work := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	var r tagRepo
	for i := range 3 {
		git("commit", "-q", "--allow-empty", "-m", fmt.Sprintf("commit %d", i))
		r.commits = append(r.commits, git("rev-parse", "HEAD"))
	}
	for _, name := range sortedKeys(tags) {
		if base, ok := strings.CutSuffix(name, "+a"); ok {
			git("tag", "-a", "-m", "release "+base, base, r.commits[tags[name]])
		} else {
			git("tag", name, r.commits[tags[name]])
		}
	}
	r.dir = filepath.Join(t.TempDir(), "baton.git")
	git("clone", "-q", "--bare", work, r.dir)
	return r
}

// TestInstallResolvesRef: a moving tag (v1) or a commit hash uses the
// release whose exact version tag points at the same commit.
func TestInstallResolvesRef(t *testing.T) {
	requireTools(t)
	repo := newTagRepo(t, map[string]int{
		"v1.2.2+a":     0,
		"v1.2.3-rc.1":  1,
		"v1.2.3+a":     1, // annotated: ls-remote lists the tag object and the peeled commit
		"v1":           1,
		"v1.3.0-rc.1":  2,
		"v1-beta":      2,
		"not-a-semver": 0,
		"v9x9x9":       0, // not a version: the dots in the pattern are literal
		"v1.2.2.1":     0, // not a version either
	})
	releases := map[string]release{}
	for _, tag := range []string{"v1.2.2", "v1.2.3-rc.1", "v1.2.3", "v1.3.0-rc.1"} {
		releases[tag] = newRelease(t, tag)
	}
	srv := newServer(t, releases)
	tests := []struct {
		name, ref, wantTag string
	}{
		{"an exact version is used as it is", "v1.2.2", "v1.2.2"},
		{"a moving major tag: the final release on its commit, not the release candidate", "v1", "v1.2.3"},
		{"a commit hash of a release", repo.commits[1], "v1.2.3"},
		{"a commit with only a pre-release", repo.commits[2], "v1.3.0-rc.1"},
		{"another tag on a pre-release's commit", "v1-beta", "v1.3.0-rc.1"},
		{"an annotated release's commit", repo.commits[0], "v1.2.2"},
		{"a non-version tag", "not-a-semver", "v1.2.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, map[string]string{
				"BATON_ACTION_REF":   tt.ref,
				"BATON_RELEASES_URL": srv.URL + "/download",
				"BATON_REPO_URL":     repo.dir,
			})
			if res.code != 0 {
				t.Fatalf("exit %d, want 0", res.code)
			}
			if diff := cmp.Diff(map[string]string{"installed": "true", "tag": tt.wantTag}, res.outputs); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
			version := strings.TrimPrefix(tt.wantTag, "v")
			wantReq := []string{
				fmt.Sprintf("/download/%s/baton_%s_checksums.txt", tt.wantTag, version),
				fmt.Sprintf("/download/%s/baton_%s_linux_amd64.tar.gz", tt.wantTag, version),
			}
			if diff := cmp.Diff(wantReq, srv.takeRequests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			out, err := exec.Command(filepath.Join(res.installDir, "baton")).Output()
			if err != nil {
				t.Fatal(err)
			}
			if want := "fake baton " + tt.wantTag + " linux/amd64 \n"; string(out) != want {
				t.Errorf("installed binary prints %q, want %q", out, want)
			}
		})
	}
}

// TestInstallNeedsInstallDir: a broken environment is an error, not a
// silent fallback.
func TestInstallNeedsInstallDir(t *testing.T) {
	requireTools(t)
	res := run(t, map[string]string{"BATON_ACTION_REF": "v1.2.3", "BATON_INSTALL_DIR": ""})
	if res.code != 1 {
		t.Errorf("exit %d, want 1", res.code)
	}
	if want := "install-baton: error: BATON_INSTALL_DIR is not set\n"; !strings.HasPrefix(res.stderr, want) {
		t.Errorf("stderr = %q, want it to start with %q", res.stderr, want)
	}
}
