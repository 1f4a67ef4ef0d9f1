package dns

import (
	"context"
	"errors"
	"net"
	"testing"

	mdns "github.com/miekg/dns"
)

func question(name string, qtype uint16) *mdns.Msg {
	m := new(mdns.Msg)
	m.SetQuestion(name, qtype)
	m.Id = 777
	return m
}

func TestRequestErrors(t *testing.T) {
	h := testHandler(t, Defaults(), newFakeSource(fixture(t)))
	packed := func(m *mdns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := packed(question("web.service.consul.", mdns.TypeA))
	withOPT := func(version uint8, n int) []byte {
		m := question("web.service.consul.", mdns.TypeA)
		for range n {
			o := &mdns.OPT{Hdr: mdns.RR_Header{Name: ".", Rrtype: mdns.TypeOPT}}
			o.SetUDPSize(1232)
			o.SetVersion(version)
			m.Extra = append(m.Extra, o)
		}
		return packed(m)
	}
	notify := question("consul.", mdns.TypeSOA)
	notify.Opcode = mdns.OpcodeNotify
	two := question("web.service.consul.", mdns.TypeA)
	two.Question = append(two.Question, two.Question[0])
	none := question("web.service.consul.", mdns.TypeA)
	none.Question = nil
	response := question("web.service.consul.", mdns.TypeA)
	response.Response = true

	cases := []struct {
		name  string
		wire  []byte
		rcode int // -1: no response
	}{
		{"empty", nil, -1},
		{"short header", good[:11], -1},
		{"a response", packed(response), -1},
		{"truncated question", good[:len(good)-3], mdns.RcodeFormatError},
		{"trailing garbage in name", append(append([]byte{}, good[:12]...), 0x3f, 'a'), mdns.RcodeFormatError},
		{"no question", packed(none), mdns.RcodeFormatError},
		{"two questions", packed(two), mdns.RcodeFormatError},
		{"notify", packed(notify), mdns.RcodeNotImplemented},
		{"edns version 1", withOPT(1, 1), mdns.RcodeBadVers},
		{"two OPT records", withOPT(0, 2), mdns.RcodeFormatError},
		{"compression loop", loop(), mdns.RcodeFormatError},
		{"good", good, mdns.RcodeSuccess},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, tr := range []transport{udp, tcp} {
				out, fwd := h.serve(context.Background(), c.wire, tr, testRand(1), fixtureNow)
				if fwd != nil {
					t.Fatal("forwarded")
				}
				if c.rcode < 0 {
					if out != nil {
						t.Fatalf("answered %x", out)
					}
					continue
				}
				resp := new(mdns.Msg)
				if err := resp.Unpack(out); err != nil {
					t.Fatalf("response does not unpack: %v", err)
				}
				if resp.Id != 777 || !resp.Response || resp.Rcode != c.rcode {
					t.Fatalf("id %d qr %t rcode %s, want id 777 and %s", resp.Id, resp.Response, mdns.RcodeToString[resp.Rcode], mdns.RcodeToString[c.rcode])
				}
				if c.rcode == mdns.RcodeBadVers && (resp.IsEdns0() == nil || resp.IsEdns0().Version() != 0) {
					t.Fatal("BADVERS without a version 0 OPT")
				}
			}
		})
	}
}

