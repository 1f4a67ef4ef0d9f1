package kv

import (
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/events"
)

const routerShards = 64

// Router owns the resident key actors and the prefix-watch actor of the kv
// shard. It spawns a key actor on first use, routes applied changes to the
// actors they concern, and forgets actors that passivate. It implements the
// fsm.Sink contract for the kv shard.
type Router struct {
	sys            *actor.ActorSystem
	view           func() View
	prop           consensus.Proposer
	idleAfter      time.Duration
	maxResident    int64
	resident       atomic.Int64
	proposeTimeout time.Duration
	seed           maphash.Seed
	shards         [routerShards]routerShard
	tree           *actor.PID
	workers        *pool         // runs mailboxes and proposals on warm goroutines
	watching       atomic.Int64  // prefix watches parked or being parked
	table          atomic.Uint64 // table index of the last delivered change
	applied        atomic.Uint64 // last delivered index
}

type routerShard struct {
	mu   sync.Mutex
	keys map[string]*actor.PID
}

// Options configure a Router.
type Options struct {
	IdleAfter time.Duration // passivate a key actor after this long without work
	// MaxResident: past this many resident key actors, idle ones passivate
	// at once (a burst of writes to distinct keys must not pin an actor per
	// key for IdleAfter). Default 10,000.
	MaxResident    int
	ProposeTimeout time.Duration
}

// NewRouter starts the kv actors on sys. view returns the latest published
// state of the kv shard.
func NewRouter(sys *actor.ActorSystem, view func() View, prop consensus.Proposer, o Options) *Router {
	if o.IdleAfter <= 0 {
		o.IdleAfter = 5 * time.Second
	}
	if o.MaxResident <= 0 {
		o.MaxResident = 10000
	}
	if o.ProposeTimeout <= 0 {
		o.ProposeTimeout = 10 * time.Second
	}
	r := &Router{sys: sys, view: view, prop: prop, idleAfter: o.IdleAfter, maxResident: int64(o.MaxResident), proposeTimeout: o.ProposeTimeout, seed: maphash.MakeSeed(), workers: newPool(time.Second)}
	for i := range r.shards {
		r.shards[i].keys = map[string]*actor.PID{}
	}
	r.tree = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &treeActor{r: r, b: NewTree()} }))
	v := view()
	r.table.Store(v.TableIndex())
	r.applied.Store(v.Applied())
	return r
}

// View returns the latest published state.
func (r *Router) View() View { return r.view() }

// TableIndex is the table index of the last change delivered to actors:
// every change at or below it is already in the mailboxes.
func (r *Router) TableIndex() uint64 { return r.table.Load() }

// Resident is the number of key actors alive.
func (r *Router) Resident() int { return int(r.resident.Load()) }

// crowded reports whether idle key actors should passivate at once.
func (r *Router) crowded() bool { return r.resident.Load() > r.maxResident }

// idleDelay is when a key actor that just became idle checks again.
func (r *Router) idleDelay() time.Duration {
	if r.crowded() {
		return 10 * time.Millisecond
	}
	return r.idleAfter
}

func (r *Router) shard(key string) *routerShard {
	return &r.shards[maphash.String(r.seed, key)%routerShards]
}

// send delivers msg to key's actor, spawning it if needed. The lookup and
// the enqueue happen under the shard lock so a passivating actor never
// misses a message (see retire).
func (r *Router) send(key string, msg any) {
	s := r.shard(key)
	s.mu.Lock()
	pid, ok := s.keys[key]
	if !ok {
		props := actor.PropsFromProducer(func() actor.Actor { return &keyActor{r: r, key: key} }, actor.WithDispatcher(r.workers))
		pid = r.sys.Root.Spawn(props)
		s.keys[key] = pid
		r.resident.Add(1)
	}
	r.sys.Root.Send(pid, msg)
	s.mu.Unlock()
}

// notify delivers msg to key's actor only if it is resident; an absent
// actor hydrates from the state machine when next needed.
func (r *Router) notify(key string, msg any) {
	s := r.shard(key)
	s.mu.Lock()
	if pid, ok := s.keys[key]; ok {
		r.sys.Root.Send(pid, msg)
	}
	s.mu.Unlock()
}

// retire forgets key's actor if pid is still the registered one. After it
// returns true nothing new is sent to pid.
func (r *Router) retire(key string, pid *actor.PID) bool {
	s := r.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.keys[key]; ok && cur.Equal(pid) {
		delete(s.keys, key)
		r.resident.Add(-1)
		return true
	}
	return false
}

// Get sends a Get to key's actor.
func (r *Router) Get(key string, g Get) { r.send(key, g) }

// Write sends a Write to key's actor.
func (r *Router) Write(key string, w Write) { r.send(key, w) }

// CancelGet withdraws a parked Get on key (its caller went away).
func (r *Router) CancelGet(key string, reply Replier) { r.notify(key, Cancel{Reply: reply}) }

// CancelWatch withdraws a parked listing query.
func (r *Router) CancelWatch(reply Replier) { r.sys.Root.Send(r.tree, Cancel{Reply: reply}) }

// Watch parks a listing query on the prefix-watch actor.
func (r *Router) Watch(w *PrefixWatch) {
	r.watching.Add(1) // before the actor stamps its view: see Applied
	r.sys.Root.Send(r.tree, w)
}

// Applied routes an applied kv entry to the actors it concerns, by the
// rules of Route.
func (r *Router) Applied(_ events.Shard, index uint64, ev events.Event, o events.Outcome) {
	rt := Route(index, ev, o)
	switch rt.Notify {
	case NotifyKey:
		r.notify(rt.Key, rt.Changed)
	case NotifyPrefix:
		r.notifyPrefix(rt.Key, rt.Changed)
	}
	if rt.Table {
		// A watch counted here either is parked (and gets this change) or
		// stamps a view that already includes it: the state was published
		// before Applied was called.
		if r.watching.Load() > 0 {
			r.sys.Root.Send(r.tree, rt.Tree)
		}
		r.table.Store(index)
	}
	r.applied.Store(index)
}

// Restored drops every resident copy of state after a snapshot restore.
func (r *Router) Restored(_ events.Shard, index uint64) {
	r.notifyPrefix("", Changed{Index: ^uint64(0)}) // refresh unconditionally
	r.sys.Root.Send(r.tree, PrefixChanged{Key: "", IsPrefix: true, Index: index})
	v := r.view()
	r.table.Store(v.TableIndex())
	r.applied.Store(v.Applied())
}

func (r *Router) notifyPrefix(prefix string, msg any) {
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		for k, pid := range s.keys {
			if strings.HasPrefix(k, prefix) {
				r.sys.Root.Send(pid, msg)
			}
		}
		s.mu.Unlock()
	}
}
