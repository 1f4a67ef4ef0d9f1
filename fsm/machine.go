package fsm

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	sm "github.com/lni/dragonboat/v4/statemachine"

	"github.com/consuld/consuld/events"
)

// Batch applies a run of entries on top of an immutable state S.
type Batch[S any] interface {
	Apply(index uint64, ev events.Event) events.Outcome
	Advance(index uint64) // an entry without an event
	Commit() S
}

// Kind describes one shard kind's pure state to the generic adapter.
type Kind[S any] struct {
	Shard   events.Shard
	Empty   func() S
	Begin   func(S) Batch[S]
	Applied func(S) uint64
	Write   func(io.Writer, S) error
	Read    func(io.Reader) (S, error)
}

// Machine adapts a Kind to dragonboat's IConcurrentStateMachine. Update
// runs on the replica's apply goroutine; readers call Current from any
// goroutine. After each batch the new state is published, then the Sink is
// told about each entry in index order.
type Machine[S any] struct {
	k    Kind[S]
	cur  atomic.Pointer[S]
	sink Sink
}

// NewMachine returns a machine in k's empty state reporting to sink.
func NewMachine[S any](k Kind[S], sink Sink) *Machine[S] {
	m := &Machine[S]{k: k, sink: sink}
	e := k.Empty()
	m.cur.Store(&e)
	return m
}

// Current returns the latest published state.
func (m *Machine[S]) Current() S { return *m.cur.Load() }

// Result packs an entry's index and outcome into dragonboat's result value.
func Result(index uint64, o events.Outcome) uint64 { return index<<4 | uint64(o) }

// Unpack is the inverse of Result.
func Unpack(v uint64) (index uint64, o events.Outcome) { return v >> 4, events.Outcome(v & 0xf) }

type applied struct {
	index   uint64
	ev      events.Event
	outcome events.Outcome
}

// Update applies a batch, publishes the new state, then tells the sink. An
// error (an undecodable, non-ignorable entry) publishes nothing.
func (m *Machine[S]) Update(entries []sm.Entry) ([]sm.Entry, error) {
	b := m.k.Begin(m.Current())
	done := make([]applied, len(entries))
	for i := range entries {
		e := &entries[i]
		a := applied{index: e.Index, outcome: events.OutcomeSkipped}
		if len(e.Cmd) == 0 { // dragonboat no-op entries carry no command
			b.Advance(e.Index)
		} else if ev, err := events.Decode(e.Cmd); errors.Is(err, events.ErrIgnored) {
			b.Advance(e.Index)
		} else if err != nil {
			return nil, fmt.Errorf("fsm: shard %d entry %d: %w", m.k.Shard, e.Index, err)
		} else {
			a.ev, a.outcome = ev, b.Apply(e.Index, ev)
		}
		done[i] = a
		e.Result.Value = Result(e.Index, a.outcome)
	}
	next := b.Commit()
	m.cur.Store(&next)
	for _, a := range done {
		m.sink.Applied(m.k.Shard, a.index, a.ev, a.outcome)
	}
	return entries, nil
}

// Lookup returns the current state; queries are answered by the live side.
func (m *Machine[S]) Lookup(interface{}) (interface{}, error) { return m.Current(), nil }

// PrepareSnapshot captures the state to save; it is immutable, so saving
// runs concurrently with further updates.
func (m *Machine[S]) PrepareSnapshot() (interface{}, error) { return m.Current(), nil }

// SaveSnapshot writes the captured state.
func (m *Machine[S]) SaveSnapshot(ctx interface{}, w io.Writer, _ sm.ISnapshotFileCollection, _ <-chan struct{}) error {
	return m.k.Write(w, ctx.(S))
}

// RecoverFromSnapshot replaces the state and tells the sink.
func (m *Machine[S]) RecoverFromSnapshot(r io.Reader, _ []sm.SnapshotFile, _ <-chan struct{}) error {
	s, err := m.k.Read(r)
	if err != nil {
		return err
	}
	m.cur.Store(&s)
	m.sink.Restored(m.k.Shard, m.k.Applied(s))
	return nil
}

// Close releases nothing: state is plain memory.
func (m *Machine[S]) Close() error { return nil }
