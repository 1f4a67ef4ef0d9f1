package cluster

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Pool is the gossip side the adapter reads.
type Pool interface{ Members() []Member }

// Raft is the consensus side the adapter reads and changes.
type Raft interface {
	IsLeader() bool
	Self() uint64
	Voters(ctx context.Context) (map[uint64]string, error)
	AddVoter(ctx context.Context, id uint64, addr string) error
	RemoveVoter(ctx context.Context, id uint64) error
}

// Catalog is the catalog side the adapter reads and changes.
type Catalog interface {
	SerfHealth() map[string]string
	RegisterMember(ctx context.Context, m Member, status, output string) error
	DeregisterNode(ctx context.Context, node string) error
}

// Options configure the reconciler actor.
type Options struct {
	DC              string
	MinVoters       int           // bootstrap_expect
	Interval        time.Duration // between rounds without events (default 1s)
	DeadServerAfter time.Duration // default 30s
	KeepDead        bool          // never remove dead servers
	Log             func(msg string, args ...any)
}

// Reconcile runs the reconciler actor.
type Reconcile struct {
	sys     *actor.ActorSystem
	pid     *actor.PID
	pending atomic.Bool // a poke is queued: further pokes coalesce
	stop    chan struct{}
}

type poke struct{}

// Start spawns the actor and its ticker.
func Start(sys *actor.ActorSystem, o Options, pool Pool, raft Raft, cat Catalog) *Reconcile {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.DeadServerAfter <= 0 {
		o.DeadServerAfter = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	r := &Reconcile{sys: sys, stop: make(chan struct{})}
	b := NewReconciler(o.DeadServerAfter)
	b.KeepDead = o.KeepDead
	a := &reconcileActor{r: r, o: o, b: b, pool: pool, raft: raft, cat: cat}
	r.pid = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return a }))
	go func() {
		t := time.NewTicker(o.Interval)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-t.C:
				r.Poke()
			}
		}
	}()
	return r
}

// Poke asks for a round soon (a gossip event happened).
func (r *Reconcile) Poke() {
	if r.pending.CompareAndSwap(false, true) {
		r.sys.Root.Send(r.pid, poke{})
	}
}

// Stop ends the ticker and the actor.
func (r *Reconcile) Stop() {
	close(r.stop)
	r.sys.Root.Stop(r.pid)
}

type reconcileActor struct {
	r    *Reconcile
	o    Options
	b    *Reconciler
	pool Pool
	raft Raft
	cat  Catalog
}

func (a *reconcileActor) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(poke); !ok {
		return
	}
	a.r.pending.Store(false)
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t := Tick{Now: time.Now(), Leader: a.raft.IsLeader(), Self: a.raft.Self(), DC: a.o.DC, MinVoters: a.o.MinVoters}
	if !t.Leader {
		a.b.Handle(t)
		return
	}
	voters, err := a.raft.Voters(rctx)
	if err != nil {
		return // not settled yet; the next round retries
	}
	t.Members, t.Voters, t.SerfHealth = a.pool.Members(), voters, a.cat.SerfHealth()
	for _, f := range a.b.Handle(t) {
		switch f := f.(type) {
		case AddVoter:
			a.o.Log("adding server to the Raft configuration", "replica", f.ID, "address", f.Addr)
			if err := a.raft.AddVoter(rctx, f.ID, f.Addr); err != nil {
				a.o.Log("adding server failed", "replica", f.ID, "error", err)
			}
		case RemoveVoter:
			a.o.Log("removing server from the Raft configuration", "replica", f.ID)
			if err := a.raft.RemoveVoter(rctx, f.ID); err != nil {
				a.o.Log("removing server failed", "replica", f.ID, "error", err)
			}
		case RegisterMember:
			if err := a.cat.RegisterMember(rctx, f.Member, f.Status, f.Output); err != nil {
				a.o.Log("member health update failed", "member", f.Member.Name, "error", err)
			}
		case DeregisterNode:
			a.o.Log("deregistering member that left", "member", f.Node)
			if err := a.cat.DeregisterNode(rctx, f.Node); err != nil {
				a.o.Log("deregistering member failed", "member", f.Node, "error", err)
			}
		}
	}
}
