package dns

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	mdns "github.com/miekg/dns"
)

// The agent logs with hclog; slog works too.
var (
	_ Logger = hclog.NewNullLogger()
	_ Logger = slog.New(slog.DiscardHandler)
)

// startServer serves src with cfg on loopback UDP and TCP, port 0.
func startServer(t testing.TB, cfg Config, src Source) *Server {
	t.Helper()
	s, err := New(cfg, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

func exchange(t testing.TB, network, addr string, req *mdns.Msg) *mdns.Msg {
	t.Helper()
	c := &mdns.Client{Net: network, Timeout: 5 * time.Second, UDPSize: 65535}
	resp, _, err := c.Exchange(req, addr)
	if err != nil {
		t.Fatalf("%s exchange: %v", network, err)
	}
	return resp
}

func TestServerUDPAndTCP(t *testing.T) {
	s := startServer(t, Defaults(), newFakeSource(fixture(t)))
	udpAddr, tcpAddr := s.UDPAddr().String(), s.TCPAddr().String()
	if _, up, _ := net.SplitHostPort(udpAddr); up == "0" || udpAddr != tcpAddr {
		t.Fatalf("udp %s, tcp %s: want one real port", udpAddr, tcpAddr)
	}
	for _, network := range []string{"udp", "tcp"} {
		resp := exchange(t, network, udpAddr, question("web.service.consul.", mdns.TypeSRV))
		if resp.Rcode != mdns.RcodeSuccess || !resp.Authoritative || len(resp.Answer) != 3 || len(resp.Extra) != 5 {
			t.Fatalf("%s: %v", network, resp)
		}
		resp = exchange(t, network, udpAddr, question("nosuch.node.consul.", mdns.TypeA))
		if resp.Rcode != mdns.RcodeNameError || len(resp.Ns) != 1 {
			t.Fatalf("%s: %v", network, resp)
		}
	}
}

// TestServerTCPLarge: a 1000-instance service over TCP, several queries
// on one connection.
func TestServerTCPLarge(t *testing.T) {
	s := startServer(t, Defaults(), newFakeSource(bigCatalog(t, "big", 1000)))
	c := &mdns.Client{Net: "tcp", Timeout: 5 * time.Second}
	conn, err := c.Dial(s.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// All 1000 A records fit in 64 KiB; about 880 SRV records with their
	// glue do.
	for _, want := range []struct {
		qtype   uint16
		answers int
	}{{mdns.TypeA, 1000}, {mdns.TypeSRV, 850}, {mdns.TypeA, 1000}} {
		resp, _, err := c.ExchangeWithConn(question("big.service.consul.", want.qtype), conn)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Truncated || len(resp.Answer) < want.answers {
			t.Fatalf("%s: tc %t, %d answers", mdns.TypeToString[want.qtype], resp.Truncated, len(resp.Answer))
		}
	}
}

// TestServerSurvivesGarbage: malformed packets get FORMERR or nothing,
// and the server keeps answering.
func TestServerSurvivesGarbage(t *testing.T) {
	s := startServer(t, Defaults(), newFakeSource(fixture(t)))
	addr := s.UDPAddr().String()
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, b := range [][]byte{{1}, make([]byte, 12), loop(), {0, 1, 0x80, 0, 0, 1}, []byte("GET / HTTP/1.1\r\n\r\n")} {
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	tc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tc.Write([]byte{0, 5, 1, 2, 3}) // a 5-byte message, then the connection closes
	tc.Close()
	for _, network := range []string{"udp", "tcp"} {
		resp := exchange(t, network, addr, question("web.service.consul.", mdns.TypeA))
		if resp.Rcode != mdns.RcodeSuccess || len(resp.Answer) != 3 {
			t.Fatalf("%s after garbage: %v", network, resp)
		}
	}
}

func TestListenErrors(t *testing.T) {
	s := startServer(t, Defaults(), newFakeSource(fixture(t)))
	other, err := New(Defaults(), newFakeSource(fixture(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Listen(s.TCPAddr().String()); err == nil {
		t.Fatal("listening on a bound address succeeded")
	}
	if err := other.Listen("nonsense"); err == nil {
		t.Fatal("listening on a bad address succeeded")
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Fatal("New accepted an empty domain")
	}
}

func TestShutdownStopsServing(t *testing.T) {
	s, err := New(Defaults(), newFakeSource(fixture(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	addr := s.TCPAddr().String()
	exchange(t, "tcp", addr, question("web.service.consul.", mdns.TypeA))
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("still accepting after Shutdown")
	}
	if err := s.Serve(nil, nil); err == nil {
		t.Fatal("Serve after Shutdown succeeded")
	}
}

// TestServerConcurrent: many clients at once share the memoized answer
// sets (run with -race).
func TestServerConcurrent(t *testing.T) {
	s := startServer(t, Defaults(), newFakeSource(fixture(t)))
	addr := s.UDPAddr().String()
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			network := []string{"udp", "tcp"}[i%2]
			c := &mdns.Client{Net: network, Timeout: 5 * time.Second}
			for range 50 {
				for _, q := range []uint16{mdns.TypeA, mdns.TypeSRV} {
					resp, _, err := c.Exchange(question("web.service.consul.", q), addr)
					if err == nil && len(resp.Answer) != 3 {
						err = fmt.Errorf("%s %s: %d answers", network, mdns.TypeToString[q], len(resp.Answer))
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
