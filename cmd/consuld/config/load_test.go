package config

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, warns := mustLoad(t, "-data-dir", "/var/consuld")
	want := defaults()
	want.DataDir = "/var/consuld"
	want.NodeName = "testhost"
	want.Sources = []string{"command-line flags"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %q", warns)
	}
	if c.Ports != (Ports{HTTP: 8500, HTTPS: -1, DNS: 8600, Server: 8300, SerfLAN: 8301, SerfWAN: 8302, GRPC: -1, GRPCTLS: -1, Raft: 0}) {
		t.Errorf("ports %+v", c.Ports)
	}
	if c.Limits != (Limits{KVMaxValueSize: 524288, TxnMaxReqLen: 524288, HTTPMaxConnsPerClient: 200}) {
		t.Errorf("limits %+v", c.Limits)
	}
	if c.Datacenter != "dc1" || c.LogLevel != "info" || c.BindAddr != "0.0.0.0" || c.ClientAddr != "127.0.0.1" || c.RaftMultiplier != 1 || c.RetryInterval != 30*time.Second {
		t.Errorf("scalars %+v", c)
	}
}

const equivJSON = `{
  "datacenter": "East-1",
  "data_dir": "/tmp/x",
  "node_name": "n1",
  "node_id": "ADF4238A-882B-9DDC-4A9D-5B6758E4159E",
  "log_level": "DEBUG",
  "log_json": true,
  "server": true,
  "bootstrap_expect": 3,
  "bind_addr": "10.0.0.1",
  "advertise_addr": "10.0.0.2",
  "client_addr": "127.0.0.1 ::1",
  "addresses": {"http": "0.0.0.0", "dns": "127.0.0.2", "https": "", "grpc": "unix:///tmp/g"},
  "ports": {"http": 18500, "dns": -1, "grpc": 8502, "raft": 9305},
  "limits": {"kv_max_value_size": 1024, "txn_max_req_len": 2048, "http_max_conns_per_client": 0},
  "performance": {"raft_multiplier": 5},
  "ui_config": {"enabled": true},
  "retry_join": ["a", "b"],
  "start_join": ["s"],
  "retry_interval": "5s",
  "retry_max": 4,
  "service": {"name": "web", "port": 9000, "weights": {"passing": 5}, "tags": ["primary"]},
  "services": [{"name": "db"}, {"name": "cache"}],
  "check": {"id": "c1", "name": "c1 check", "ttl": "10s"}
}`

const equivHCL = `
datacenter = "East-1"
data_dir = "/tmp/x"
node_name = "n1"
node_id = "ADF4238A-882B-9DDC-4A9D-5B6758E4159E"
log_level = "DEBUG"
log_json = true
server = true
bootstrap_expect = 3
bind_addr = "10.0.0.1"
advertise_addr = "10.0.0.2"
client_addr = "127.0.0.1 ::1"
addresses {
  http = "0.0.0.0"
  dns = "127.0.0.2"
  https = ""
  grpc = "unix:///tmp/g"
}
ports {
  http = 18500
  dns = -1
}
ports {
  grpc = 8502
  raft = 9305
}
limits {
  kv_max_value_size = 1024
  txn_max_req_len = 2048
  http_max_conns_per_client = 0
}
performance { raft_multiplier = 5 }
ui_config { enabled = true }
retry_join = ["a", "b"]
start_join = ["s"]
retry_interval = "5s"
retry_max = 4
service {
  name = "web"
  port = 9000
  weights { passing = 5 }
  tags = ["primary"]
}
services = [{ name = "db" }, { name = "cache" }]
check {
  id = "c1"
  name = "c1 check"
  ttl = "10s"
}
`

