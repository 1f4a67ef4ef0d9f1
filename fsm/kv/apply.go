package kv

import (
	iradix "github.com/hashicorp/go-immutable-radix/v2"

	"github.com/consuld/consuld/events"
)

// Txn applies a batch of events to a State and yields the next State.
// It is pure: the same base state and events give the same result.
type Txn struct {
	entries *iradix.Txn[*events.Entry]
	tombs   *iradix.Txn[uint64]
	applied uint64
	table   uint64
}

// Txn starts a batch on top of s.
func (s *State) Txn() *Txn {
	return &Txn{entries: s.entries.Txn(), tombs: s.tombs.Txn(), applied: s.applied, table: s.table}
}

// Commit returns the state with every applied event.
func (t *Txn) Commit() *State {
	return &State{entries: t.entries.CommitOnly(), tombs: t.tombs.CommitOnly(), applied: t.applied, table: t.table}
}

// Advance records that index was applied without an event (Raft no-op or a
// skipped unknown ignorable event).
func (t *Txn) Advance(index uint64) { t.applied = index }

// Apply applies ev at index and returns what it decided.
func (t *Txn) Apply(index uint64, ev events.Event) events.Outcome {
	t.applied = index
	switch ev := ev.(type) {
	case *events.KeyWritten:
		return t.write(index, ev)
	case *events.KeyDeleted:
		return t.delete(index, ev)
	case *events.PrefixDeleted:
		return t.deletePrefix(index, ev.Prefix)
	}
	return events.OutcomeSkipped
}

func (t *Txn) write(index uint64, ev *events.KeyWritten) events.Outcome {
	k := []byte(ev.Key)
	old, exists := t.entries.Get(k)
	if ev.Cas {
		if (ev.CasIndex == 0 && exists) || (ev.CasIndex != 0 && (!exists || old.ModifyIndex != ev.CasIndex)) {
			return events.OutcomeRejected
		}
	}
	e := &events.Entry{Key: ev.Key, Value: ev.Value, Flags: ev.Flags, CreateIndex: index, ModifyIndex: index}
	if exists {
		// A plain write keeps the key's lock holder, as Consul does.
		e.CreateIndex, e.LockIndex, e.Session = old.CreateIndex, old.LockIndex, old.Session
	}
	t.entries.Insert(k, e)
	t.tombs.Delete(k)
	t.table = index
	return events.OutcomeApplied
}

func (t *Txn) delete(index uint64, ev *events.KeyDeleted) events.Outcome {
	k := []byte(ev.Key)
	old, exists := t.entries.Get(k)
	if !exists {
		// Deleting a missing key succeeds without changing anything, with
		// or without CAS (Consul answers true in both cases).
		return events.OutcomeSkipped
	}
	if ev.Cas && old.ModifyIndex != ev.CasIndex {
		return events.OutcomeRejected
	}
	t.entries.Delete(k)
	t.tombs.Insert(k, index)
	t.table = index
	return events.OutcomeApplied
}

func (t *Txn) deletePrefix(index uint64, prefix string) events.Outcome {
	var keys [][]byte
	t.entries.Root().WalkPrefix([]byte(prefix), func(k []byte, _ *events.Entry) bool {
		keys = append(keys, k)
		return false
	})
	if len(keys) == 0 {
		return events.OutcomeSkipped
	}
	for _, k := range keys {
		t.entries.Delete(k)
		t.tombs.Insert(k, index)
	}
	t.table = index
	return events.OutcomeApplied
}
