package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// closedLoop runs conc workers, each on its own connection to addr
// (connected UDP socket, or one reused TCP connection), asking name/qtype
// back to back. check validates each answer.
func closedLoop(ctx context.Context, label, network, addr, name string, qtype uint16, conc int, warm, dur time.Duration, pid int, check func(*dns.Msg) error) (benchkit.Result, error) {
	conns := make([]*dns.Conn, conc)
	c := &dns.Client{Net: network, Timeout: 2 * time.Second, UDPSize: 512}
	for i := range conns {
		conn, err := c.Dial(addr)
		if err != nil {
			return benchkit.Result{}, err
		}
		defer conn.Close()
		conns[i] = conn
	}
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = false
	r := benchkit.ClosedLoop(ctx, label, conc, warm, dur, pid, func(ctx context.Context, w, n int) error {
		m := q.Copy()
		m.Id = dns.Id()
		resp, _, err := c.ExchangeWithConn(m, conns[w])
		if err != nil {
			return err
		}
		return check(resp)
	})
	return r, nil
}

// overload offers rate queries per second over conc connected UDP
// sockets for dur (open loop: sending never waits for answers) and counts
// answers by how long they took.
type overloadResult struct {
	sent, within, late, lost int64
	rate                     int
}

func overload(ctx context.Context, addr, name string, rate, conc int, dur, deadline time.Duration) (overloadResult, error) {
	res := overloadResult{rate: rate}
	q := new(dns.Msg)
	q.SetQuestion(name, dns.TypeA)
	var within, late, answered atomic.Int64
	var wg sync.WaitGroup
	perSock := time.Duration(float64(time.Second) * float64(conc) / float64(rate)) // interval per socket
	end := time.Now().Add(dur)
	var sent atomic.Int64
	for w := 0; w < conc; w++ {
		conn, err := net.Dial("udp", addr)
		if err != nil {
			return res, err
		}
		var mu sync.Mutex
		sentAt := map[uint16]time.Time{}
		wg.Add(2)
		go func() { // receiver
			defer wg.Done()
			buf := make([]byte, 4096)
			for {
				conn.SetReadDeadline(end.Add(2 * time.Second))
				n, err := conn.Read(buf)
				if err != nil {
					return
				}
				if n < 2 {
					continue
				}
				id := uint16(buf[0])<<8 | uint16(buf[1])
				mu.Lock()
				t0, ok := sentAt[id]
				delete(sentAt, id)
				mu.Unlock()
				if !ok {
					continue
				}
				answered.Add(1)
				if time.Since(t0) <= deadline {
					within.Add(1)
				} else {
					late.Add(1)
				}
			}
		}()
		go func() { // sender
			defer wg.Done()
			defer func() { <-time.After(time.Until(end.Add(2 * time.Second))); conn.Close() }()
			m := q.Copy()
			next := time.Now().Add(time.Duration(w) * perSock / time.Duration(conc))
			var id uint16
			for ctx.Err() == nil {
				if d := time.Until(next); d > 0 {
					<-time.After(d)
				}
				if !time.Now().Before(end) {
					return
				}
				id++
				m.Id = id
				b, _ := m.Pack()
				mu.Lock()
				sentAt[id] = time.Now()
				mu.Unlock()
				conn.Write(b)
				sent.Add(1)
				next = next.Add(perSock)
			}
		}()
	}
	wg.Wait()
	res.sent, res.within, res.late = sent.Load(), within.Load(), late.Load()
	res.lost = res.sent - answered.Load()
	return res, nil
}

func (o overloadResult) String() string {
	pct := func(n int64) float64 { return 100 * float64(n) / float64(max(o.sent, 1)) }
	return fmt.Sprintf("offered=%d/s sent=%d within100ms=%.1f%% late=%.1f%% unanswered=%.1f%%", o.rate, o.sent, pct(o.within), pct(o.late), pct(o.lost))
}
