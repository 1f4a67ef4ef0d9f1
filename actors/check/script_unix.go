//go:build unix

package check

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the script in a process group of its own so that
// a timeout kills everything it spawned, not just the direct child.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
