package cli

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReload(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		setup          func(*fakeAgent)
		stdout, stderr string
		code           int
		reloads        int
	}{
		{name: "triggered", stdout: "Configuration reload triggered\n", reloads: 1},
		{name: "with a token", args: []string{"-token=secret"}, stdout: "Configuration reload triggered\n", reloads: 1},
		{name: "refused by the agent", setup: failWith(403, "Permission denied"),
			stderr: "Error reloading: Unexpected response code: 403 (Permission denied)\n", code: 1},
		{name: "unknown flag", args: []string{"-nope"}, code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAgent()
			if tt.setup != nil {
				tt.setup(f)
			}
			srv := f.serve(t)
			got := runCLI(nil, "", append([]string{"reload", "-http-addr=" + srv.URL}, tt.args...)...)
			if tt.name == "unknown flag" {
				if got.code != 1 || !strings.HasPrefix(got.stderr, "flag provided but not defined: -nope\nUsage:\n") {
					t.Errorf("got %+v", got)
				}
				return
			}
			check(t, got, tt.stdout, tt.stderr, tt.code)
			if f.reloads != tt.reloads {
				t.Errorf("reloads = %d, want %d", f.reloads, tt.reloads)
			}
			if tt.code == 0 {
				if req := f.lastRequest(); req.Method != "PUT" || req.Path != "/v1/agent/reload" {
					t.Errorf("request %+v", req)
				}
			}
		})
	}
	t.Run("agent unreachable", func(t *testing.T) {
		addr := refusedAddr(t)
		check(t, runCLI(map[string]string{envHTTPAddr: addr}, "", "reload"), "",
			`Error reloading: Put "http://`+addr+`/v1/agent/reload": dial tcp `+addr+": connect: connection refused\n", 1)
	})
}

func TestValidate(t *testing.T) {
	saved := ValidateFunc
	t.Cleanup(func() { ValidateFunc = saved })

	var gotPaths []string
	valid := func(paths []string) error { gotPaths = paths; return nil }
	invalid := func(paths []string) error {
		gotPaths = paths
		return errors.New(`/etc/consul.d/a.hcl: invalid config key "datacentre"`)
	}
	tests := []struct {
		name           string
		fn             func([]string) error
		args           []string
		stdout, stderr string
		code           int
		paths          []string
	}{
		{name: "valid", fn: valid, args: []string{"/etc/consul.d", "extra.json"},
			stdout: "Configuration is valid!\n", paths: []string{"/etc/consul.d", "extra.json"}},
		{name: "valid and quiet", fn: valid, args: []string{"-quiet", "/etc/consul.d"}, paths: []string{"/etc/consul.d"}},
		{name: "invalid", fn: invalid, args: []string{"/etc/consul.d"},
			stderr: "Config validation failed: /etc/consul.d/a.hcl: invalid config key \"datacentre\"\n", code: 1,
			paths: []string{"/etc/consul.d"}},
		{name: "invalid and quiet still reports", fn: invalid, args: []string{"-quiet", "x"},
			stderr: "Config validation failed: /etc/consul.d/a.hcl: invalid config key \"datacentre\"\n", code: 1,
			paths: []string{"x"}},
		{name: "no paths", fn: valid, stderr: "Must specify at least one config file or directory\n", code: 1},
		{name: "not wired", args: []string{"/etc/consul.d"},
			stderr: "Config validation failed: configuration validation is not available in this build\n", code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ValidateFunc, gotPaths = tt.fn, nil
			check(t, runCLI(nil, "", append([]string{"validate"}, tt.args...)...), tt.stdout, tt.stderr, tt.code)
			if !reflect.DeepEqual(gotPaths, tt.paths) {
				t.Errorf("validated %q, want %q", gotPaths, tt.paths)
			}
		})
	}
}