// loop is a query whose name points to itself.
func loop() []byte {
	return []byte{0x03, 0x09, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
}

func TestEDNSEcho(t *testing.T) {
	h := testHandler(t, Defaults(), newFakeSource(fixture(t)))
	req := question("web.service.consul.", mdns.TypeA)
	req.SetEdns0(1400, true)
	ecs := &mdns.EDNS0_SUBNET{Code: mdns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, SourceScope: 0, Address: net.IPv4(192, 0, 2, 0).To4()}
	req.IsEdns0().Option = append(req.IsEdns0().Option, ecs)
	resp, _, _ := ask(t, h, req, udp, 1)
	o := resp.IsEdns0()
	if o == nil || o.UDPSize() != 1400 || !o.Do() || o.Version() != 0 {
		t.Fatalf("OPT %v", o)
	}
	if len(o.Option) != 1 {
		t.Fatalf("options %v", o.Option)
	}
	got := o.Option[0].(*mdns.EDNS0_SUBNET)
	if got.SourceNetmask != 24 || got.SourceScope != 0 || !got.Address.Equal(ecs.Address) {
		t.Fatalf("ECS %v", got)
	}
}

func TestQuestionEchoedAsAsked(t *testing.T) {
	h := testHandler(t, Defaults(), newFakeSource(fixture(t)))
	req := question("wEb.SeRvIcE.cOnSuL.", mdns.TypeA)
	req.CheckingDisabled = true
	resp, _, _ := ask(t, h, req, udp, 1)
	if resp.Question[0].Name != "wEb.SeRvIcE.cOnSuL." || !resp.CheckingDisabled || !resp.RecursionDesired {
		t.Fatalf("question %v, cd %t rd %t", resp.Question, resp.CheckingDisabled, resp.RecursionDesired)
	}
	if len(resp.Answer) != 3 || resp.Answer[0].Header().Name != "web.service.consul." {
		t.Fatalf("answers %v", resp.Answer)
	}
}

func TestSourceErrors(t *testing.T) {
	src := newFakeSource(fixture(t))
	src.err = errors.New("no leader")
	h := testHandler(t, Defaults(), src)
	for _, q := range []string{"web.service.consul.", "node1.node.consul.", "consul.", "1.0.0.10.in-addr.arpa."} {
		qtype := mdns.TypeA
		if q == "consul." {
			qtype = mdns.TypeNS
		}
		resp, _, _ := ask(t, h, question(q, qtype), udp, 1)
		if resp.Rcode != mdns.RcodeServerFailure || resp.Authoritative {
			t.Errorf("%s: rcode %s aa %t, want a non-authoritative SERVFAIL", q, mdns.RcodeToString[resp.Rcode], resp.Authoritative)
		}
	}
}

func TestOversizeMeta(t *testing.T) {
	r := newRegistrar(t)
	long := make([]byte, 600)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	long[10] = '\\'
	meta := map[string]string{"big": string(long), "big2": string(long), "big3": string(long)}
	r.node("fat", "10.9.9.9", meta)
	h := testHandler(t, Defaults(), newFakeSource(r.st))

	// Over UDP the TXT records are optional: dropped, without TC.
	resp, wire, _ := ask(t, h, question("fat.node.consul.", mdns.TypeA), udp, 1)
	if len(wire) > minUDPSize || len(resp.Answer) != 1 || resp.Truncated {
		t.Fatalf("%d bytes, answers %v, tc %t", len(wire), resp.Answer, resp.Truncated)
	}
	// Over TCP they fit, split into strings of 255 bytes, the backslash kept.
	resp, _, _ = ask(t, h, question("fat.node.consul.", mdns.TypeTXT), tcp, 1)
	if len(resp.Answer) != 3 {
		t.Fatalf("answers %v", resp.Answer)
	}
	txt := resp.Answer[0].(*mdns.TXT)
	joined := ""
	for _, s := range txt.Txt {
		joined += s
	}
	if len(txt.Txt) != 3 || joined != `big=`+string(long[:10])+`\\`+string(long[11:]) {
		t.Fatalf("TXT %q", txt.Txt)
	}
}

func TestRFC1464(t *testing.T) {
	for _, c := range []struct{ k, v, want string }{
		{"rack", "r1", "rack=r1"},
		{"a=b", "c=d", "a`=b=c=d"},
		{"x`y", "`", "x``y=``"},
		{"  sp ", "v", "` ` sp` =v"},
	} {
		if got := rfc1464(c.k, c.v); got != c.want {
			t.Errorf("rfc1464(%q, %q) = %q, want %q", c.k, c.v, got, c.want)
		}
	}
}
