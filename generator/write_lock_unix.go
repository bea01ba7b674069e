//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package generator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// lockOutput takes an exclusive flock(2) on the lock file, waiting up to
// wait. The kernel releases it when the process ends, however it ends, so
// a killed build never leaves a stale lock. The file stays in place (it
// holds the last holder's pid, for messages).
func lockOutput(ctx context.Context, dir, lock string, wait time.Duration) (func(), error) {
	f, err := os.OpenFile(lock, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("creating the lock %s: %w", lock, err)
	}
	fd := int(f.Fd())
	err = pollLock(ctx, wait, func() (bool, error) {
		switch err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EWOULDBLOCK), errors.Is(err, unix.EINTR):
			return false, nil
		default:
			return false, fmt.Errorf("locking %s: %w", lock, err)
		}
	})
	if err != nil {
		f.Close()
		if errors.Is(err, errLockTimeout) {
			return nil, &LockedError{Dir: dir, Lock: lock, Holder: readHolder(lock), Waited: wait}
		}
		return nil, err
	}
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(holderText()), 0)
	}
	return func() {
		unix.Flock(fd, unix.LOCK_UN)
		f.Close()
	}, nil
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
