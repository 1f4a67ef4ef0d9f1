package agent

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/transport/gossip"
)

// stats is /v1/agent/self's Stats, the sections `consul info` prints.
func (a *Agent) stats() map[string]map[string]string {
	c, h := a.cfg, a.host
	leaderAddr, known := (leadership{h: h, selfAddr: hostPort(advertiseIP(c), c.Ports.Server), servers: a.serverAddrs}).LeaderAddr()
	isLeader := (raftMembership{h}).IsLeader()
	state := "Follower"
	if isLeader {
		state = "Leader"
	} else if !known {
		state = "Candidate"
	}
	out := map[string]map[string]string{
		"agent": {"check_monitors": "0", "check_ttls": "0", "checks": "0", "services": "0"},
		"build": {"prerelease": "", "revision": "consuld " + cli.Version, "version": cli.ConsulVersion, "version_metadata": ""},
		"consul": {"acl": "disabled", "bootstrap": strconv.FormatBool(c.Bootstrap), "known_datacenters": "1",
			"leader": strconv.FormatBool(isLeader), "leader_addr": leaderAddr, "server": strconv.FormatBool(c.Server)},
		"raft": {"state": state, "applied_index": fmt.Sprint(h.KV().Current().Applied()),
			"num_peers": fmt.Sprint(max(len(a.serverAddrs())-1, 0)), "protocol_version": "3"},
		"runtime": {"arch": runtime.GOARCH, "os": runtime.GOOS, "version": runtime.Version(),
			"goroutines": fmt.Sprint(runtime.NumGoroutine()), "cpu_count": fmt.Sprint(runtime.NumCPU())},
	}
	if a.local != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := a.local.Do(ctx, func(r local.Answerer) any { return local.Snapshot{Reply: r} })
		cancel()
		if err == nil {
			ttls := 0
			for _, ch := range r.Checks {
				if ch.Type == "ttl" {
					ttls++
				}
			}
			out["agent"]["services"], out["agent"]["checks"] = fmt.Sprint(len(r.Services)), fmt.Sprint(len(r.Checks))
			out["agent"]["check_ttls"], out["agent"]["check_monitors"] = fmt.Sprint(ttls), fmt.Sprint(len(r.Checks)-ttls)
		}
	}
	if a.pool != nil {
		counts := map[gossip.Status]int{}
		for _, m := range a.pool.Members() {
			counts[m.Status]++
		}
		out["serf_lan"] = map[string]string{"members": fmt.Sprint(len(a.pool.Members())), "failed": fmt.Sprint(counts[gossip.StatusFailed]),
			"left": fmt.Sprint(counts[gossip.StatusLeft]), "encrypted": strconv.FormatBool(c.Encrypt != ""), "event_queue": "0"}
	}
	return out
}
