package kv_test

import (
	"fmt"
	"testing"

	"github.com/consuld/consuld/actors/kv"
)

type discardReplier struct{}

func (discardReplier) Reply(kv.Result) {}

// BenchmarkKeyGet is a non-blocking Get answered by a resident key.
func BenchmarkKeyGet(b *testing.B) {
	v := emptyView()
	for i := range 100 {
		v = v.put(uint64(i+1), fmt.Sprintf("k/%03d", i), "value")
	}
	k := kv.NewKey("k/042", v, idleAfter, t0)
	g := kv.Get{Reply: discardReplier{}, TableIndex: v.TableIndex(), Now: t0}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fx := k.Handle(g)
		if len(fx) != 1 {
			b.Fatal("no reply")
		}
	}
}

// BenchmarkKeyBlockingGet parks a blocking Get and wakes it with a change.
func BenchmarkKeyBlockingGet(b *testing.B) {
	v := emptyView().put(1, "k", "v")
	views := make([]*fakeView, 64)
	for i := range views {
		views[i] = v.put(uint64(i+2), "k", "v")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := kv.NewKey("k", v, idleAfter, t0)
		k.Handle(kv.Get{Reply: discardReplier{}, MinIndex: 1, Deadline: t0.Add(1e9), TableIndex: 1, Now: t0})
		nv := views[i%len(views)]
		if fx := k.Handle(kv.Changed{Index: nv.Applied(), View: nv}); len(fx) != 1 {
			b.Fatal("not woken")
		}
	}
}
