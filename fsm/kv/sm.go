package kv

import (
	"io"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// SM is the kv shard's dragonboat state machine.
type SM = fsm.Machine[*State]

// Kind describes the kv state to the generic machine.
var Kind = fsm.Kind[*State]{
	Shard:   events.ShardKV,
	Empty:   Empty,
	Begin:   func(s *State) fsm.Batch[*State] { return s.Txn() },
	Applied: (*State).Applied,
	Write:   func(w io.Writer, s *State) error { return WriteSnapshot(w, s) },
	Read:    ReadSnapshot,
}

// New returns an empty kv state machine that reports to sink.
func New(sink fsm.Sink) *SM { return fsm.NewMachine(Kind, sink) }
