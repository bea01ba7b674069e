package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serving runs `baton serve` (through run, as the binary does) until the
// returned stop is called; it returns the address it listens on.
type serving struct {
	addr           string // host:port to dial
	stdout, stderr *syncBuffer
	stop           func() int // cancels, as Ctrl-C does, and returns the exit code
}

func startServe(t *testing.T, dir string, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	sv := &serving{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	e := &env{stdout: sv.stdout, stderr: sv.stderr, getenv: func(string) string { return "" }, now: time.Now}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--repo", dir, "--now", "2026-11-27T12:00:00Z", "serve"}, args...), e)
	}()
	re := regexp.MustCompile(`at http://(\S+)/ \(Ctrl-C`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(sv.stdout.String()); m != nil {
			_, port, _ := net.SplitHostPort(m[1])
			sv.addr = net.JoinHostPort("127.0.0.1", port)
			break
		}
		select {
		case code := <-done:
			cancel()
			sv.stop = func() int { return code }
			return sv
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s%s", sv.stdout, sv.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := false
	code := 0
	sv.stop = func() int {
		if !stopped {
			cancel()
			code = <-done
			stopped = true
		}
		return code
	}
	t.Cleanup(func() { sv.stop() })
	return sv
}

// rawGet sends one request exactly as written and returns the response.
func rawGet(t *testing.T, addr, target, host string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	resp.Body.Close()
	return resp
}

// TestHardening08ServeRemoteAddr: an address other machines can reach
// needs --allow-remote for the internal site, and is always announced by
// a warning; the Host check stays on.
func TestHardening08ServeRemoteAddr(t *testing.T) {
	dir := exampleCopy(t)
	addrs := []string{"0.0.0.0:0", ":0"}
	if ln, err := net.Listen("tcp", "[::]:0"); err == nil {
		ln.Close()
		addrs = append(addrs, "[::]:0")
	}
	for _, addr := range addrs {
		sv := startServe(t, dir, "--audience", "internal", "--addr", addr)
		if code := sv.stop(); code != exitUsage {
			t.Errorf("--addr %s --audience internal: exit %d, want 2\n%s%s", addr, code, sv.stdout, sv.stderr)
		}
		if want := "baton: error: --addr " + addr + " would serve the internal site to other machines\n" +
			"baton: hint: use --addr 127.0.0.1:PORT; or pass --allow-remote if everyone who can reach this address may see people, internal incidents and on-call data\n"; sv.stderr.String() != want {
			t.Errorf("--addr %s: stderr\n%s\nwant\n%s", addr, sv.stderr, want)
		}
		if strings.Contains(sv.stdout.String(), "serving") {
			t.Errorf("--addr %s: served anyway:\n%s", addr, sv.stdout)
		}
	}

	sv := startServe(t, dir, "--audience", "internal", "--addr", "0.0.0.0:0", "--allow-remote")
	if !regexp.MustCompile(`(?m)^baton: warning: \S+:\d+ is reachable from other machines: anyone who can connect to it sees the internal site\nbaton: warning: the internal site names people`).MatchString(sv.stderr.String()) {
		t.Errorf("no warning:\n%s", sv.stderr)
	}
	for host, want := range map[string]int{"127.0.0.1": 200, "192.0.2.10:8080": 200, "[2001:db8::1]": 200, "localhost": 200, "rebound.attacker.example": 421} {
		if resp := rawGet(t, sv.addr, "/oncall/index.html", host); resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}

	sv = startServe(t, dir, "--addr", ":0")
	if !strings.Contains(sv.stderr.String(), "is reachable from other machines: anyone who can connect to it sees the public site\n") {
		t.Errorf("public on all interfaces: no warning:\n%s", sv.stderr)
	}
	if resp := rawGet(t, sv.addr, "/", "127.0.0.1"); resp.StatusCode != 200 {
		t.Errorf("public on all interfaces: %d", resp.StatusCode)
	}
	if code := sv.stop(); code != exitInterrupted {
		t.Errorf("exit %d", code)
	}

	sv = startServe(t, dir, "--addr", "127.0.0.1:0", "--audience", "internal")
	if strings.Contains(sv.stderr.String(), "warning") {
		t.Errorf("loopback: %s", sv.stderr)
	}
}

// TestHardening15ServeNeverRedirectsOffSite: requests whose path cleans to
// a folder are redirected to that folder on this site, whatever slashes,
// backslashes and encoded dots they hold.
func TestHardening15ServeNeverRedirectsOffSite(t *testing.T) {
	dir := exampleCopy(t)
	sv := startServe(t, dir, "--addr", "127.0.0.1:0")
	for target, want := range map[string]string{
		"/%2Fevil.example%2F..%2Fincidents":    "/incidents/", // the request from the review
		"//evil.example/../incidents":          "/incidents/",
		"/%5Cevil.example%2F..%2Fincidents":    "/incidents/",
		"/\\evil.example/../incidents":         "/incidents/",
		"/%2e%2e/%2E%2E/incidents":             "/incidents/",
		"/incidents":                           "/incidents/",
		"/incidents?next=//evil.example":       "/incidents/",
		"//evil.example":                       "",
		"/\\evil.example":                      "",
		"/%5C%5Cevil.example":                  "",
		"/%2F%2Fevil.example%2Fincidents":      "",
		"/%09/evil.example/../../incidents":    "/incidents/",
		"/./%2F/evil.example/%2E%2E/incidents": "/incidents/",
	} {
		resp := rawGet(t, sv.addr, target, "127.0.0.1")
		loc := resp.Header.Get("Location")
		if loc != want {
			t.Errorf("GET %s: %d Location %q, want %q", target, resp.StatusCode, loc, want)
		}
		if loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) || strings.Contains(loc, "evil")) {
			t.Errorf("GET %s: redirected off-site to %q", target, loc)
		}
	}
}

