package dns

import (
	"context"
	"math"
	"net/netip"
	"strings"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/consuld/consuld/actors/catalog"
)

// instances is the answer set of one (service version, owner name,
// question type): built once per catalog version and shared by every
// query until the service changes.
type instances struct {
	found  bool     // some healthy instance matches the tag: the name exists
	groups []*group // one per distinct answer
	shared bool     // groups share additional records
	cnames []*group // host-name instances of A-like questions, used only when groups is empty
}

// service answers [<tag>.]<service>.service lookups and their RFC 2782
// forms: healthy instances only, shuffled per query.
func (a *answerer) service(ctx context.Context, req *mdns.Msg, q query, now time.Time) *reply {
	h, err := a.health(ctx, q.name)
	if err != nil {
		return a.servfail(req)
	}
	qtype := req.Question[0].Qtype
	owner := asciiLower(req.Question[0].Name)
	set := h.Memo(memoKey{cfg: a.cfg, owner: owner, qtype: qtype}, func() any {
		return a.instances(h, q, owner, qtype)
	}).(*instances)
	switch {
	case !set.found:
		// Consul: a service with no healthy instance (with the tag) does
		// not exist.
		return a.nxdomain(req, q.domain, now)
	case len(set.groups) > 0:
		r := &reply{msg: a.reply(req, mdns.RcodeSuccess), groups: set.groups, shuffle: true, shared: set.shared}
		if qtype != mdns.TypeSRV {
			r.capped = a.cfg.aLimit
		}
		return r
	case len(set.cnames) > 0:
		// Only host names: one of them, as Consul answers.
		return &reply{msg: a.reply(req, mdns.RcodeSuccess), groups: set.cnames, shuffle: true, capped: 1}
	}
	return a.nodata(req, q.domain, now)
}

// health returns the health view of service name. Catalog names are
// case-sensitive and DNS names are not: a name that matches nothing
// exactly is looked up case-insensitively.
func (a *answerer) health(ctx context.Context, name string) (*catalog.Health, error) {
	h, err := a.src.Health(ctx, name, a.cfg.stale)
	if err != nil || len(h.Entries) > 0 {
		return h, err
	}
	v, err := a.src.View(ctx, a.cfg.stale)
	if err != nil {
		return nil, err
	}
	other := ""
	v.ServiceNames(func(n string) bool {
		if n != name && strings.EqualFold(n, name) {
			other = n
			return false
		}
		return true
	})
	if other == "" {
		return h, nil
	}
	return a.src.Health(ctx, other, a.cfg.stale)
}

// instances builds the answer set of a service lookup.
func (a *answerer) instances(h *catalog.Health, q query, owner string, qtype uint16) *instances {
	set := &instances{}
	ttl := a.cfg.serviceTTL(q.name)
	suffix := "." + asciiLower(a.src.Datacenter()) + "." + q.domain
	type srvKey struct {
		node, addr string
		port       int32
	}
	seenSRV := map[srvKey]bool{}
	seenIP := map[netip.Addr]bool{}
	seenHost := map[string]bool{}
	shared := map[string][]mdns.RR{} // target or node name -> its records, shared by its groups
	once := func(key string, build func() []mdns.RR) []mdns.RR {
		if rrs, ok := shared[key]; ok {
			set.shared = set.shared || len(rrs) > 0
			return rrs
		}
		rrs := build()
		shared[key] = rrs
		return rrs
	}
	for i := range h.Entries {
		e := &h.Entries[i]
		if !e.Healthy(a.cfg.onlyPassing) || (q.tag != "" && !e.HasTag(q.tag)) {
			continue
		}
		set.found = true
		addr := e.Service.Address
		if addr == "" {
			addr = e.Node.Address
		}
		ip, isIP := parseIP(addr)
		nodeName := e.Node.Node + ".node" + suffix
		if qtype == mdns.TypeSRV {
			k := srvKey{e.Node.Node, addr, e.Service.Port}
			if seenSRV[k] {
				continue
			}
			seenSRV[k] = true
			target, metaOwner := mdns.Fqdn(addr), nodeName
			if !isIP && e.Service.Address != "" {
				metaOwner = owner // Consul names a host-name instance's TXT after the question
			}
			var glue []mdns.RR
			if isIP {
				target = nodeName
				if e.Service.Address != "" && e.Service.Address != e.Node.Address {
					target = hexAddr(ip) + ".addr" + suffix
				}
				glue = once(target, func() []mdns.RR { return []mdns.RR{addrRR(target, ip, ttl)} })
			}
			var meta []mdns.RR
			if a.cfg.nodeMetaTXT {
				meta = once("meta "+metaOwner, func() []mdns.RR { return metaTXT(metaOwner, e.Node.Meta, ttl) })
			}
			srv := srvRR(owner, ttl, weight(e), uint16(e.Service.Port), target)
			if g := newGroup(owner, []mdns.RR{srv}, nil, glue, meta); g != nil {
				set.groups = append(set.groups, g)
			}
			continue
		}
		if !isIP {
			if seenHost[addr] {
				continue
			}
			seenHost[addr] = true
			if g := newGroup(owner, []mdns.RR{cnameRR(owner, mdns.Fqdn(addr), ttl)}, nil, nil, nil); g != nil {
				set.cnames = append(set.cnames, g)
			}
			continue
		}
		if seenIP[ip] {
			continue
		}
		seenIP[ip] = true
		var g *group
		switch rr := addrRR(owner, ip, ttl); {
		case asked(qtype, ip):
			g = newGroup(owner, []mdns.RR{rr}, nil, nil, nil)
		case qtype == mdns.TypeTXT:
			// Consul answers a service's TXT question with no answer and
			// the instances' addresses as additional records.
			g = newGroup(owner, nil, nil, []mdns.RR{rr}, nil)
		}
		if g != nil {
			set.groups = append(set.groups, g)
		}
	}
	return set
}

// weight is the SRV weight of an instance: its service's weight for its
// status (Consul's default weights are 1 and 1).
func weight(e *catalog.Entry) uint16 {
	w := e.Service.GetWeights()
	if w == nil {
		return 1
	}
	v := w.Passing
	if e.Status == catalog.Warning {
		v = w.Warning
	}
	return uint16(min(max(v, 0), math.MaxUint16))
}
