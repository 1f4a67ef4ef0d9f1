package check

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func TestScriptExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		status Status
		output string
	}{
		{"exit 0 passes", sh("echo ok"), StatusPassing, "ok\n"},
		{"exit 1 warns", sh("echo meh; exit 1"), StatusWarning, "meh\n"},
		{"exit 2 fails", sh("echo bad >&2; exit 2"), StatusCritical, "bad\n"},
		{"killed by a signal fails", sh("kill -9 $$"), StatusCritical, ""},
		{"stdout and stderr together", sh("echo out; echo err >&2"), StatusPassing, "out\nerr\n"},
		{"no shell: arguments are passed as they are", []string{"/bin/echo", "$HOME", "a b"}, StatusPassing, "$HOME a b\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantResult(t, probe(t, &Script{Args: tc.args, Timeout: 5 * time.Second}), tc.status, tc.output)
		})
	}
}

func TestScriptCannotStart(t *testing.T) {
	got := probe(t, &Script{Args: []string{"/nonexistent/check"}, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "/nonexistent/check", "no such file")
	wantContains(t, probe(t, &Script{}), StatusCritical, "must set one of")
}

func TestScriptOutputIsCapped(t *testing.T) {
	got := probe(t, &Script{Args: sh("printf 'abcdefghij'"), OutputMaxSize: 4, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "Captured 4 of 10 bytes\n...\nghij")

	got = probe(t, &Script{Args: sh("head -c 5000 /dev/zero | tr '\\0' x"), Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "Captured 4096 of 5000 bytes\n...\n"+strings.Repeat("x", 4096))
}

func TestScriptTimeoutKillsTheProcessGroup(t *testing.T) {
	// sh waits on a sleeping child: the timeout must kill both, or the
	// probe would hang until sleep exits.
	got := probe(t, &Script{Args: sh("echo started; sleep 60; echo never"), Timeout: 100 * time.Millisecond})
	wantResult(t, got, StatusCritical, "Timed out (100ms) running check\n\nstarted\n")

	got = probe(t, &Script{Args: sh("sleep 60"), Timeout: 50 * time.Millisecond})
	wantResult(t, got, StatusCritical, "Timed out (50ms) running check")
}

func TestScriptLingeringGrandchild(t *testing.T) {
	// The script exits 0 but leaves a background process holding its
	// output: the probe still returns, and the exit code decides.
	got := probe(t, &Script{Args: sh("sleep 1 & echo done"), Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "done\n")
}

func TestAllowScript(t *testing.T) {
	cases := []struct {
		script, local, fromAPI bool
		err                    error
	}{
		{false, false, false, ErrScriptsDisabled},
		{false, false, true, ErrRemoteScriptsDisabled},
		{false, true, false, nil},
		{false, true, true, ErrRemoteScriptsDisabled},
		{true, false, false, nil},
		{true, false, true, nil},
		{true, true, true, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("script=%v,local=%v,api=%v", tc.script, tc.local, tc.fromAPI), func(t *testing.T) {
			if err := AllowScript(tc.script, tc.local, tc.fromAPI); !errors.Is(err, tc.err) {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
		})
	}
	if got := ErrRemoteScriptsDisabled.Error(); got != "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true" {
		t.Fatalf("remote text: %q", got)
	}
}
