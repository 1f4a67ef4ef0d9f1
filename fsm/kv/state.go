package kv

import (
	"strings"

	iradix "github.com/hashicorp/go-immutable-radix/v2"

	"github.com/consuld/consuld/events"
)

// State is one immutable version of the kv shard. Readers may hold a State
// as long as they like; it never changes.
type State struct {
	entries *iradix.Tree[*events.Entry]
	tombs   *iradix.Tree[uint64] // deleted key -> index of its deletion
	applied uint64               // last Raft index applied
	table   uint64               // last Raft index that changed entries or tombstones
}

// Empty returns the state of a new shard.
func Empty() *State {
	return &State{entries: iradix.New[*events.Entry](), tombs: iradix.New[uint64]()}
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
	if e, ok := s.entries.Get([]byte(key)); ok {
		return e, e.ModifyIndex
	}
	idx, _ := s.tombs.Get([]byte(key))
	return nil, idx
}

// Walk calls fn for every live entry whose key starts with prefix, in key
// order, until fn returns false.
func (s *State) Walk(prefix string, fn func(*events.Entry) bool) {
	s.entries.Root().WalkPrefix([]byte(prefix), func(_ []byte, e *events.Entry) bool {
		return !fn(e)
	})
}

// PrefixIndex is the highest index of a write or deletion of any key under
// prefix, or 0 if nothing under it was ever written.
func (s *State) PrefixIndex(prefix string) uint64 {
	var max uint64
	s.entries.Root().WalkPrefix([]byte(prefix), func(_ []byte, e *events.Entry) bool {
		max = maxU(max, e.ModifyIndex)
		return false
	})
	s.tombs.Root().WalkPrefix([]byte(prefix), func(_ []byte, idx uint64) bool {
		max = maxU(max, idx)
		return false
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
