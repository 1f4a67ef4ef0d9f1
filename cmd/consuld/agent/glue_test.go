package agent

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/actors"
	actorkv "github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/host"
)

// glue starts the real composition (dragonboat on its in-memory FS,
// protoactor, the Router and Client) with a short passivation time.
func glue(t *testing.T, idle time.Duration) (*actors.Client, *actorkv.Router) {
	t.Helper()
	return glueWith(t, actorkv.Options{IdleAfter: idle})
}

func glueWith(t *testing.T, o actorkv.Options) (*actors.Client, *actorkv.Router) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	sink := &shardSinks{}
	h, err := host.Open(host.Config{RaftAddress: addr, ReplicaID: 1, RTTMillisecond: 5, ElectionRTT: 10, HeartbeatRTT: 1}, sink)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
	t.Cleanup(sys.Shutdown)
	r := actorkv.NewRouter(sys, func() actorkv.View { return h.KV().Current() }, raft{h}, o)
	sink.set(events.ShardKV, r)
	return actors.NewClient(r, raft{h}, leadership{h: h, selfAddr: "127.0.0.1:8300"}, 1024), r
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestKeyActorsPassivateAndRehydrate(t *testing.T) {
	c, r := glue(t, 50*time.Millisecond)
	ctx := context.Background()
	if ok, err := c.KVPut(ctx, "k", []byte("v1"), actors.PutOptions{}); !ok || err != nil {
		t.Fatalf("put: %v %v", ok, err)
	}
	e, m, err := c.KVGet(ctx, "k", actors.Query{})
	if err != nil || string(e.Value) != "v1" || m.Index != e.ModifyIndex {
		t.Fatalf("get: %+v %+v %v", e, m, err)
	}
	if r.Resident() != 1 {
		t.Fatalf("resident = %d after use, want 1", r.Resident())
	}
	waitFor(t, "passivation", func() bool { return r.Resident() == 0 })

	// A write while passivated reaches state; the next read hydrates it.
	if ok, err := c.KVPut(ctx, "k", []byte("v2"), actors.PutOptions{}); !ok || err != nil {
		t.Fatalf("put: %v %v", ok, err)
	}
	waitFor(t, "passivation again", func() bool { return r.Resident() == 0 })
	e2, _, err := c.KVGet(ctx, "k", actors.Query{Consistency: actors.Stale})
	if err != nil || string(e2.Value) != "v2" || e2.CreateIndex != e.CreateIndex {
		t.Fatalf("hydrated get: %+v %v", e2, err)
	}

	// A parked watch keeps its actor resident past the idle time and is
	// woken by a write even though the actor was hydrated fresh.
	done := make(chan string, 1)
	go func() {
		e, _, _ := c.KVGet(ctx, "k", actors.Query{MinIndex: e2.ModifyIndex, Wait: time.Minute})
		done <- string(e.Value)
	}()
	waitFor(t, "watch parked", func() bool { return r.Resident() == 1 })
	time.Sleep(200 * time.Millisecond) // four idle periods
	if r.Resident() != 1 {
		t.Fatal("actor with a parked watch passivated")
	}
	select {
	case v := <-done:
		t.Fatalf("watch returned %q without a change", v)
	default:
	}
	c.KVPut(ctx, "k", []byte("v3"), actors.PutOptions{})
	select {
	case v := <-done:
		if v != "v3" {
			t.Fatalf("watch woke with %q", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch not woken")
	}
	waitFor(t, "passivation after watch", func() bool { return r.Resident() == 0 })
}

func TestManyKeysPassivate(t *testing.T) {
	c, r := glue(t, 100*time.Millisecond)
	ctx := context.Background()
	for i := 0; i < 500; i++ {
		k := "many/" + string(rune('a'+i%26)) + "/" + time.Duration(i).String()
		if ok, err := c.KVPut(ctx, k, []byte("x"), actors.PutOptions{}); !ok || err != nil {
			t.Fatalf("put %s: %v %v", k, ok, err)
		}
	}
	if n := r.Resident(); n == 0 {
		t.Fatal("no resident actors right after writes")
	}
	waitFor(t, "all passivated", func() bool { return r.Resident() == 0 })
	list, _, err := c.KVList(ctx, "many/", actors.Query{})
	if err != nil || len(list) != 500 {
		t.Fatalf("list after passivation: %d %v", len(list), err)
	}
	if r.Resident() != 0 {
		t.Fatal("a listing spawned key actors; it must read state directly")
	}
}

// A caller that goes away withdraws its parked query: the key actor then
// passivates instead of holding the watch until its deadline.
func TestCancelledWatchIsWithdrawn(t *testing.T) {
	c, r := glue(t, 50*time.Millisecond)
	ctx := context.Background()
	c.KVPut(ctx, "k", []byte("v"), actors.PutOptions{})
	e, _, _ := c.KVGet(ctx, "k", actors.Query{})
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, _, err := c.KVGet(wctx, "k", actors.Query{MinIndex: e.ModifyIndex, Wait: time.Hour})
		done <- err
	}()
	lctx, lcancel := context.WithCancel(ctx)
	go func() {
		_, _, err := c.KVList(lctx, "", actors.Query{MinIndex: e.ModifyIndex, Wait: time.Hour})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if r.Resident() != 1 {
		t.Fatalf("resident = %d with a parked watch", r.Resident())
	}
	cancel()
	lcancel()
	<-done
	<-done
	waitFor(t, "passivation after cancel", func() bool { return r.Resident() == 0 })
}

// Past MaxResident, idle key actors passivate at once instead of waiting
// out their idle time: a burst of writes to distinct keys stays bounded.
func TestCrowdedActorsPassivateAtOnce(t *testing.T) {
	c, r := glueWith(t, actorkv.Options{IdleAfter: time.Hour, MaxResident: 50})
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		if ok, err := c.KVPut(ctx, fmt.Sprintf("crowd/%d", i), []byte("x"), actors.PutOptions{}); !ok || err != nil {
			t.Fatalf("put: %v %v", ok, err)
		}
	}
	waitFor(t, "resident back under the cap", func() bool { return r.Resident() <= 50 })
}
