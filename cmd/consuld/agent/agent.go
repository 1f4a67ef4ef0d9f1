package agent

import (
	"context"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/hashicorp/go-hclog"

	"github.com/consuld/consuld/actors"
	actorcat "github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/actors/cluster"
	actorconnect "github.com/consuld/consuld/actors/connect"
	actorkv "github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/frontends/dns"
	"github.com/consuld/consuld/frontends/httpapi"
	"github.com/consuld/consuld/fsm/host"
	"github.com/consuld/consuld/transport/gossip"
	"github.com/consuld/consuld/transport/keyring"
)

// Agent is one running consuld server.
type Agent struct {
	cfg   *config.Config
	log   hclog.Logger
	host  *host.Host
	local *local.Agent
	flags *config.Flags // to re-read the same sources on reload
	sys   *actor.ActorSystem
	http  []*http.Server
	addrs []net.Addr
	dns   *dns.Server
	pool  *gossip.Pool
	// keyring is the gossip keyring (nil: gossip not encrypted).
	keyring *keyring.Keyring
	// reconcile is the leader's membership reconciler (set once the
	// Client exists; gossip events poke it).
	reconcile atomic.Pointer[cluster.Reconcile]
	done      chan struct{}
	left      chan struct{} // closed after a graceful leave: Run exits
	leaveOnce sync.Once
	retire    atomic.Bool // a server left: drop its Raft state on shutdown
}

// serverAddrs maps servers' replica IDs to their RPC addresses, from
// gossip.
func (a *Agent) serverAddrs() map[uint64]string {
	out := map[uint64]string{}
	if a.pool == nil {
		return out
	}
	for _, m := range a.pool.Members() {
		if m.Meta.IsServer() && m.Meta.ReplicaID != 0 {
			out[m.Meta.ReplicaID] = hostPort(m.Addr.String(), m.Meta.Port)
		}
	}
	return out
}

// Run is `consuld agent ARGS`: it returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	f, err := config.ParseFlags(args, stderr)
	if err != nil {
		return 1
	}
	c, warnings, err := config.Load(f)
	if err != nil {
		fmt.Fprintf(stderr, "==> %v\n", err)
		return 1
	}
	log := hclog.New(&hclog.LoggerOptions{Name: "agent", Level: hclog.LevelFromString(c.LogLevel),
		Output: stdout, JSONFormat: c.LogJSON, TimeFormat: "2006-01-02T15:04:05.000Z0700"})
	// The live heap is small and allocation-heavy request paths dominate:
	// collect at 200% growth instead of 100% unless GOGC says otherwise.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// Libraries that write to the standard logger (Pebble under dragonboat)
	// go to the agent's log at debug level.
	stdlog.SetFlags(0)
	stdlog.SetOutput(log.Named("raft").StandardWriter(&hclog.StandardLoggerOptions{ForceLevel: hclog.Debug}))
	a, err := Start(c, log, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "==> %v\n", err)
		return 1
	}
	a.flags = f
	for _, w := range warnings {
		log.Warn(w)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
wait:
	for {
		select {
		case s := <-sig:
			log.Info("caught signal", "signal", s.String())
			if s == syscall.SIGHUP {
				if err := a.Reload(); err != nil {
					log.Error("reload failed; keeping the previous configuration", "error", err)
				}
				continue
			}
			break wait
		case <-a.left:
			break wait
		}
	}
	a.Shutdown()
	log.Info("shutdown complete")
	return 0
}

