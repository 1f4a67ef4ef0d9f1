package dns

import (
	"context"
	"strings"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/consuld/consuld/actors/catalog"
)

// consulService is the service every server registers; its healthy
// instances are the domain's name servers.
const consulService = "consul"

// maxNS is how many name servers an SOA or NS answer lists, as Consul.
const maxNS = 3

// answerer answers questions about the domains from a Source. It does no
// I/O of its own and keeps no state between questions: everything it
// derives from a catalog version is memoized on that version's Health.
type answerer struct {
	cfg *settings
	src Source
}

// answer builds the reply to req, which has exactly one question. now
// is the time of the SOA serial.
func (a *answerer) answer(ctx context.Context, req *mdns.Msg, now time.Time) *reply {
	qn := req.Question[0]
	q, err := parseName(qn.Name, qn.Qtype, a.cfg.zone)
	if q.kind == kindOutside {
		if len(a.cfg.recursors) == 0 {
			// No recursion: refused, like a name nobody serves (Consul).
			m := new(mdns.Msg)
			m.SetRcode(req, mdns.RcodeRefused)
			return &reply{msg: m}
		}
		return &reply{forward: true}
	}
	switch qn.Qtype {
	case mdns.TypeSOA, mdns.TypeNS:
		// Consul answers these for the domain whatever name they ask about.
		return a.apex(ctx, req, q.domain, now)
	case mdns.TypeAXFR, mdns.TypeIXFR:
		return &reply{msg: a.reply(req, mdns.RcodeNotImplemented)}
	}
	if err != nil {
		return a.nxdomain(req, q.domain, now)
	}
	switch q.kind {
	case kindAddr:
		return a.addr(req, q)
	case kindReverse:
		return a.reverse(ctx, req, q, now)
	case kindApex:
		return a.nxdomain(req, q.domain, now)
	}
	if q.dc != "" && !strings.EqualFold(q.dc, a.src.Datacenter()) {
		// Consul answers NXDOMAIN for a datacenter it has no path to.
		return a.nxdomain(req, q.domain, now)
	}
	switch q.kind {
	case kindNode:
		return a.node(ctx, req, q, now)
	case kindService:
		return a.service(ctx, req, q, now)
	}
	// kindQuery: prepared queries are not stored yet, and Consul answers
	// a query it does not know with NXDOMAIN.
	return a.nxdomain(req, q.domain, now)
}

// reply starts a response with rcode to req: the question echoed as
// asked, rd copied, aa set, ra set when there are recursors.
func (a *answerer) reply(req *mdns.Msg, rcode int) *mdns.Msg {
	m := new(mdns.Msg)
	m.SetRcode(req, rcode)
	m.Authoritative = true
	m.RecursionAvailable = len(a.cfg.recursors) > 0
	m.Compress = a.cfg.compress
	return m
}

// nxdomain says the name does not exist, with the domain's SOA in the
// authority section (RFC 2308).
func (a *answerer) nxdomain(req *mdns.Msg, domain string, now time.Time) *reply {
	m := a.reply(req, mdns.RcodeNameError)
	m.Ns = []mdns.RR{soaRR(domain, a.cfg.soa, now)}
	return &reply{msg: m}
}

// nodata says the name exists but has no records of the type asked.
func (a *answerer) nodata(req *mdns.Msg, domain string, now time.Time) *reply {
	m := a.reply(req, mdns.RcodeSuccess)
	m.Ns = []mdns.RR{soaRR(domain, a.cfg.soa, now)}
	return &reply{msg: m}
}

// servfail says the catalog could not be read. Like Consul's, it is not
// authoritative.
func (a *answerer) servfail(req *mdns.Msg) *reply {
	m := a.reply(req, mdns.RcodeServerFailure)
	m.Authoritative = false
	return &reply{msg: m}
}

// apex answers SOA and NS questions: the domain's SOA, and as name
// servers up to three healthy servers (the consul service's nodes), with
// their addresses as glue.
func (a *answerer) apex(ctx context.Context, req *mdns.Msg, domain string, now time.Time) *reply {
	qtype := req.Question[0].Qtype
	h, err := a.src.Health(ctx, consulService, a.cfg.stale)
	if err != nil {
		return a.servfail(req)
	}
	servers := h.Memo(memoKey{cfg: a.cfg, owner: domain, qtype: qtype}, func() any {
		return a.nameServers(h, domain, qtype)
	}).([]*group)
	m := a.reply(req, mdns.RcodeSuccess)
	if qtype == mdns.TypeSOA {
		m.Answer = []mdns.RR{soaRR(domain, a.cfg.soa, now)}
	} else if len(servers) == 0 {
		return a.nodata(req, domain, now)
	}
	return &reply{msg: m, groups: servers, shuffle: true, capped: maxNS}
}

// nameServers builds one group per healthy server: an NS record (in the
// answer for NS questions, the authority section for SOA) and its glue.
func (a *answerer) nameServers(h *catalog.Health, domain string, qtype uint16) []*group {
	ttl := a.cfg.serviceTTL(consulService)
	dc := asciiLower(a.src.Datacenter())
	var out []*group
	for i := range h.Entries {
		e := &h.Entries[i]
		ip, isIP := parseIP(e.Node.Address)
		if !e.Healthy(a.cfg.onlyPassing) || !isIP {
			continue
		}
		target := e.Node.Node + ".node." + dc + "." + domain
		ns := []mdns.RR{nsRR(domain, target, ttl)}
		glue := []mdns.RR{addrRR(target, ip, ttl)}
		var g *group
		if qtype == mdns.TypeNS {
			g = newGroup(domain, ns, nil, glue, nil)
		} else {
			g = newGroup(domain, nil, ns, glue, nil)
		}
		if g != nil {
			out = append(out, g)
		}
	}
	return out
}

// reply is a response before it is fitted to its transport: the fixed
// sections in msg, plus the groups the fitter may sample from.
type reply struct {
	msg     *mdns.Msg
	groups  []*group
	shuffle bool // pick groups in random order (service instances, servers)
	capped  int  // at most this many groups, by policy (a_record_limit); 0: no cap
	shared  bool // groups share additional records (instances on one node)
	forward bool // a name outside the domains: for the recursors
}

// memoKey names a derived answer set on a Health: per configuration,
// owner name (which carries the domain, datacenter and tag asked) and
// question type.
type memoKey struct {
	cfg   *settings
	owner string
	qtype uint16
}
