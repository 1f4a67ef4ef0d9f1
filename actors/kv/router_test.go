package kv_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// noProposer is a consensus.Proposer for Router tests that never write.
type noProposer struct{}

func (noProposer) Propose(context.Context, events.Shard, []byte) (uint64, events.Outcome, error) {
	panic("unexpected Propose")
}

func (noProposer) Barrier(context.Context, events.Shard) error { return nil }

// chanReplier is a one-shot channel Replier, as the Client uses.
type chanReplier chan kv.Result

func (c chanReplier) Reply(r kv.Result) { c <- r }

// gatedViews publishes views like the state machine does and lets a test
// pause a reader right after it read the published view (before it uses
// it), to replay one exact interleaving.
type gatedViews struct {
	cur   atomic.Pointer[fakeView]
	mu    sync.Mutex
	gates []chan chan struct{} // the i-th gated read reports on gates[i]
	calls int
}

func (g *gatedViews) view() kv.View {
	v := g.cur.Load()
	g.mu.Lock()
	var gate chan chan struct{}
	if g.calls < len(g.gates) {
		gate = g.gates[g.calls]
	}
	g.calls++
	g.mu.Unlock()
	if gate != nil {
		release := make(chan struct{})
		gate <- release // "I have read v"
		<-release       // wait to go on using it
	}
	return v
}

// arm makes the next n view reads pause; each pause is announced on the
// returned channels in order.
func (g *gatedViews) arm(n int) []chan chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]chan chan struct{}, n)
	for i := range out {
		out[i] = make(chan chan struct{})
	}
	g.gates = append(make([]chan chan struct{}, g.calls), out...)
	return out
}

// recvWithin waits for one reply; the timeout only keeps a broken build
// from hanging (it is a bound, not a synchronisation).
func recvWithin(t *testing.T, c chanReplier, what string) kv.Result {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("no reply to %s", what)
		return kv.Result{}
	}
}

func waitGate(t *testing.T, gate chan chan struct{}, what string) chan struct{} {
	t.Helper()
	select {
	case release := <-gate:
		return release
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never read the view", what)
		return nil
	}
}

// TestRouterPrefixWatchQueuedBehindAnotherIsNotLost replays this
// interleaving, with views published before Applied as the state machine
// guarantees:
//
//  1. watch W1 (answered at once) and watch W2 (on a/, parks) are both
//     queued for the prefix-watch actor; the Router counts 2 watching;
//  2. the actor handles W1 and stores Parked() = 0 as the count, although
//     W2 is still queued;
//  3. the actor reads the view for W2 (a/ at 6); a write to a/q at 10 is
//     published and Router.Applied runs, sees 0 watching and sends no
//     PrefixChanged;
//  4. the actor parks W2 on its stale view.
//
// W2 must still be woken by the write at 10.
func TestRouterPrefixWatchQueuedBehindAnotherIsNotLost(t *testing.T) {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
	t.Cleanup(sys.Shutdown)
	g := &gatedViews{}
	v := treeView() // a/ at 6, b/ at 5, table 7
	g.cur.Store(v)
	r := kv.NewRouter(sys, g.view, noProposer{}, kv.Options{})

	gates := g.arm(2)
	deadline := time.Now().Add(time.Hour) // only a wake-up can answer W2
	w1, w2 := make(chanReplier, 1), make(chanReplier, 1)
	r.Watch(&kv.PrefixWatch{Reply: w1, Prefix: "b/", MinIndex: 1, Deadline: deadline})
	release1 := waitGate(t, gates[0], "W1")
	r.Watch(&kv.PrefixWatch{Reply: w2, Prefix: "a/", MinIndex: 6, Deadline: deadline})
	close(release1)
	if res := recvWithin(t, w1, "W1"); res.Index != 5 {
		t.Fatalf("W1 answered %+v, want index 5", res)
	}

	release2 := waitGate(t, gates[1], "W2")
	// W2's view is read; now a/q is written and applied.
	v = v.put(10, "a/q", "x")
	g.cur.Store(v)
	r.Applied(events.ShardKV, 10, &events.KeyWritten{Key: "a/q", Value: []byte("x")}, events.OutcomeApplied)
	close(release2)

	// Everything the Router sent the actor so far is handled once a later
	// watch (answered at once) comes back.
	w3 := make(chanReplier, 1)
	r.Watch(&kv.PrefixWatch{Reply: w3, Prefix: "c", MinIndex: 1, Deadline: deadline})
	recvWithin(t, w3, "W3")
	select {
	case res := <-w2:
		if res.Index != 10 {
			t.Fatalf("W2 answered %+v, want index 10", res)
		}
	default:
		t.Fatal("W2 on a/ (MinIndex 6) is still parked after a/q was written at 10: lost wake-up " +
			"(treeActor stores Parked() into Router.watching, forgetting watches still queued)")
	}
}
