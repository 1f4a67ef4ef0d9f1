package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testutilJSON is shaped like the file github.com/hashicorp/consul/sdk/testutil
// writes before it runs `agent -config-file <file>` (field order as its
// struct tags, including the always-present null "segments").
const testutilJSON = `{
  "node_name": "node-6b8d5ed4-6c50-1c9a-8b46-2bb1d1a6a7f1",
  "node_id": "6b8d5ed4-6c50-1c9a-8b46-2bb1d1a6a7f1",
  "node_meta": {"rack": "r1"},
  "performance": {"raft_multiplier": 1},
  "bootstrap": true,
  "server": true,
  "retry_join": ["127.0.0.1:18301"],
  "data_dir": "/tmp/TestAPI123/data",
  "datacenter": "dc1",
  "segments": null,
  "disable_update_check": true,
  "log_level": "debug",
  "bind_addr": "127.0.0.1",
  "addresses": {"dns": "127.0.0.1", "http": "127.0.0.1", "https": "127.0.0.1", "grpc": "127.0.0.1"},
  "ports": {"dns": 18600, "http": 18500, "https": 18501, "serf_lan": 18301, "serf_wan": 18302,
            "server": 18300, "grpc": 18502, "grpc_tls": 18503},
  "raft_protocol": 3,
  "primary_datacenter": "dc1",
  "acl_default_policy": "allow",
  "acl": {"enabled": true, "default_policy": "deny",
          "tokens": {"master": "root", "agent_master": "towel", "agent": "a", "default": ""}},
  "encrypt": "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=",
  "verify_incoming_rpc": false,
  "enable_script_checks": true,
  "connect": {"enabled": true, "ca_config": {"cluster_id": "11111111-2222-3333-4444-555555555555"}},
  "enable_debug": true,
  "skip_leave_on_interrupt": true,
  "peering": {"enabled": true},
  "autopilot": {"cleanup_dead_servers": false, "server_stabilization_time": "0s"},
  "version": "1.19.0"
}`

func TestConsulTestutilConfigLoads(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"config.json": testutilJSON})
	c, warns := mustLoad(t, "-config-file", filepath.Join(dir, "config.json"))

	wantPorts := Ports{HTTP: 18500, HTTPS: 18501, DNS: 18600, Server: 18300, SerfLAN: 18301, SerfWAN: 18302,
		GRPC: 18502, GRPCTLS: 18503, Raft: 0}
	if c.Ports != wantPorts {
		t.Errorf("ports %+v\nwant  %+v", c.Ports, wantPorts)
	}
	if c.Addresses != (Addresses{HTTP: "127.0.0.1", HTTPS: "127.0.0.1", DNS: "127.0.0.1", GRPC: "127.0.0.1"}) {
		t.Errorf("addresses %+v", c.Addresses)
	}
	if !c.Server || !c.Bootstrap || c.DevMode || c.DataDir != "/tmp/TestAPI123/data" || c.LogLevel != "debug" ||
		c.BindAddr != "127.0.0.1" || c.RaftMultiplier != 1 ||
		c.NodeName != "node-6b8d5ed4-6c50-1c9a-8b46-2bb1d1a6a7f1" || c.NodeID != "6b8d5ed4-6c50-1c9a-8b46-2bb1d1a6a7f1" {
		t.Errorf("got %+v", c)
	}
	if !slices.Equal(c.RetryJoin, []string{"127.0.0.1:18301"}) {
		t.Errorf("retry_join %q", c.RetryJoin)
	}
	if c.Autopilot.CleanupDeadServers {
		t.Error("autopilot.cleanup_dead_servers = false not applied")
	}
	for _, key := range []string{"node_meta", "disable_update_check", "acl", "peering", "autopilot.server_stabilization_time",
		"version", "skip_leave_on_interrupt", "raft_protocol"} {
		if !containsSub(warns, `key "`+key+`" is not supported yet`) {
			t.Errorf("no warning for %q in\n%s", key, strings.Join(warns, "\n"))
		}
	}
	if containsSub(warns, "segments") {
		t.Errorf("null segments warned: %q", warns)
	}
}
