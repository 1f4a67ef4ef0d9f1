package agent

import (
	"context"
	"fmt"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/cluster"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/frontends/httpapi"
	"github.com/consuld/consuld/fsm/host"
	"github.com/consuld/consuld/transport/gossip"
	"github.com/consuld/consuld/transport/keyring"
)

// startGossip joins the LAN pool (memberlist on serf_lan), advertising
// what other servers need to form and find the Raft cluster.
func (a *Agent) startGossip(id, ip string, rid uint64) error {
	c := a.cfg
	if c.Ports.SerfLAN < 0 {
		return nil
	}
	// The keyring file in the data dir wins over encrypt once it exists,
	// as in Consul.
	kr, loaded, err := keyring.Load(c.DataDir, c.Encrypt)
	if err != nil {
		return fmt.Errorf("agent: gossip keyring: %w", err)
	}
	if loaded == keyring.FromFileEncryptIgnored {
		a.log.Warn("agent: the keyring file in the data dir does not hold the encrypt key; the keyring file is used", "file", keyring.Path(c.DataDir))
	}
	var keys [][]byte
	if kr != nil {
		keys = kr.Keys()
	}
	a.keyring = kr
	meta := gossip.Meta{Role: gossip.RoleClient, DC: c.Datacenter, ID: id, Build: cli.ConsulVersion}
	if c.Server {
		meta.Role, meta.Port, meta.Raft, meta.ReplicaID, meta.Expect = gossip.RoleServer, c.Ports.Server, hostPort(ip, c.Ports.Raft), rid, c.BootstrapExpect
	}
	pool, err := gossip.Start(gossip.Config{Name: c.NodeName, BindAddr: bindIP(c), BindPort: c.Ports.SerfLAN,
		AdvertiseAddr: ip, Meta: meta, Keys: keys, VerifyIncoming: c.EncryptVerifyIncoming, VerifyOutgoing: c.EncryptVerifyOutgoing, Fast: c.DevMode,
		SnapshotPath: snapshotPath(c.DataDir), OnKeyring: a.saveKeyring,
		LogOutput: a.log.Named("memberlist").StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}), OnEvent: a.gossipEvent})
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	a.pool = pool
	if len(c.StartJoin) > 0 {
		if n, err := pool.Join(c.StartJoin); err != nil {
			return fmt.Errorf("agent: join %v: %w", c.StartJoin, err)
		} else {
			a.log.Info("agent: (LAN) joined", "number_of_nodes", n)
		}
	}
	if len(c.RetryJoin) > 0 {
		go a.retryJoin(c.RetryJoin)
	}
	if prev := pool.Previous(); len(prev) > 0 {
		go a.rejoinPrevious(prev)
	}
	return nil
}

// snapshotPath is where the gossip pool keeps its members' addresses.
func snapshotPath(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, "serf", "members.json")
}

// rejoinPrevious joins the members of the last run (gossip snapshot),
// retrying every second for a minute: a restarted agent without join
// addresses finds its cluster again.
func (a *Agent) rejoinPrevious(prev []string) {
	for attempt := 0; attempt < 60; attempt++ {
		n, err := a.pool.Join(prev)
		if err == nil {
			a.log.Info("agent: rejoined the members of the last run", "number_of_nodes", n)
			return
		}
		a.log.Debug("agent: rejoining the members of the last run failed", "error", err)
		select {
		case <-a.done:
			return
		case <-time.After(time.Second):
		}
	}
}

// retryJoin joins addrs until one answers (retry_interval, retry_max).
func (a *Agent) retryJoin(addrs []string) {
	for attempt := 1; ; attempt++ {
		n, err := a.pool.Join(addrs)
		if err == nil {
			a.log.Info("agent: Join cluster completed. Synced with initial agents", "cluster", "LAN", "num_agents", n)
			return
		}
		if a.cfg.RetryMax > 0 && attempt >= a.cfg.RetryMax {
			a.log.Error("agent: max join retry exhausted, exiting", "error", err)
			return
		}
		a.log.Warn("agent: Join cluster failed, will retry", "cluster", "LAN", "retry_interval", a.cfg.RetryInterval, "error", err)
		select {
		case <-a.done:
			return
		case <-time.After(a.cfg.RetryInterval):
		}
	}
}

