package catalog

import (
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/events"
)

// Watcher owns the catalog watch actor and is the catalog shard's Sink.
type Watcher struct {
	sys      *actor.ActorSystem
	view     func() View
	pid      *actor.PID
	watching atomic.Int64 // parked or being parked; see Changed delivery
}

// NewWatcher starts the watch actor. view returns the latest published
// catalog state.
func NewWatcher(sys *actor.ActorSystem, view func() View) *Watcher {
	w := &Watcher{sys: sys, view: view}
	w.pid = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &watchActor{w: w, b: NewWatches()} }))
	return w
}

// View returns the latest published state.
func (w *Watcher) View() View { return w.view() }

// Park blocks a query on the watch actor.
func (w *Watcher) Park(p *Park) {
	w.watching.Add(1) // before the actor stamps its view
	w.sys.Root.Send(w.pid, p)
}

// Cancel withdraws a parked query.
func (w *Watcher) Cancel(r Replier) { w.sys.Root.Send(w.pid, Cancel{Reply: r}) }

// Applied tells the actor about an applied change when anything is parked.
// A query counted here is either parked already or stamps a view that
// includes this entry (state is published before the Sink is called).
func (w *Watcher) Applied(_ events.Shard, _ uint64, _ events.Event, o events.Outcome) {
	if o == events.OutcomeApplied && w.watching.Load() > 0 {
		w.sys.Root.Send(w.pid, Changed{})
	}
}

// Restored re-evaluates every parked query against the restored state.
func (w *Watcher) Restored(events.Shard, uint64) { w.sys.Root.Send(w.pid, Changed{}) }

type watchActor struct {
	w *Watcher
	b *Watches
}

func (a *watchActor) Receive(ctx actor.Context) {
	counted := a.b.Parked()
	var fx []Effect
	switch m := ctx.Message().(type) {
	case *Park:
		counted++ // Watcher.Park counted it on the way in
		m.View, m.Now = a.w.view(), time.Now()
		fx = a.b.Handle(m)
	case Changed:
		m.View = a.w.view()
		fx = a.b.Handle(m)
	case Expired:
		m.View = a.w.view()
		fx = a.b.Handle(m)
	case Cancel:
		fx = a.b.Handle(m)
	default:
		return
	}
	a.w.watching.Add(int64(a.b.Parked() - counted))
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
