package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

func TestKVWithOfficialClient(t *testing.T) {
	a := startDev(t)
	kv := a.client().KV()

	// put / get / flags
	if _, err := kv.Put(&api.KVPair{Key: "redis/config", Value: []byte("192.168.99.133"), Flags: 42}, nil); err != nil {
		t.Fatal(err)
	}
	p, meta, err := kv.Get("redis/config", nil)
	if err != nil || p == nil {
		t.Fatalf("get: %v %v", p, err)
	}
	if string(p.Value) != "192.168.99.133" || p.Flags != 42 || p.CreateIndex == 0 || p.ModifyIndex != p.CreateIndex {
		t.Fatalf("get: %+v", p)
	}
	if meta.LastIndex != p.ModifyIndex || !meta.KnownLeader {
		t.Fatalf("meta: %+v", meta)
	}
	// missing key
	if p, meta, err := kv.Get("does/not/exist", nil); err != nil || p != nil || meta.LastIndex == 0 {
		t.Fatalf("missing: %v %+v %v", p, meta, err)
	}
	// stale and consistent reads
	if p, _, err := kv.Get("redis/config", &api.QueryOptions{AllowStale: true}); err != nil || p == nil {
		t.Fatalf("stale: %v %v", p, err)
	}
	if p, _, err := kv.Get("redis/config", &api.QueryOptions{RequireConsistent: true}); err != nil || p == nil {
		t.Fatalf("consistent: %v %v", p, err)
	}

	// list and keys with separator
	for _, k := range []string{"redis/a", "redis/b/c", "redis/b/d", "web/x"} {
		if _, err := kv.Put(&api.KVPair{Key: k, Value: []byte(k)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pairs, _, err := kv.List("redis/", nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, p := range pairs {
		keys = append(keys, p.Key)
	}
	if want := []string{"redis/a", "redis/b/c", "redis/b/d", "redis/config"}; !slices.Equal(keys, want) {
		t.Fatalf("list: %v, want %v", keys, want)
	}
	keys, _, err = kv.Keys("redis/", "/", nil)
	if want := []string{"redis/a", "redis/b/", "redis/config"}; err != nil || !slices.Equal(keys, want) {
		t.Fatalf("keys: %v %v, want %v", keys, err, want)
	}
	keys, _, err = kv.Keys("", "/", nil)
	if want := []string{"redis/", "web/"}; err != nil || !slices.Equal(keys, want) {
		t.Fatalf("root keys: %v %v, want %v", keys, err, want)
	}

	// CAS
	ok, _, err := kv.CAS(&api.KVPair{Key: "cas/new", Value: []byte("v"), ModifyIndex: 0}, nil)
	if err != nil || !ok {
		t.Fatalf("cas create: %v %v", ok, err)
	}
	ok, _, _ = kv.CAS(&api.KVPair{Key: "cas/new", Value: []byte("v2"), ModifyIndex: 0}, nil)
	if ok {
		t.Fatal("cas create of existing key succeeded")
	}
	cur, _, _ := kv.Get("cas/new", nil)
	ok, _, _ = kv.CAS(&api.KVPair{Key: "cas/new", Value: []byte("v3"), ModifyIndex: cur.ModifyIndex + 100}, nil)
	if ok {
		t.Fatal("cas with wrong index succeeded")
	}
	ok, _, err = kv.CAS(&api.KVPair{Key: "cas/new", Value: []byte("v4"), ModifyIndex: cur.ModifyIndex}, nil)
	if err != nil || !ok {
		t.Fatalf("cas with right index: %v %v", ok, err)
	}
	after, _, _ := kv.Get("cas/new", nil)
	if string(after.Value) != "v4" || after.CreateIndex != cur.CreateIndex || after.ModifyIndex <= cur.ModifyIndex {
		t.Fatalf("after cas: %+v (before %+v)", after, cur)
	}
	ok, _, _ = kv.DeleteCAS(&api.KVPair{Key: "cas/new", ModifyIndex: cur.ModifyIndex}, nil)
	if ok {
		t.Fatal("delete-cas with stale index succeeded")
	}
	ok, _, err = kv.DeleteCAS(&api.KVPair{Key: "cas/new", ModifyIndex: after.ModifyIndex}, nil)
	if err != nil || !ok {
		t.Fatalf("delete-cas: %v %v", ok, err)
	}

	// delete and delete tree
	if _, err := kv.Delete("web/x", nil); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := kv.Get("web/x", nil); p != nil {
		t.Fatal("deleted key still there")
	}
	if _, err := kv.DeleteTree("redis/b/", nil); err != nil {
		t.Fatal(err)
	}
	if pairs, _, _ := kv.List("redis/b/", nil); len(pairs) != 0 {
		t.Fatalf("tree not deleted: %v", pairs)
	}
	if p, _, _ := kv.Get("redis/a", nil); p == nil {
		t.Fatal("delete tree removed a sibling")
	}
}

func TestKVBlockingWatch(t *testing.T) {
	a := startDev(t)
	kv := a.client().KV()
	kv.Put(&api.KVPair{Key: "watch/me", Value: []byte("1")}, nil)
	p, _, _ := kv.Get("watch/me", nil)

	type res struct {
		p    *api.KVPair
		meta *api.QueryMeta
		err  error
	}
	got := make(chan res, 1)
	go func() {
		p, m, err := kv.Get("watch/me", &api.QueryOptions{WaitIndex: p.ModifyIndex, WaitTime: 30 * time.Second})
		got <- res{p, m, err}
	}()
	listGot := make(chan res, 1)
	_, lm, _ := kv.List("watch/", nil)
	go func() {
		ps, m, err := kv.List("watch/", &api.QueryOptions{WaitIndex: lm.LastIndex, WaitTime: 30 * time.Second})
		var p *api.KVPair
		if len(ps) > 0 {
			p = ps[len(ps)-1]
		}
		listGot <- res{p, m, err}
	}()
	// Writes elsewhere must not wake either watcher.
	for i := 0; i < 5; i++ {
		kv.Put(&api.KVPair{Key: "other/key", Value: []byte{byte(i)}}, nil)
	}
	select {
	case r := <-got:
		t.Fatalf("key watcher woke without a change to its key: %+v", r)
	case r := <-listGot:
		t.Fatalf("prefix watcher woke without a change under its prefix: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
	kv.Put(&api.KVPair{Key: "watch/me", Value: []byte("2")}, nil)
	select {
	case r := <-got:
		if r.err != nil || string(r.p.Value) != "2" || r.meta.LastIndex <= p.ModifyIndex {
			t.Fatalf("key watcher: %+v %v", r.p, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("key watcher did not wake")
	}
	select {
	case r := <-listGot:
		if r.err != nil || r.meta.LastIndex <= lm.LastIndex {
			t.Fatalf("prefix watcher: %+v %v", r.meta, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("prefix watcher did not wake")
	}

	// A short wait returns the unchanged value at its deadline.
	start := time.Now()
	p2, m2, err := kv.Get("watch/me", &api.QueryOptions{WaitIndex: 1 << 40, WaitTime: 300 * time.Millisecond})
	if err != nil || p2 == nil || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("timed-out watch: %v %v after %v", p2, err, time.Since(start))
	}
	if m2.LastIndex != p2.ModifyIndex {
		t.Fatalf("timed-out watch index %d, want %d", m2.LastIndex, p2.ModifyIndex)
	}

	// Keys listing blocks too and wakes on a deletion under its prefix.
	keys, km, _ := kv.Keys("watch/", "/", nil)
	done := make(chan []string, 1)
	go func() {
		k, _, _ := kv.Keys("watch/", "/", &api.QueryOptions{WaitIndex: km.LastIndex, WaitTime: 30 * time.Second})
		done <- k
	}()
	time.Sleep(100 * time.Millisecond)
	kv.Delete("watch/me", nil)
	select {
	case k := <-done:
		if len(k) != len(keys)-1 {
			t.Fatalf("keys after delete: %v (before %v)", k, keys)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("keys watcher did not wake on delete")
	}
}