// Start brings up an agent from c — a server, or a client agent without
// -server — and prints the banner to banner (nil: no banner).
func Start(c *config.Config, log hclog.Logger, banner io.Writer) (*Agent, error) {
	id, err := nodeID(c.NodeID, c.DataDir)
	if c.DataDir != "" && err != nil {
		return nil, err
	}
	ip := advertiseIP(c)
	if !c.Server {
		if banner != nil {
			printBanner(banner, c, id, ip, c.Ports.HTTP)
		}
		return startClient(c, log, id, ip)
	}
	if c.Ports.Raft, err = raftPort(c.Ports.Raft, c.DataDir, bindIP(c)); err != nil {
		return nil, err
	}
	if banner != nil {
		printBanner(banner, c, id, ip, c.Ports.HTTP)
	}
	a := &Agent{cfg: c, log: log, done: make(chan struct{}), left: make(chan struct{})}
	rid := replicaID(id, incarnation(c.DataDir))
	hc := host.Config{
		RaftAddress:       hostPort(ip, c.Ports.Raft),
		ListenAddress:     hostPort(bindIP(c), c.Ports.Raft),
		ReplicaID:         rid,
		RTTMillisecond:    10,
		ElectionRTT:       uint64(20 * c.RaftMultiplier),
		HeartbeatRTT:      uint64(2 * c.RaftMultiplier),
		SnapshotInterval:  10 * time.Second,
		SnapshotThreshold: 16384,
	}
	if c.DataDir != "" {
		hc.Dir = filepath.Join(c.DataDir, "raft")
	}
	// Raft traffic is internal RPC: with a CA, a certificate and either
	// verify switch, it is mutual TLS (dragonboat needs a CA file).
	if t := c.TLS.InternalRPC; t.CAFile != "" && t.CertFile != "" && (t.VerifyIncoming || t.VerifyOutgoing) {
		hc.TLS.CAFile, hc.TLS.CertFile, hc.TLS.KeyFile = t.CAFile, t.CertFile, t.KeyFile
	}
	sink := &shardSinks{}
	a.host, err = host.OpenHost(hc, sink)
	if err != nil {
		return nil, err
	}
	if err := a.startGossip(id, ip, rid); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.startRaft(rid, hc.RaftAddress); err != nil {
		a.Shutdown()
		return nil, err
	}
	a.sys = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
	prop := raft{a.host}
	router := actorkv.NewRouter(a.sys, func() actorkv.View { return a.host.KV().Current() }, prop, actorkv.Options{})
	sink.set(events.ShardKV, router)
	watcher := actorcat.NewWatcher(a.sys, func() actorcat.View { return a.host.Catalog().Current() })
	sink.set(events.ShardCatalog, watcher)
	client := actors.NewClient(router, prop, leadership{h: a.host, selfAddr: hostPort(ip, c.Ports.Server), servers: a.serverAddrs}, c.Limits.KVMaxValueSize)
	client.AttachCatalog(watcher)
	ca := actorconnect.NewWatcher(func() actorconnect.View { return a.host.Connect().Current() })
	sink.set(events.ShardConnect, ca)
	if c.ConnectEnabled {
		client.AttachConnect(ca)
	}
	self := selfRegistration(id, c.NodeName, c.Datacenter, ip, c.Ports.Server)
	a.local = local.Start(a.sys, local.Options{Node: self.Node, Catalog: client.CatalogSink(), Log: log,
		PersistPath: localPath(c.DataDir), Scripts: local.ScriptPolicy{Remote: c.EnableScriptChecks, Local: c.EnableLocalScriptChecks},
		Alias: a.aliasSource, Remote: a.remote, Keep: []string{"serfHealth", "consul"}})
	client.AttachLocal(a.local)
	if a.pool != nil {
		a.reconcile.Store(cluster.Start(a.sys, cluster.Options{DC: c.Datacenter, MinVoters: max(c.BootstrapExpect, c.Autopilot.MinQuorum, 1),
			KeepDead: !c.Autopilot.CleanupDeadServers, DeadServerAfter: c.Autopilot.DeadServerAfter, Interval: reconcileInterval(c),
			Log: func(msg string, args ...any) { log.Info("consul: "+msg, args...) }},
			poolMembers{a}, raftMembership{a.host}, memberCatalog{c: client, h: a.host, pool: a.pool, dc: c.Datacenter}))
	}
	a.loadLocal(a.local) // before serving: the agent API answers from it at once
	var members httpapi.Cluster
	var keys httpapi.Keyring
	if a.pool != nil {
		members, keys = apiCluster{a}, apiCluster{a}
	}
	api := httpapi.New(client, httpapi.Options{Cluster: members, Keyring: keys, Operator: operator{a}, Stats: a.stats, Pretty: c.DevMode, Debug: c.EnableDebug, UI: c.UI, Datacenter: c.Datacenter, Reload: a.Reload,
		Gauges: func() map[string]float64 {
			return map[string]float64{
				"consuld.kv.applied_index":      float64(a.host.KV().Current().Applied()),
				"consuld.catalog.applied_index": float64(a.host.Catalog().Current().Applied()),
				"consuld.kv.resident_actors":    float64(router.Resident()),
			}
		},
		Self: httpapi.Self{NodeName: c.NodeName, NodeID: id, Address: ip, Version: cli.ConsulVersion,
			Revision: "consuld " + cli.Version, Server: c.Server, SerfLANPort: c.Ports.SerfLAN, ServerPort: c.Ports.Server}})
	if err := a.serveHTTP(api); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.serveHTTPS(api); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.serveRPC(api); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.serveDNS(dnsSource{c: client, dc: strings.ToLower(c.Datacenter), maxStale: c.DNS.MaxStale}); err != nil {
		a.Shutdown()
		return nil, err
	}
	go func() {
		if a.watchLeader() {
			if client.ConnectEnabled() {
				go a.initCA(client)
			}
			a.registerSelf(client, self)
			a.local.Resync()
		}
	}()
	return a, nil
}

