package dns

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	mdns "github.com/miekg/dns"
)

// zone is what the server is authoritative for: the domain and the
// optional alternative domain (lower-case, fully qualified).
type zone struct {
	domain string
	alt    string
}

// kind is what a question name asks for.
type kind uint8

const (
	kindNone    kind = iota // in a domain we serve, naming nothing we know
	kindOutside             // not in a domain we serve: for the recursors
	kindApex                // the domain itself
	kindNode                // <node>.node[.<dc>].<domain>
	kindService             // [<tag>.]<service>.service[.<dc>].<domain>, RFC 2782 forms
	kindAddr                // <hexip>.addr[.<dc>].<domain>
	kindQuery               // <query>.query[.<dc>].<domain> (prepared query)
	kindReverse             // <reversed ip>.in-addr.arpa. / <nibbles>.ip6.arpa.
)

// query is a parsed question name.
type query struct {
	kind   kind
	domain string     // the domain asked (lower-case); answers echo it
	name   string     // node, service or prepared-query name, as asked
	tag    string     // service tag filter, as asked; "" for none
	dc     string     // datacenter asked, lower-case; "" for the agent's
	addr   netip.Addr // kindAddr, kindReverse
}

// Type labels. Consul also has connect, ingress, virtual and workload
// lookups; consuld does not serve them yet, so they are name errors.
const (
	labelService = "service"
	labelNode    = "node"
	labelQuery   = "query"
	labelAddr    = "addr"
)

// parseName parses a question name for a question of type qtype (an RFC
// 2782 name without the "service" label is read as a service only for
// SRV questions, as Consul does). Case does not matter; names keep the
// case they were asked in. On errName the query still carries its kind
// (if known) and domain, for the SOA of the NXDOMAIN answer.
func parseName(qname string, qtype uint16, z zone) (query, error) {
	orig := mdns.Fqdn(qname)
	lower := asciiLower(orig)
	var q query
	q.domain = longestSuffix(lower, z.domain, z.alt, "arpa.")
	switch {
	case q.domain == "":
		return query{kind: kindOutside}, nil
	case q.domain == "arpa.":
		q.kind, q.domain = kindReverse, z.domain
		var ok bool
		if q.addr, ok = reverseAddr(lower); !ok {
			return q, errName
		}
		return q, nil
	case len(lower) == len(q.domain):
		q.kind = kindApex
		return q, nil
	}
	rest := orig[:len(orig)-len(q.domain)-1]
	labels, low := strings.Split(rest, "."), strings.Split(asciiLower(rest), ".")
	if len(low) >= 2 && low[1] == labelAddr {
		q.kind = kindAddr
		return q, q.parseAddr(low[0])
	}
	// The type label is the rightmost one; what follows it names the
	// datacenter. For SRV an underscore label there starts an RFC 2782
	// name whose "service" label was left out.
	for i := len(low) - 1; i >= 0; i-- {
		switch low[i] {
		case labelService:
			q.kind = kindService
			return q, q.parseService(labels[:i], low[i+1:])
		case labelNode:
			q.kind = kindNode
			return q, q.parseNode(labels[:i], low[i+1:])
		case labelQuery:
			q.kind = kindQuery
			return q, q.parsePreparedQuery(labels[:i], low[i+1:])
		}
		if qtype == mdns.TypeSRV && strings.HasPrefix(low[i], "_") {
			q.kind = kindService
			return q, q.parseService(labels[:i+1], low[i+1:])
		}
	}
	return q, errName
}

// longestSuffix returns the longest of domains that name equals or ends
// in (at a label boundary), or "".
func longestSuffix(name string, domains ...string) string {
	best := ""
	for _, d := range domains {
		if d == "" || len(d) <= len(best) {
			continue
		}
		if name == d || (strings.HasSuffix(name, d) && name[len(name)-len(d)-1] == '.') {
			best = d
		}
	}
	return best
}

