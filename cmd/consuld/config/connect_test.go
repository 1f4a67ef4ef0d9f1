package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestConnectKeys(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		body    string
		enabled bool
		cluster string
		warns   []string
	}{
		{name: "unset", file: "a.json", body: `{}`},
		{name: "testutil's block", file: "a.json",
			body:    `{"connect": {"enabled": true, "ca_config": {"cluster_id": "11111111-2222-3333-4444-555555555555"}}}`,
			enabled: true, cluster: "11111111-2222-3333-4444-555555555555"},
		{name: "other keys warn with their full name", file: "a.json",
			body:    `{"connect": {"enabled": false, "ca_provider": "consul", "ca_config": {"cluster_id": "x", "leaf_cert_ttl": "72h", "whatever": [1, {"a": null}], "root_cert": null}}}`,
			cluster: "x",
			warns: []string{
				`config: key "connect.ca_config.leaf_cert_ttl" is not supported yet and is ignored`,
				`config: key "connect.ca_config.whatever" is not supported yet and is ignored`,
				`config: key "connect.ca_provider" is not supported yet and is ignored`,
			}},
		{name: "hcl blocks", file: "a.hcl",
			body:    "connect {\n  enabled = true\n  ca_config {\n    cluster_id = \"ABC-def\"\n    private_key_type = \"ec\"\n  }\n}\n",
			enabled: true, cluster: "ABC-def",
			warns: []string{`config: key "connect.ca_config.private_key_type" is not supported yet and is ignored`}},
		{name: "null cluster id is not set", file: "a.json", body: `{"connect": {"ca_config": {"cluster_id": null}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warns := mustLoadOne(t, tt.file, tt.body)
			if c.ConnectEnabled != tt.enabled || c.ConnectClusterID != tt.cluster {
				t.Errorf("enabled %v cluster %q", c.ConnectEnabled, c.ConnectClusterID)
			}
			if !slices.Equal(warns, tt.warns) {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(tt.warns, "\n"))
			}
		})
	}
}

func TestConnectKeysLaterSourceWins(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a.json": `{"data_dir": "/d", "connect": {"enabled": true, "ca_config": {"cluster_id": "first"}}}`,
		"b.hcl":  "connect { ca_config { cluster_id = \"second\" } }\n",
	})
	c, _ := mustLoad(t, "-config-dir", dir)
	if !c.ConnectEnabled || c.ConnectClusterID != "second" {
		t.Errorf("enabled %v cluster %q", c.ConnectEnabled, c.ConnectClusterID)
	}
}

func TestConnectKeyErrors(t *testing.T) {
	tests := []struct {
		body string
		key  string
		want error
	}{
		{`{"connect": {"enabled": "yes"}}`, "connect.enabled", ErrType},
		{`{"connect": {"ca_config": {"cluster_id": 5}}}`, "connect.ca_config.cluster_id", ErrType},
		{`{"connect": {"ca_config": {"cluster_id": "not a/uuid"}}}`, "connect.ca_config.cluster_id", ErrValue},
		{`{"connect": {"ca_config": "x"}}`, "connect.ca_config", ErrType},
		{`{"connect": {"no_such_key": 1}}`, "connect.no_such_key", ErrUnknownKey},
	}
	for _, tt := range tests {
		_, _, err := loadOne(t, "a.json", tt.body)
		var e *Error
		if !errors.As(err, &e) || e.Key != tt.key || !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v (key %q), want %v on %q", tt.body, err, keyOf(e), tt.want, tt.key)
		}
	}
}

func keyOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Key
}
