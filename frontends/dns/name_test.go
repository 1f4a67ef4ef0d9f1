package dns

import (
	"net/netip"
	"testing"

	mdns "github.com/miekg/dns"
)

func TestParseName(t *testing.T) {
	z := zone{domain: "consul.", alt: "alt.example."}
	ip := netip.MustParseAddr
	cases := []struct {
		name  string
		qname string
		qtype uint16
		want  query
		err   bool
	}{
		{name: "service", qname: "web.service.consul.", want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "service keeps case", qname: "Web.SERVICE.Consul.", want: query{kind: kindService, domain: "consul.", name: "Web"}},
		{name: "not fully qualified", qname: "web.service.consul", want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "service with tag", qname: "v1.web.service.consul.", want: query{kind: kindService, domain: "consul.", name: "web", tag: "v1"}},
		{name: "service with dc", qname: "web.service.DC2.consul.", want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "service dc label", qname: "web.service.dc2.dc.consul.", want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "service cluster label", qname: "web.service.dc2.cluster.consul.", want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "service default namespace", qname: "web.service.default.ns.consul.", want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "service namespace.dc", qname: "web.service.default.dc2.consul.", want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "service ns, ap and dc", qname: "web.service.default.ns.default.ap.dc2.dc.consul.", want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "service other namespace", qname: "web.service.team.ns.consul.", want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "service peer", qname: "web.service.p1.peer.consul.", want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "service three suffix labels", qname: "web.service.a.b.c.consul.", want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "service too many parts", qname: "a.b.web.service.consul.", want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "service no name", qname: "service.consul.", want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "rfc2782 tcp", qname: "_web._tcp.service.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "rfc2782 TCP", qname: "_web._TCP.service.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "rfc2782 tag", qname: "_web._v1.service.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web", tag: "v1"}},
		{name: "rfc2782 udp is a tag", qname: "_web._udp.service.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web", tag: "udp"}},
		{name: "rfc2782 for A", qname: "_web._tcp.service.consul.", qtype: mdns.TypeA, want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "rfc2782 without service label", qname: "_web._tcp.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web"}},
		{name: "rfc2782 without service label, dc", qname: "_web._tcp.dc2.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul.", name: "web", dc: "dc2"}},
		{name: "rfc2782 without service label for A", qname: "_web._tcp.consul.", qtype: mdns.TypeA, want: query{domain: "consul."}, err: true},
		{name: "rfc2782 empty name", qname: "_._tcp.service.consul.", qtype: mdns.TypeSRV, want: query{kind: kindService, domain: "consul."}, err: true},
		{name: "node", qname: "n1.node.consul.", want: query{kind: kindNode, domain: "consul.", name: "n1"}},
		{name: "node dc", qname: "N1.node.dc1.consul.", want: query{kind: kindNode, domain: "consul.", name: "N1", dc: "dc1"}},
		{name: "node two parts", qname: "a.n1.node.consul.", want: query{kind: kindNode, domain: "consul."}, err: true},
		{name: "node no name", qname: "node.consul.", want: query{kind: kindNode, domain: "consul."}, err: true},
		{name: "type label is the rightmost", qname: "node.web.service.consul.", want: query{kind: kindService, domain: "consul.", name: "web", tag: "node"}},
		{name: "addr v4", qname: "7f000001.addr.dc1.consul.", want: query{kind: kindAddr, domain: "consul.", addr: ip("127.0.0.1")}},
		{name: "addr v4 no dc", qname: "7F000001.addr.consul.", want: query{kind: kindAddr, domain: "consul.", addr: ip("127.0.0.1")}},
		{name: "addr v6", qname: "20010db8000000000000000000000001.addr.dc1.consul.", want: query{kind: kindAddr, domain: "consul.", addr: ip("2001:db8::1")}},
		{name: "addr bad length", qname: "7f00001.addr.dc1.consul.", want: query{kind: kindAddr, domain: "consul."}, err: true},
		{name: "addr not hex", qname: "7f00000g.addr.dc1.consul.", want: query{kind: kindAddr, domain: "consul."}, err: true},
		{name: "prepared query", qname: "geo.query.consul.", want: query{kind: kindQuery, domain: "consul.", name: "geo"}},
		{name: "prepared query with dots", qname: "a.b.query.dc1.consul.", want: query{kind: kindQuery, domain: "consul.", name: "a.b", dc: "dc1"}},
		{name: "prepared query rfc2782", qname: "_geo._tcp.query.consul.", qtype: mdns.TypeSRV, want: query{kind: kindQuery, domain: "consul.", name: "geo"}},
		{name: "apex", qname: "consul.", want: query{kind: kindApex, domain: "consul."}},
		{name: "apex upper case", qname: "CONSUL.", want: query{kind: kindApex, domain: "consul."}},
		{name: "no type label", qname: "foo.consul.", want: query{domain: "consul."}, err: true},
		{name: "alt domain", qname: "web.service.alt.example.", want: query{kind: kindService, domain: "alt.example.", name: "web"}},
		{name: "alt domain node", qname: "n1.node.dc1.ALT.example.", want: query{kind: kindNode, domain: "alt.example.", name: "n1", dc: "dc1"}},
		{name: "alt apex", qname: "alt.example.", want: query{kind: kindApex, domain: "alt.example."}},
		{name: "outside", qname: "example.com.", want: query{kind: kindOutside}},
		{name: "suffix is not a label", qname: "notconsul.", want: query{kind: kindOutside}},
		{name: "root", qname: ".", want: query{kind: kindOutside}},
		{name: "reverse v4", qname: "4.3.2.10.in-addr.arpa.", want: query{kind: kindReverse, domain: "consul.", addr: ip("10.2.3.4")}},
		{name: "reverse v6", qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.IP6.ARPA.", want: query{kind: kindReverse, domain: "consul.", addr: ip("2001:db8::1")}},
		{name: "reverse partial", qname: "3.2.10.in-addr.arpa.", want: query{kind: kindReverse, domain: "consul."}, err: true},
		{name: "reverse leading zero", qname: "04.3.2.10.in-addr.arpa.", want: query{kind: kindReverse, domain: "consul."}, err: true},
		{name: "reverse out of range", qname: "256.3.2.10.in-addr.arpa.", want: query{kind: kindReverse, domain: "consul."}, err: true},
		{name: "other arpa", qname: "foo.arpa.", want: query{kind: kindReverse, domain: "consul."}, err: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			qtype := c.qtype
			if qtype == 0 {
				qtype = mdns.TypeA
			}
			got, err := parseName(c.qname, qtype, z)
			if (err != nil) != c.err {
				t.Fatalf("error %v, want error: %t", err, c.err)
			}
			if err != nil {
				got = query{kind: got.kind, domain: got.domain}
			}
			if got != c.want {
				t.Fatalf("parseName(%q) = %+v, want %+v", c.qname, got, c.want)
			}
		})
	}
}

func TestParseNameLongestDomain(t *testing.T) {
	z := zone{domain: "consul.", alt: "dc.consul."}
	q, err := parseName("web.service.dc.consul.", mdns.TypeA, z)
	if err != nil || q.domain != "dc.consul." || q.name != "web" || q.dc != "" {
		t.Fatalf("got %+v, %v: want the longer domain to win", q, err)
	}
}

func TestReverseAddrNibbles(t *testing.T) {
	for _, s := range []string{"2001:db8::1", "fe80::abcd:1234", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"} {
		want := netip.MustParseAddr(s)
		name, err := mdns.ReverseAddr(s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := reverseAddr(name)
		if !ok || got != want {
			t.Errorf("reverseAddr(%q) = %v, %t, want %v", name, got, ok, want)
		}
	}
}
