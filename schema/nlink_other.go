//go:build !unix

package schema

import "io/fs"

// linkCount cannot tell the number of hard links on this system: hard
// links are not detected here (the other asset checks still apply).
func linkCount(fs.FileInfo) (uint64, bool) { return 0, false }
