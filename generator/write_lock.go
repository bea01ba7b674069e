package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// errLockTimeout is returned by pollLock when the wait is over.
var errLockTimeout = errors.New("timed out waiting for the lock")

// errExchangeUnsupported is returned by exchangeDirs where the system or
// the file system cannot swap two folders atomically.
var errExchangeUnsupported = errors.New("atomic exchange of folders is not supported here")

// pollLock calls try until it takes the lock, fails, ctx ends or wait is
// over (errLockTimeout), sleeping a little longer each time.
func pollLock(ctx context.Context, wait time.Duration, try func() (bool, error)) error {
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	delay := 5 * time.Millisecond
	for {
		ok, err := try()
		if err != nil || ok {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-timeout.C:
			t.Stop()
			return errLockTimeout
		case <-t.C:
		}
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// holderText is what a lock file says about the process holding it.
func holderText() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("pid %d on %s\n", os.Getpid(), host)
}

// readHolder returns the first line of the lock file, for messages.
func readHolder(lock string) string {
	data, err := os.ReadFile(lock)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

// lockExcl takes the lock by creating the lock file exclusively; unlocking
// deletes it. A lock file whose holder (pid on this host) no longer runs
// is stale and taken over. It serves systems without flock; two processes
// taking over the same stale lock at the same instant could both proceed.
func lockExcl(ctx context.Context, dir, lock string, wait time.Duration) (func(), error) {
	try := func() (bool, error) {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.WriteString(holderText())
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(lock)
				return false, fmt.Errorf("writing the lock %s: %w", lock, werr)
			}
			return true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return false, fmt.Errorf("creating the lock %s: %w", lock, err)
		}
		if staleLock(lock) {
			os.Remove(lock)
		}
		return false, nil
	}
	if err := pollLock(ctx, wait, try); err != nil {
		if errors.Is(err, errLockTimeout) {
			return nil, &LockedError{Dir: dir, Lock: lock, Holder: readHolder(lock), Waited: wait}
		}
		return nil, err
	}
	return func() { os.Remove(lock) }, nil
}

// staleLock reports whether the lock file names a process on this host
// that no longer runs.
func staleLock(lock string) bool {
	f := strings.Fields(readHolder(lock)) // pid N on HOST
	if len(f) != 4 || f[0] != "pid" || f[2] != "on" {
		return false
	}
	pid, err := strconv.Atoi(f[1])
	host, _ := os.Hostname()
	if err != nil || pid <= 0 || f[3] != host {
		return false
	}
	return !processAlive(pid)
}
