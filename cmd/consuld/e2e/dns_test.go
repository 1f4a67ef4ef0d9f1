package e2e

import (
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/miekg/dns"
)

// dnsAsk sends one question over net ("udp" or "tcp"), with an EDNS
// buffer size when edns > 0.
func dnsAsk(t *testing.T, a *agent, network, name string, qtype uint16, edns uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	if edns > 0 {
		m.SetEdns0(edns, false)
	}
	c := &dns.Client{Net: network, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, a.DNS)
	if err != nil {
		t.Fatalf("%s %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}

// wireLen is a response's size as sent: compressed, as servers send.
func wireLen(m *dns.Msg) int {
	m.Compress = true
	b, _ := m.Pack()
	return len(b)
}

// rrs renders a section as sorted "name type data" lines (no TTLs).
func rrs(section []dns.RR) []string {
	var out []string
	for _, rr := range section {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		f := strings.Fields(rr.String())
		out = append(out, f[0]+" "+strings.Join(f[3:], " "))
	}
	slices.Sort(out)
	return out
}

func register(t *testing.T, c *api.Client, r *api.CatalogRegistration) {
	t.Helper()
	if _, err := c.Catalog().Register(r, nil); err != nil {
		t.Fatal(err)
	}
}

func check(node, id, svc, status string) *api.AgentCheck {
	return &api.AgentCheck{Node: node, CheckID: id, Name: id, ServiceID: svc, Status: status}
}

// TestDNS registers services over the HTTP API and asks the agent's DNS
// server what a Consul user would ask, over UDP and TCP.
func TestDNS(t *testing.T) {
	a := startDev(t)
	c := a.client()
	for i := 1; i <= 3; i++ {
		node := fmt.Sprintf("n%d", i)
		status := "passing"
		if i == 3 {
			status = "critical"
		}
		register(t, c, &api.CatalogRegistration{Node: node, Address: fmt.Sprintf("10.0.0.%d", i), NodeMeta: map[string]string{"rack": "r" + fmt.Sprint(i)},
			Service: &api.AgentService{ID: "web1", Service: "web", Port: 8000 + i, Tags: []string{[]string{"primary", "secondary", "primary"}[i-1]},
				Weights: api.AgentWeights{Passing: 1, Warning: 1}},
			Check: check(node, "web-check", "web1", status)})
	}
	register(t, c, &api.CatalogRegistration{Node: "n1", Address: "10.0.0.1",
		Service: &api.AgentService{ID: "db", Service: "db", Address: "10.9.9.9", Port: 5432}})

	t.Run("A only healthy", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "web.service.consul", dns.TypeA, 0)
		if r.Rcode != dns.RcodeSuccess || !r.Authoritative {
			t.Fatalf("rcode %s aa=%v", dns.RcodeToString[r.Rcode], r.Authoritative)
		}
		want := []string{"web.service.consul. A 10.0.0.1", "web.service.consul. A 10.0.0.2"}
		if got := rrs(r.Answer); !slices.Equal(got, want) {
			t.Errorf("answer %q, want %q", got, want)
		}
	})
	t.Run("tag", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "primary.web.service.consul", dns.TypeA, 0)
		if got := rrs(r.Answer); !slices.Equal(got, []string{"primary.web.service.consul. A 10.0.0.1"}) {
			t.Errorf("answer %q", got)
		}
	})
	t.Run("SRV", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "web.service.consul", dns.TypeSRV, 0)
		want := []string{"web.service.consul. SRV 1 1 8001 n1.node.dc1.consul.", "web.service.consul. SRV 1 1 8002 n2.node.dc1.consul."}
		if got := rrs(r.Answer); !slices.Equal(got, want) {
			t.Errorf("answer %q, want %q", got, want)
		}
		extra := strings.Join(rrs(r.Extra), "\n")
		if !strings.Contains(extra, "n1.node.dc1.consul. A 10.0.0.1") || !strings.Contains(extra, "n2.node.dc1.consul. A 10.0.0.2") {
			t.Errorf("additional section lacks the targets' addresses:\n%s", extra)
		}
	})
	t.Run("RFC 2782", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "_web._primary.service.consul", dns.TypeSRV, 0)
		if got := rrs(r.Answer); len(got) != 1 || !strings.Contains(got[0], "SRV 1 1 8001 n1.node.dc1.consul.") {
			t.Errorf("answer %q", got)
		}
		r = dnsAsk(t, a, "udp", "_web._tcp.service.dc1.consul", dns.TypeSRV, 0)
		if len(r.Answer) != 2 {
			t.Errorf("_web._tcp: %d answers, want 2", len(r.Answer))
		}
	})
	t.Run("service address", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "db.service.consul", dns.TypeSRV, 0)
		// 10.9.9.9 in hex
		if got := rrs(r.Answer); len(got) != 1 || !strings.Contains(got[0], "5432 0a090909.addr.dc1.consul.") {
			t.Errorf("answer %q", got)
		}
		if extra := rrs(r.Extra); !slices.Contains(extra, "0a090909.addr.dc1.consul. A 10.9.9.9") {
			t.Errorf("additional %q", extra)
		}
	})
	t.Run("node", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "n2.node.consul", dns.TypeA, 0)
		if got := rrs(r.Answer); !slices.Equal(got, []string{"n2.node.consul. A 10.0.0.2"}) {
			t.Errorf("answer %q", got)
		}
		r = dnsAsk(t, a, "udp", "n2.node.dc1.consul", dns.TypeTXT, 0)
		if got := strings.Join(rrs(r.Answer), " "); !strings.Contains(got, `"rack=r2"`) {
			t.Errorf("TXT %q", got)
		}
	})
	t.Run("unknown names", func(t *testing.T) {
		for _, name := range []string{"nope.service.consul", "nope.node.consul", "x.bogus.consul"} {
			r := dnsAsk(t, a, "udp", name, dns.TypeA, 0)
			if r.Rcode != dns.RcodeNameError || len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA {
				t.Errorf("%s: rcode %s, authority %q; want NXDOMAIN with the SOA", name, dns.RcodeToString[r.Rcode], rrs(r.Ns))
			}
		}
	})
	t.Run("PTR", func(t *testing.T) {
		r := dnsAsk(t, a, "udp", "1.0.0.10.in-addr.arpa", dns.TypePTR, 0)
		if got := rrs(r.Answer); !slices.Equal(got, []string{"1.0.0.10.in-addr.arpa. PTR n1.node.dc1.consul."}) {
			t.Errorf("answer %q", got)
		}
	})
	t.Run("SOA and NS", func(t *testing.T) {
		// NS names the servers: the agent's own consul service, registered
		// once it has a leader.
		for deadline := time.Now().Add(10 * time.Second); ; {
			svcs, _, err := c.Catalog().Service("consul", "", nil)
			if err == nil && len(svcs) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the consul service was never registered")
			}
			<-time.After(20 * time.Millisecond)
		}
		r := dnsAsk(t, a, "udp", "consul", dns.TypeSOA, 0)
		if len(r.Answer) != 1 || r.Answer[0].Header().Rrtype != dns.TypeSOA {
			t.Errorf("SOA answer %q", rrs(r.Answer))
		}
		r = dnsAsk(t, a, "udp", "consul", dns.TypeNS, 0)
		if len(r.Answer) == 0 || r.Answer[0].Header().Rrtype != dns.TypeNS {
			t.Errorf("NS answer %q", rrs(r.Answer))
		}
	})
	t.Run("check flip", func(t *testing.T) {
		register(t, c, &api.CatalogRegistration{Node: "n3", Address: "10.0.0.3", SkipNodeUpdate: true,
			Check: check("n3", "web-check", "web1", "passing")})
		r := dnsAsk(t, a, "tcp", "web.service.consul", dns.TypeA, 0)
		if len(r.Answer) != 3 {
			t.Errorf("after the check passed: %q", rrs(r.Answer))
		}
	})
	t.Run("garbage does not kill the server", func(t *testing.T) {
		conn, err := net.Dial("udp", a.DNS)
		if err != nil {
			t.Fatal(err)
		}
		for _, junk := range [][]byte{{0}, {1, 2, 3}, make([]byte, 600), []byte("\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")} {
			conn.Write(junk)
		}
		conn.Close()
		if r := dnsAsk(t, a, "udp", "web.service.consul", dns.TypeA, 0); len(r.Answer) == 0 {
			t.Error("no answer after garbage")
		}
	})
}

