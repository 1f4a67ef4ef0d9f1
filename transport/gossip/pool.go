package gossip

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Config sets up one agent's pool membership.
type Config struct {
	Name          string // node name, unique in the pool
	BindAddr      string
	BindPort      int
	AdvertiseAddr string // "" means BindAddr
	AdvertisePort int    // 0 means BindPort
	Meta          Meta
	// Keys is the gossip keyring, primary first; empty disables
	// encryption. VerifyIncoming/VerifyOutgoing are Consul's
	// encrypt_verify_* switches (both true unless rolling encryption in).
	Keys                           [][]byte
	VerifyIncoming, VerifyOutgoing bool
	// Fast shortens probe and gossip intervals (tests, -dev): failures
	// are seen in about a second instead of several.
	Fast bool
	// SnapshotPath keeps the addresses of the members last seen alive
	// ("": none); see Previous.
	SnapshotPath string
	// ReconnectInterval is how often a failed member is retried (default
	// 10s, 1s with Fast).
	ReconnectInterval time.Duration
	// LogOutput receives memberlist's log lines (nil: discarded).
	LogOutput io.Writer
	// OnEvent receives membership events, in order, on one goroutine.
	OnEvent func(Event)
	// OnKeyring receives the keyring (primary first) after a keyring
	// operation changed it, to persist it.
	OnKeyring func(keys [][]byte)
}

// Pool is this agent's view of the LAN pool.
type Pool struct {
	ml    *memberlist.Memberlist
	mc    *memberlist.Config
	kq    keyQueries
	cfg   Config
	mu    sync.Mutex
	meta  Meta
	table map[string]*Member
	// leaving holds the members that announced a leave (until they join
	// again); queue spreads such announcements.
	leaving map[string]bool
	queue   *memberlist.TransmitLimitedQueue
	// previous: the last run's snapshot (see Previous).
	previous []string
	events   chan Event
	done     chan struct{}
}

// Start creates the memberlist instance and listens on the gossip port
// (UDP and TCP). It does not join anyone: see Join.
func Start(cfg Config) (*Pool, error) {
	p := &Pool{cfg: cfg, meta: cfg.Meta, table: map[string]*Member{}, leaving: map[string]bool{},
		events: make(chan Event, 1024), done: make(chan struct{})}
	p.previous = readSnapshot(cfg.SnapshotPath)
	p.queue = &memberlist.TransmitLimitedQueue{NumNodes: func() int { return max(p.NumAlive(), 1) }, RetransmitMult: 4}
	if _, err := cfg.Meta.encode(); err != nil {
		return nil, err
	}
	mc := memberlist.DefaultLANConfig()
	if cfg.Fast {
		mc = memberlist.DefaultLocalConfig()
		mc.ProbeInterval, mc.ProbeTimeout = 200*time.Millisecond, 100*time.Millisecond
		mc.GossipInterval, mc.SuspicionMult = 50*time.Millisecond, 3
		mc.PushPullInterval = 5 * time.Second
	}
	mc.RetransmitMult = 4 // converges in about a second at 50 nodes (measured; the default takes 35-45 s)
	mc.Name = cfg.Name
	mc.BindAddr, mc.BindPort = cfg.BindAddr, cfg.BindPort
	mc.AdvertiseAddr, mc.AdvertisePort = cfg.AdvertiseAddr, cfg.AdvertisePort
	if mc.AdvertisePort == 0 {
		mc.AdvertisePort = cfg.BindPort
	}
	out := cfg.LogOutput
	if out == nil {
		out = io.Discard
	}
	mc.Logger = log.New(out, "", 0)
	if len(cfg.Keys) > 0 {
		kr, err := memberlist.NewKeyring(cfg.Keys, cfg.Keys[0])
		if err != nil {
			return nil, fmt.Errorf("gossip: keyring: %w", err)
		}
		mc.Keyring = kr
		mc.GossipVerifyIncoming, mc.GossipVerifyOutgoing = cfg.VerifyIncoming, cfg.VerifyOutgoing
	}
	mc.Delegate = delegate{p}
	p.mc, p.kq.pending = mc, map[uint64]chan KeyResponse{}
	mc.Events = events{p}
	go p.deliver()
	ml, err := memberlist.Create(mc)
	if err != nil {
		close(p.events)
		return nil, fmt.Errorf("gossip: listen on %s: %w", net.JoinHostPort(cfg.BindAddr, strconv.Itoa(cfg.BindPort)), err)
	}
	p.ml = ml
	every := p.cfg.ReconnectInterval
	if every <= 0 {
		every = 10 * time.Second
		if cfg.Fast {
			every = time.Second
		}
	}
	go p.reconnectLoop(every)
	return p, nil
}

