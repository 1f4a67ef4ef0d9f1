package dns

import (
	"fmt"
	"testing"
	"time"
)

func pkt(id int, at time.Time) packet { return packet{data: []byte{byte(id)}, at: at} }

func popIDs(r *ring, now time.Time) []int {
	var ids []int
	for {
		p, ok := r.pop(now)
		if !ok {
			return ids
		}
		ids = append(ids, int(p.data[0]))
	}
}

func TestRingNewestFirst(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRing(8, 50*time.Millisecond)
	for i := range 5 {
		r.push(pkt(i, t0.Add(time.Duration(i)*time.Millisecond)))
	}
	if got := fmt.Sprint(popIDs(r, t0.Add(10*time.Millisecond))); got != "[4 3 2 1 0]" {
		t.Fatalf("served %s, want newest first", got)
	}
	if r.shed != 0 {
		t.Fatalf("shed %d", r.shed)
	}
}

func TestRingDropsOldestWhenFull(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRing(4, time.Second)
	for i := range 10 {
		r.push(pkt(i, t0))
	}
	if got := fmt.Sprint(popIDs(r, t0)); got != "[9 8 7 6]" {
		t.Fatalf("served %s, want the 4 newest", got)
	}
	if r.shed != 6 {
		t.Fatalf("shed %d, want 6", r.shed)
	}
}

func TestRingDropsExpired(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRing(16, 50*time.Millisecond)
	for i := range 10 { // one request every 10ms
		r.push(pkt(i, t0.Add(time.Duration(i)*10*time.Millisecond)))
	}
	// At 140ms, requests read before 90ms have waited over 50ms.
	if got := fmt.Sprint(popIDs(r, t0.Add(140*time.Millisecond))); got != "[9]" {
		t.Fatalf("served %s, want only request 9", got)
	}
	if r.shed != 9 {
		t.Fatalf("shed %d, want 9", r.shed)
	}
	// Exactly maxAge old is still served.
	r.push(pkt(20, t0.Add(200*time.Millisecond)))
	if got := fmt.Sprint(popIDs(r, t0.Add(250*time.Millisecond))); got != "[20]" {
		t.Fatalf("served %s", got)
	}
}

// TestRingOverload simulates a server that answers one request per
// millisecond while twice as many arrive, for ten virtual seconds: the
// ring keeps every answered request's wait under maxAge, where a FIFO
// queue's wait would grow with the backlog.
func TestRingOverload(t *testing.T) {
	const maxAge = 50 * time.Millisecond
	t0 := time.Unix(0, 0)
	r := newRing(1024, maxAge)
	var answered, late int
	var worst time.Duration
	for ms := range 10_000 {
		now := t0.Add(time.Duration(ms) * time.Millisecond)
		r.push(packet{at: now})
		r.push(packet{at: now.Add(500 * time.Microsecond)})
		p, ok := r.pop(now.Add(time.Millisecond))
		if !ok {
			continue
		}
		answered++
		wait := now.Add(time.Millisecond).Sub(p.at)
		worst = max(worst, wait)
		if wait > maxAge {
			late++
		}
	}
	if answered < 9_900 || late > 0 || worst > 2*time.Millisecond {
		t.Fatalf("answered %d, late %d, worst wait %s", answered, late, worst)
	}
	if r.shed < 9_000 {
		t.Fatalf("shed %d: the excess must be dropped, not queued", r.shed)
	}
}
