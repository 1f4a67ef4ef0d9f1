package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/consuld/consuld/events"
)

// clients is the number of concurrent clients of the load benchmarks.
const clients = 64

// BenchmarkServer measures queries per second and p99 latency at 64
// concurrent clients over loopback, for a 3-instance and a 1000-instance
// service, next to a bare miekg/dns server answering a precomputed
// message in the same run (the ceiling the issue compares against).
//
//	go test ./frontends/dns/ -run '^$' -bench BenchmarkServer -benchtime 200000x
func BenchmarkServer(b *testing.B) {
	r := newRegistrar(b)
	for i := range 3 {
		node := fmt.Sprintf("web-%d", i)
		r.node(node, fmt.Sprintf("10.0.0.%d", i+1), nil)
		r.service(node, &events.Service{Id: "web", Service: "web", Port: 8080})
	}
	for i := range 1000 {
		node := fmt.Sprintf("big-%04d", i)
		r.node(node, fmt.Sprintf("10.1.%d.%d", i/256, i%256), nil)
		r.service(node, &events.Service{Id: "big", Service: "big", Port: 8080})
	}
	srv := startServer(b, Defaults(), newFakeSource(r.st))
	addr := srv.UDPAddr().String()

	// The bare server sends our 3-instance A answer, precomputed.
	c := &mdns.Client{Net: "udp", Timeout: 5 * time.Second}
	canned, _, err := c.Exchange(question("web.service.consul.", mdns.TypeA), addr)
	if err != nil {
		b.Fatal(err)
	}
	cannedWire, err := canned.Pack()
	if err != nil {
		b.Fatal(err)
	}
	bare := startBare(b, cannedWire)

	cases := []struct {
		name, network, addr, qname string
		qtype                      uint16
	}{
		{"bare-miekg/udp", "udp", bare, "web.service.consul.", mdns.TypeA},
		{"A-3/udp", "udp", addr, "web.service.consul.", mdns.TypeA},
		{"SRV-3/udp", "udp", addr, "web.service.consul.", mdns.TypeSRV},
		{"A-1000/udp", "udp", addr, "big.service.consul.", mdns.TypeA},
		{"SRV-1000/udp", "udp", addr, "big.service.consul.", mdns.TypeSRV},
		{"A-3/tcp", "tcp", addr, "web.service.consul.", mdns.TypeA},
		{"SRV-1000/tcp", "tcp", addr, "big.service.consul.", mdns.TypeSRV},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			wire, err := question(tc.qname, tc.qtype).Pack()
			if err != nil {
				b.Fatal(err)
			}
			load(b, tc.network, tc.addr, wire)
		})
	}
}

// BenchmarkRequestPath measures the request path alone (decode, answer,
// fit, pack), without sockets.
func BenchmarkRequestPath(b *testing.B) {
	h := testHandler(b, Defaults(), newFakeSource(bigCatalog(b, "big", 1000)))
	small := testHandler(b, Defaults(), newFakeSource(fixture(b)))
	for _, c := range []struct {
		name  string
		h     *handler
		qname string
		qtype uint16
		tr    transport
		edns  int
	}{
		{"A-3/udp", small, "web.service.consul.", mdns.TypeA, udp, 0},
		{"SRV-3/udp", small, "web.service.consul.", mdns.TypeSRV, udp, 0},
		{"A-1000/udp", h, "big.service.consul.", mdns.TypeA, udp, 0},
		{"SRV-1000/udp", h, "big.service.consul.", mdns.TypeSRV, udp, 0},
		{"SRV-1000/edns4096", h, "big.service.consul.", mdns.TypeSRV, udp, 4096},
		{"SRV-1000/tcp", h, "big.service.consul.", mdns.TypeSRV, tcp, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := question(c.qname, c.qtype)
			if c.edns > 0 {
				req.SetEdns0(uint16(c.edns), false)
			}
			wire, err := req.Pack()
			if err != nil {
				b.Fatal(err)
			}
			rng := testRand(1)
			b.ReportAllocs()
			for b.Loop() {
				c.h.serve(context.Background(), wire, c.tr, rng, fixtureNow)
			}
		})
	}
}

func startBare(b *testing.B, canned []byte) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &mdns.Server{PacketConn: pc, Handler: mdns.HandlerFunc(func(w mdns.ResponseWriter, r *mdns.Msg) {
		out := slices.Clone(canned)
		binary.BigEndian.PutUint16(out, r.Id)
		w.Write(out)
	})}
	go s.ActivateAndServe()
	b.Cleanup(func() { s.Shutdown() })
	return pc.LocalAddr().String()
}

