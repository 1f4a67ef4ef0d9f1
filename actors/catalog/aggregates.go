package catalog

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// aggregates owns the resident service aggregate actors: it spawns one on
// first use of a service name and forgets it when it passivates. Lookup
// and enqueue happen under one lock, and an actor retires under the same
// lock, so nothing is ever sent to an actor that already left.
type aggregates struct {
	sys  *actor.ActorSystem
	view func() View
	idle time.Duration
	mu   sync.Mutex
	pids map[string]*actor.PID
}

func newAggregates(sys *actor.ActorSystem, view func() View, idle time.Duration) *aggregates {
	return &aggregates{sys: sys, view: view, idle: idle, pids: map[string]*actor.PID{}}
}

// send delivers msg to name's aggregate, spawning it if needed.
func (r *aggregates) send(name string, msg any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pid, ok := r.pids[name]
	if !ok {
		pid = r.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor {
			return &aggregateActor{r: r, name: name, b: NewAggregate(name)}
		}))
		r.pids[name] = pid
	}
	r.sys.Root.Send(pid, msg)
}

// notify delivers msg to name's aggregate only if it is resident: an
// absent aggregate computes from the latest state when next needed.
func (r *aggregates) notify(name string, msg any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pid, ok := r.pids[name]; ok {
		r.sys.Root.Send(pid, msg)
	}
}

// broadcast delivers msg to every resident aggregate.
func (r *aggregates) broadcast(msg any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, pid := range r.pids {
		r.sys.Root.Send(pid, msg)
	}
}

// resident counts live aggregates.
func (r *aggregates) resident() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pids)
}

// retire forgets name's aggregate if pid is still the registered one.
// After it returns true nothing new is sent to pid.
func (r *aggregates) retire(name string, pid *actor.PID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.pids[name]; ok && cur.Equal(pid) {
		delete(r.pids, name)
		return true
	}
	return false
}

// aggregateActor adapts Aggregate to protoactor: it stamps the latest
// state and the time into inputs, performs effects, and passivates after
// r.idle without messages while nothing is parked. A retired actor hands
// queries that were already queued back to the registry, which spawns a
// fresh aggregate for them.
type aggregateActor struct {
	r       *aggregates
	name    string
	b       *Aggregate
	retired bool
	armed   bool      // an idleCheck is pending
	last    time.Time // last message other than idleCheck
}

// idleCheck asks the actor whether it has been idle for r.idle.
// (protoactor's ReceiveTimeout races with the mailbox; see the notes.)
type idleCheck struct{}

func (a *aggregateActor) arm(ctx actor.Context, after time.Duration) {
	a.armed = true
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(after, func() { root.Send(self, idleCheck{}) })
}

func (a *aggregateActor) Receive(ctx actor.Context) {
	if a.retired {
		switch m := ctx.Message().(type) {
		case *Park:
			a.r.send(a.name, m)
		case Cancel:
			a.r.notify(a.name, m)
		}
		return
	}
	switch ctx.Message().(type) {
	case idleCheck:
		a.armed = false
		if left := a.r.idle - time.Since(a.last); left > 0 || a.b.Parked() > 0 {
			a.arm(ctx, max(left, a.r.idle/4))
			return
		}
		if a.r.retire(a.name, ctx.Self()) {
			a.retired = true
			ctx.Poison(ctx.Self()) // behind everything already queued
		}
		return
	case *actor.Started:
		a.last = time.Now()
		a.arm(ctx, a.r.idle)
		return
	}
	in, ok := stamp(ctx.Message(), a.r.view)
	if !ok {
		return
	}
	fx := a.b.Handle(in)
	a.last = time.Now()
	if !a.armed {
		a.arm(ctx, a.r.idle)
	}
	perform(ctx, fx)
}
