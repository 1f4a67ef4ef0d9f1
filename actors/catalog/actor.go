package catalog

import (
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/events"
)

// Watcher is the catalog shard's Sink and the entry point of its live
// side: queries over one service go to that service's aggregate actor,
// every other parked query to the catalog watch actor.
type Watcher struct {
	sys      *actor.ActorSystem
	view     func() View
	pid      *actor.PID
	aggs     *aggregates
	watching atomic.Int64 // parked or being parked on the watch actor; see Applied
}

// AggregateIdle is how long a service aggregate stays resident without
// messages and without parked queries.
const AggregateIdle = 30 * time.Second

// NewWatcher starts the watch actor. view returns the latest published
// catalog state.
func NewWatcher(sys *actor.ActorSystem, view func() View) *Watcher {
	w := &Watcher{sys: sys, view: view, aggs: newAggregates(sys, view, AggregateIdle)}
	w.pid = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &watchActor{w: w, b: NewWatches()} }))
	return w
}

// View returns the latest published state.
func (w *Watcher) View() View { return w.view() }

// Park hands a query to the actor owning its scope. With MinIndex 0 (or an
// index already passed) it is answered at once; a service scope's answer
// carries the service's precomputed Health.
func (w *Watcher) Park(p *Park) {
	if p.Scope.Kind == ScopeService {
		w.aggs.send(p.Scope.Name, p)
		return
	}
	w.watching.Add(1) // before the actor stamps its view
	w.sys.Root.Send(w.pid, p)
}

// Cancel withdraws a parked query over scope.
func (w *Watcher) Cancel(scope Scope, r Replier) {
	if scope.Kind == ScopeService {
		w.aggs.notify(scope.Name, Cancel{Reply: r})
		return
	}
	w.sys.Root.Send(w.pid, Cancel{Reply: r})
}

// Aggregates counts resident service aggregates.
func (w *Watcher) Aggregates() int { return w.aggs.resident() }

// Applied routes an applied change: to the aggregates of the services
// whose index it moved (if resident; an absent one computes from the
// latest state when next asked), and to the watch actor when anything is
// parked there. A query counted in watching is either parked already or
// stamps a view that includes this entry (state is published before the
// Sink is called); the same holds for an aggregate spawned after notify.
func (w *Watcher) Applied(_ events.Shard, index uint64, _ events.Event, o events.Outcome) {
	if o != events.OutcomeApplied {
		return
	}
	w.view().TouchedServices(index, func(name string) { w.aggs.notify(name, Changed{}) })
	if w.watching.Load() > 0 {
		w.sys.Root.Send(w.pid, Changed{})
	}
}

// Restored re-evaluates every parked query against the restored state.
func (w *Watcher) Restored(events.Shard, uint64) {
	w.aggs.broadcast(Changed{Reset: true})
	w.sys.Root.Send(w.pid, Changed{})
}

type watchActor struct {
	w *Watcher
	b *Watches
}

func (a *watchActor) Receive(ctx actor.Context) {
	in, ok := stamp(ctx.Message(), a.w.view)
	if !ok {
		return
	}
	counted := a.b.Parked()
	if _, park := in.(*Park); park {
		counted++ // Watcher.Park counted it on the way in
	}
	fx := a.b.Handle(in)
	a.w.watching.Add(int64(a.b.Parked() - counted))
	perform(ctx, fx)
}

// stamp fills the latest published state (and, for a Park, the time) into
// an input of Watches or Aggregate; ok is false for any other message.
func stamp(msg any, view func() View) (in any, ok bool) {
	switch m := msg.(type) {
	case *Park:
		m.View, m.Now = view(), time.Now()
		return m, true
	case Changed:
		m.View = view()
		return m, true
	case Expired:
		m.View = view()
		return m, true
	case Cancel:
		return m, true
	}
	return nil, false
}

// perform carries out a behaviour's effects from inside actor ctx.
func perform(ctx actor.Context, fx []Effect) {
	for _, f := range fx {
		switch f := f.(type) {
		case Reply:
			f.To.Reply(f.Result)
		case Timer:
			self, root, p := ctx.Self(), ctx.ActorSystem().Root, f.Park
			time.AfterFunc(time.Until(f.At), func() { root.Send(self, Expired{Park: p}) })
		}
	}
}