// load sends b.N queries from 64 clients, each waiting for its answer
// before sending the next, and reports qps, p99 latency and losses.
func load(b *testing.B, network, addr string, query []byte) {
	var (
		next  atomic.Int64
		lost  atomic.Int64
		mu    sync.Mutex
		lats  []time.Duration
		wg    sync.WaitGroup
		fails = make(chan error, clients)
	)
	conns := make([]net.Conn, clients)
	for i := range conns {
		c, err := net.Dial(network, addr)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
		defer c.Close()
	}
	b.ResetTimer()
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func(c net.Conn, id uint16) {
			defer wg.Done()
			q := slices.Clone(query)
			buf := make([]byte, 65536)
			var mine []time.Duration
			for n := next.Add(1); n <= int64(b.N); n = next.Add(1) {
				id++
				binary.BigEndian.PutUint16(q, id)
				t0 := time.Now()
				if err := roundTrip(c, network, q, buf); err != nil {
					var ne net.Error
					if errors.As(err, &ne) && ne.Timeout() && network == "udp" {
						lost.Add(1)
						continue
					}
					fails <- err
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}(conns[i], uint16(i)<<10)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	select {
	case err := <-fails:
		b.Fatal(err)
	default:
	}
	slices.Sort(lats)
	if len(lats) > 0 {
		b.ReportMetric(float64(lats[len(lats)*99/100].Microseconds()), "p99-µs")
	}
	b.ReportMetric(float64(len(lats))/elapsed.Seconds(), "qps")
	b.ReportMetric(float64(lost.Load()), "lost")
}

// roundTrip sends q on c and reads the response with the same ID.
func roundTrip(c net.Conn, network string, q, buf []byte) error {
	c.SetDeadline(time.Now().Add(time.Second))
	if network == "tcp" {
		frame := binary.BigEndian.AppendUint16(nil, uint16(len(q)))
		if _, err := c.Write(append(frame, q...)); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf[:2]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(buf))
		if _, err := io.ReadFull(c, buf[:n]); err != nil {
			return err
		}
		return checkID(q, buf[:n])
	}
	if _, err := c.Write(q); err != nil {
		return err
	}
	for {
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		if checkID(q, buf[:n]) == nil {
			return nil // a late answer to an earlier, lost query is skipped
		}
	}
}

func checkID(q, resp []byte) error {
	if len(resp) < 12 || resp[0] != q[0] || resp[1] != q[1] {
		return fmt.Errorf("response %x does not match query %x", resp[:min(len(resp), 2)], q[:2])
	}
	return nil
}

var overloadFor = flag.Duration("overload.duration", 3*time.Second, "how long BenchmarkOverload offers twice the capacity")

// BenchmarkOverload offers twice the server's measured capacity of UDP
// queries, open loop, and reports the fraction of queries answered within
// 100ms (of those sent, and of those answered) and the p99 latency of the
// answers: the overload policy should keep answers fresh rather than
// serve a stale backlog. The bare miekg/dns server (a goroutine per
// packet) runs the same test for comparison. Its b.N is ignored; use
// -benchtime 1x and -overload.duration.
func BenchmarkOverload(b *testing.B) {
	srv := startServer(b, Defaults(), newFakeSource(fixture(b)))
	wire, err := question("web.service.consul.", mdns.TypeSRV).Pack()
	if err != nil {
		b.Fatal(err)
	}
	resp := exchange(b, "udp", srv.UDPAddr().String(), question("web.service.consul.", mdns.TypeSRV))
	canned, err := resp.Pack()
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, addr string }{
		{"consuld", srv.UDPAddr().String()},
		{"bare-miekg", startBare(b, canned)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			capacity := closedLoop(b, tc.addr, wire, time.Second)
			sent, answered, fresh, p99 := openLoop(b, tc.addr, wire, 2*capacity, *overloadFor)
			b.ReportMetric(capacity, "capacity-qps")
			b.ReportMetric(float64(fresh)/float64(sent), "fresh/sent")
			b.ReportMetric(float64(fresh)/float64(max(answered, 1)), "fresh/answered")
			b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
		})
	}
}

// closedLoop measures the queries per second 64 waiting clients get.
func closedLoop(b *testing.B, addr string, query []byte, d time.Duration) float64 {
	var done atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range clients {
		c, err := net.Dial("udp", addr)
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func(id uint16) {
			defer wg.Done()
			defer c.Close()
			q, buf := slices.Clone(query), make([]byte, 65536)
			for time.Now().Before(deadline) {
				id++
				binary.BigEndian.PutUint16(q, id)
				if roundTrip(c, "udp", q, buf) == nil {
					done.Add(1)
				}
			}
		}(uint16(i) << 10)
	}
	wg.Wait()
	return float64(done.Load()) / d.Seconds()
}

// openLoop sends rate queries per second for d, whatever the answers,
// and counts the answers and those within 100ms.
func openLoop(b *testing.B, addr string, query []byte, rate float64, d time.Duration) (sent, answered, fresh int64, p99 time.Duration) {
	const senders, tick = 4, time.Millisecond
	perTick := max(1, int(rate*tick.Seconds())/senders)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		lats []time.Duration
		s, a atomic.Int64
		f    atomic.Int64
	)
	stop := time.Now().Add(d)
	for range senders {
		c, err := net.Dial("udp", addr)
		if err != nil {
			b.Fatal(err)
		}
		var sentAt [1 << 16]atomic.Int64
		wg.Add(2)
		go func() { // receive until a second after the last send
			defer wg.Done()
			buf := make([]byte, 65536)
			var mine []time.Duration
			for {
				c.SetReadDeadline(stop.Add(time.Second))
				n, err := c.Read(buf)
				if err != nil {
					break
				}
				if n < 2 {
					continue
				}
				lat := time.Duration(time.Now().UnixNano() - sentAt[binary.BigEndian.Uint16(buf)].Load())
				a.Add(1)
				if lat <= 100*time.Millisecond {
					f.Add(1)
				}
				mine = append(mine, lat)
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
		go func() {
			defer wg.Done()
			q := slices.Clone(query)
			t := time.NewTicker(tick)
			defer t.Stop()
			var id uint16
			for now := range t.C {
				if now.After(stop) {
					return
				}
				for range perTick {
					id++
					binary.BigEndian.PutUint16(q, id)
					sentAt[id].Store(time.Now().UnixNano())
					if _, err := c.Write(q); err == nil {
						s.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	slices.Sort(lats)
	if len(lats) > 0 {
		p99 = lats[len(lats)*99/100]
	}
	return s.Load(), a.Load(), f.Load(), p99
}