// TestDNSTruncation: a service with many instances answers UDP within 512
// bytes and the answer limit, EDNS and TCP with more, never over 64 KiB.
func TestDNSTruncation(t *testing.T) {
	a := startDev(t, "-hcl", `dns_config { enable_truncate = true }`)
	c := a.client()
	for i := 0; i < 300; i++ {
		node := fmt.Sprintf("node-with-a-long-name-%03d", i)
		register(t, c, &api.CatalogRegistration{Node: node, Address: fmt.Sprintf("10.1.%d.%d", i/250, 1+i%250),
			Service: &api.AgentService{ID: "big", Service: "big", Port: 9000}})
	}
	udp := dnsAsk(t, a, "udp", "big.service.consul", dns.TypeSRV, 0)
	if n := len(udp.Answer); n == 0 || n > 3 {
		t.Errorf("UDP without EDNS: %d answers, want 1..3 (udp_answer_limit)", n)
	}
	if n := wireLen(udp); n > 512 {
		t.Errorf("UDP without EDNS: %d bytes", n)
	}
	if !udp.Truncated {
		t.Error("UDP answer was cut but TC is not set (enable_truncate)")
	}
	big := dnsAsk(t, a, "udp", "big.service.consul", dns.TypeA, 4096)
	if n := wireLen(big); n > 4096 || len(big.Answer) <= 3 {
		t.Errorf("EDNS 4096: %d bytes, %d answers", n, len(big.Answer))
	}
	tcp := dnsAsk(t, a, "tcp", "big.service.consul", dns.TypeSRV, 0)
	if tcp.Truncated || len(tcp.Answer) < 100 {
		t.Errorf("TCP: %d answers, TC=%v", len(tcp.Answer), tcp.Truncated)
	}
	if n := wireLen(tcp); n > 65535 {
		t.Errorf("TCP answer %d bytes", n)
	}
}

