package generator

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs swaps the folders a and b atomically with renamex_np(2) and
// RENAME_SWAP (APFS and HFS+).
func exchangeDirs(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP):
		return fmt.Errorf("%w (%v)", errExchangeUnsupported, err)
	}
	return &os.LinkError{Op: "renamex_np", Old: a, New: b, Err: err}
}