func bindIP(c *config.Config) string {
	if c.BindAddr == "" {
		return "0.0.0.0"
	}
	return c.BindAddr
}

func (a *Agent) serveHTTP(h http.Handler) error {
	if a.cfg.Ports.HTTP < 0 {
		return nil
	}
	for _, ip := range clientIPs(a.cfg, a.cfg.Addresses.HTTP) {
		ln, err := net.Listen("tcp", hostPort(ip, a.cfg.Ports.HTTP))
		if err != nil {
			return fmt.Errorf("agent: HTTP listener: %w", err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		a.http = append(a.http, srv)
		a.addrs = append(a.addrs, ln.Addr())
		a.log.Info("started HTTP server", "address", ln.Addr().String(), "network", "tcp")
		go srv.Serve(httpapi.LimitListener(ln, a.cfg.Limits.HTTPMaxConnsPerClient))
	}
	return nil
}

// HTTPAddrs are the HTTP listeners' addresses.
func (a *Agent) HTTPAddrs() []net.Addr { return a.addrs }

// watchLeader logs when the shards first have a leader; false if the agent
// stopped first.
func (a *Agent) watchLeader() bool {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := a.host.Barrier(ctx, events.ShardKV)
		if err == nil {
			err = a.host.Barrier(ctx, events.ShardCatalog)
		}
		cancel()
		if err == nil {
			if (raftMembership{a.host}).IsLeader() {
				a.log.Info("consul: cluster leadership acquired")
			}
			leader, _ := (leadership{h: a.host, selfAddr: hostPort(advertiseIP(a.cfg), a.cfg.Ports.Server), servers: a.serverAddrs}).LeaderAddr()
			a.log.Info("consul: New leader elected", "payload", leader)
			return true
		}
		select {
		case <-a.done:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Shutdown stops listeners, actors and Raft, in that order.
func (a *Agent) Shutdown() {
	close(a.done)
	if r := a.reconcile.Load(); r != nil {
		r.Stop()
	}
	if a.pool != nil {
		a.pool.Shutdown()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, s := range a.http {
		if s.Shutdown(ctx) != nil {
			s.Close() // parked blocking queries do not finish by themselves
		}
	}
	if a.dns != nil {
		a.dns.Shutdown(ctx)
	}
	if a.local != nil {
		a.local.Stop()
	}
	if a.sys != nil {
		a.sys.Shutdown()
	}
	if a.host != nil {
		a.host.Close()
		if a.retire.Load() {
			if err := retireRaftState(a.cfg.DataDir); err != nil {
				a.log.Error("agent: dropping the Raft state after leaving failed", "error", err)
			}
		}
	}
}
