package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/miekg/dns"
)

// cluster is a set of server processes on their own loopback addresses.
type cluster struct {
	t       *testing.T
	servers []*agent
	ips     []string
	serf    []int
}

// startServer starts one server bound to ip; it joins join (host:port of a
// gossip listener) when given. extra are more agent arguments.
func startServer(t *testing.T, ip, name, dataDir string, expect int, join string, extra ...string) (*agent, int) {
	t.Helper()
	p := freePorts(t, 6)
	cfg := filepath.Join(t.TempDir(), "ports.json")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`{"ports": {"raft": %d}}`, p[5])), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"agent", "-server", "-bootstrap-expect", fmt.Sprint(expect), "-data-dir", dataDir, "-node", name,
		"-bind", ip, "-client", ip, "-http-port", fmt.Sprint(p[0]), "-server-port", fmt.Sprint(p[1]),
		"-serf-lan-port", fmt.Sprint(p[2]), "-serf-wan-port", fmt.Sprint(p[3]), "-dns-port", fmt.Sprint(p[4]),
		"-config-file", cfg}
	if join != "" {
		args = append(args, "-retry-join", join, "-retry-interval", "200ms")
	}
	a := &agent{t: t, args: append(args, extra...), HTTP: fmt.Sprintf("%s:%d", ip, p[0]), DNS: fmt.Sprintf("%s:%d", ip, p[4]),
		Server: p[1], dataDir: dataDir}
	a.startNoWait()
	return a, p[2]
}

// startNoWait starts the process; readiness is the caller's to wait for
// (a server of a forming cluster has no leader until the others come).
func (a *agent) startNoWait() {
	a.t.Helper()
	a.out = &syncBuffer{}
	a.exited = make(chan struct{})
	cmd := a.command()
	if err := cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	a.cmd = cmd
	go func() { cmd.Wait(); close(a.exited) }()
	a.t.Cleanup(func() { a.kill() })
}

// startCluster starts n servers with bootstrap_expect n on ips, all
// retry-joining the first, and waits until every one reports the same
// leader.
func startCluster(t *testing.T, ips []string, extra ...string) *cluster {
	c := &cluster{t: t, ips: ips}
	t.Cleanup(func() { // a failed test shows what the servers logged
		if t.Failed() {
			for _, s := range c.servers {
				t.Logf("--- %s log tail:\n%s", s.HTTP, tail(s.out.String(), 60))
			}
		}
	})
	first, serf := startServer(t, ips[0], "s1", t.TempDir(), len(ips), "", extra...)
	c.servers, c.serf = append(c.servers, first), append(c.serf, serf)
	joinAddr := fmt.Sprintf("%s:%d", ips[0], serf)
	for i, ip := range ips[1:] {
		s, serf := startServer(t, ip, fmt.Sprintf("s%d", i+2), t.TempDir(), len(ips), joinAddr, extra...)
		c.servers, c.serf = append(c.servers, s), append(c.serf, serf)
	}
	c.waitLeader(c.servers...)
	return c
}

// waitLeader polls until every given server names the same, non-empty
// leader, and returns it.
func (c *cluster) waitLeader(servers ...*agent) string {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		leaders := map[string]bool{}
		for _, s := range servers {
			l, err := s.client().Status().Leader()
			if err != nil || l == "" {
				leaders[""] = true
				break
			}
			leaders[l] = true
		}
		if len(leaders) == 1 && !leaders[""] {
			for l := range leaders {
				return l
			}
		}
		<-time.After(50 * time.Millisecond)
	}
	for _, s := range servers {
		l, err := s.client().Status().Leader()
		c.t.Logf("--- %s says leader %q (%v); log:\n%s", s.HTTP, l, err, tail(s.out.String(), 40))
	}
	c.t.Fatal("no common leader in 30s")
	return ""
}