// Join contacts each address ("host" or "host:port", the default port
// being this agent's gossip port) and returns how many answered.
func (p *Pool) Join(addrs []string) (int, error) {
	var full []string
	for _, a := range addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			a = net.JoinHostPort(a, strconv.Itoa(p.cfg.BindPort))
		}
		full = append(full, a)
	}
	n, err := p.ml.Join(full)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = errors.New("no agent answered")
	}
	return 0, err
}

// Leave tells the pool this agent is leaving, waiting up to timeout for
// the message to spread: first the intent (so others record a leave, not
// a failure), then memberlist's own leave.
func (p *Pool) Leave(timeout time.Duration) error {
	p.queue.QueueBroadcast(broadcast(append([]byte{msgLeave}, p.cfg.Name...)))
	deadline := time.Now().Add(timeout / 2)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for p.queue.NumQueued() > 0 && time.Now().Before(deadline) {
		<-tick.C
	}
	return p.ml.Leave(timeout / 2)
}

// leaveIntent records that name announced a leave, and passes the news on
// the first time it is heard.
func (p *Pool) leaveIntent(name string, msg []byte) {
	if name == p.cfg.Name {
		return
	}
	p.mu.Lock()
	seen := p.leaving[name]
	p.leaving[name] = true
	if m, ok := p.table[name]; ok && m.Status == StatusAlive {
		m.Status, m.Since = StatusLeaving, time.Now()
	}
	p.mu.Unlock()
	if !seen {
		p.queue.QueueBroadcast(broadcast(append([]byte(nil), msg...)))
	}
}

func (p *Pool) saidLeaving(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.leaving[name]
}

// Shutdown stops gossip (without a leave: others will see a failure).
func (p *Pool) Shutdown() {
	p.ml.Shutdown()
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
	default:
		close(p.done)
	}
}

// Members returns the member table (alive, failed and left members),
// sorted by name.
func (p *Pool) Members() []Member {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Member, 0, len(p.table))
	for _, m := range p.table {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LocalName is this agent's member name.
func (p *Pool) LocalName() string { return p.cfg.Name }

// Meta returns what this agent advertises.
func (p *Pool) Meta() Meta {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.meta
}

// UpdateMeta changes what this agent advertises and spreads it.
func (p *Pool) UpdateMeta(fn func(*Meta)) error {
	p.mu.Lock()
	m := p.meta
	fn(&m)
	if _, err := m.encode(); err != nil {
		p.mu.Unlock()
		return err
	}
	p.meta = m
	p.mu.Unlock()
	return p.ml.UpdateNode(time.Second)
}

// ForceLeave marks a failed member as left (Consul's force-leave), so the
// catalog deregisters it; it reports whether the member was known.
func (p *Pool) ForceLeave(name string) bool {
	p.mu.Lock()
	m, ok := p.table[name]
	if ok && m.Status == StatusFailed {
		m.Status, m.Since = StatusLeft, time.Now()
		ev := Event{Kind: EventLeave, Member: *m}
		p.mu.Unlock()
		p.emit(ev)
		return true
	}
	p.mu.Unlock()
	return ok
}

// NumAlive counts alive members.
func (p *Pool) NumAlive() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.table {
		if m.Status == StatusAlive {
			n++
		}
	}
	return n
}

func (p *Pool) emit(ev Event) {
	select {
	case p.events <- ev:
	case <-p.done:
	}
}

func (p *Pool) deliver() {
	for {
		select {
		case ev := <-p.events:
			if p.cfg.OnEvent != nil {
				p.cfg.OnEvent(ev)
			}
		case <-p.done:
			return
		}
	}
}

// record applies a memberlist notification to the table.
func (p *Pool) record(n *memberlist.Node, kind EventKind) {
	meta, _ := decodeMeta(n.Meta)
	st := StatusAlive
	switch kind {
	case EventLeave:
		st = StatusLeft
	case EventFail:
		st = StatusFailed
	}
	p.mu.Lock()
	if kind == EventJoin {
		delete(p.leaving, n.Name) // back after a leave
	}
	m, ok := p.table[n.Name]
	if !ok {
		m = &Member{Name: n.Name}
		p.table[n.Name] = m
	}
	if m.Status != st {
		m.Since = time.Now()
	}
	m.Addr, m.Port, m.Meta, m.Status = slices.Clone(n.Addr), int(n.Port), meta, st
	ev := Event{Kind: kind, Member: *m}
	p.mu.Unlock()
	if kind == EventJoin || kind == EventLeave {
		p.saveSnapshot()
	}
	p.emit(ev)
}