// TestDNSDig: the answer as dig prints it (CI installs dig).
func TestDNSDig(t *testing.T) {
	if _, err := exec.LookPath("dig"); err != nil {
		t.Skip("dig not installed")
	}
	a := startDev(t)
	register(t, a.client(), &api.CatalogRegistration{Node: "web-node", Address: "192.168.99.112",
		Service: &api.AgentService{ID: "web", Service: "web", Port: 9000, Tags: []string{"primary"}, Weights: api.AgentWeights{Passing: 1, Warning: 1}}})
	host, port, _ := net.SplitHostPort(a.DNS)
	out, err := exec.Command("dig", "@"+host, "-p", port, "web.service.consul", "SRV", "+norec").CombinedOutput()
	if err != nil {
		t.Fatalf("dig: %v\n%s", err, out)
	}
	s := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"status: NOERROR", "flags: qr aa", "web.service.consul. 0 IN SRV 1 1 9000 web-node.node.dc1.consul.", "web-node.node.dc1.consul. 0 IN A 192.168.99.112"} {
		if !strings.Contains(s, want) {
			t.Errorf("dig output lacks %q:\n%s", want, s)
		}
	}
}

// TestDNSRecursor: names outside the domain go to -recursor and come back
// with the upstream's answer; without recursors they are refused.
func TestDNSRecursor(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.RecursionAvailable = true
		rr, _ := dns.NewRR(r.Question[0].Name + " 60 IN A 192.0.2.7")
		m.Answer = append(m.Answer, rr)
		w.WriteMsg(m)
	})}
	go up.ActivateAndServe()
	t.Cleanup(func() { up.Shutdown() })

	a := startDev(t, "-recursor", pc.LocalAddr().String())
	r := dnsAsk(t, a, "udp", "example.org", dns.TypeA, 0)
	if r.Rcode != dns.RcodeSuccess || !r.RecursionAvailable || len(r.Answer) != 1 || !strings.HasSuffix(r.Answer[0].String(), "192.0.2.7") {
		t.Errorf("via recursor: rcode %s ra=%v answer %q", dns.RcodeToString[r.Rcode], r.RecursionAvailable, rrs(r.Answer))
	}

	b := startDev(t)
	if r := dnsAsk(t, b, "udp", "example.org", dns.TypeA, 0); r.Rcode != dns.RcodeRefused {
		t.Errorf("without recursors: rcode %s, want REFUSED", dns.RcodeToString[r.Rcode])
	}
}
