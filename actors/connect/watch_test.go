package connect

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consuld/consuld/events"
)

type fakeView struct{ idx uint64 }

func (v fakeView) Applied() uint64                    { return v.idx }
func (v fakeView) RootsIndex() uint64                 { return v.idx }
func (v fakeView) ActiveRootID() string               { return "" }
func (v fakeView) TrustDomain() string                { return "" }
func (v fakeView) ClusterID() string                  { return "" }
func (v fakeView) ActiveRoot() (*events.CARoot, bool) { return nil, false }
func (v fakeView) Roots(func(*events.CARoot) bool)    {}

func newFake() (*Watcher, *atomic.Uint64) {
	var idx atomic.Uint64
	return NewWatcher(func() View { return fakeView{idx.Load()} }), &idx
}

func TestWaitReturnsAtOnce(t *testing.T) {
	w, idx := newFake()
	idx.Store(5)
	for _, min := range []uint64{0, 4} {
		v, err := w.Wait(context.Background(), min, time.Now().Add(time.Hour))
		if err != nil || v.RootsIndex() != 5 {
			t.Fatalf("min %d: %v %v", min, v, err)
		}
	}
	if Index(fakeView{}) != 1 {
		t.Fatal("Index of an empty state is not 1")
	}
}

func TestWaitWakesOnChange(t *testing.T) {
	// Virtual time: the sleeps only let the waiting goroutine park.
	synctest.Test(t, func(t *testing.T) {
		w, idx := newFake()
		idx.Store(5)
		got := make(chan View)
		go func() {
			v, _ := w.Wait(context.Background(), 5, time.Now().Add(time.Hour))
			got <- v
		}()
		synctest.Wait()
		w.Applied(events.ShardConnect, 6, nil, events.OutcomeSkipped) // no change: no wake-up needed
		select {
		case v := <-got:
			t.Fatalf("returned without a change: %v", v)
		case <-time.After(20 * time.Millisecond):
		}
		idx.Store(6) // published before the sink is told
		w.Applied(events.ShardConnect, 6, nil, events.OutcomeApplied)
		select {
		case v := <-got:
			if v.RootsIndex() != 6 {
				t.Fatalf("woke with %v", v)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("not woken")
		}
		// A restore wakes too.
		go func() {
			v, _ := w.Wait(context.Background(), 6, time.Now().Add(time.Hour))
			got <- v
		}()
		synctest.Wait()
		idx.Store(9)
		w.Restored(events.ShardConnect, 9)
		if v := <-got; v.RootsIndex() != 9 {
			t.Fatalf("restore: %v", v)
		}
	})
}

func TestWaitDeadlineAndCancel(t *testing.T) {
	w, idx := newFake()
	idx.Store(3)
	start := time.Now()
	v, err := w.Wait(context.Background(), 3, start.Add(50*time.Millisecond))
	if err != nil || v.RootsIndex() != 3 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("deadline: %v %v after %v", v, err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.Wait(ctx, 3, time.Now().Add(time.Hour)); err == nil {
		t.Fatal("cancelled wait returned no error")
	}
}
