package dns

import (
	"encoding/hex"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	mdns "github.com/miekg/dns"
)

func header(name string, rrtype uint16, ttl uint32) mdns.RR_Header {
	return mdns.RR_Header{Name: name, Rrtype: rrtype, Class: mdns.ClassINET, Ttl: ttl}
}

// addrRR is the A or AAAA record of ip.
func addrRR(name string, ip netip.Addr, ttl uint32) mdns.RR {
	if ip.Is4() {
		return &mdns.A{Hdr: header(name, mdns.TypeA, ttl), A: ip.AsSlice()}
	}
	return &mdns.AAAA{Hdr: header(name, mdns.TypeAAAA, ttl), AAAA: ip.AsSlice()}
}

// asked reports whether a question of type qtype asks for ip's record
// type in the answer section.
func asked(qtype uint16, ip netip.Addr) bool {
	return qtype == mdns.TypeANY || (ip.Is4() && qtype == mdns.TypeA) || (ip.Is6() && qtype == mdns.TypeAAAA)
}

func srvRR(name string, ttl uint32, weight, port uint16, target string) mdns.RR {
	return &mdns.SRV{Hdr: header(name, mdns.TypeSRV, ttl), Priority: 1, Weight: weight, Port: port, Target: target}
}

func cnameRR(name, target string, ttl uint32) mdns.RR {
	return &mdns.CNAME{Hdr: header(name, mdns.TypeCNAME, ttl), Target: target}
}

func ptrRR(name, target string, ttl uint32) mdns.RR {
	return &mdns.PTR{Hdr: header(name, mdns.TypePTR, ttl), Ptr: target}
}

func nsRR(domain, target string, ttl uint32) mdns.RR {
	return &mdns.NS{Hdr: header(domain, mdns.TypeNS, ttl), Ns: target}
}

// soaRR is the domain's SOA record; its serial is the Unix time, as
// Consul's.
func soaRR(domain string, soa SOA, now time.Time) mdns.RR {
	return &mdns.SOA{
		Hdr:     header(domain, mdns.TypeSOA, soa.MinTTL),
		Ns:      "ns." + domain,
		Mbox:    "hostmaster." + domain,
		Serial:  uint32(now.Unix()),
		Refresh: soa.Refresh,
		Retry:   soa.Retry,
		Expire:  soa.Expire,
		Minttl:  soa.MinTTL,
	}
}

// metaTXT is node metadata as TXT records, one per key in key order:
// "key=value" encoded as RFC 1464 says, or the bare value for keys
// starting with "rfc1035-".
func metaTXT(name string, meta map[string]string, ttl uint32) []mdns.RR {
	var out []mdns.RR
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		v := meta[k]
		if !strings.HasPrefix(asciiLower(k), "rfc1035-") {
			v = rfc1464(k, v)
		}
		out = append(out, &mdns.TXT{Hdr: header(name, mdns.TypeTXT, ttl), Txt: txtStrings(v)})
	}
	return out
}

// rfc1464 encodes an attribute: backquote escapes "`", "=" and the
// key's leading and trailing spaces; the value only escapes "`".
func rfc1464(key, value string) string {
	var b strings.Builder
	trimmed := strings.TrimLeft(key, " ")
	for range len(key) - len(trimmed) {
		b.WriteString("` ")
	}
	core := strings.TrimRight(trimmed, " ")
	for _, c := range []byte(core) {
		if c == '`' || c == '=' {
			b.WriteByte('`')
		}
		b.WriteByte(c)
	}
	for range len(trimmed) - len(core) {
		b.WriteString("` ")
	}
	b.WriteByte('=')
	b.WriteString(strings.ReplaceAll(value, "`", "``"))
	return b.String()
}

// txtStrings splits s into character-strings of at most 255 bytes, in
// the escaped form miekg/dns packs (a backslash starts an escape).
func txtStrings(s string) []string {
	var out []string
	for {
		n := min(len(s), 255)
		out = append(out, strings.ReplaceAll(s[:n], `\`, `\\`))
		if s = s[n:]; s == "" {
			return out
		}
	}
}

// hexAddr is ip's label in <hexip>.addr names: 8 hex digits for IPv4,
// 32 for IPv6.
func hexAddr(ip netip.Addr) string {
	b := ip.AsSlice()
	return hex.EncodeToString(b)
}

// parseIP reads a catalog address; ok is false for a host name.
func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap().WithZone(""), true
}
