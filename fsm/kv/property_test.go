package kv

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/consuld/consuld/events"
)

// A small alphabet, nested so that prefix deletions and prefix indexes
// overlap, and few enough keys that check-and-set both hits and misses.
var (
	propKeys     = []string{"a", "a/b", "a/c", "a/c/d", "ab", "b", "b/a"}
	propPrefixes = []string{"", "a", "a/", "a/c", "a/c/", "b/", "x/"}
)

// genSteps draws a log: events at increasing indexes (with gaps and no-op
// entries). Check-and-set indexes are drawn against the state so far: the
// key's current index (a hit when it exists), 0, or any earlier index.
func genSteps(t *rapid.T) []step {
	n := rapid.IntRange(0, 40).Draw(t, "n")
	s := Empty()
	var steps []step
	var idx uint64
	for i := 0; i < n; i++ {
		idx += uint64(rapid.IntRange(1, 3).Draw(t, "gap"))
		var ev events.Event
		casIndex := func(key string) (bool, uint64) {
			switch rapid.IntRange(0, 3).Draw(t, "cas") {
			case 0:
				return false, 0
			case 1:
				_, cur := s.Get(key)
				return true, cur
			case 2:
				return true, 0
			}
			return true, rapid.Uint64Range(0, idx).Draw(t, "casIndex")
		}
		switch k := rapid.IntRange(0, 9).Draw(t, "kind"); {
		case k == 0:
			// a no-op entry
		case k <= 5:
			key := rapid.SampledFrom(propKeys).Draw(t, "key")
			c, ci := casIndex(key)
			var value []byte
			if rapid.Bool().Draw(t, "hasValue") {
				value = []byte(rapid.SampledFrom([]string{"x", "y", "zz", "\x00\xff"}).Draw(t, "value"))
			}
			ev = &events.KeyWritten{Key: key, Value: value, Flags: uint64(rapid.IntRange(0, 2).Draw(t, "flags")),
				Cas: c, CasIndex: ci}
		case k <= 8:
			key := rapid.SampledFrom(propKeys).Draw(t, "key")
			c, ci := casIndex(key)
			ev = &events.KeyDeleted{Key: key, Cas: c, CasIndex: ci}
		default:
			ev = &events.PrefixDeleted{Prefix: rapid.SampledFrom(propPrefixes).Draw(t, "prefix")}
		}
		steps = append(steps, step{idx, ev})
		s, _ = applyOne(s, idx, ev)
	}
	return steps
}

func stepsString(steps []step) string {
	var b strings.Builder
	for _, st := range steps {
		fmt.Fprintf(&b, "%d: %v\n", st.index, st.ev)
	}
	return b.String()
}

func requireEqualStatesR(t *rapid.T, got, want *State, what string) {
	if d := diffStates(got, want, propPrefixes...); d != "" {
		t.Fatalf("%s: states differ (got vs want):\n%s", what, d)
	}
}

// model is an independent, map-based reading of Consul's KV semantics.
type model struct {
	entries        map[string]events.Entry
	tombs          map[string]uint64
	applied, table uint64
}

func newModel() *model {
	return &model{entries: map[string]events.Entry{}, tombs: map[string]uint64{}}
}

func (m *model) apply(index uint64, ev events.Event) events.Outcome {
	m.applied = index
	switch ev := ev.(type) {
	case *events.KeyWritten:
		old, ok := m.entries[ev.Key]
		if ev.Cas {
			if ev.CasIndex == 0 && ok {
				return events.OutcomeRejected
			}
			if ev.CasIndex != 0 && (!ok || old.ModifyIndex != ev.CasIndex) {
				return events.OutcomeRejected
			}
		}
		e := events.Entry{Key: ev.Key, Value: ev.Value, Flags: ev.Flags, CreateIndex: index, ModifyIndex: index}
		if ok {
			e.CreateIndex, e.LockIndex, e.Session = old.CreateIndex, old.LockIndex, old.Session
		}
		m.entries[ev.Key] = e
		delete(m.tombs, ev.Key)
	case *events.KeyDeleted:
		old, ok := m.entries[ev.Key]
		if !ok {
			return events.OutcomeSkipped
		}
		if ev.Cas && old.ModifyIndex != ev.CasIndex {
			return events.OutcomeRejected
		}
		delete(m.entries, ev.Key)
		m.tombs[ev.Key] = index
	case *events.PrefixDeleted:
		n := 0
		for k := range m.entries {
			if strings.HasPrefix(k, ev.Prefix) {
				delete(m.entries, k)
				m.tombs[k] = index
				n++
			}
		}
		if n == 0 {
			return events.OutcomeSkipped
		}
	default:
		return events.OutcomeSkipped
	}
	m.table = index
	return events.OutcomeApplied
}