// byServerAddr finds the server whose RPC address is addr ("ip:port").
func (c *cluster) byServerAddr(addr string) int {
	for i, s := range c.servers {
		if fmt.Sprintf("%s:%d", c.ips[i], s.Server) == addr {
			return i
		}
	}
	c.t.Fatalf("no server at %s", addr)
	return -1
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func eventually(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond)) }()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		<-time.After(50 * time.Millisecond)
	}
}

// TestClusterBootstrapAndFailover: three servers bootstrap from gossip,
// replicate writes, survive kill -9 of the leader (a new leader, writes
// resume, nothing acknowledged is lost), mark the dead node's serfHealth
// critical (its services leave ?passing), and take the old leader back
// as a follower with its data when it restarts.
func TestClusterBootstrapAndFailover(t *testing.T) {
	c := startCluster(t, []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"})
	for _, s := range c.servers {
		peers, err := s.client().Status().Peers()
		if err != nil || len(peers) != 3 {
			t.Fatalf("peers from %s: %v %v", s.HTTP, peers, err)
		}
	}
	members, err := c.servers[1].client().Agent().Members(false)
	if err != nil || len(members) != 3 {
		t.Fatalf("members: %d %v", len(members), err)
	}
	// The CLI, as an operator would use it.
	out, err := exec.Command(binary, "members", "-http-addr", c.servers[0].HTTP).CombinedOutput()
	if err != nil || strings.Count(string(out), "alive   server") != 3 {
		t.Errorf("consuld members:\n%s%v", out, err)
	}
	out, err = exec.Command(binary, "operator", "raft", "list-peers", "-http-addr", c.servers[2].HTTP).CombinedOutput()
	if err != nil || strings.Count(string(out), "leader") != 1 || strings.Count(string(out), "follower") != 2 {
		t.Errorf("consuld operator raft list-peers:\n%s%v", out, err)
	}
	// transfer-leader through a follower: forwarded to the leader.
	before := c.waitLeader(c.servers...)
	follower := c.servers[(c.byServerAddr(before)+1)%3]
	out, err = exec.Command(binary, "operator", "raft", "transfer-leader", "-http-addr", follower.HTTP).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Success") {
		t.Errorf("transfer-leader via a follower:\n%s%v", out, err)
	}
	eventually(t, "a new leader after the transfer", 20*time.Second, func() bool {
		l, err := c.servers[0].client().Status().Leader()
		return err == nil && l != "" && l != before
	})
	out, err = exec.Command(binary, "info", "-http-addr", c.servers[1].HTTP).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "serf_lan:") || !strings.Contains(string(out), "members = 3") {
		t.Errorf("consuld info:\n%s%v", out, err)
	}
	// A write through one server is read (linearizably) through another.
	if _, err := c.servers[1].client().KV().Put(&api.KVPair{Key: "k", Value: []byte("v1")}, nil); err != nil {
		t.Fatal(err)
	}
	if p, _, err := c.servers[2].client().KV().Get("k", nil); err != nil || p == nil || string(p.Value) != "v1" {
		t.Fatalf("read on another server: %v %v", p, err)
	}
	leader := c.waitLeader(c.servers...)
	li := c.byServerAddr(leader)
	// A service on the leader's node, to see it leave ?passing.
	if _, err := c.servers[li].client().Catalog().Register(&api.CatalogRegistration{Node: fmt.Sprintf("s%d", li+1), Address: c.ips[li],
		SkipNodeUpdate: true, Service: &api.AgentService{ID: "web", Service: "web", Port: 80}}, nil); err != nil {
		t.Fatal(err)
	}
	var rest []*agent
	for i, s := range c.servers {
		if i != li {
			rest = append(rest, s)
		}
	}
	c.servers[li].kill()
	killed := time.Now()
	var wrote time.Duration
	eventually(t, "a write after the leader died", 30*time.Second, func() bool {
		_, err := rest[0].client().KV().Put(&api.KVPair{Key: "k", Value: []byte("v2")}, nil)
		wrote = time.Since(killed)
		return err == nil
	})
	t.Logf("first write %s after kill -9 of the leader", wrote)
	newLeader := c.waitLeader(rest...)
	if newLeader == leader {
		t.Fatalf("leader still %s", leader)
	}
	node := fmt.Sprintf("s%d", li+1)
	eventually(t, "serfHealth critical on the dead node", 30*time.Second, func() bool {
		checks, _, err := rest[0].client().Health().Node(node, nil)
		for _, ch := range checks {
			if err == nil && ch.CheckID == "serfHealth" && ch.Status == "critical" {
				return true
			}
		}
		return false
	})
	if entries, _, err := rest[1].client().Health().Service("web", "", true, nil); err != nil || len(entries) != 0 {
		t.Errorf("web on the dead node still passing: %d %v", len(entries), err)
	}
	// The old leader comes back as a follower with every write.
	c.servers[li].startNoWait()
	c.waitLeader(c.servers...)
	eventually(t, "the restarted server to catch up", 30*time.Second, func() bool {
		p, _, err := c.servers[li].client().KV().Get("k", nil)
		return err == nil && p != nil && string(p.Value) == "v2"
	})
	eventually(t, "serfHealth passing again", 30*time.Second, func() bool {
		checks, _, _ := rest[0].client().Health().Node(node, nil)
		for _, ch := range checks {
			if ch.CheckID == "serfHealth" && ch.Status == "passing" {
				return true
			}
		}
		return false
	})
}

