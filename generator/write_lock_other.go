//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package generator

import (
	"context"
	"os"
	"time"
)

// lockOutput takes the lock by creating the lock file exclusively (see
// lockExcl): this system has no flock(2).
func lockOutput(ctx context.Context, dir, lock string, wait time.Duration) (func(), error) {
	return lockExcl(ctx, dir, lock, wait)
}

// processAlive reports whether a process with this pid exists, as far as
// os.FindProcess can tell (on Windows it fails for a process that is gone).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
