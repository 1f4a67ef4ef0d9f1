package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIgnoredKeysWarn(t *testing.T) {
	tests := []struct {
		name string
		body string // in file a.*
		ext  string
		want []string
	}{
		{name: "top level", ext: "json",
			body: `{"data_dir": "/d", "disable_update_check": true, "leave_on_terminate": true, "log_file": "x"}`,
			want: []string{
				`config: key "disable_update_check" is not supported yet and is ignored`,
				`config: key "leave_on_terminate" is not supported yet and is ignored`,
				`config: key "log_file" is not supported yet and is ignored`,
			}},
		{name: "nested anything under connect", ext: "json",
			body: `{"data_dir": "/d", "connect": {"enabled": true, "ca_config": {"cluster_id": "x", "whatever": [1, {"a": null}]}}}`,
			want: []string{`config: key "connect.ca_config.whatever" is not supported yet and is ignored`}},
		{name: "ignored child of implemented block", ext: "hcl",
			body: "data_dir = \"/d\"\nlimits {\n  rpc_rate = 10\n  kv_max_value_size = 10\n}\nports { sidecar_min_port = 21000 }\n",
			want: []string{
				`config: key "limits.rpc_rate" is not supported yet and is ignored`,
				`config: key "ports.sidecar_min_port" is not supported yet and is ignored`,
			}},
		{name: "acl hcl blocks", ext: "hcl",
			body: "data_dir = \"/d\"\nacl {\n  enabled = true\n  tokens {\n    master = \"root\"\n  }\n}\n",
			want: []string{`config: key "acl" is not supported yet and is ignored`}},
		{name: "null is not set", ext: "json",
			body: `{"data_dir": "/d", "segments": null, "datacenter": null}`},
		{name: "legacy ui", ext: "json",
			body: `{"data_dir": "/d", "ui": true}`,
			want: []string{`config: key "ui" is deprecated, use "ui_config.enabled" instead`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, t.TempDir(), map[string]string{"a." + tt.ext: tt.body})
			_, warns := mustLoad(t, "-config-file", filepath.Join(dir, "a."+tt.ext))
			if !slices.Equal(warns, tt.want) {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestWarningsAreGivenOnce(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a.json": `{"data_dir": "/d", "pid_file": "a"}`,
		"b.hcl":  `pid_file = "b"`,
	})
	_, warns := mustLoad(t, "-config-dir", dir, "-pid-file", "flag")
	if len(warns) != 1 || warns[0] != `config: key "pid_file" is not supported yet and is ignored` {
		t.Errorf("warnings %q", warns)
	}
}

func TestKeptRawValues(t *testing.T) {
	const key = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a.json": `{"data_dir": "/d", "encrypt": "` + key + `", "checks": [{"name": "a", "ttl": "1s"}, {"name": "b", "ttl": "1s"}]}`,
	})
	c, _ := mustLoad(t, "-config-file", filepath.Join(dir, "a.json"))
	if c.Encrypt != key || len(c.Checks) != 2 {
		t.Errorf("encrypt %q checks %#v", c.Encrypt, c.Checks)
	}
	c, warns := mustLoad(t, "-config-file", filepath.Join(dir, "a.json"), "-encrypt", "AAAAAAAAAAAAAAAAAAAAAA==")
	if c.Encrypt != "AAAAAAAAAAAAAAAAAAAAAA==" || containsSub(warns, `key "encrypt"`) {
		t.Errorf("flag encrypt %q, warnings %q", c.Encrypt, warns)
	}
}
