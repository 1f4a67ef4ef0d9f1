package dns

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"

	mdns "github.com/miekg/dns"
)

// FuzzRequest feeds arbitrary packets to the request path: it must never
// panic, and whatever it answers must decode, carry the request's ID and
// respect the size limit of its transport.
func FuzzRequest(f *testing.F) {
	pack := func(m *mdns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	for _, q := range []struct {
		name  string
		qtype uint16
	}{
		{"web.service.consul.", mdns.TypeA}, {"_web._tcp.consul.", mdns.TypeSRV}, {"node1.node.dc1.consul.", mdns.TypeANY},
		{"0a000001.addr.consul.", mdns.TypeAAAA}, {"1.0.0.10.in-addr.arpa.", mdns.TypePTR}, {"consul.", mdns.TypeSOA},
		{"example.com.", mdns.TypeA}, {"big.service.consul.", mdns.TypeSRV},
	} {
		f.Add(pack(question(q.name, q.qtype)), false)
		withEDNS := question(q.name, q.qtype)
		withEDNS.SetEdns0(4096, true)
		f.Add(pack(withEDNS), true)
	}
	// Odd EDNS: version 255, size 0, a non-root owner, two OPT records.
	for _, edit := range []func(*mdns.OPT){
		func(o *mdns.OPT) { o.SetVersion(255) },
		func(o *mdns.OPT) { o.SetUDPSize(0) },
		func(o *mdns.OPT) { o.Hdr.Name = "consul." },
		func(o *mdns.OPT) {
			o.Option = append(o.Option, &mdns.EDNS0_SUBNET{Code: mdns.EDNS0SUBNET, Family: 2, SourceNetmask: 200})
		},
	} {
		m := question("web.service.consul.", mdns.TypeA)
		o := &mdns.OPT{Hdr: mdns.RR_Header{Name: ".", Rrtype: mdns.TypeOPT}}
		o.SetUDPSize(1232)
		edit(o)
		m.Extra = append(m.Extra, o)
		if b, err := m.Pack(); err == nil {
			f.Add(b, false)
		}
	}
	two := question("web.service.consul.", mdns.TypeA)
	two.SetEdns0(1232, false)
	two.SetEdns0(512, false)
	f.Add(pack(two), false)
	// Many labels: 127 one-letter labels is the most a name can hold.
	f.Add(pack(question(strings.Repeat("a.", 127), mdns.TypeA)), false)
	f.Add(pack(question(strings.Repeat("a.", 120)+"service.consul.", mdns.TypeSRV)), true)
	f.Add(loop(), false)
	// A pointer chain: each name points to the previous one.
	chain := []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	for i := range 40 {
		chain = append(chain, 1, 'x', 0xc0, byte(12+4*i))
	}
	f.Add(chain, false)
	f.Add([]byte{}, false)
	f.Add(bytes.Repeat([]byte{0xff}, 64), true)

	src := newFakeSource(fixture(f))
	plain := testHandler(f, Defaults(), src)
	cfg := Defaults()
	cfg.Recursors, cfg.EnableTruncate, cfg.AltDomain = []string{"192.0.2.1"}, true, "alt."
	recursing := testHandler(f, cfg, src)

	f.Fuzz(func(t *testing.T, wire []byte, overTCP bool) {
		tr := udp
		if overTCP {
			tr = tcp
		}
		for _, h := range []*handler{plain, recursing} {
			out, _ := h.serve(context.Background(), wire, tr, testRand(1), fixtureNow)
			if out == nil {
				continue
			}
			resp := new(mdns.Msg)
			if err := resp.Unpack(out); err != nil {
				t.Fatalf("response does not unpack: %v", err)
			}
			if !resp.Response || binary.BigEndian.Uint16(out) != binary.BigEndian.Uint16(wire) {
				t.Fatalf("qr %t, id %d for request id %d", resp.Response, resp.Id, binary.BigEndian.Uint16(wire))
			}
			limit := maxTCPSize
			if tr == udp {
				limit = minUDPSize
				req := new(mdns.Msg)
				if req.Unpack(wire) == nil && req.IsEdns0() != nil {
					limit = max(int(req.IsEdns0().UDPSize()), minUDPSize)
				}
			}
			if len(out) > limit && len(resp.Answer) > 1 {
				t.Fatalf("%d bytes over %s, limit %d", len(out), tr, limit)
			}
		}
	})
}
