package dns

import (
	"context"
	"strings"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/consuld/consuld/events"
)

// node answers <node>.node lookups: the node's address whatever its
// health, and its metadata as TXT records.
func (a *answerer) node(ctx context.Context, req *mdns.Msg, q query, now time.Time) *reply {
	v, err := a.src.View(ctx, a.cfg.stale)
	if err != nil {
		return a.servfail(req)
	}
	n, ok := v.Node(q.name)
	if !ok {
		v.Nodes(func(c *events.Node) bool {
			if strings.EqualFold(c.Node, q.name) {
				n, ok = c, true
				return false
			}
			return true
		})
	}
	if !ok {
		return a.nxdomain(req, q.domain, now)
	}
	qtype := req.Question[0].Qtype
	owner := asciiLower(req.Question[0].Name)
	ttl := a.cfg.nodeTTL
	var answer, extra []mdns.RR
	if ip, isIP := parseIP(n.Address); isIP {
		switch rr := addrRR(owner, ip, ttl); {
		case asked(qtype, ip):
			answer = []mdns.RR{rr}
		case qtype == mdns.TypeSRV:
			// Consul answers a node's SRV question with port 0.
			target := n.Node + ".node." + asciiLower(a.src.Datacenter()) + "." + q.domain
			answer = []mdns.RR{srvRR(owner, ttl, 0, 0, target)}
			extra = []mdns.RR{addrRR(target, ip, ttl)}
		case qtype == mdns.TypeTXT:
			extra = []mdns.RR{rr}
		}
	} else if n.Address != "" {
		answer = []mdns.RR{cnameRR(owner, mdns.Fqdn(n.Address), ttl)}
	}
	txt := metaTXT(owner, n.Meta, ttl)
	txtAsked := qtype == mdns.TypeANY || qtype == mdns.TypeTXT
	var meta []mdns.RR
	if !txtAsked && a.cfg.nodeMetaTXT {
		meta = txt
	}
	r := &reply{msg: a.reply(req, mdns.RcodeSuccess)}
	if len(answer)+len(extra)+len(meta) > 0 {
		if g := newGroup(owner, answer, nil, extra, meta); g != nil {
			r.groups = append(r.groups, g)
		}
	}
	if txtAsked {
		// Metadata is the answer: each record may be cut on its own.
		for _, rr := range txt {
			if g := newGroup(owner, []mdns.RR{rr}, nil, nil, nil); g != nil {
				r.groups = append(r.groups, g)
			}
		}
	}
	if len(r.groups) == 0 {
		return a.nodata(req, q.domain, now)
	}
	return r
}

// addr answers <hexip>.addr lookups with the address itself: in the
// answer section for A (IPv4), AAAA (IPv6) and ANY, in the additional
// section for any other type, as Consul does.
func (a *answerer) addr(req *mdns.Msg, q query) *reply {
	m := a.reply(req, mdns.RcodeSuccess)
	rr := addrRR(asciiLower(req.Question[0].Name), q.addr, a.cfg.nodeTTL)
	if asked(req.Question[0].Qtype, q.addr) {
		m.Answer = []mdns.RR{rr}
	} else {
		m.Extra = []mdns.RR{rr}
	}
	return &reply{msg: m}
}

// reverse answers reverse lookups (any question type, as Consul): the
// first node with the address, else the first service instance with it
// as its own address, else NXDOMAIN. Consul gives PTR records TTL 0.
func (a *answerer) reverse(ctx context.Context, req *mdns.Msg, q query, now time.Time) *reply {
	v, err := a.src.View(ctx, a.cfg.stale)
	if err != nil {
		return a.servfail(req)
	}
	suffix := "." + asciiLower(a.src.Datacenter()) + "." + q.domain
	target := ""
	v.Nodes(func(n *events.Node) bool {
		if ip, ok := parseIP(n.Address); ok && ip == q.addr {
			target = n.Node + ".node" + suffix
		}
		return target == ""
	})
	if target == "" {
		v.Services(func(s *events.Service) bool {
			if ip, ok := parseIP(s.Address); ok && ip == q.addr {
				target = s.Service + ".service" + suffix
			}
			return target == ""
		})
	}
	if target == "" {
		return a.nxdomain(req, q.domain, now)
	}
	m := a.reply(req, mdns.RcodeSuccess)
	m.Answer = []mdns.RR{ptrRR(asciiLower(req.Question[0].Name), target, 0)}
	return &reply{msg: m}
}
