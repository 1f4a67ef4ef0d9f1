//go:build !unix

package check

import "os/exec"

// ownProcessGroup is a no-op where process groups are not available: a
// timeout kills the direct child only (exec.CommandContext's default).
func ownProcessGroup(*exec.Cmd) {}
