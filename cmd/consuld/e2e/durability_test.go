package e2e

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/consul/api"
)

// TestKill9KeepsAcknowledgedWrites writes concurrently to a durable server,
// SIGKILLs it mid-stream, restarts it and checks every acknowledged write.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	a := startDurable(t, t.TempDir())
	kv := a.client().KV()

	var mu sync.Mutex
	acked := map[string]string{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k, v := fmt.Sprintf("dur/%d/%d", w, i), fmt.Sprintf("value-%d-%d", w, i)
				if _, err := kv.Put(&api.KVPair{Key: k, Value: []byte(v)}, nil); err != nil {
					return // the kill landed; unacknowledged writes may or may not survive
				}
				mu.Lock()
				acked[k] = v
				n := len(acked)
				mu.Unlock()
				if n == 400 {
					a.kill() // mid-stream, while the other writers are in flight
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	if len(acked) < 400 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}
	a.start()
	kv = a.client().KV()
	pairs, _, err := kv.List("dur/", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range pairs {
		got[p.Key] = string(p.Value)
	}
	for k, v := range acked {
		if got[k] != v {
			t.Fatalf("acknowledged write %s=%s lost after kill -9 (got %q); %d acked, %d present", k, v, got[k], len(acked), len(got))
		}
	}
	t.Logf("%d acknowledged writes, %d present after kill -9 + restart", len(acked), len(got))

	// The restarted server keeps counting indexes upward and stays writable.
	if _, err := kv.Put(&api.KVPair{Key: "dur/after", Value: []byte("x")}, nil); err != nil {
		t.Fatal(err)
	}
	p, _, _ := kv.Get("dur/after", nil)
	if p == nil {
		t.Fatal("write after restart lost")
	}
	for _, q := range pairs {
		if q.ModifyIndex >= p.ModifyIndex {
			t.Fatalf("index went backwards after restart: %d >= %d", q.ModifyIndex, p.ModifyIndex)
		}
	}
}