func (m *model) prefixIndex(p string) uint64 {
	var out uint64
	for k, e := range m.entries {
		if strings.HasPrefix(k, p) {
			out = max(out, e.ModifyIndex)
		}
	}
	for k, i := range m.tombs {
		if strings.HasPrefix(k, p) {
			out = max(out, i)
		}
	}
	return out
}

func (m *model) keys(prefix, sep string) []string {
	var all []string
	for k := range m.entries {
		if strings.HasPrefix(k, prefix) {
			all = append(all, k)
		}
	}
	sort.Strings(all)
	var out []string
	for _, k := range all {
		if sep != "" {
			if i := strings.Index(k[len(prefix):], sep); i >= 0 {
				k = k[:len(prefix)+i+len(sep)]
			}
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func (m *model) check(t *rapid.T, s *State) {
	if s.Applied() != m.applied || s.TableIndex() != m.table || s.Len() != len(m.entries) {
		t.Fatalf("applied %d table %d len %d, model %d %d %d", s.Applied(), s.TableIndex(), s.Len(),
			m.applied, m.table, len(m.entries))
	}
	for _, k := range propKeys {
		e, idx := s.Get(k)
		me, ok := m.entries[k]
		switch {
		case ok && (!entryEqual(e, &me) || idx != me.ModifyIndex):
			t.Fatalf("Get(%q) = %s@%d, model %s", k, fmtEntry(e), idx, fmtEntry(&me))
		case !ok && (e != nil || idx != m.tombs[k]):
			t.Fatalf("Get(%q) = %s@%d, model deleted at %d", k, fmtEntry(e), idx, m.tombs[k])
		}
	}
	for _, p := range append(slices.Clone(propPrefixes), propKeys...) {
		if got, want := s.PrefixIndex(p), m.prefixIndex(p); got != want {
			t.Fatalf("PrefixIndex(%q) = %d, model %d", p, got, want)
		}
		for _, sep := range []string{"", "/"} {
			if got, want := s.Keys(p, sep), m.keys(p, sep); !slices.Equal(got, want) {
				t.Fatalf("Keys(%q, %q) = %q, model %q", p, sep, got, want)
			}
		}
	}
}

func TestPropModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := genSteps(t)
		s, m := Empty(), newModel()
		for _, st := range steps {
			var got, want events.Outcome
			s, got = applyOne(s, st.index, st.ev)
			if st.ev == nil {
				m.applied = st.index
				want = events.OutcomeSkipped
			} else {
				want = m.apply(st.index, st.ev)
			}
			if got != want {
				t.Fatalf("%d: %v: outcome %v, model %v", st.index, st.ev, got, want)
			}
			m.check(t, s)
		}
	})
}

// (a) ReadSnapshot(WriteSnapshot(s)) == s, and the encoding is stable.
func TestPropSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := genSteps(t)
		s := Empty()
		for i := 0; ; i++ {
			b := snapshotBytes(t, s)
			r, err := ReadSnapshot(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("after %d steps: ReadSnapshot: %v", i, err)
			}
			requireEqualStatesR(t, r, s, fmt.Sprintf("round trip after %d steps", i))
			if b2 := snapshotBytes(t, r); !bytes.Equal(b, b2) {
				t.Fatalf("after %d steps: re-encoding differs:\n%x\n%x", i, b, b2)
			}
			if i == len(steps) {
				break
			}
			s, _ = applyOne(s, steps[i].index, steps[i].ev)
		}
	})
}

