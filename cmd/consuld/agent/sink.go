package agent

import (
	"sync/atomic"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// lateSink breaks the start-up cycle: the state machines need a Sink before
// the router that consumes it can be built (the router reads their state).
// Entries replayed before set are dropped: actors hydrate from state.
type lateSink struct{ s atomic.Pointer[fsm.Sink] }

func (l *lateSink) set(s fsm.Sink) { l.s.Store(&s) }

func (l *lateSink) Applied(sh events.Shard, index uint64, ev events.Event, o events.Outcome) {
	if s := l.s.Load(); s != nil {
		(*s).Applied(sh, index, ev, o)
	}
}

func (l *lateSink) Restored(sh events.Shard, index uint64) {
	if s := l.s.Load(); s != nil {
		(*s).Restored(sh, index)
	}
}