// gossipEvent logs a membership change and wakes the reconciler.
func (a *Agent) gossipEvent(e gossip.Event) {
	m := e.Member
	a.log.Info("serf: "+eventName(e.Kind), "member", m.Name, "address", m.Addr.String())
	if m.Meta.IsServer() && m.Meta.DC == a.cfg.Datacenter && e.Kind == gossip.EventJoin && m.Name != a.cfg.NodeName {
		a.log.Info("consul: Adding LAN server", "server", fmt.Sprintf("%s (Addr: tcp/%s) (DC: %s)", m.Name, hostPort(m.Addr.String(), m.Meta.Port), m.Meta.DC))
	}
	if e.Kind == gossip.EventFail && m.Meta.IsServer() {
		a.log.Info("consul: removing server (failed)", "server", m.Name)
	}
	if r := a.reconcile.Load(); r != nil {
		r.Poke()
	}
}

func eventName(k gossip.EventKind) string {
	switch k {
	case gossip.EventJoin:
		return "EventMemberJoin"
	case gossip.EventLeave:
		return "EventMemberLeave"
	case gossip.EventFail:
		return "EventMemberFailed"
	}
	return "EventMemberUpdate"
}

// startRaft starts this server's replicas: recovering them, bootstrapping
// a lone server, bootstrapping with the servers gossip found once
// bootstrap_expect of them are there, or joining an existing cluster
// (the leader's reconciler adds it). It returns at once; the replicas
// start in the background when they have to wait for gossip.
func (a *Agent) startRaft(rid uint64, raftAddr string) error {
	c, h := a.cfg, a.host
	switch {
	case h.HasState():
		a.log.Info("raft: restoring state from the data dir")
		return a.markBootstrapped(h.Start(nil, false), nil)
	case c.DevMode || c.Bootstrap:
		return a.markBootstrapped(h.Start(map[uint64]string{rid: raftAddr}, false), []uint64{rid})
	}
	go func() {
		members, join := a.waitBootstrap(rid)
		if members == nil && !join {
			return // shut down while waiting
		}
		var set []uint64
		if join {
			a.log.Info("consul: joining the existing cluster; waiting for the leader to add this server")
		} else {
			set = slices.Sorted(maps.Keys(members))
			a.log.Info("consul: found expected number of peers, attempting bootstrap", "peers", fmt.Sprint(slices.Collect(maps.Values(members))))
		}
		if err := a.markBootstrapped(h.Start(members, join), set); err != nil {
			a.log.Error("raft: start failed", "error", err)
		}
	}()
	return nil
}

