package gossip

import (
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
