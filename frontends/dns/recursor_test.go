package dns

import (
	"context"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
)

// upstream is a loopback DNS server answering every question with rcode
// (and, for NOERROR, an A record of ip) over UDP and TCP on one port.
type upstream struct {
	addr string
	hits atomic.Int64
	nets [2]atomic.Int64 // udp, tcp
}

func startUpstream(t *testing.T, rcode int, ip string) *upstream {
	t.Helper()
	u := &upstream{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	u.addr = ln.Addr().String()
	handler := mdns.HandlerFunc(func(w mdns.ResponseWriter, r *mdns.Msg) {
		u.hits.Add(1)
		if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
			u.nets[1].Add(1)
		} else {
			u.nets[0].Add(1)
		}
		m := new(mdns.Msg)
		m.SetRcode(r, rcode)
		m.RecursionAvailable = true
		if rcode == mdns.RcodeSuccess {
			m.Answer = []mdns.RR{addrRR(r.Question[0].Name, netip.MustParseAddr(ip), 60)}
		}
		w.WriteMsg(m)
	})
	for _, srv := range []*mdns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}} {
		go srv.ActivateAndServe()
		t.Cleanup(func() { srv.Shutdown() })
	}
	return u
}

// silent is a UDP address that never answers.
func silent(t *testing.T) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}

func recursorCfg(timeout time.Duration, strategy string, addrs ...string) Config {
	c := Defaults()
	c.Recursors, c.RecursorTimeout, c.RecursorStrategy = addrs, timeout, strategy
	return c
}

func TestRecursorSequential(t *testing.T) {
	bad := startUpstream(t, mdns.RcodeServerFailure, "")
	good := startUpstream(t, mdns.RcodeSuccess, "192.0.2.7")
	later := startUpstream(t, mdns.RcodeSuccess, "192.0.2.8")
	s := startServer(t, recursorCfg(200*time.Millisecond, "sequential", silent(t), bad.addr, good.addr, later.addr), newFakeSource(fixture(t)))
	for _, network := range []string{"udp", "tcp"} {
		req := question("www.example.com.", mdns.TypeA)
		req.Id = 4321
		resp := exchange(t, network, s.UDPAddr().String(), req)
		if resp.Id != 4321 || resp.Rcode != mdns.RcodeSuccess || len(resp.Answer) != 1 ||
			resp.Answer[0].(*mdns.A).A.String() != "192.0.2.7" || !resp.RecursionAvailable {
			t.Fatalf("%s: %v", network, resp)
		}
	}
	if bad.hits.Load() != 2 || good.hits.Load() != 2 || later.hits.Load() != 0 {
		t.Fatalf("hits: bad %d good %d later %d", bad.hits.Load(), good.hits.Load(), later.hits.Load())
	}
	if good.nets[0].Load() != 1 || good.nets[1].Load() != 1 {
		t.Fatalf("transports: udp %d tcp %d: want the client's", good.nets[0].Load(), good.nets[1].Load())
	}
}

func TestRecursorNXDOMAINIsAnAnswer(t *testing.T) {
	nx := startUpstream(t, mdns.RcodeNameError, "")
	good := startUpstream(t, mdns.RcodeSuccess, "192.0.2.7")
	s := startServer(t, recursorCfg(time.Second, "", nx.addr, good.addr), newFakeSource(fixture(t)))
	resp := exchange(t, "udp", s.UDPAddr().String(), question("nosuch.example.com.", mdns.TypeA))
	if resp.Rcode != mdns.RcodeNameError || good.hits.Load() != 0 {
		t.Fatalf("rcode %s, good asked %d times", mdns.RcodeToString[resp.Rcode], good.hits.Load())
	}
}

func TestRecursorsAllFail(t *testing.T) {
	bad := startUpstream(t, mdns.RcodeRefused, "")
	s := startServer(t, recursorCfg(200*time.Millisecond, "", silent(t), bad.addr), newFakeSource(fixture(t)))
	req := question("www.example.com.", mdns.TypeA)
	req.SetEdns0(1232, false)
	resp := exchange(t, "udp", s.UDPAddr().String(), req)
	if resp.Rcode != mdns.RcodeServerFailure || !resp.RecursionAvailable || resp.Authoritative || resp.IsEdns0() == nil {
		t.Fatalf("%v", resp)
	}
}

func TestRecursorRandom(t *testing.T) {
	a := startUpstream(t, mdns.RcodeSuccess, "192.0.2.1")
	b := startUpstream(t, mdns.RcodeSuccess, "192.0.2.2")
	s, err := recursorCfg(time.Second, "random", a.addr, b.addr).settings()
	if err != nil {
		t.Fatal(err)
	}
	r := &recursor{addrs: s.recursors, timeout: s.recursorTimeout, random: s.randomRecursors}
	for seed := range uint64(20) {
		if _, err := r.exchange(context.Background(), question("x.example.com.", mdns.TypeA), udp, testRand(seed)); err != nil {
			t.Fatal(err)
		}
	}
	if a.hits.Load() == 0 || b.hits.Load() == 0 || a.hits.Load()+b.hits.Load() != 20 {
		t.Fatalf("hits %d and %d: want both recursors used, once per query", a.hits.Load(), b.hits.Load())
	}
}
