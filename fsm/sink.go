package fsm

import "github.com/consuld/consuld/events"

// Sink receives every applied entry of a shard, in index order, on the
// replica's apply goroutine, after the state that includes the entry has been
// published. Implementations must not block for long: they hand the entry to
// the live side (actors) and return.
type Sink interface {
	// Applied reports that the entry at index changed (or did not change,
	// see outcome) the shard's state. ev is nil for entries that carried no
	// event (Raft no-ops, skipped unknown ignorable events).
	Applied(shard events.Shard, index uint64, ev events.Event, outcome events.Outcome)
	// Restored reports that the shard's state was replaced wholesale from a
	// snapshot at index; live copies of that state must be dropped.
	Restored(shard events.Shard, index uint64)
}

// Discard is a Sink that drops everything (tools, benchmarks).
type Discard struct{}

func (Discard) Applied(events.Shard, uint64, events.Event, events.Outcome) {}
func (Discard) Restored(events.Shard, uint64)                              {}
