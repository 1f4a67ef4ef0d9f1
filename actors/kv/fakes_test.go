package kv_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// fakeView is a tiny immutable kv.View (actors must not depend on fsm, so
// neither do their tests). Every change returns a new view.
type fakeView struct {
	applied, table uint64
	entries        map[string]*events.Entry
	tombs          map[string]uint64
}

var _ kv.View = (*fakeView)(nil)

func emptyView() *fakeView {
	return &fakeView{entries: map[string]*events.Entry{}, tombs: map[string]uint64{}}
}

func (v *fakeView) clone(index uint64) *fakeView {
	return &fakeView{applied: index, table: v.table, entries: maps.Clone(v.entries), tombs: maps.Clone(v.tombs)}
}

// put writes key at index (keeping CreateIndex of an existing key).
func (v *fakeView) put(index uint64, key, value string) *fakeView {
	n := v.clone(index)
	e := &events.Entry{Key: key, Value: []byte(value), CreateIndex: index, ModifyIndex: index}
	if old, ok := v.entries[key]; ok {
		e.CreateIndex = old.CreateIndex
	}
	n.entries[key] = e
	delete(n.tombs, key)
	n.table = index
	return n
}

// del deletes every key starting with prefix (one key if exact) at index.
func (v *fakeView) del(index uint64, prefix string, exact bool) *fakeView {
	n := v.clone(index)
	for k := range v.entries {
		if k == prefix || (!exact && strings.HasPrefix(k, prefix)) {
			delete(n.entries, k)
			n.tombs[k] = index
			n.table = index
		}
	}
	return n
}

// advance moves Applied only (an entry that changed nothing).
func (v *fakeView) advance(index uint64) *fakeView { return v.clone(index) }

func (v *fakeView) Applied() uint64    { return v.applied }
func (v *fakeView) TableIndex() uint64 { return v.table }

func (v *fakeView) Get(key string) (*events.Entry, uint64) {
	if e, ok := v.entries[key]; ok {
		return e, e.ModifyIndex
	}
	return nil, v.tombs[key]
}

func (v *fakeView) Walk(prefix string, fn func(*events.Entry) bool) {
	for _, k := range slices.Sorted(maps.Keys(v.entries)) {
		if strings.HasPrefix(k, prefix) && !fn(v.entries[k]) {
			return
		}
	}
}

func (v *fakeView) PrefixIndex(prefix string) uint64 {
	var out uint64
	for k, e := range v.entries {
		if strings.HasPrefix(k, prefix) {
			out = max(out, e.ModifyIndex)
		}
	}
	for k, i := range v.tombs {
		if strings.HasPrefix(k, prefix) {
			out = max(out, i)
		}
	}
	return out
}

func (v *fakeView) Keys(prefix, sep string) []string {
	var out []string
	v.Walk(prefix, func(e *events.Entry) bool {
		k := e.Key
		if sep != "" {
			if i := strings.Index(k[len(prefix):], sep); i >= 0 {
				k = k[:len(prefix)+i+len(sep)]
			}
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
		return true
	})
	return out
}

// recorder is a Replier that records what it is sent.
type recorder struct {
	name string
	got  []kv.Result
}

func (r *recorder) Reply(res kv.Result) { r.got = append(r.got, res) }

// perform does what an adapter does with Reply effects and returns the
// others.
func perform(fx []kv.Effect) []kv.Effect {
	var rest []kv.Effect
	for _, f := range fx {
		if r, ok := f.(kv.Reply); ok {
			r.To.Reply(r.Result)
			continue
		}
		rest = append(rest, f)
	}
	return rest
}

// replies returns the Reply effects in fx, failing on anything else.
func replies(t *testing.T, fx []kv.Effect) []kv.Reply {
	t.Helper()
	var out []kv.Reply
	for _, f := range fx {
		r, ok := f.(kv.Reply)
		if !ok {
			t.Fatalf("effect %#v, want only replies", f)
		}
		out = append(out, r)
	}
	return out
}

// oneReply fails unless fx is exactly one Reply to r.
func oneReply(t *testing.T, fx []kv.Effect, r kv.Replier) kv.Result {
	t.Helper()
	rs := replies(t, fx)
	if len(rs) != 1 || rs[0].To != r {
		t.Fatalf("effects %#v, want one reply to %v", fx, r)
	}
	return rs[0].Result
}