// (b) restoring a snapshot and replaying the tail equals replaying it all.
func TestPropSnapshotThenReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := genSteps(t)
		split := rapid.IntRange(0, len(steps)).Draw(t, "split")
		all, allOuts := replayBatchEach(Empty(), steps)
		head, _ := replayBatchEach(Empty(), steps[:split])
		restored, err := ReadSnapshot(bytes.NewReader(snapshotBytes(t, head)))
		if err != nil {
			t.Fatal(err)
		}
		tail, tailOuts := replayBatchEach(restored, steps[split:])
		if !slices.Equal(tailOuts, allOuts[split:]) {
			t.Fatalf("tail outcomes %v, full replay %v\n%s", tailOuts, allOuts[split:], stepsString(steps))
		}
		requireEqualStatesR(t, tail, all, "snapshot+tail vs full replay")
	})
}

// (c) applying in one Txn, one Txn per event, or any batching agrees.
func TestPropBatching(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		steps := genSteps(t)
		one, oneOuts := replayBatch(Empty(), steps)
		each, eachOuts := replayBatchEach(Empty(), steps)
		if !slices.Equal(oneOuts, eachOuts) {
			t.Fatalf("outcomes: one txn %v, txn each %v", oneOuts, eachOuts)
		}
		requireEqualStatesR(t, one, each, "one txn vs txn per event")

		// Random batch boundaries, keeping every intermediate state.
		s := Empty()
		var outs []events.Outcome
		var kept []*State
		for rest := steps; len(rest) > 0; {
			n := rapid.IntRange(1, len(rest)).Draw(t, "batch")
			var o []events.Outcome
			kept = append(kept, s)
			s, o = replayBatch(s, rest[:n])
			outs = append(outs, o...)
			rest = rest[n:]
		}
		if !slices.Equal(outs, eachOuts) {
			t.Fatalf("outcomes: batched %v, txn each %v", outs, eachOuts)
		}
		requireEqualStatesR(t, s, each, "random batches vs txn per event")
		// Re-applying from a kept state still gives the same answer: later
		// batches did not mutate it.
		if len(kept) > 0 {
			i := rapid.IntRange(0, len(kept)-1).Draw(t, "kept")
			// kept[i] includes the steps up to its Applied index.
			prefix := 0
			for prefix < len(steps) && steps[prefix].index <= kept[i].Applied() {
				prefix++
			}
			again, _ := replayBatch(kept[i], steps[prefix:])
			requireEqualStatesR(t, again, each, "replay from a kept intermediate state")
		}
	})
}

func replayBatchEach(s *State, steps []step) (*State, []events.Outcome) {
	var outs []events.Outcome
	for _, st := range steps {
		var o events.Outcome
		s, o = applyOne(s, st.index, st.ev)
		outs = append(outs, o)
	}
	return s, outs
}

// TestGenStepsCoverage keeps the generator honest: across a run, check-and-
// set writes and deletes both hit and miss, and prefix deletions both
// delete and find nothing.
func TestGenStepsCoverage(t *testing.T) {
	seen := map[string]int{}
	rapid.Check(t, func(t *rapid.T) {
		s := Empty()
		for _, st := range genSteps(t) {
			var o events.Outcome
			s, o = applyOne(s, st.index, st.ev)
			kind := "noop"
			switch ev := st.ev.(type) {
			case *events.KeyWritten:
				kind = map[bool]string{false: "put", true: "cas-put"}[ev.Cas]
			case *events.KeyDeleted:
				kind = map[bool]string{false: "delete", true: "cas-delete"}[ev.Cas]
			case *events.PrefixDeleted:
				kind = "delete-tree"
			}
			seen[kind+" "+o.String()]++
		}
	})
	for _, want := range []string{
		"put applied", "cas-put applied", "cas-put rejected", "delete applied", "delete skipped",
		"cas-delete applied", "cas-delete rejected", "cas-delete skipped", "delete-tree applied",
		"delete-tree skipped", "noop skipped",
	} {
		if seen[want] == 0 {
			t.Errorf("generator never produced %q (saw %v)", want, seen)
		}
	}
}
