package kv

import (
	"time"

	"github.com/consuld/consuld/events"
)

// Key is the pure behaviour of one KV key's actor: it holds the key's
// current entry and the blocking queries parked on it. No clock, no I/O:
// time arrives in inputs, and everything it wants done is a returned Effect.
type Key struct {
	name     string
	entry    *events.Entry
	index    uint64 // the key's own index: ModifyIndex, deletion index, or 0
	seen     uint64 // log index the entry reflects
	table    uint64 // table index of the state the entry was read from
	watches  []*Watch
	inflight int
	active   time.Time // last input that was not an IdleCheck
	idle     time.Duration
}

// Watch is a parked blocking Get.
type Watch struct {
	Reply    Replier
	MinIndex uint64
	Table    uint64
	done     bool
}

// NewKey hydrates a key behaviour from v. idleAfter is how long the key
// stays resident without work before it asks to passivate.
func NewKey(name string, v View, idleAfter time.Duration, now time.Time) *Key {
	k := &Key{name: name, idle: idleAfter, active: now}
	k.refresh(v)
	return k
}

func (k *Key) refresh(v View) {
	k.entry, k.index = v.Get(k.name)
	k.seen, k.table = v.Applied(), v.TableIndex()
}

// Name is the key this behaviour owns.
func (k *Key) Name() string { return k.name }

// Idle reports whether nothing is parked or in flight.
func (k *Key) Idle() bool { return len(k.watches) == 0 && k.inflight == 0 }

// Handle applies one input and returns the effects to perform, in order.
func (k *Key) Handle(in any) []Effect {
	switch in := in.(type) {
	case Changed:
		if in.Index <= k.seen {
			return nil // already reflected (hydrated from a later state)
		}
		k.refresh(in.View)
		return k.wake()
	case Get:
		k.active = in.Now
		if in.MinIndex == 0 || k.index > in.MinIndex || !in.Now.Before(in.Deadline) {
			return []Effect{Reply{in.Reply, k.result(in.TableIndex)}}
		}
		w := &Watch{Reply: in.Reply, MinIndex: in.MinIndex, Table: in.TableIndex}
		k.watches = append(k.watches, w)
		return []Effect{Timer{At: in.Deadline, Watch: w}}
	case Write:
		k.active = in.Now
		k.inflight++
		return []Effect{Propose{Reply: in.Reply, Data: in.Data}}
	case Proposed:
		k.active = in.Now
		k.inflight--
		ok := in.Err == nil && in.Outcome != events.OutcomeRejected
		return []Effect{Reply{in.Reply, Result{Index: in.Index, OK: ok, Err: in.Err}}}
	case Expired:
		k.active = in.Now
		if in.Watch.done {
			return nil
		}
		k.drop(in.Watch)
		return []Effect{Reply{in.Watch.Reply, k.result(in.Watch.Table)}}
	case Cancel:
		for _, w := range k.watches {
			if w.Reply == in.Reply {
				k.drop(w)
				break
			}
		}
	case IdleCheck:
		if k.Idle() && (in.Pressure || in.Now.Sub(k.active) >= k.idle) {
			return []Effect{Passivate{}}
		}
	}
	return nil
}

// result answers with the entry, or for a missing key with the highest of
// the table index the query saw and the key's own deletion index.
func (k *Key) result(table uint64) Result {
	if k.entry != nil {
		return Result{Entry: k.entry, Index: k.entry.ModifyIndex}
	}
	return Result{Index: max(table, k.index, 1)}
}

// wake answers every parked query whose MinIndex the key has now passed.
func (k *Key) wake() []Effect {
	var out []Effect
	kept := k.watches[:0]
	for _, w := range k.watches {
		if k.index > w.MinIndex {
			w.done = true
			out = append(out, Reply{w.Reply, k.result(max(w.Table, k.table))})
			continue
		}
		kept = append(kept, w)
	}
	clear(k.watches[len(kept):])
	k.watches = kept
	return out
}

func (k *Key) drop(w *Watch) {
	w.done = true
	for i, x := range k.watches {
		if x == w {
			k.watches = append(k.watches[:i], k.watches[i+1:]...)
			return
		}
	}
}
