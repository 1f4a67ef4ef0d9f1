package testkit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consuld/consuld/events"
)

// Version is one state of one key in the sequential model.
type Version struct {
	From        uint64    // the log index that produced it; 0 for "never written"
	At          time.Time // when that entry was applied
	Exists      bool
	Value       string
	Flags       uint64
	CreateIndex uint64
	ModifyIndex uint64
	Index       uint64 // the key's own index: ModifyIndex, deletion index, or 0
}

func (v Version) String() string {
	if !v.Exists {
		return fmt.Sprintf("absent(index=%d, from %d)", v.Index, v.From)
	}
	return fmt.Sprintf("%q(create=%d modify=%d)", v.Value, v.CreateIndex, v.ModifyIndex)
}

// Model is the KV store as a plain map, replayed entry by entry in log
// order with Consul's rules written out independently of fsm/kv. It keeps
// every version of every key, so a reply can be compared with the state at
// any log position. Where its outcome differs from the one the FSM decided,
// Problems says so (and the model keeps its own).
type Model struct {
	versions map[string][]Version
	table    []uint64 // table[i]: table index after entry i
	Problems []string
}

// Replay builds the model of a committed log.
func Replay(entries []Entry) *Model {
	m := &Model{versions: map[string][]Version{}, table: []uint64{0}}
	for _, e := range entries {
		want, changed := m.apply(e)
		if want != e.Outcome {
			m.Problems = append(m.Problems, fmt.Sprintf("entry %d %s: fsm decided %s, model %s", e.Index, describeEvent(e.Event), e.Outcome, want))
		}
		t := m.table[len(m.table)-1]
		if changed {
			t = e.Index
		}
		m.table = append(m.table, t)
	}
	return m
}

func (m *Model) apply(e Entry) (events.Outcome, bool) {
	switch ev := e.Event.(type) {
	case *events.KeyWritten:
		cur := m.At(ev.Key, e.Index)
		if ev.Cas && (ev.CasIndex == 0 && cur.Exists || ev.CasIndex != 0 && (!cur.Exists || cur.ModifyIndex != ev.CasIndex)) {
			return events.OutcomeRejected, false
		}
		v := Version{From: e.Index, At: e.At, Exists: true, Value: string(ev.Value), Flags: ev.Flags,
			CreateIndex: e.Index, ModifyIndex: e.Index, Index: e.Index}
		if cur.Exists {
			v.CreateIndex = cur.CreateIndex
		}
		m.versions[ev.Key] = append(m.versions[ev.Key], v)
		return events.OutcomeApplied, true
	case *events.KeyDeleted:
		cur := m.At(ev.Key, e.Index)
		if !cur.Exists {
			return events.OutcomeSkipped, false // deleting nothing succeeds, CAS or not
		}
		if ev.Cas && cur.ModifyIndex != ev.CasIndex {
			return events.OutcomeRejected, false
		}
		m.del(ev.Key, e)
		return events.OutcomeApplied, true
	case *events.PrefixDeleted:
		n := 0
		for _, k := range m.Keys() {
			if strings.HasPrefix(k, ev.Prefix) && m.At(k, e.Index).Exists {
				m.del(k, e)
				n++
			}
		}
		if n == 0 {
			return events.OutcomeSkipped, false
		}
		return events.OutcomeApplied, true
	}
	return events.OutcomeSkipped, false
}

func (m *Model) del(key string, e Entry) {
	m.versions[key] = append(m.versions[key], Version{From: e.Index, At: e.At, Index: e.Index})
}

// Len is the number of entries replayed.
func (m *Model) Len() uint64 { return uint64(len(m.table) - 1) }

// Keys lists every key ever written, in order.
func (m *Model) Keys() []string {
	ks := make([]string, 0, len(m.versions))
	for k := range m.versions {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// At is key's version after the entries up to and including index idx.
func (m *Model) At(key string, idx uint64) Version {
	vs := m.versions[key]
	i, _ := slices.BinarySearchFunc(vs, idx+1, func(v Version, t uint64) int { return cmpU(v.From, t) })
	if i == 0 {
		return Version{}
	}
	return vs[i-1]
}

// Window lists the versions key had at some position in [lo, hi]: the one
// current at lo and every one produced in (lo, hi].
func (m *Model) Window(key string, lo, hi uint64) []Version {
	out := []Version{m.At(key, lo)}
	for _, v := range m.versions[key] {
		if v.From > lo && v.From <= hi {
			out = append(out, v)
		}
	}
	return out
}

// ChangesAfter lists key's versions produced after index i.
func (m *Model) ChangesAfter(key string, i uint64) []Version {
	var out []Version
	for _, v := range m.versions[key] {
		if v.From > i {
			out = append(out, v)
		}
	}
	return out
}

// FirstPrefixChangeAfter is the earliest version of any key under prefix
// produced after index i.
func (m *Model) FirstPrefixChangeAfter(prefix string, i uint64) (Version, bool) {
	var best Version
	found := false
	for _, k := range m.Keys() {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if vs := m.ChangesAfter(k, i); len(vs) > 0 && (!found || vs[0].From < best.From) {
			best, found = vs[0], true
		}
	}
	return best, found
}

// Listing is what a ?recurse read of prefix returns at index idx.
func (m *Model) Listing(prefix string, idx uint64) map[string]Version {
	out := map[string]Version{}
	for k := range m.versions {
		if v := m.At(k, idx); strings.HasPrefix(k, prefix) && v.Exists {
			out[k] = v
		}
	}
	return out
}

// TableIndex is the last index at or before idx that changed anything.
func (m *Model) TableIndex(idx uint64) uint64 { return m.table[min(idx, m.Len())] }

// PrefixIndex is the last index at or before idx that wrote or deleted a
// key under prefix (0 if none ever did).
func (m *Model) PrefixIndex(prefix string, idx uint64) uint64 {
	var out uint64
	for k := range m.versions {
		if strings.HasPrefix(k, prefix) {
			out = max(out, m.At(k, idx).Index)
		}
	}
	return out
}

// PrefixResultIndex is the X-Consul-Index of a listing of prefix at idx.
func (m *Model) PrefixResultIndex(prefix string, idx uint64) uint64 {
	if p := m.PrefixIndex(prefix, idx); p > 0 {
		return p
	}
	return max(m.TableIndex(idx), 1)
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
