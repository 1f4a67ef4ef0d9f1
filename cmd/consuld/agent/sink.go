package agent

import (
	"sync"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// shardSinks hands each shard's applied entries to that shard's consumer.
// It also breaks the start-up cycle: the state machines need a Sink before
// the consumers (which read their state) exist. Entries replayed before a
// consumer is set are dropped: actors hydrate from state.
type shardSinks struct {
	mu sync.RWMutex
	by map[events.Shard]fsm.Sink
}

func (l *shardSinks) set(shard events.Shard, s fsm.Sink) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by = map[events.Shard]fsm.Sink{}
	}
	l.by[shard] = s
}

func (l *shardSinks) get(shard events.Shard) fsm.Sink {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.by[shard]
}

func (l *shardSinks) Applied(sh events.Shard, index uint64, ev events.Event, o events.Outcome) {
	if s := l.get(sh); s != nil {
		s.Applied(sh, index, ev, o)
	}
}

func (l *shardSinks) Restored(sh events.Shard, index uint64) {
	if s := l.get(sh); s != nil {
		s.Restored(sh, index)
	}
}
