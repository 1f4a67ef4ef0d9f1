package cli

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRoute(t *testing.T) {
	names := commandNames(commandTable())
	tests := []struct {
		name string
		args []string
		want route
	}{
		{"empty", nil, route{}},
		{"top command", []string{"version", "-format=json"}, route{name: "version", args: []string{"-format=json"}}},
		{"nested command", []string{"kv", "put", "k", "v"}, route{name: "kv put", args: []string{"k", "v"}}},
		{"nested stops at a flag", []string{"kv", "-h", "put"}, route{name: "kv", args: []string{"-h", "put"}, help: true}},
		{"unknown subcommand goes to parent", []string{"kv", "nope"}, route{name: "kv", args: []string{"nope"}}},
		{"unknown command", []string{"nope", "x"}, route{name: "nope", args: []string{"x"}}},
		{"help anywhere", []string{"kv", "get", "k", "--help"}, route{name: "kv get", args: []string{"k", "--help"}, help: true}},
		{"help after -- is data", []string{"kv", "get", "--", "-h"}, route{name: "kv get", args: []string{"--", "-h"}}},
		{"version before command", []string{"-v", "kv"}, route{name: "kv", args: []string{}, version: true}},
		{"version after command is an argument", []string{"kv", "get", "-v"}, route{name: "kv get", args: []string{"-v"}}},
		{"flags before command", []string{"-x", "kv", "get"}, route{name: "kv get", args: []string{}, topFlags: []string{"-x"}}},
		{"command with a space", []string{"kv get"}, route{name: "kv get"}},
		{"key that looks like a command word", []string{"kv", "get", "put"}, route{name: "kv get", args: []string{"put"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseRoute(tt.args, names)
			if got.args == nil && tt.want.args != nil && len(tt.want.args) == 0 {
				got.args = []string{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRunDispatch(t *testing.T) {
	listing := "Usage: consul [--version] [--help] <command> [<args>]\n\n" +
		"Available commands are:\n" +
		"    agent          Runs a Consul agent\n" +
		"    catalog        Interact with the catalog\n" +
		"    force-leave    Forces a member of the cluster to enter the \"left\" state\n" +
		"    info           Provides debugging information for operators.\n" +
		"    join           Tell Consul agent to join cluster\n" +
		"    keygen         Generates a new encryption key\n" +
		"    keyring        Manages gossip layer encryption keys\n" +
		"    kv             Interact with the key-value store\n" +
		"    leave          Gracefully leaves the Consul cluster and shuts down\n" +
		"    members        Lists the members of a Consul cluster\n" +
		"    operator       Provides cluster-level tools for Consul operators\n" +
		"    reload         Triggers the agent to reload configuration files\n" +
		"    services       Interact with services\n" +
		"    tls            Builtin helpers for creating CAs and certificates\n" +
		"    validate       Validate config files/directories\n" +
		"    version        Prints the Consul version\n\n"
	kvHelp := commandHelp(commandTable(), "kv", kvCmd{}.help())
	catalogHelp := commandHelp(commandTable(), "catalog", catalogCmd{}.help())
	servicesHelp := commandHelp(commandTable(), "services", servicesCmd{}.help())

	tests := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
	}{
		{"no command", nil, "", listing, 127},
		{"unknown command", []string{"members-typo"}, "", listing, 127},
		{"unknown command with help", []string{"nope", "-h"}, "", listing, 127},
		{"help", []string{"-h"}, listing, "", 0},
		{"--help", []string{"--help"}, listing, "", 0},
		{"kv alone", []string{"kv"}, "", kvHelp, 1},
		{"kv unknown subcommand", []string{"kv", "list"}, "", kvHelp, 1},
		{"kv help", []string{"kv", "-h"}, kvHelp, "", 0},
		{"help before command", []string{"-help", "kv"}, kvHelp, "", 0},
		{"catalog alone", []string{"catalog"}, "", catalogHelp, 1},
		{"catalog unknown subcommand", []string{"catalog", "members"}, "", catalogHelp, 1},
		{"catalog help", []string{"catalog", "--help"}, catalogHelp, "", 0},
		{"services alone", []string{"services"}, "", servicesHelp, 1},
		{"services help", []string{"services", "-h"}, servicesHelp, "", 0},
		{"agent is not run here", []string{"agent"}, "", "Error! The agent is started by the consuld binary, not by cli.Run.\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, runCLI(nil, "", tt.args...), tt.stdout, tt.stderr, tt.code)
		})
	}
}

func TestKVHelpListsSubcommands(t *testing.T) {
	want := "\n\nSubcommands:\n" +
		"    delete    Removes data from the KV store\n" +
		"    get       Retrieves or lists data from the KV store\n" +
		"    put       Sets or updates data in the KV store\n"
	if got := runCLI(nil, "", "kv", "-h").stdout; !strings.HasSuffix(got, want) {
		t.Errorf("kv help ends\n%q\nwant suffix\n%q", got, want)
	}
}

func TestSubcommandHelp(t *testing.T) {
	tests := []struct {
		args  []string
		usage string
	}{
		{[]string{"kv", "get", "-h"}, "Usage: consul kv get [options] [KEY_OR_PREFIX]\n"},
		{[]string{"kv", "put", "k", "-help"}, "Usage: consul kv put [options] KEY [DATA]\n"},
		{[]string{"kv", "delete", "--help"}, "Usage: consul kv delete [options] KEY_OR_PREFIX\n"},
		{[]string{"version", "-h"}, "Usage: consul version [options]\n"},
		{[]string{"catalog", "datacenters", "-h"}, "Usage: consul catalog datacenters [options]\n"},
		{[]string{"catalog", "nodes", "-detailed", "-h"}, "Usage: consul catalog nodes [options]\n"},
		{[]string{"catalog", "services", "-help"}, "Usage: consul catalog services [options]\n"},
		{[]string{"services", "register", "-h"}, "Usage: consul services register [options] [FILE...]\n"},
		{[]string{"services", "deregister", "-h"}, "Usage: consul services deregister [options] [FILE...]\n"},
		{[]string{"reload", "-h"}, "Usage: consul reload [options]\n"},
		{[]string{"validate", "-h"}, "Usage: consul validate [options] FILE_OR_DIRECTORY...\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got := runCLI(nil, "", tt.args...)
			if got.code != 0 || got.stderr != "" || !strings.HasPrefix(got.stdout, tt.usage) || !strings.HasSuffix(got.stdout, "\n") {
				t.Errorf("got %+v", got)
			}
			wantHTTP := tt.args[0] != "version" && tt.args[0] != "validate"
			if wantHTTP != strings.Contains(got.stdout, "\n  -http-addr=<value>\n") {
				t.Errorf("HTTP options shown = %v, want %v:\n%s", !wantHTTP, wantHTTP, got.stdout)
			}
		})
	}
}

func TestFlagsBeforeCommand(t *testing.T) {
	got := runCLI(nil, "", "-x", "kv", "get")
	want := "Invalid flags before the subcommand. If these flags are for\nthe subcommand, please put them after the subcommand.\n\nUsage: consul kv get"
	if got.code != 1 || got.stdout != "" || !strings.HasPrefix(got.stderr, want) {
		t.Errorf("got %+v", got)
	}
}

func TestRunNilEnvAndStdin(t *testing.T) {
	var out, errOut strings.Builder
	if code := Run([]string{"kv", "put", "-http-addr=127.0.0.1:1", "k", "-"}, nil, &out, &errOut, nil); code != 1 {
		t.Errorf("code %d, stderr %q", code, errOut.String())
	}
	if !strings.HasPrefix(errOut.String(), "Error! Failed writing data: ") {
		t.Errorf("stderr %q", errOut.String())
	}
}
