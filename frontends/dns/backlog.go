package dns

import (
	"net"
	"sync"
	"time"
)

// packet is one UDP request waiting for a worker.
type packet struct {
	data []byte
	pc   net.PacketConn // the socket it came from, to answer on
	from net.Addr
	at   time.Time // when it was read off the socket
}

// ring is the overload policy for UDP requests, as a pure data
// structure (the caller passes the time):
//
//   - it holds at most cap requests; pushing into a full ring drops the
//     oldest request;
//   - pop serves the newest request first (LIFO), so under overload the
//     requests answered are the ones whose clients are still waiting,
//     and a burst's backlog never delays the requests after it;
//   - pop first drops every request older than maxAge: its client has
//     likely given up or retried, and answering it would only take a
//     worker from a fresh request.
//
// A FIFO queue would do the opposite under sustained overload: every
// request would wait the whole queue, so every answer would come late.
type ring struct {
	buf    []packet
	start  int // oldest
	n      int
	maxAge time.Duration
	shed   uint64 // requests dropped unanswered: evicted or expired
}

func newRing(capacity int, maxAge time.Duration) *ring {
	return &ring{buf: make([]packet, capacity), maxAge: maxAge}
}

// push adds p (the newest request), dropping the oldest if the ring is
// full.
func (r *ring) push(p packet) {
	if r.n == len(r.buf) {
		r.buf[r.start] = packet{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
		r.shed++
	}
	r.buf[(r.start+r.n)%len(r.buf)] = p
	r.n++
}

// pop drops the requests older than maxAge at now and returns the
// newest remaining one.
func (r *ring) pop(now time.Time) (packet, bool) {
	for r.n > 0 && now.Sub(r.buf[r.start].at) > r.maxAge {
		r.buf[r.start] = packet{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
		r.shed++
	}
	if r.n == 0 {
		return packet{}, false
	}
	i := (r.start + r.n - 1) % len(r.buf)
	p := r.buf[i]
	r.buf[i] = packet{}
	r.n--
	return p, true
}

// backlog is the ring shared by the UDP reader and the workers.
type backlog struct {
	mu     sync.Mutex
	cond   sync.Cond
	r      *ring
	closed bool
}

func newBacklog(capacity int, maxAge time.Duration) *backlog {
	b := &backlog{r: newRing(capacity, maxAge)}
	b.cond.L = &b.mu
	return b
}

func (b *backlog) push(p packet) {
	b.mu.Lock()
	b.r.push(p)
	b.mu.Unlock()
	b.cond.Signal()
}

// next blocks until a request is due, or returns false once closed.
func (b *backlog) next() (packet, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.closed {
		if p, ok := b.r.pop(time.Now()); ok {
			return p, true
		}
		b.cond.Wait()
	}
	return packet{}, false
}

func (b *backlog) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

func (b *backlog) shed() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.r.shed
}
