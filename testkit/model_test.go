package testkit

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
	fsmkv "github.com/consuld/consuld/fsm/kv"
)

// TestModelAgreesWithFSM: the sequential model every checker trusts is an
// independent restatement of Consul's KV rules; on random event sequences
// it must decide every outcome as fsm/kv does and end in the same state,
// with the same per-key and per-prefix indexes, at every log position.
func TestModelAgreesWithFSM(t *testing.T) {
	keys := []string{"a", "a/1", "a/2", "b/1", "b/1/x"}
	prefixes := []string{"", "a", "a/", "b/", "b/1", "c/"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		st := fsmkv.Empty()
		states := []*fsmkv.State{st}
		var entries []Entry
		for i := 1; i <= n; i++ {
			key := rapid.SampledFrom(keys).Draw(t, "key")
			cas := rapid.Bool().Draw(t, "cas")
			casIndex := uint64(rapid.IntRange(0, i).Draw(t, "casIndex"))
			var ev events.Event
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0, 1:
				ev = &events.KeyWritten{Key: key, Value: []byte(fmt.Sprint(i)), Cas: cas, CasIndex: casIndex}
			case 2:
				ev = &events.KeyDeleted{Key: key, Cas: cas, CasIndex: casIndex}
			case 3:
				ev = &events.PrefixDeleted{Prefix: rapid.SampledFrom(prefixes).Draw(t, "prefix")}
			}
			txn := st.Txn()
			o := txn.Apply(uint64(i), ev)
			st = txn.Commit()
			states = append(states, st)
			entries = append(entries, Entry{Index: uint64(i), Event: ev, Outcome: o, At: Epoch.Add(time.Duration(i))})
		}
		m := Replay(entries)
		if len(m.Problems) > 0 {
			t.Fatalf("model and fsm disagree: %v", m.Problems)
		}
		for idx, s := range states {
			at := uint64(idx)
			for _, k := range keys {
				e, own := s.Get(k)
				v := m.At(k, at)
				if (e != nil) != v.Exists || own != v.Index || e != nil && (string(e.Value) != v.Value || e.CreateIndex != v.CreateIndex) {
					t.Fatalf("at %d key %q: fsm %v/%d, model %v", at, k, e, own, v)
				}
			}
			for _, p := range prefixes {
				if got, want := m.PrefixResultIndex(p, at), kv.PrefixResultIndex(s, p); got != want {
					t.Fatalf("at %d prefix %q: model index %d, fsm %d", at, p, got, want)
				}
				if got, want := len(m.Listing(p, at)), len(s.Keys(p, "")); got != want {
					t.Fatalf("at %d prefix %q: model lists %d keys, fsm %d", at, p, got, want)
				}
			}
		}
	})
}
