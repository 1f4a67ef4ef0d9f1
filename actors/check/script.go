package check

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// scriptWaitDelay bounds how long a probe waits, after the script exits or
// is killed, for grandchildren that still hold its output pipes.
const scriptWaitDelay = 200 * time.Millisecond

// Script runs Args (no shell) with stdout and stderr captured together:
// exit 0 is passing, 1 warning, anything else critical. Output is the last
// OutputMaxSize bytes, prefixed "Captured N of M bytes\n...\n" when cut, as
// Consul does. Past Timeout the script and its process group are killed
// and the check is critical with "Timed out (<timeout>) running check".
type Script struct {
	Args          []string
	Timeout       time.Duration // DefaultScriptTimeout if zero
	OutputMaxSize int           // DefaultOutputMaxSize if zero
}

// Probe implements Prober.
func (p *Script) Probe(ctx context.Context) Result {
	if len(p.Args) == 0 {
		return critical(ErrNoKind.Error())
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultScriptTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out := newTail(p.OutputMaxSize)
	cmd := exec.CommandContext(ctx, p.Args[0], p.Args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = scriptWaitDelay
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return critical(err.Error())
	}
	err := cmd.Wait()

	output := out.String()
	if out.truncated() {
		output = fmt.Sprintf("Captured %d of %d bytes\n...\n%s", len(out.buf), out.total, output) // compat: Consul's text
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		msg := fmt.Sprintf("Timed out (%s) running check", timeout) // compat: Consul's text
		if output != "" {
			msg += "\n\n" + output
		}
		return critical(msg)
	case ctx.Err() != nil:
		return critical(ctx.Err().Error())
	}
	// The exit code decides, even if err is only exec.ErrWaitDelay (the
	// script exited but left a grandchild holding its output).
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	switch {
	case code == 0 && (err == nil || errors.Is(err, exec.ErrWaitDelay)):
		return passing(output)
	case code == 1:
		return Result{Status: StatusWarning, Output: output}
	}
	return critical(output)
}

// AllowScript is the agent's gate for script checks (args): a check from
// a local config file needs enable_script_checks or
// enable_local_script_checks; one registered over the HTTP API (fromAPI)
// needs enable_script_checks. The errors carry Consul's text.
func AllowScript(enableScriptChecks, enableLocalScriptChecks, fromAPI bool) error {
	switch {
	case fromAPI && !enableScriptChecks:
		return ErrRemoteScriptsDisabled
	case !fromAPI && !enableScriptChecks && !enableLocalScriptChecks:
		return ErrScriptsDisabled
	}
	return nil
}
