package config

import (
	"testing"
	"time"
)

func TestAutopilotConfig(t *testing.T) {
	d := loadJSON(t, `{"data_dir": "/tmp/x"}`).Autopilot
	if !d.CleanupDeadServers || d.DeadServerAfter != 30*time.Second || d.MinQuorum != 0 {
		t.Errorf("defaults %+v", d)
	}
	c := loadJSON(t, `{"data_dir": "/tmp/x", "autopilot": {"cleanup_dead_servers": false, "min_quorum": 5, "dead_server_cleanup_after": "2s"}}`).Autopilot
	if c.CleanupDeadServers || c.MinQuorum != 5 || c.DeadServerAfter != 2*time.Second {
		t.Errorf("set %+v", c)
	}
}
