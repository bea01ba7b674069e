//go:build unix

package main

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestHardening13SIGTERMIsAnInterrupt: SIGTERM (what CI runners, systemd
// and container runtimes send) stops a command like Ctrl-C does, so that
// a build cleans up its temporary folder and reports the interruption.
func TestHardening13SIGTERMIsAnInterrupt(t *testing.T) {
	ctx, stop := interruptContext()
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	if got := context.Cause(ctx).Error(); got != "terminated signal received" {
		t.Errorf("cause %q", got)
	}
	var stdout, stderr syncBuffer
	code := run(ctx, []string{"--repo", exampleCopy(t), "validate"},
		&env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now})
	if code != exitInterrupted || stderr.String() != "baton: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
