//go:build unix

package schema

import (
	"io/fs"
	"syscall"
)

// linkCount returns the number of hard links to the file that info
// describes, when the file system says.
func linkCount(info fs.FileInfo) (uint64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Nlink), true // Nlink is narrower than uint64 on some systems
}