// waitBootstrap watches the pool and decides how this new server starts:
//   - a bootstrapped server whose bootstrap set holds this server: it
//     bootstraps with that same set (it was counted, and started late);
//   - any other bootstrapped server: the cluster exists, it joins;
//   - bootstrap_expect servers of this datacenter alive, none
//     bootstrapped: they bootstrap together, each computing the same set.
func (a *Agent) waitBootstrap(self uint64) (members map[uint64]string, join bool) {
	logged := false
	for {
		alive := map[uint64]string{}
		var boot []uint64
		bootstrapped := false
		for _, m := range a.pool.Members() {
			if !m.Meta.IsServer() || m.Meta.DC != a.cfg.Datacenter || m.Status != gossip.StatusAlive {
				continue
			}
			alive[m.Meta.ReplicaID] = m.Meta.Raft
			if m.Meta.Bootstrapped && m.Meta.ReplicaID != self {
				bootstrapped = true
				if slices.Contains(m.Meta.BootSet, self) {
					boot = m.Meta.BootSet
				}
			}
		}
		switch {
		case boot != nil:
			set := map[uint64]string{}
			for _, id := range boot {
				if addr, ok := alive[id]; ok {
					set[id] = addr
				}
			}
			if len(set) == len(boot) {
				return set, false
			}
			// Wait until gossip shows every member of the set.
		case bootstrapped:
			return nil, true
		case a.cfg.BootstrapExpect > 0 && len(alive) >= a.cfg.BootstrapExpect:
			return alive, false
		}
		if !logged {
			a.log.Info("consul: waiting for servers to bootstrap", "expect", a.cfg.BootstrapExpect)
			logged = true
		}
		select {
		case <-a.done:
			return nil, false
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// markBootstrapped advertises that this server runs Raft replicas (and,
// if it bootstrapped the cluster, with which set).
func (a *Agent) markBootstrapped(err error, set []uint64) error {
	if err == nil && a.pool != nil {
		if uerr := a.pool.UpdateMeta(func(m *gossip.Meta) { m.Bootstrapped, m.BootSet = true, set }); uerr != nil {
			a.log.Warn("gossip: advertising bootstrap state failed", "error", uerr)
		}
	}
	return err
}

// poolMembers converts the gossip table for the reconciler.
type poolMembers struct{ a *Agent }

func (p poolMembers) Members() []cluster.Member {
	var out []cluster.Member
	for _, m := range p.a.pool.Members() {
		out = append(out, cluster.Member{Name: m.Name, ID: m.Meta.ID, Addr: m.Addr.String(), DC: m.Meta.DC,
			Server: m.Meta.IsServer(), ReplicaID: m.Meta.ReplicaID, Raft: m.Meta.Raft, Status: cluster.Status(m.Status), Since: m.Since})
	}
	return out
}

// raftMembership adapts the host for the reconciler.
type raftMembership struct{ h *host.Host }

func (r raftMembership) IsLeader() bool {
	id, ok := r.h.Leader(events.ShardKV)
	return ok && id == r.h.ReplicaID()
}
func (r raftMembership) Self() uint64 { return r.h.ReplicaID() }
func (r raftMembership) Voters(ctx context.Context) (map[uint64]string, error) {
	return r.h.Members(ctx, events.ShardKV)
}
func (r raftMembership) AddVoter(ctx context.Context, id uint64, addr string) error {
	return r.h.AddReplica(ctx, id, addr)
}
func (r raftMembership) RemoveVoter(ctx context.Context, id uint64) error {
	return r.h.RemoveReplica(ctx, id)
}

// memberCatalog lets the reconciler read and set serfHealth.
type memberCatalog struct {
	c    *actors.Client
	h    *host.Host
	pool *gossip.Pool
	dc   string
}

// SerfHealth looks up the serfHealth check of each gossip member's node
// (not a scan of every check: the reconciler asks every second).
func (m memberCatalog) SerfHealth() map[string]string {
	out := map[string]string{}
	v := m.h.Catalog().Current()
	for _, mem := range m.pool.Members() {
		if c, ok := v.Check(mem.Name, "serfHealth"); ok {
			out[mem.Name] = c.Status
		}
	}
	return out
}

// RegisterMember sets a member's serfHealth: a status update when the
// check exists, the check alone when the node does (its own registration
// owns its meta and addresses), else the node with its check.
func (m memberCatalog) RegisterMember(ctx context.Context, mem cluster.Member, status, output string) error {
	v := m.h.Catalog().Current()
	if _, ok := v.Check(mem.Name, "serfHealth"); ok {
		return m.c.CheckStatus(ctx, &events.CheckStatusUpdated{Node: mem.Name, CheckId: "serfHealth", Status: status, Output: output})
	}
	check := &events.Check{CheckId: "serfHealth", Name: "Serf Health Status", Status: status, Output: output}
	if n, ok := v.Node(mem.Name); ok {
		return m.c.CatalogRegister(ctx, &events.CatalogRegistered{Node: n, SkipNodeUpdate: true, Checks: []*events.Check{check}})
	}
	ip := mem.Addr
	if net.ParseIP(ip) == nil {
		ip = ""
	}
	return m.c.CatalogRegister(ctx, &events.CatalogRegistered{
		Node: &events.Node{Id: mem.ID, Node: mem.Name, Address: ip, Datacenter: m.dc,
			TaggedAddresses: map[string]string{"lan": ip, "lan_ipv4": ip, "wan": ip, "wan_ipv4": ip}},
		Checks: []*events.Check{{CheckId: "serfHealth", Name: "Serf Health Status", Status: status, Output: output}},
	})
}

func (m memberCatalog) DeregisterNode(ctx context.Context, node string) error {
	return m.c.CatalogDeregister(ctx, &events.CatalogDeregistered{Node: node})
}

// reconcileInterval is how often the leader reconciles without events.
func reconcileInterval(c *config.Config) time.Duration {
	if c.DevMode {
		return 200 * time.Millisecond
	}
	return time.Second
}

// apiCluster is the HTTP API's view of membership.
type apiCluster struct{ a *Agent }

func (c apiCluster) Members() []httpapi.Member {
	var out []httpapi.Member
	for _, m := range c.a.pool.Members() {
		out = append(out, httpapi.Member{Name: m.Name, Addr: m.Addr.String(), Port: m.Port, Status: int(m.Status),
			Server: m.Meta.IsServer(), DC: m.Meta.DC, ID: m.Meta.ID, ServerPort: m.Meta.Port})
	}
	return out
}

func (c apiCluster) Join(addrs []string) (int, error) { return c.a.pool.Join(addrs) }

// Leave leaves the pool gracefully and then stops the agent, as Consul's
// /v1/agent/leave does. A leading server hands leadership over first; a
// server's Raft state is dropped on the way out (see incarnation.go), as
// the leader removes it from the voters when it sees it left.
func (c apiCluster) Leave() error {
	a := c.a
	a.log.Info("agent: Gracefully shutting down agent...")
	if a.host != nil && (raftMembership{a.host}).IsLeader() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if err := (operator{a}).TransferLeader(ctx, ""); err != nil {
			a.log.Warn("agent: handing leadership over before leaving failed", "error", err)
		}
		for (raftMembership{a.host}).IsLeader() && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}
	err := a.pool.Leave(5 * time.Second)
	if a.host != nil {
		a.retire.Store(true)
	}
	a.leaveOnce.Do(func() { close(a.left) })
	return err
}

func (c apiCluster) ForceLeave(node string) bool {
	ok := c.a.pool.ForceLeave(node)
	if r := c.a.reconcile.Load(); ok && r != nil {
		r.Poke()
	}
	return ok
}

// saveKeyring persists the gossip keyring after a keyring operation.
func (a *Agent) saveKeyring(keys [][]byte) {
	if a.cfg.DataDir == "" {
		return
	}
	if err := keyring.WriteFile(keyring.Path(a.cfg.DataDir), keys); err != nil {
		a.log.Error("agent: saving the gossip keyring failed", "error", err)
	}
}

// KeyringOp runs a keyring operation on every member (for the HTTP API).
func (c apiCluster) KeyringOp(ctx context.Context, op, key string) ([]httpapi.KeyringAnswer, error) {
	rs, err := c.a.pool.KeyringOp(ctx, op, key)
	if err != nil {
		return nil, err
	}
	out := make([]httpapi.KeyringAnswer, 0, len(rs))
	for _, r := range rs {
		out = append(out, httpapi.KeyringAnswer{Node: r.Node, Keys: r.Keys, Primary: r.Primary, Error: r.Error})
	}
	return out, nil
}
