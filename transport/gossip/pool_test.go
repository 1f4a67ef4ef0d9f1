package gossip

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"testing"
	"time"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startPool(t *testing.T, name string, keys [][]byte, events chan<- Event) *Pool {
	t.Helper()
	port := freePort(t)
	p, err := Start(Config{Name: name, BindAddr: "127.0.0.1", BindPort: port, Fast: true, Keys: keys,
		VerifyIncoming: true, VerifyOutgoing: true,
		Meta: Meta{Role: RoleServer, DC: "dc1", ID: name + "-id", Raft: "127.0.0.1:1", ReplicaID: 7, Expect: 3},
		OnEvent: func(e Event) {
			if events != nil {
				events <- e
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Shutdown)
	return p
}

func addr(p *Pool) string { return fmt.Sprintf("127.0.0.1:%d", p.cfg.BindPort) }

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

func status(p *Pool, name string) Status {
	for _, m := range p.Members() {
		if m.Name == name {
			return m.Status
		}
	}
	return StatusNone
}

// TestPool: three agents converge, meta travels, a leave is a leave and a
// crash is a failure, in the event stream too.
func TestPool(t *testing.T) {
	evs := make(chan Event, 100)
	a := startPool(t, "a", nil, evs)
	b := startPool(t, "b", nil, nil)
	c := startPool(t, "c", nil, nil)
	if n, err := b.Join([]string{addr(a)}); n != 1 || err != nil {
		t.Fatalf("join: %d %v", n, err)
	}
	if _, err := c.Join([]string{addr(a)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 alive everywhere", func() bool { return a.NumAlive() == 3 && b.NumAlive() == 3 && c.NumAlive() == 3 })
	for _, m := range a.Members() {
		if m.Meta.ID != m.Name+"-id" || m.Meta.ReplicaID != 7 || !m.Meta.IsServer() {
			t.Errorf("meta of %s: %+v", m.Name, m.Meta)
		}
	}
	if err := b.UpdateMeta(func(m *Meta) { m.Bootstrapped = true }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b's meta update", func() bool {
		for _, m := range a.Members() {
			if m.Name == "b" && m.Meta.Bootstrapped {
				return true
			}
		}
		return false
	})
	if err := b.Leave(time.Second); err != nil {
		t.Fatal(err)
	}
	b.Shutdown()
	waitFor(t, "b left", func() bool { return status(a, "b") == StatusLeft })
	c.Shutdown() // a crash: no leave
	waitFor(t, "c failed", func() bool { return status(a, "c") == StatusFailed })
	seen := map[string]bool{}
	for len(evs) > 0 {
		e := <-evs
		seen[e.Kind.String()+":"+e.Member.Name] = true
	}
	for _, want := range []string{"member-join:b", "member-join:c", "member-leave:b", "member-failed:c"} {
		if !seen[want] {
			t.Errorf("no %s event (saw %v)", want, seen)
		}
	}
	if !a.ForceLeave("c") || status(a, "c") != StatusLeft {
		t.Error("force-leave of a failed member")
	}
}

// TestPoolWrongKey: an agent with another gossip key cannot join, and
// neither can one without encryption.
func TestPoolWrongKey(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	a := startPool(t, "a", [][]byte{k1}, nil)
	b := startPool(t, "b", [][]byte{k2}, nil)
	if n, err := b.Join([]string{addr(a)}); n != 0 || err == nil {
		t.Errorf("wrong key joined: %d %v", n, err)
	}
	c := startPool(t, "c", nil, nil)
	if n, _ := c.Join([]string{addr(a)}); n != 0 {
		t.Error("an unencrypted agent joined an encrypted pool")
	}
	d := startPool(t, "d", [][]byte{k1, k2}, nil) // k1 primary, k2 installed too
	if n, err := d.Join([]string{addr(a)}); n != 1 {
		t.Errorf("an agent holding the key could not join: %v", err)
	}
	if a.NumAlive() > 2 {
		t.Errorf("a sees %d alive", a.NumAlive())
	}
}

func TestMetaLimit(t *testing.T) {
	long := make([]byte, 600)
	for i := range long {
		long[i] = 'x'
	}
	if _, err := (Meta{Role: RoleServer, ID: string(long)}).encode(); err == nil {
		t.Error("oversized meta accepted")
	}
	if _, ok := decodeMeta([]byte("not json")); ok {
		t.Error("garbage meta decoded")
	}
}

// TestKeyringRotation: install a new key everywhere, make it primary,
// remove the old one; every member answers each step, and the pool keeps
// working on the new key.
func TestKeyringRotation(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	b64 := func(k []byte) string { return base64.StdEncoding.EncodeToString(k) }
	var saved [][]byte
	a := startPool(t, "a", [][]byte{k1}, nil)
	a.cfg.OnKeyring = func(keys [][]byte) { saved = keys }
	b := startPool(t, "b", [][]byte{k1}, nil)
	c := startPool(t, "c", [][]byte{k1}, nil)
	b.Join([]string{addr(a)})
	c.Join([]string{addr(a)})
	waitFor(t, "3 alive", func() bool { return a.NumAlive() == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	step := func(op string, key []byte, wantKeys int) {
		t.Helper()
		rs, err := a.KeyringOp(ctx, op, b64(key))
		if err != nil || len(rs) != 3 {
			t.Fatalf("%s: %d answers, %v", op, len(rs), err)
		}
		for _, r := range rs {
			if r.Error != "" || len(r.Keys) != wantKeys {
				t.Fatalf("%s on %s: %+v", op, r.Node, r)
			}
		}
	}
	step(KeyInstall, k2, 2)
	step(KeyUse, k2, 2)
	if rs, _ := a.KeyringOp(ctx, KeyRemove, b64(k2)); rs[0].Error == "" {
		t.Error("removing the primary key was allowed")
	}
	step(KeyRemove, k1, 1)
	if len(saved) != 1 || string(saved[0]) != string(k2) {
		t.Errorf("persisted keyring %q", saved)
	}
	d := startPool(t, "d", [][]byte{k1}, nil)
	if n, _ := d.Join([]string{addr(a)}); n != 0 {
		t.Error("an agent with the retired key joined")
	}
	e := startPool(t, "e", [][]byte{k2}, nil)
	if n, err := e.Join([]string{addr(a)}); n != 1 {
		t.Errorf("an agent with the new key could not join: %v", err)
	}
}

// TestSnapshotRejoin: the members an agent last saw alive survive its
// restart, and are what Previous returns then.
func TestSnapshotRejoin(t *testing.T) {
	snap := t.TempDir() + "/members.json"
	a := startPool(t, "a", nil, nil)
	port := freePort(t)
	b, err := Start(Config{Name: "b", BindAddr: "127.0.0.1", BindPort: port, Fast: true, SnapshotPath: snap, Meta: Meta{Role: RoleClient}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Join([]string{addr(a)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b to see a", func() bool { return b.NumAlive() == 2 })
	b.Shutdown()
	b2, err := Start(Config{Name: "b", BindAddr: "127.0.0.1", BindPort: freePort(t), Fast: true, SnapshotPath: snap, Meta: Meta{Role: RoleClient}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b2.Shutdown)
	if prev := b2.Previous(); len(prev) != 1 || prev[0] != addr(a) {
		t.Fatalf("previous members %v, want [%s]", prev, addr(a))
	}
}
