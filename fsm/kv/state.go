package kv

import (
	"strings"

	"github.com/google/btree"

	"github.com/consuld/consuld/events"
)

// degree of the B-trees: wide nodes keep per-key overhead to a few bytes.
const degree = 32

// tombstone records the deletion of a key.
type tombstone struct {
	key   string
	index uint64
}

// State is one immutable version of the kv shard. Readers may hold a State
// as long as they like; it never changes (writers work on copy-on-write
// clones of its trees).
type State struct {
	entries *btree.BTreeG[*events.Entry]
	tombs   *btree.BTreeG[tombstone] // deleted key -> index of its deletion
	applied uint64                   // last Raft index applied
	table   uint64                   // last Raft index that changed entries or tombstones
}

func entryLess(a, b *events.Entry) bool { return a.Key < b.Key }
func tombstoneLess(a, b tombstone) bool { return a.key < b.key }

// Empty returns the state of a new shard.
func Empty() *State {
	return &State{entries: btree.NewG(degree, entryLess), tombs: btree.NewG(degree, tombstoneLess)}
}

// Applied is the Raft index this state includes.
func (s *State) Applied() uint64 { return s.applied }

// TableIndex is the index of the last change to any key (Consul's "kvs"
// table index), reported for queries that match nothing.
func (s *State) TableIndex() uint64 { return s.table }

// Len is the number of live keys.
func (s *State) Len() int { return s.entries.Len() }

// Get returns the entry for key (nil if absent) and the key's own index:
// its ModifyIndex, or the index of its deletion, or 0 if never written.
func (s *State) Get(key string) (*events.Entry, uint64) {
	if e, ok := s.entries.Get(&events.Entry{Key: key}); ok {
		return e, e.ModifyIndex
	}
	t, _ := s.tombs.Get(tombstone{key: key})
	return nil, t.index
}

// Walk calls fn for every live entry whose key starts with prefix, in key
// order, until fn returns false.
func (s *State) Walk(prefix string, fn func(*events.Entry) bool) {
	s.entries.AscendGreaterOrEqual(&events.Entry{Key: prefix}, func(e *events.Entry) bool {
		return strings.HasPrefix(e.Key, prefix) && fn(e)
	})
}

func (s *State) walkTombs(prefix string, fn func(tombstone) bool) {
	s.tombs.AscendGreaterOrEqual(tombstone{key: prefix}, func(t tombstone) bool {
		return strings.HasPrefix(t.key, prefix) && fn(t)
	})
}

// PrefixIndex is the highest index of a write or deletion of any key under
// prefix, or 0 if nothing under it was ever written.
func (s *State) PrefixIndex(prefix string) uint64 {
	var max uint64
	s.Walk(prefix, func(e *events.Entry) bool {
		max = maxU(max, e.ModifyIndex)
		return true
	})
	s.walkTombs(prefix, func(t tombstone) bool {
		max = maxU(max, t.index)
		return true
	})
	return max
}

// Keys lists the keys under prefix; with a separator, keys are cut after the
// first separator following the prefix and deduplicated (Consul's ?keys).
func (s *State) Keys(prefix, sep string) []string {
	var out []string
	s.Walk(prefix, func(e *events.Entry) bool {
		k := e.Key
		if sep != "" {
			if i := strings.Index(k[len(prefix):], sep); i >= 0 {
				k = k[:len(prefix)+i+len(sep)]
			}
		}
		if n := len(out); n == 0 || out[n-1] != k {
			out = append(out, k)
		}
		return true
	})
	return out
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