func (a *agent) command() *exec.Cmd {
	cmd := exec.Command(binary, a.args...)
	cmd.Stdout, cmd.Stderr = a.out, a.out
	return cmd
}

// TestClusterGossipKey: an agent with the wrong gossip key cannot join an
// encrypted pool; one with the right key can.
func TestClusterGossipKey(t *testing.T) {
	const k1, k2 = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=", "cg8StVXbQJ0gPvMd9o7yrg1kxI4VCLZpZqgJ1N7ZKHE="
	s1, serf := startServer(t, "127.0.0.9", "s1", t.TempDir(), 1, "", "-encrypt", k1)
	c := &cluster{t: t, servers: []*agent{s1}, ips: []string{"127.0.0.9"}}
	c.waitLeader(s1)
	join := fmt.Sprintf("127.0.0.9:%d", serf)
	bad, _ := startServer(t, "127.0.0.10", "intruder", t.TempDir(), 2, join, "-encrypt", k2)
	eventually(t, "the intruder's join attempt", 20*time.Second, func() bool {
		return strings.Contains(bad.out.String(), "Join cluster failed")
	})
	if ms, _ := s1.client().Agent().Members(false); len(ms) != 1 {
		t.Fatalf("a member with the wrong key joined: %d members", len(ms))
	}
	good, _ := startServer(t, "127.0.0.11", "s2", t.TempDir(), 2, join, "-encrypt", k1)
	eventually(t, "the agent with the right key to join", 20*time.Second, func() bool {
		ms, _ := s1.client().Agent().Members(false)
		return len(ms) == 2
	})
	// Rotate to k2 with the CLI, as an operator would.
	for _, args := range [][]string{{"-install", k2}, {"-use", k2}, {"-remove", k1}} {
		out, err := exec.Command(binary, append([]string{"keyring", "-http-addr", good.HTTP}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("keyring %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command(binary, "keyring", "-list", "-http-addr", s1.HTTP).CombinedOutput()
	if err != nil || !strings.Contains(string(out), k2+" [2/2]") || strings.Contains(string(out), k1) {
		t.Errorf("keyring -list after the rotation:\n%s%v", out, err)
	}
	if b, err := os.ReadFile(filepath.Join(s1.dataDir, "serf", "local.keyring")); err != nil || !strings.Contains(string(b), k2) || strings.Contains(string(b), k1) {
		t.Errorf("persisted keyring: %s %v", b, err)
	}
	old, _ := startServer(t, "127.0.0.18", "old-key", t.TempDir(), 2, join, "-encrypt", k1)
	eventually(t, "the retired key's join attempt", 20*time.Second, func() bool {
		return strings.Contains(old.out.String(), "Join cluster failed")
	})
	if ms, _ := s1.client().Agent().Members(false); len(ms) != 2 {
		t.Errorf("an agent with the retired key joined: %d members", len(ms))
	}
}

// TestClusterClientAgent: a client agent (no -server) finds the servers
// through gossip, registers its services in the catalog every server
// serves, forwards KV and catalog requests, gets serfHealth from the
// leader, and keeps working when the server it talked to dies.
func TestClusterClientAgent(t *testing.T) {
	c := startCluster(t, []string{"127.0.0.14", "127.0.0.15", "127.0.0.16"})
	p := freePorts(t, 6)
	cl := &agent{t: t, args: []string{"agent", "-data-dir", t.TempDir(), "-node", "client-1", "-bind", "127.0.0.17", "-client", "127.0.0.17",
		"-http-port", fmt.Sprint(p[0]), "-serf-lan-port", fmt.Sprint(p[1]), "-dns-port", fmt.Sprint(p[2]),
		"-retry-join", fmt.Sprintf("127.0.0.14:%d", c.serf[0]), "-retry-interval", "200ms"},
		HTTP: fmt.Sprintf("127.0.0.17:%d", p[0]), DNS: fmt.Sprintf("127.0.0.17:%d", p[2])}
	cl.startNoWait()
	eventually(t, "the client agent to see a leader", 30*time.Second, func() bool {
		l, err := cl.client().Status().Leader()
		return err == nil && l != ""
	})
	if err := cl.client().Agent().ServiceRegister(&api.AgentServiceRegistration{Name: "api", Port: 8080,
		Check: &api.AgentServiceCheck{TTL: "30s", Status: "passing"}}); err != nil {
		t.Fatal(err)
	}
	for _, s := range c.servers {
		s := s
		eventually(t, "the client's service on "+s.HTTP, 20*time.Second, func() bool {
			e, _, err := s.client().Health().Service("api", "", true, nil)
			return err == nil && len(e) == 1 && e[0].Node.Node == "client-1"
		})
	}
	eventually(t, "the client node's serfHealth", 20*time.Second, func() bool {
		checks, _, err := c.servers[0].client().Health().Node("client-1", nil)
		for _, ch := range checks {
			if err == nil && ch.CheckID == "serfHealth" && ch.Status == "passing" {
				return true
			}
		}
		return false
	})
	if _, err := cl.client().KV().Put(&api.KVPair{Key: "via-client", Value: []byte("1")}, nil); err != nil {
		t.Fatal(err)
	}
	if kv, _, err := c.servers[2].client().KV().Get("via-client", nil); err != nil || kv == nil {
		t.Fatalf("KV written through the client: %v %v", kv, err)
	}
	// The client's DNS answers from the servers' catalog.
	r := dnsAsk(t, cl, "udp", "api.service.consul", dns.TypeA, 0)
	if got := rrs(r.Answer); len(got) != 1 || got[0] != "api.service.consul. A 127.0.0.17" {
		t.Errorf("client DNS: %q (rcode %s)", got, dns.RcodeToString[r.Rcode])
	}
	r = dnsAsk(t, cl, "udp", "s2.node.consul", dns.TypeA, 0)
	if got := rrs(r.Answer); len(got) != 1 || got[0] != "s2.node.consul. A 127.0.0.15" {
		t.Errorf("client DNS node lookup: %q", got)
	}
	if members, err := cl.client().Agent().Members(false); err != nil || len(members) != 4 {
		t.Fatalf("members seen by the client: %d %v", len(members), err)
	}
	// A server dies (the one the client joined through): the client keeps
	// answering through the others.
	c.servers[0].kill()
	eventually(t, "the client to answer through another server", 30*time.Second, func() bool {
		_, err := cl.client().KV().Put(&api.KVPair{Key: "after", Value: []byte("2")}, nil)
		return err == nil
	})
	if e, _, err := cl.client().Health().Service("api", "", true, nil); err != nil || len(e) != 1 {
		t.Errorf("health through the client after a server died: %d %v", len(e), err)
	}
}

// TestClusterLeaveRejoin: `consuld leave` on a server (the leader) hands
// leadership over, the server leaves the Raft configuration, and started
// again with the same data dir it rejoins as a voter and catches up.
func TestClusterLeaveRejoin(t *testing.T) {
	c := startCluster(t, []string{"127.0.0.19", "127.0.0.20", "127.0.0.21"})
	li := c.byServerAddr(c.waitLeader(c.servers...))
	leaving := c.servers[li]
	var rest []*agent
	for i, s := range c.servers {
		if i != li {
			rest = append(rest, s)
		}
	}
	out, err := exec.Command(binary, "leave", "-http-addr", leaving.HTTP).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Graceful leave complete") {
		t.Fatalf("consuld leave: %v\n%s", err, out)
	}
	select {
	case <-leaving.exited:
	case <-time.After(15 * time.Second):
		t.Fatal("the agent did not exit after leaving")
	}
	eventually(t, "the server out of the Raft configuration", 30*time.Second, func() bool {
		p, err := rest[0].client().Status().Peers()
		return err == nil && len(p) == 2
	})
	if _, err := rest[1].client().KV().Put(&api.KVPair{Key: "while-away", Value: []byte("1")}, nil); err != nil {
		t.Fatal(err)
	}
	leaving.startNoWait()
	eventually(t, "the server back in the Raft configuration", 30*time.Second, func() bool {
		p, err := rest[0].client().Status().Peers()
		return err == nil && len(p) == 3
	})
	eventually(t, "the returning server to catch up", 30*time.Second, func() bool {
		kv, _, err := leaving.client().KV().Get("while-away", nil)
		return err == nil && kv != nil
	})
}

// TestClusterReplaceDeadServer: a fourth server joins as a voter; when a
// server dies, the leader replaces it (removes it from the voters) once
// it has been failed for autopilot.dead_server_cleanup_after, because
// three voters stay alive; writes go on throughout.
func TestClusterReplaceDeadServer(t *testing.T) {
	fast := []string{"-hcl", `autopilot { dead_server_cleanup_after = "2s" }`}
	c := startCluster(t, []string{"127.0.0.22", "127.0.0.23", "127.0.0.24"}, fast...)
	fourth, _ := startServer(t, "127.0.0.25", "s4", t.TempDir(), 3, fmt.Sprintf("127.0.0.22:%d", c.serf[0]), fast...)
	eventually(t, "the fourth server to become a voter", 30*time.Second, func() bool {
		p, err := c.servers[0].client().Status().Peers()
		return err == nil && len(p) == 4
	})
	li := c.byServerAddr(c.waitLeader(c.servers...))
	victim := c.servers[(li+1)%3]
	victim.kill()
	eventually(t, "the dead server replaced", 30*time.Second, func() bool {
		p, err := fourth.client().Status().Peers()
		return err == nil && len(p) == 3
	})
	if _, err := fourth.client().KV().Put(&api.KVPair{Key: "after-cleanup", Value: []byte("1")}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestClusterRollingEncryption: with encrypt_verify_incoming and
// encrypt_verify_outgoing off (the first step of turning encryption on in
// a running cluster), an agent with the key and one without talk.
func TestClusterRollingEncryption(t *testing.T) {
	const k = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="
	s1, serf := startServer(t, "127.0.0.26", "s1", t.TempDir(), 1, "", "-encrypt", k,
		"-hcl", "encrypt_verify_incoming = false\nencrypt_verify_outgoing = false")
	c := &cluster{t: t, servers: []*agent{s1}, ips: []string{"127.0.0.26"}}
	c.waitLeader(s1)
	plain, _ := startServer(t, "127.0.0.27", "s2", t.TempDir(), 2, fmt.Sprintf("127.0.0.26:%d", serf))
	eventually(t, "the unencrypted agent to join", 20*time.Second, func() bool {
		ms, _ := s1.client().Agent().Members(false)
		return len(ms) == 2
	})
	_ = plain
}