// fastLimits are serve limits short enough for tests.
func fastLimits() serveLimits {
	return serveLimits{readHeader: 200 * time.Millisecond, read: 300 * time.Millisecond, write: 300 * time.Millisecond,
		idle: 200 * time.Millisecond, grace: 100 * time.Millisecond, maxConns: 256}
}

// startServeWith runs serveOptions.run with limits, on a loopback port.
func startServeWith(t *testing.T, dir string, limits serveLimits) (addr string, stop func() error) {
	t.Helper()
	out := &syncBuffer{}
	g := &globals{
		env:     &env{stdout: out, stderr: out, getenv: func(string) string { return "" }, now: time.Now},
		repoDir: dir, nowFlag: givenInstant("--now", "2026-11-27T12:00:00Z"),
	}
	o := &serveOptions{globals: g, addr: "127.0.0.1:0", audience: "public", limits: limits}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- o.run(ctx) }()
	re := regexp.MustCompile(`at http://(\S+)/ \(Ctrl-C`)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", out)
		}
	}
	var err error
	stopped := false
	stop = func() error {
		if !stopped {
			cancel()
			err, stopped = <-done, true
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

// closedByServer waits until the server closes c (reads return EOF or a
// reset), failing after a generous guard.
func closedByServer(t *testing.T, c net.Conn, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("%s: the server kept the connection open", what)
	}
}

// TestHardening15ServeClosesIdleConnections: a keep-alive connection that
// stays idle, and a request whose headers never end, are closed; the event
// stream of the reload script outlives those timeouts.
func TestHardening15ServeClosesIdleConnections(t *testing.T) {
	dir := exampleCopy(t)
	addr, _ := startServeWith(t, dir, fastLimits())

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("keep-alive request: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	closedByServer(t, idle, "an idle keep-alive connection")

	half, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	io.WriteString(half, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	closedByServer(t, half, "a request whose headers never end")

	// The event stream: still open, and delivering, after the timeouts.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+eventsPath, nil)
	sse, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Body.Close()
	events := bufio.NewReader(sse.Body)
	if v := nextEvent(t, events); v != "1" {
		t.Fatalf("first event %s", v)
	}
	time.Sleep(800 * time.Millisecond) // past every timeout above
	data, err := os.ReadFile(filepath.Join(dir, "baton.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "baton.yaml"), append(data, "\n# touched\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := nextEvent(t, events); v != "2" {
		t.Errorf("after a change: event %s, want 2", v)
	}
}

// TestHardening15ServeCapsConnections: connections beyond the cap wait to
// be accepted instead of each taking a file descriptor.
func TestHardening15ServeCapsConnections(t *testing.T) {
	dir := exampleCopy(t)
	l := fastLimits()
	l.readHeader, l.read, l.maxConns = 30*time.Second, 30*time.Second, 2
	addr, _ := startServeWith(t, dir, l)
	var holders []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\n") // and nothing more
		holders = append(holders, c)
	}
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	io.WriteString(third, "GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
	third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	br := bufio.NewReader(third)
	if _, err := br.Peek(1); err == nil {
		t.Fatal("a third connection was served while two held the cap of 2")
	}
	holders[0].Close()
	third.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the waiting connection was not served once a slot freed: %v", err)
	}
}

// TestHardening17ServeInterrupt: Ctrl-C while a client holds a half-sent
// request stops the server and reports an interruption (exit 130), not a
// failure.
func TestHardening17ServeInterrupt(t *testing.T) {
	dir := exampleCopy(t)
	sv := startServe(t, dir, "--addr", "127.0.0.1:0")
	c, err := net.Dial("tcp", sv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	time.Sleep(50 * time.Millisecond)
	if code := sv.stop(); code != exitInterrupted {
		t.Errorf("exit %d, want 130", code)
	}
	if got := sv.stderr.String(); got != "baton: interrupted\n" {
		t.Errorf("stderr %q, want only the interruption", got)
	}
	closedByServer(t, c, "the half-sent request after Ctrl-C")
}

// TestHardening17InterruptIsReported: a command interrupted while it loads
// the repository reports the interruption, not the partial load's
// problems.
func TestHardening17InterruptIsReported(t *testing.T) {
	dir := exampleCopy(t)
	out := filepath.Join(t.TempDir(), "site")
	before, _ := os.ReadDir(filepath.Join(dir, "incidents", "2026"))
	for _, args := range [][]string{
		{"validate"}, {"validate", "--format", "json"}, {"validate", "--format", "github"},
		{"build", "--out", out}, {"imoc"}, {"schedule"}, {"report"}, {"handoff"},
		{"declare", "--title", "Checkout down", "--severity", "SEV2"},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var stdout, stderr syncBuffer
		e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now}
		code := run(ctx, append([]string{"--repo", dir, "--now", "2026-11-27T12:00:00Z"}, args...), e)
		if code != exitInterrupted || stderr.String() != "baton: interrupted\n" || stdout.String() != "" {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q", args, code, stdout.String(), stderr.String())
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an interrupted build wrote %s", out)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "incidents", "2026")); len(entries) != len(before) {
		t.Errorf("an interrupted declare changed incidents/2026: %d entries", len(entries))
	}
}
