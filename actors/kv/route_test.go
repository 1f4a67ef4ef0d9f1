package kv_test

import (
	"testing"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

func TestRoute(t *testing.T) {
	put := &events.KeyWritten{Key: "a/b", Value: []byte("v")}
	casPut := &events.KeyWritten{Key: "a/b", Value: []byte("v"), Cas: true, CasIndex: 3}
	del := &events.KeyDeleted{Key: "a/b"}
	casDel := &events.KeyDeleted{Key: "a/b", Cas: true, CasIndex: 3}
	tree := &events.PrefixDeleted{Prefix: "a/"}
	all := &events.PrefixDeleted{Prefix: ""}
	cases := []struct {
		name  string
		index uint64
		ev    events.Event
		o     events.Outcome
		want  kv.Routing
	}{
		{
			name: "put tells its key and the tree, moves the table", index: 7, ev: put, o: events.OutcomeApplied,
			want: kv.Routing{Notify: kv.NotifyKey, Key: "a/b", Changed: kv.Changed{Index: 7},
				Table: true, Tree: kv.PrefixChanged{Key: "a/b", Index: 7}},
		},
		{
			name: "applied CAS put routes like a put", index: 8, ev: casPut, o: events.OutcomeApplied,
			want: kv.Routing{Notify: kv.NotifyKey, Key: "a/b", Changed: kv.Changed{Index: 8},
				Table: true, Tree: kv.PrefixChanged{Key: "a/b", Index: 8}},
		},
		{
			name: "delete tells its key and the tree", index: 9, ev: del, o: events.OutcomeApplied,
			want: kv.Routing{Notify: kv.NotifyKey, Key: "a/b", Changed: kv.Changed{Index: 9},
				Table: true, Tree: kv.PrefixChanged{Key: "a/b", Index: 9}},
		},
		{
			name: "tree delete tells every key under the prefix", index: 10, ev: tree, o: events.OutcomeApplied,
			want: kv.Routing{Notify: kv.NotifyPrefix, Key: "a/", Changed: kv.Changed{Index: 10},
				Table: true, Tree: kv.PrefixChanged{Key: "a/", IsPrefix: true, Index: 10}},
		},
		{
			name: "delete of everything tells every key", index: 11, ev: all, o: events.OutcomeApplied,
			want: kv.Routing{Notify: kv.NotifyPrefix, Key: "", Changed: kv.Changed{Index: 11},
				Table: true, Tree: kv.PrefixChanged{Key: "", IsPrefix: true, Index: 11}},
		},
		{name: "rejected CAS put changes nothing", index: 12, ev: casPut, o: events.OutcomeRejected},
		{name: "rejected CAS delete changes nothing", index: 13, ev: casDel, o: events.OutcomeRejected},
		{name: "skipped delete of a missing key changes nothing", index: 14, ev: del, o: events.OutcomeSkipped},
		{name: "skipped tree delete of an empty prefix changes nothing", index: 15, ev: tree, o: events.OutcomeSkipped},
		{name: "entry without an event (Raft no-op)", index: 16, ev: nil, o: events.OutcomeSkipped},
		{name: "unknown outcome changes nothing", index: 17, ev: put, o: 0},
		{
			// Not produced by fsm/kv; kept as Router.Applied always did it.
			name: "applied entry without a kv event moves the table only", index: 18, ev: nil, o: events.OutcomeApplied,
			want: kv.Routing{Table: true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := kv.Route(tc.index, tc.ev, tc.o); got != tc.want {
				t.Fatalf("Route(%d, %v, %v)\n got %+v\nwant %+v", tc.index, tc.ev, tc.o, got, tc.want)
			}
		})
	}
}