func TestJSONAndHCLAreEquivalent(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"a.json": equivJSON, "a.hcl": equivHCL})
	fromJSON, wj := mustLoad(t, "-config-file", filepath.Join(dir, "a.json"))
	fromHCL, wh := mustLoad(t, "-config-file", filepath.Join(dir, "a.hcl"))
	fromJSON.Sources, fromHCL.Sources = nil, nil
	clearDefSources(fromJSON)
	clearDefSources(fromHCL)
	if !reflect.DeepEqual(fromJSON, fromHCL) {
		t.Errorf("JSON and HCL differ:\njson %#v\nhcl  %#v", fromJSON, fromHCL)
	}
	if !slices.Equal(wj, wh) {
		t.Errorf("warnings differ:\njson %q\nhcl  %q", wj, wh)
	}

	c := fromJSON
	if c.Datacenter != "east-1" || c.NodeID != "adf4238a-882b-9ddc-4a9d-5b6758e4159e" || c.LogLevel != "debug" {
		t.Errorf("normalised strings: %q %q %q", c.Datacenter, c.NodeID, c.LogLevel)
	}
	wantPorts := Ports{HTTP: 18500, HTTPS: -1, DNS: -1, Server: 8300, SerfLAN: 8301, SerfWAN: 8302, GRPC: 8502, GRPCTLS: -1, Raft: 9305}
	if c.Ports != wantPorts {
		t.Errorf("ports %+v, want %+v", c.Ports, wantPorts)
	}
	if c.Addresses != (Addresses{HTTP: "0.0.0.0", DNS: "127.0.0.2", GRPC: "unix:///tmp/g"}) {
		t.Errorf("addresses %+v", c.Addresses)
	}
	if c.Limits != (Limits{KVMaxValueSize: 1024, TxnMaxReqLen: 2048}) || c.RaftMultiplier != 5 {
		t.Errorf("limits %+v multiplier %d", c.Limits, c.RaftMultiplier)
	}
	if !c.UI || !c.LogJSON || !c.Server || c.BootstrapExpect != 3 || c.RetryInterval != 5*time.Second || c.RetryMax != 4 {
		t.Errorf("flags/ints %+v", c)
	}
	if !slices.Equal(c.RetryJoin, []string{"a", "b"}) || !slices.Equal(c.StartJoin, []string{"s"}) {
		t.Errorf("joins %q %q", c.RetryJoin, c.StartJoin)
	}
	// Sources were cleared for the comparison above.
	wantServices := []ServiceDef{
		{ID: "web", Name: "web", Port: 9000, Weights: Weights{Passing: 5, Warning: 1}, Tags: []string{"primary"}},
		{ID: "db", Name: "db", Weights: Weights{Passing: 1, Warning: 1}},
		{ID: "cache", Name: "cache", Weights: Weights{Passing: 1, Warning: 1}},
	}
	if !reflect.DeepEqual(c.Services, wantServices) {
		t.Errorf("services %#v", c.Services)
	}
	wantChecks := []CheckDef{{Kind: CheckTTL, ID: "c1", Name: "c1 check", TTL: 10 * time.Second, H2PingUseTLS: true}}
	if !reflect.DeepEqual(c.Checks, wantChecks) {
		t.Errorf("checks %#v", c.Checks)
	}
}

func TestMergeOrder(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"file1.json": `{"datacenter": "a", "node_name": "n1", "data_dir": "/d1", "ports": {"http": 1, "dns": 1}, "retry_join": ["x"], "services": [{"name": "s1"}]}`,
		"file2.hcl":  "datacenter = \"b\"\nports { dns = 2 }\nretry_join = [\"y\"]\nservice { name = \"s2\" }\n",
		// Directory files load in lexical order: 02-y.hcl, then 10-x.json.
		"conf.d/10-x.json":      `{"datacenter": "c", "retry_join": ["z"], "log_level": "warn"}`,
		"conf.d/02-y.hcl":       "datacenter = \"d\"\nnode_name = \"n2\"\nlog_level = \"trace\"\n",
		"conf.d/notes.txt":      "not a config file",
		"conf.d/sub/9-sub.json": `{"datacenter": "never"}`,
	})
	files := []string{
		"-config-file", filepath.Join(dir, "file1.json"),
		"-config-dir", filepath.Join(dir, "conf.d"),
		"--config-file", filepath.Join(dir, "file2.hcl"),
	}
	tests := []struct {
		name      string
		extra     []string
		dc        string
		retryJoin []string
		http      int
	}{
		{name: "files only", dc: "c", retryJoin: []string{"x", "y", "z"}, http: 1},
		{name: "flags win", extra: []string{"-datacenter", "flagdc", "-retry-join", "w", "-http-port", "7"},
			dc: "flagdc", retryJoin: []string{"x", "y", "z", "w"}, http: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := mustLoad(t, append(slices.Clone(files), tt.extra...)...)
			if c.Datacenter != tt.dc {
				t.Errorf("datacenter %q, want %q", c.Datacenter, tt.dc)
			}
			if !slices.Equal(c.RetryJoin, tt.retryJoin) {
				t.Errorf("retry_join %q, want %q", c.RetryJoin, tt.retryJoin)
			}
			if c.Ports.HTTP != tt.http || c.Ports.DNS != 2 {
				t.Errorf("ports http=%d dns=%d", c.Ports.HTTP, c.Ports.DNS)
			}
			if c.NodeName != "n2" || c.LogLevel != "warn" || c.DataDir != "/d1" {
				t.Errorf("node %q log %q data %q", c.NodeName, c.LogLevel, c.DataDir)
			}
			if len(c.Services) != 2 {
				t.Errorf("services %#v", c.Services)
			}
			wantSources := []string{
				filepath.Join(dir, "file1.json"), filepath.Join(dir, "file2.hcl"),
				filepath.Join(dir, "conf.d", "02-y.hcl"), filepath.Join(dir, "conf.d", "10-x.json"),
			}
			if len(tt.extra) > 0 {
				wantSources = append(wantSources, "command-line flags")
			}
			if !slices.Equal(c.Sources, wantSources) {
				t.Errorf("sources %q\nwant    %q", c.Sources, wantSources)
			}
		})
	}
}

