package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	f := mustParse(t,
		"-dev", "--server", "-bootstrap=false", "-bootstrap-expect", "3",
		"-data-dir=/d", "--node", "n1", "-node-id", "11111111-2222-3333-4444-555555555555",
		"-bind", "10.0.0.1", "-advertise", "10.0.0.2", "-client", "0.0.0.0 ::",
		"-datacenter", "dc2", "-log-level", "warn", "-log-json", "-ui",
		"-http-port", "1", "-https-port", "2", "-dns-port", "3", "-server-port", "4",
		"-serf-lan-port", "5", "-serf-wan-port", "6", "-grpc-port", "7", "-grpc-tls-port", "8", "-raft-port", "9",
		"-config-file", "a.json", "-config-file", "b.hcl", "-config-dir", "d1", "--config-dir=d2",
		"-config-format", "json", "-join", "j1", "-retry-join", "r1", "-retry-join", "r2",
		"-encrypt", "k", "-retry-interval", "3s", "-retry-max", "2", "-hcl", `x = 1`,
		"-log-file", "x.log", "-enable-script-checks",
	)
	want := &Flags{
		Dev: true, Server: ptr(true), Bootstrap: ptr(false), BootstrapExpect: ptr(3),
		DataDir: ptr("/d"), NodeName: ptr("n1"), NodeID: ptr("11111111-2222-3333-4444-555555555555"),
		BindAddr: ptr("10.0.0.1"), AdvertiseAddr: ptr("10.0.0.2"), ClientAddr: ptr("0.0.0.0 ::"),
		Datacenter: ptr("dc2"), LogLevel: ptr("warn"), LogJSON: ptr(true), UI: ptr(true),
		HTTPPort: ptr(1), HTTPSPort: ptr(2), DNSPort: ptr(3), ServerPort: ptr(4),
		SerfLANPort: ptr(5), SerfWANPort: ptr(6), GRPCPort: ptr(7), GRPCTLSPort: ptr(8), RaftPort: ptr(9),
		ConfigFiles: []string{"a.json", "b.hcl"}, ConfigDirs: []string{"d1", "d2"}, ConfigFormat: "json",
		Join: []string{"j1"}, RetryJoin: []string{"r1", "r2"}, Encrypt: ptr("k"),
		RetryInterval: ptr("3s"), RetryMax: ptr(2), HCL: []string{"x = 1"},
		EnableScriptChecks: ptr(true),
		Unsupported:        []UnsupportedFlag{{Name: "log-file", Value: "x.log"}},
	}
	if got, w := flagsString(f), flagsString(want); got != w {
		t.Errorf("got  %s\nwant %s", got, w)
	}
}

// flagsString renders Flags with pointers followed, for comparison.
func flagsString(f *Flags) string {
	var b strings.Builder
	for _, d := range flagTable {
		if v, ok := flagValue(d.field(f)); ok {
			fmt.Fprintf(&b, "%s=%v ", d.name, v)
		}
	}
	fmt.Fprintf(&b, "dev=%v files=%q dirs=%q format=%q hcl=%q unsupported=%v",
		f.Dev, f.ConfigFiles, f.ConfigDirs, f.ConfigFormat, f.HCL, f.Unsupported)
	return b.String()
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   string // in the error
		output string // in what was written to out
		is     error
	}{
		{name: "unknown flag", args: []string{"-bogus"}, want: "flag provided but not defined: -bogus", output: "-bogus"},
		{name: "unknown double dash", args: []string{"--datacenterr", "x"}, want: "flag provided but not defined: -datacenterr"},
		{name: "bad int", args: []string{"-http-port", "eighty"}, want: `invalid value "eighty" for flag -http-port`},
		{name: "bad bool", args: []string{"-server=maybe"}, want: `invalid boolean value "maybe" for -server`},
		{name: "extra args", args: []string{"-dev", "extra"}, want: "config: unexpected arguments: extra", is: ErrExtraArgs, output: "unexpected arguments"},
		{name: "bad format", args: []string{"-config-format", "toml"}, want: `config: flag -config-format: unsupported format "toml"`, is: ErrFormat, output: "toml"},
		{name: "help", args: []string{"-help"}, is: flag.ErrHelp, output: "-retry-join"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := ParseFlags(tt.args, &out)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(out.String(), tt.output) {
				t.Errorf("output %q does not contain %q", out.String(), tt.output)
			}
		})
	}
}

func TestUnsupportedFlagsWarn(t *testing.T) {
	c, warns := mustLoad(t, "-dev", "-pid-file", "/p", "-node-meta", "rack:a", "-syslog", "-ui-dir", "/ui")
	want := []string{
		`config: key "pid_file" is not supported yet and is ignored`,
		`config: key "node_meta" is not supported yet and is ignored`,
		`config: key "enable_syslog" is not supported yet and is ignored`,
		`config: key "ui_config.dir" is not supported yet and is ignored`,
	}
	if !slices.Equal(warns, want) {
		t.Errorf("warnings %q\nwant %q", warns, want)
	}
	if !c.DevMode {
		t.Error("not dev")
	}
	_, _, err := Load(&Flags{Dev: true, Unsupported: []UnsupportedFlag{{Name: "nonsense"}}})
	if err == nil || err.Error() != "config: flag -nonsense: unknown flag" {
		t.Errorf("got %v", err)
	}
}

// TestTablesAgree keeps the flag tables, the schema and the ignored-key
// table consistent with each other.
func TestTablesAgree(t *testing.T) {
	for _, d := range flagTable {
		s, implemented := schema[d.key]
		_, ignored := ignoredKeys[d.key]
		switch {
		case !implemented && !ignored:
			t.Errorf("flag -%s sets %q, which is neither implemented nor ignored", d.name, d.key)
		case implemented && s.object:
			t.Errorf("flag -%s sets block %q", d.name, d.key)
		}
	}
	for _, u := range unsupportedFlags {
		if _, ok := ignoredKeys[u.key]; !ok {
			t.Errorf("unsupported flag -%s maps to %q, which is not in ignoredKeys", u.name, u.key)
		}
	}
	for k := range ignoredKeys {
		if _, ok := schema[k]; ok {
			t.Errorf("%q is both implemented and ignored", k)
		}
	}
	check := func(table string, k string) {
		if i := strings.LastIndexByte(k, '.'); i >= 0 {
			if p, ok := schema[k[:i]]; !ok || !p.object {
				t.Errorf("%s key %q: parent %q is not a block in schema", table, k, k[:i])
			}
		}
	}
	for k := range schema {
		check("schema", k)
	}
	for k := range ignoredKeys {
		check("ignored", k)
	}
}
