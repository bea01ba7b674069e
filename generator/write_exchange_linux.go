package generator

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs swaps the folders a and b atomically with renameat2(2) and
// RENAME_EXCHANGE (Linux 3.15 and later; most local file systems).
func exchangeDirs(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EOPNOTSUPP):
		return fmt.Errorf("%w (%v)", errExchangeUnsupported, err)
	}
	return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: err}
}
