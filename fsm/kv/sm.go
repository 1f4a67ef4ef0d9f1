package kv

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	sm "github.com/lni/dragonboat/v4/statemachine"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// SM adapts State to dragonboat's IConcurrentStateMachine. Update runs on
// the replica's apply goroutine; readers call Current from any goroutine.
type SM struct {
	cur  atomic.Pointer[State]
	sink fsm.Sink
}

// New returns an empty kv state machine that reports to sink.
func New(sink fsm.Sink) *SM {
	m := &SM{sink: sink}
	m.cur.Store(Empty())
	return m
}

// Current returns the latest published state.
func (m *SM) Current() *State { return m.cur.Load() }

// Result packs the outcome and the entry's index into dragonboat's result.
func Result(index uint64, o events.Outcome) uint64 { return index<<4 | uint64(o) }

// Unpack is the inverse of Result.
func Unpack(v uint64) (index uint64, o events.Outcome) { return v >> 4, events.Outcome(v & 0xf) }

type applied struct {
	index   uint64
	ev      events.Event
	outcome events.Outcome
}

// Update applies a batch, publishes the new state, then tells the sink.
func (m *SM) Update(entries []sm.Entry) ([]sm.Entry, error) {
	txn := m.cur.Load().Txn()
	done := make([]applied, len(entries))
	for i := range entries {
		e := &entries[i]
		if len(e.Cmd) == 0 { // dragonboat no-op entries carry no command
			txn.Advance(e.Index)
			done[i] = applied{e.Index, nil, events.OutcomeSkipped}
			e.Result.Value = Result(e.Index, events.OutcomeSkipped)
			continue
		}
		ev, err := events.Decode(e.Cmd)
		switch {
		case errors.Is(err, events.ErrIgnored):
			txn.Advance(e.Index)
			done[i] = applied{e.Index, nil, events.OutcomeSkipped}
		case err != nil:
			return nil, fmt.Errorf("kv: entry %d: %w", e.Index, err)
		default:
			done[i] = applied{e.Index, ev, txn.Apply(e.Index, ev)}
		}
		e.Result.Value = Result(e.Index, done[i].outcome)
	}
	m.cur.Store(txn.Commit())
	for _, a := range done {
		m.sink.Applied(events.ShardKV, a.index, a.ev, a.outcome)
	}
	return entries, nil
}

// Lookup returns the current state; queries are answered by the live side.
func (m *SM) Lookup(interface{}) (interface{}, error) { return m.cur.Load(), nil }

// PrepareSnapshot captures the state to save; it is immutable, so saving
// can run concurrently with further updates.
func (m *SM) PrepareSnapshot() (interface{}, error) { return m.cur.Load(), nil }

// SaveSnapshot writes the captured state.
func (m *SM) SaveSnapshot(ctx interface{}, w io.Writer, _ sm.ISnapshotFileCollection, _ <-chan struct{}) error {
	return WriteSnapshot(w, ctx.(*State))
}

// RecoverFromSnapshot replaces the state and tells the sink.
func (m *SM) RecoverFromSnapshot(r io.Reader, _ []sm.SnapshotFile, _ <-chan struct{}) error {
	s, err := ReadSnapshot(r)
	if err != nil {
		return err
	}
	m.cur.Store(s)
	m.sink.Restored(events.ShardKV, s.applied)
	return nil
}

func (m *SM) Close() error { return nil }