func TestDev(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"dev.json": `{"node_name": "dev1", "ports": {"dns": 9600}, "ui_config": {"enabled": false}}`,
		"dd.hcl":   `data_dir = "/persist"`,
	})
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, c *Config)
	}{
		{"plain", []string{"-dev"}, func(t *testing.T, c *Config) {
			if !c.DevMode || !c.Server || !c.Bootstrap || !c.UI || c.DataDir != "" || c.BindAddr != "127.0.0.1" ||
				c.ClientAddr != "127.0.0.1" || c.LogLevel != "debug" || c.Ports.GRPC != 8502 || c.Ports.GRPCTLS != 8503 {
				t.Errorf("dev defaults %+v", c)
			}
		}},
		{"file and port flag", []string{"-dev", "-config-file", filepath.Join(dir, "dev.json"), "-http-port", "9500"}, func(t *testing.T, c *Config) {
			if c.NodeName != "dev1" || c.Ports.DNS != 9600 || c.Ports.HTTP != 9500 || c.UI || !c.Server {
				t.Errorf("got %+v", c)
			}
		}},
		{"flag beats file", []string{"--dev", "-config-file", filepath.Join(dir, "dev.json"), "-ui", "-log-level", "INFO"}, func(t *testing.T, c *Config) {
			if !c.UI || c.LogLevel != "info" {
				t.Errorf("ui %v log %q", c.UI, c.LogLevel)
			}
		}},
		{"file sets data_dir", []string{"-dev", "-config-file", filepath.Join(dir, "dd.hcl")}, func(t *testing.T, c *Config) {
			if c.DataDir != "/persist" || !c.DevMode {
				t.Errorf("data_dir %q dev %v", c.DataDir, c.DevMode)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := mustLoad(t, tt.args...)
			tt.check(t, c)
		})
	}
}

func TestConfigFormatFlag(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"agent.conf":     `{"datacenter": "fromconf", "data_dir": "/d"}`,
		"d/zz.conf":      `{"node_name": "fromdir"}`,
		"h/agent.config": "node_name = \"h\"\ndata_dir = \"/h\"\n",
	})
	c, _ := mustLoad(t, "-config-format", "json", "-config-file", filepath.Join(dir, "agent.conf"), "-config-dir", filepath.Join(dir, "d"))
	if c.Datacenter != "fromconf" || c.NodeName != "fromdir" {
		t.Errorf("got dc %q node %q", c.Datacenter, c.NodeName)
	}
	c, _ = mustLoad(t, "-config-format=hcl", "-config-file", filepath.Join(dir, "h", "agent.config"))
	if c.NodeName != "h" || c.DataDir != "/h" {
		t.Errorf("got node %q data %q", c.NodeName, c.DataDir)
	}
}

func TestBootstrapExpectAdjustments(t *testing.T) {
	tests := []struct {
		name       string
		expect     string
		bootstrap  bool
		wantExpect int
		wantWarn   string
	}{
		{"one means bootstrap", "1", true, 0, "bootstrap_expect = 1 is the same as bootstrap = true"},
		{"two", "2", false, 2, "a cluster of 2 servers tolerates no failure"},
		{"four", "4", false, 4, "an even number of servers"},
		{"three", "3", false, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warns := mustLoad(t, "-server", "-data-dir", "/d", "-bootstrap-expect", tt.expect)
			if c.Bootstrap != tt.bootstrap || c.BootstrapExpect != tt.wantExpect {
				t.Errorf("bootstrap %v expect %d", c.Bootstrap, c.BootstrapExpect)
			}
			if tt.wantWarn == "" && len(warns) != 0 || tt.wantWarn != "" && !containsSub(warns, tt.wantWarn) {
				t.Errorf("warnings %q, want %q", warns, tt.wantWarn)
			}
		})
	}
}
