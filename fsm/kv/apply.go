package kv

import (
	"github.com/google/btree"

	"github.com/consuld/consuld/events"
)

// Txn applies a batch of events to a State and yields the next State.
// It is pure: the same base state and events give the same result, and the
// base state is never modified (its trees are cloned copy-on-write).
type Txn struct {
	entries *btree.BTreeG[*events.Entry]
	tombs   *btree.BTreeG[tombstone]
	applied uint64
	table   uint64
}

// Txn starts a batch on top of s. Only one goroutine may start batches on
// a given State at a time (cloning records a new copy-on-write context).
func (s *State) Txn() *Txn {
	return &Txn{entries: s.entries.Clone(), tombs: s.tombs.Clone(), applied: s.applied, table: s.table}
}

// Commit returns the state with every applied event. The Txn must not be
// used afterwards.
func (t *Txn) Commit() *State {
	return &State{entries: t.entries, tombs: t.tombs, applied: t.applied, table: t.table}
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
	old, exists := t.entries.Get(&events.Entry{Key: ev.Key})
	if ev.Cas {
		if (ev.CasIndex == 0 && exists) || (ev.CasIndex != 0 && (!exists || old.ModifyIndex != ev.CasIndex)) {
			return events.OutcomeRejected
		}
	}
	e := &events.Entry{Key: ev.Key, Value: ev.Value, Flags: ev.Flags, CreateIndex: index, ModifyIndex: index}
	if exists {
		// A plain write keeps the key's lock holder, as Consul does.
		e.Key = old.Key // share the old key's bytes
		e.CreateIndex, e.LockIndex, e.Session = old.CreateIndex, old.LockIndex, old.Session
	}
	t.entries.ReplaceOrInsert(e)
	t.tombs.Delete(tombstone{key: ev.Key})
	t.table = index
	return events.OutcomeApplied
}

func (t *Txn) delete(index uint64, ev *events.KeyDeleted) events.Outcome {
	old, exists := t.entries.Get(&events.Entry{Key: ev.Key})
	if !exists {
		// Deleting a missing key succeeds without changing anything, with
		// or without CAS (Consul answers true in both cases).
		return events.OutcomeSkipped
	}
	if ev.Cas && old.ModifyIndex != ev.CasIndex {
		return events.OutcomeRejected
	}
	t.entries.Delete(old)
	t.tombs.ReplaceOrInsert(tombstone{key: old.Key, index: index})
	t.table = index
	return events.OutcomeApplied
}

func (t *Txn) deletePrefix(index uint64, prefix string) events.Outcome {
	var gone []*events.Entry
	(&State{entries: t.entries}).Walk(prefix, func(e *events.Entry) bool {
		gone = append(gone, e)
		return true
	})
	if len(gone) == 0 {
		return events.OutcomeSkipped
	}
	for _, e := range gone {
		t.entries.Delete(e)
		t.tombs.ReplaceOrInsert(tombstone{key: e.Key, index: index})
	}
	t.table = index
	return events.OutcomeApplied
}
