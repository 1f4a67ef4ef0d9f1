package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string // written as the only -config-file, unless args say otherwise
		body  string
		args  []string // extra flags; "$DIR" is replaced by the temp dir
		want  []string // substrings of the error
		isErr error
	}{
		// Unknown keys, top level and nested.
		{name: "unknown top", file: "x.json", body: `{"datacenterr": "dc1"}`,
			want: []string{`config: file "`, `x.json": unknown key "datacenterr"`}, isErr: ErrUnknownKey},
		{name: "unknown under ports", file: "x.json", body: `{"ports": {"htp": 1}}`,
			want: []string{`x.json": unknown key "ports.htp"`}, isErr: ErrUnknownKey},
		{name: "unknown under limits", file: "x.hcl", body: "limits { kv_max = 1 }",
			want: []string{`x.hcl": unknown key "limits.kv_max"`}, isErr: ErrUnknownKey},
		{name: "unknown under addresses", file: "x.json", body: `{"addresses": {"rpc": "1.2.3.4"}}`,
			want: []string{`unknown key "addresses.rpc"`}, isErr: ErrUnknownKey},
		{name: "unknown under ui_config", file: "x.json", body: `{"ui_config": {"enabledd": true}}`,
			want: []string{`unknown key "ui_config.enabledd"`}, isErr: ErrUnknownKey},
		{name: "literal dotted key", file: "x.json", body: `{"ports.http": 1}`,
			want: []string{`unknown key "ports.http"`}, isErr: ErrUnknownKey},

		// Wrong types.
		{name: "port as string", file: "x.json", body: `{"ports": {"http": "8500"}}`,
			want: []string{`x.json": key "ports.http": expected integer, got string`}, isErr: ErrType},
		{name: "port as string hcl", file: "x.hcl", body: `ports { http = "8500" }`,
			want: []string{`x.hcl": key "ports.http": expected integer, got string`}, isErr: ErrType},
		{name: "port as float", file: "x.json", body: `{"ports": {"http": 85.5}}`,
			want: []string{`key "ports.http": expected integer, got number`}, isErr: ErrType},
		{name: "port as float hcl", file: "x.hcl", body: "ports { dns = 8600.0 }",
			want: []string{`key "ports.dns": expected integer, got number`}, isErr: ErrType},
		{name: "huge integer", file: "x.json", body: `{"bootstrap_expect": 99999999999999999999999}`,
			want: []string{`key "bootstrap_expect": integer 99999999999999999999999 out of range`}, isErr: ErrValue},
		{name: "bool as string", file: "x.json", body: `{"server": "true"}`,
			want: []string{`key "server": expected boolean, got string`}, isErr: ErrType},
		{name: "string as number", file: "x.json", body: `{"datacenter": 1}`,
			want: []string{`key "datacenter": expected string, got number`}, isErr: ErrType},
		{name: "list as string", file: "x.json", body: `{"retry_join": "1.2.3.4"}`,
			want: []string{`key "retry_join": expected list of strings, got string`}, isErr: ErrType},
		{name: "list of numbers", file: "x.hcl", body: `start_join = [1]`,
			want: []string{`key "start_join": expected list of strings, got list`}, isErr: ErrType},
		{name: "object as number", file: "x.json", body: `{"ports": 5}`,
			want: []string{`key "ports": expected object, got number`}, isErr: ErrType},
		{name: "duration as number", file: "x.json", body: `{"retry_interval": 10}`,
			want: []string{`key "retry_interval": expected duration string like "10s", got number`}, isErr: ErrType},
		{name: "services not objects", file: "x.json", body: `{"services": ["web"]}`,
			want: []string{`key "services": expected object, got list`}, isErr: ErrType},

		// Bad values.
		{name: "negative bootstrap_expect", file: "x.json", body: `{"bootstrap_expect": -1}`,
			want: []string{`key "bootstrap_expect": cannot be negative, got -1`}, isErr: ErrValue},
		{name: "port too big", file: "x.json", body: `{"ports": {"serf_lan": 65536}}`,
			want: []string{`key "ports.serf_lan": invalid port 65536`}, isErr: ErrValue},
		{name: "port below -1", file: "x.hcl", body: "ports { https = -2 }",
			want: []string{`key "ports.https": invalid port -2`}, isErr: ErrValue},
		{name: "log level", file: "x.json", body: `{"log_level": "verbose"}`,
			want: []string{`key "log_level": invalid log level "verbose"`}, isErr: ErrValue},
		{name: "datacenter chars", file: "x.json", body: `{"datacenter": "dc.1"}`,
			want: []string{`key "datacenter": invalid datacenter "dc.1"`}, isErr: ErrValue},
		{name: "datacenter empty", file: "x.json", body: `{"datacenter": ""}`,
			want: []string{`key "datacenter": datacenter cannot be empty`}, isErr: ErrValue},
		{name: "raft multiplier high", file: "x.json", body: `{"performance": {"raft_multiplier": 11}}`,
			want: []string{`key "performance.raft_multiplier": must be between 1 and 10, got 11`}, isErr: ErrValue},
		{name: "raft multiplier zero", file: "x.hcl", body: "performance { raft_multiplier = 0 }",
			want: []string{`key "performance.raft_multiplier": must be between 1 and 10, got 0`}, isErr: ErrValue},
		{name: "kv size zero", file: "x.json", body: `{"limits": {"kv_max_value_size": 0}}`,
			want: []string{`key "limits.kv_max_value_size": must be greater than 0`}, isErr: ErrValue},
		{name: "node id", file: "x.json", body: `{"node_id": "abc"}`,
			want: []string{`key "node_id": invalid node ID "abc"`}, isErr: ErrValue},
		{name: "encrypt not base64", file: "x.json", body: `{"encrypt": "not base64!"}`,
			want: []string{`key "encrypt": invalid key: not base64`}, isErr: ErrValue},
		{name: "encrypt wrong length", file: "x.json", body: `{"encrypt": "YWJj"}`,
			want: []string{`key "encrypt": invalid key: decodes to 3 bytes`}, isErr: ErrValue},
		{name: "bad duration", file: "x.json", body: `{"retry_interval": "10x"}`,
			want: []string{`key "retry_interval": invalid duration "10x"`}, isErr: ErrValue},

		// Rules over the merged configuration.
		{name: "no data_dir", file: "x.json", body: `{"server": true}`,
			want: []string{"config: data_dir must be set"}, isErr: ErrValue},
		{name: "client without data_dir", file: "x.json", body: `{}`,
			want: []string{"config: data_dir must be set"}, isErr: ErrValue},
		{name: "bootstrap and expect", file: "x.json", body: `{"server": true, "data_dir": "/d", "bootstrap": true, "bootstrap_expect": 3}`,
			want: []string{"config: bootstrap and bootstrap_expect cannot both be set"}, isErr: ErrValue},
		{name: "bootstrap flag and expect file", file: "x.json", body: `{"server": true, "data_dir": "/d", "bootstrap_expect": 3}`,
			args: []string{"-bootstrap"}, want: []string{"bootstrap and bootstrap_expect cannot both be set"}, isErr: ErrValue},
		{name: "expect in dev", file: "x.json", body: `{"bootstrap_expect": 3}`, args: []string{"-dev"},
			want: []string{"bootstrap_expect cannot be used with -dev"}, isErr: ErrValue},
		{name: "expect without server", file: "x.json", body: `{"data_dir": "/d", "bootstrap_expect": 3}`,
			want: []string{"bootstrap_expect requires server = true"}, isErr: ErrValue},
		{name: "bootstrap without server", file: "x.json", body: `{"data_dir": "/d", "bootstrap": true}`,
			want: []string{"bootstrap requires server = true"}, isErr: ErrValue},
		{name: "raft port disabled on server", file: "x.json", body: `{"data_dir": "/d", "server": true, "ports": {"raft": -1}}`,
			want: []string{"ports.raft cannot be disabled on a server"}, isErr: ErrValue},

		// Files that cannot be used.
		{name: "missing file", args: []string{"-config-file", "$DIR/nope.json"},
			want: []string{`nope.json": cannot read: no such file or directory`}, isErr: ErrRead},
		{name: "missing dir", args: []string{"-config-dir", "$DIR/nope.d"},
			want: []string{`nope.d": cannot read: no such file or directory`}, isErr: ErrRead},
		{name: "unsupported extension", file: "x.yaml", body: "datacenter: dc1",
			want: []string{`x.yaml": unsupported extension ".yaml": use .json or .hcl, or set -config-format`}, isErr: ErrFormat},
		{name: "bad config-format", args: []string{"-config-format", "yaml"},
			want: []string{`flag -config-format: unsupported format "yaml"`}, isErr: ErrFormat},
		{name: "malformed JSON", file: "x.json", body: "{\n  \"datacenter\": \n}",
			want: []string{`x.json": invalid JSON: line 3, column 1: invalid character '}'`}, isErr: ErrParse},
		{name: "truncated JSON", file: "x.json", body: `{"datacenter": "dc1"`,
			want: []string{`x.json": invalid JSON: unexpected end of JSON input`}, isErr: ErrParse},
		{name: "JSON trailing data", file: "x.json", body: `{} {}`,
			want: []string{`x.json": invalid JSON: unexpected data after the top-level object`}, isErr: ErrParse},
		{name: "JSON not an object", file: "x.json", body: `["a"]`,
			want: []string{`x.json": invalid JSON: top level must be an object, got list`}, isErr: ErrParse},
		{name: "malformed HCL", file: "x.hcl", body: "ports {\n  http = \n",
			want: []string{`x.hcl": invalid HCL: `}, isErr: ErrParse},

		// Flags are checked like file keys.
		{name: "flag port", args: []string{"-http-port", "70000"},
			want: []string{`config: flag -http-port: key "ports.http": invalid port 70000`}, isErr: ErrValue},
		{name: "flag log level", args: []string{"-log-level", "loud"},
			want: []string{`config: flag -log-level: key "log_level": invalid log level "loud"`}, isErr: ErrValue},
		{name: "flag datacenter", args: []string{"-datacenter", "my dc"},
			want: []string{`config: flag -datacenter: key "datacenter": invalid datacenter "my dc"`}, isErr: ErrValue},
		{name: "hcl fragment", args: []string{"-hcl", "portz { }"},
			want: []string{`config: flag -hcl #1: unknown key "portz"`}, isErr: ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var args []string
			if tt.file != "" {
				writeFiles(t, dir, map[string]string{tt.file: tt.body})
				args = append(args, "-config-file", filepath.Join(dir, tt.file))
			}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "$DIR", dir))
			}
			f, err := ParseFlags(args, os.Stderr)
			if err == nil {
				_, _, err = Load(f)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if !errors.Is(err, tt.isErr) {
				t.Errorf("error %q is not %v", err, tt.isErr)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not *Error", err)
			}
		})
	}
}

func TestErrorNamesFileInDirectory(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a.json": `{"data_dir": "/d"}`,
		"b.hcl":  "ports { http = true }",
	})
	_, _, err := Load(&Flags{ConfigDirs: []string{dir}})
	want := `config: file "` + filepath.Join(dir, "b.hcl") + `": key "ports.http": expected integer, got boolean`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