// parseService reads [<tag>.]<service> or _<service>._<tag|tcp>.
func (q *query) parseService(parts, suffix []string) error {
	switch {
	case len(parts) == 2 && strings.HasPrefix(parts[0], "_") && strings.HasPrefix(parts[1], "_"):
		q.name, q.tag = parts[0][1:], parts[1][1:]
		if asciiLower(q.tag) == "tcp" { // _tcp means any instance; _udp is a tag like any other
			q.tag = ""
		}
	case len(parts) == 2:
		q.tag, q.name = parts[0], parts[1]
	case len(parts) == 1:
		q.name = parts[0]
	default:
		return errName
	}
	if q.name == "" {
		return errName
	}
	return q.parseTenancy(suffix)
}

func (q *query) parseNode(parts, suffix []string) error {
	if len(parts) != 1 || parts[0] == "" {
		return errName
	}
	q.name = parts[0]
	return q.parseTenancy(suffix)
}

// parsePreparedQuery reads <name> (dots allowed) or _<name>._<proto>.
func (q *query) parsePreparedQuery(parts, suffix []string) error {
	n := len(parts)
	switch {
	case n == 0:
		return errName
	case n >= 2 && strings.HasPrefix(parts[0], "_") && strings.HasPrefix(parts[n-1], "_"):
		q.name = strings.Join(parts[:n-1], ".")[1:]
	default:
		q.name = strings.Join(parts, ".")
	}
	if q.name == "" {
		return errName
	}
	return q.parseTenancy(suffix)
}

// parseTenancy reads what follows the type label: nothing, <dc>, or
// <value>.<key> pairs (dc, cluster, ns, ap). Namespaces and partitions
// other than "default", peers and sameness groups are Enterprise or
// peering features: name errors here, as in Consul CE.
func (q *query) parseTenancy(s []string) error {
	switch len(s) {
	case 0:
		return nil
	case 1:
		q.dc = s[0]
		return nil
	case 2, 4, 6:
	default:
		return errName
	}
	for i := 0; i < len(s); i += 2 {
		v := s[i]
		switch s[i+1] {
		case "dc", "cluster":
			q.dc = v
		case "ns", "ap":
			if v != "default" {
				return errName
			}
		default:
			if len(s) != 2 || v != "default" { // <namespace>.<datacenter>
				return errName
			}
			q.dc = s[1]
		}
	}
	return nil
}

// parseAddr reads the hex-encoded address of an addr lookup.
func (q *query) parseAddr(h string) error {
	if len(h) != 8 && len(h) != 32 {
		return errName
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return errName
	}
	q.addr, _ = netip.AddrFromSlice(b)
	return nil
}

// reverseAddr reads the address of a reverse name (lower-case, fully
// qualified): four decimal labels under in-addr.arpa, or 32 nibbles under
// ip6.arpa.
func reverseAddr(name string) (netip.Addr, bool) {
	if rest, ok := strings.CutSuffix(name, ".in-addr.arpa."); ok {
		l := strings.Split(rest, ".")
		if len(l) != 4 {
			return netip.Addr{}, false
		}
		var b [4]byte
		for i, s := range l {
			n, err := strconv.ParseUint(s, 10, 8)
			if err != nil || (len(s) > 1 && s[0] == '0') {
				return netip.Addr{}, false
			}
			b[3-i] = byte(n)
		}
		return netip.AddrFrom4(b), true
	}
	if rest, ok := strings.CutSuffix(name, ".ip6.arpa."); ok {
		l := strings.Split(rest, ".")
		if len(l) != 32 {
			return netip.Addr{}, false
		}
		var b [16]byte
		for i, s := range l {
			if len(s) != 1 {
				return netip.Addr{}, false
			}
			n, err := strconv.ParseUint(s, 16, 8)
			if err != nil {
				return netip.Addr{}, false
			}
			j := 31 - i
			b[j/2] |= byte(n) << (4 * (1 - j%2))
		}
		return netip.AddrFrom16(b), true
	}
	return netip.Addr{}, false
}
