package dns

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"time"

	mdns "github.com/miekg/dns"
)

// transport is how a request arrived; it bounds the response's size.
type transport uint8

const (
	udp transport = iota
	tcp
)

func (t transport) String() string {
	if t == tcp {
		return "tcp"
	}
	return "udp"
}

// handler is the request path from wire bytes to wire bytes, without
// sockets: decode, validate, answer, fit, pack.
type handler struct {
	cfg *settings
	ans *answerer
	rec *recursor // nil without recursors
}

func newHandler(s *settings, src Source) *handler {
	h := &handler{cfg: s, ans: &answerer{cfg: s, src: src}}
	if len(s.recursors) > 0 {
		h.rec = &recursor{addrs: s.recursors, timeout: s.recursorTimeout, random: s.randomRecursors}
	}
	return h
}

// serve answers the request in wire. It returns the packed response, nil
// when nothing must be sent (not a query, or too short to answer), or,
// for a name outside the domains, the decoded request to forward (then
// the response is nil).
func (h *handler) serve(ctx context.Context, wire []byte, tr transport, rng *rand.Rand, now time.Time) ([]byte, *mdns.Msg) {
	const qr = 1 << 7 // in wire[2]
	if len(wire) < 12 || wire[2]&qr != 0 {
		return nil, nil // never answer a response: no loops, no amplification
	}
	req := new(mdns.Msg)
	if err := req.Unpack(wire); err != nil {
		return headerReply(wire, mdns.RcodeFormatError), nil
	}
	if req.Opcode != mdns.OpcodeQuery {
		m := h.ans.reply(req, mdns.RcodeNotImplemented)
		m.Authoritative = false
		return h.pack(m, req), nil
	}
	if len(req.Question) != 1 {
		return headerReply(wire, mdns.RcodeFormatError), nil
	}
	if rcode, ok := checkEDNS(req); !ok {
		m := h.ans.reply(req, rcode)
		m.Authoritative = false
		if rcode == mdns.RcodeBadVers {
			m.Extra = []mdns.RR{edns(req)}
			m.Extra[0].(*mdns.OPT).SetVersion(0)
		}
		return h.pack(m, req), nil
	}
	r := h.ans.answer(ctx, req, now)
	if r.forward {
		return nil, req
	}
	if o := edns(req); o != nil {
		r.msg.Extra = append(r.msg.Extra, o)
	}
	out, err := fitPack(r, limitsFor(req, tr, h.cfg), rng)
	if err != nil {
		return h.pack(h.ans.servfail(req).msg, req), nil
	}
	return out, nil
}

// forwarded packs the recursors' response to req, or SERVFAIL when none
// answered.
func (h *handler) forwarded(resp *mdns.Msg, err error, tr transport, req *mdns.Msg) []byte {
	if err != nil {
		resp = new(mdns.Msg)
		resp.SetRcode(req, mdns.RcodeServerFailure)
		resp.RecursionAvailable = true
		if o := edns(req); o != nil {
			resp.Extra = append(resp.Extra, o)
		}
	}
	resp.Compress = h.cfg.compress
	if l := limitsFor(req, tr, h.cfg); resp.Len() > l.size {
		resp.Truncate(l.size)
	}
	return h.pack(resp, req)
}

// pack packs m, a small response or one already fitted to its
// transport, falling back to a bare SERVFAIL if it cannot be packed.
func (h *handler) pack(m *mdns.Msg, req *mdns.Msg) []byte {
	out, err := m.Pack()
	if err != nil {
		f := new(mdns.Msg)
		f.SetRcode(req, mdns.RcodeServerFailure)
		if out, err = f.Pack(); err != nil {
			return nil
		}
	}
	return out
}

// checkEDNS validates req's OPT records (RFC 6891): at most one, owned
// by the root, version 0.
func checkEDNS(req *mdns.Msg) (rcode int, ok bool) {
	n := 0
	for _, rr := range req.Extra {
		if o, isOPT := rr.(*mdns.OPT); isOPT {
			n++
			if o.Hdr.Name != "." {
				return mdns.RcodeFormatError, false
			}
		}
	}
	switch {
	case n > 1:
		return mdns.RcodeFormatError, false
	case n == 1 && req.IsEdns0().Version() != 0:
		return mdns.RcodeBadVers, false
	}
	return 0, true
}

// headerReply answers a request that does not decode with just a header:
// its ID, opcode and rd bit, and rcode.
func headerReply(wire []byte, rcode int) []byte {
	out := make([]byte, 12)
	copy(out, wire[:2])
	flags := binary.BigEndian.Uint16(wire[2:])
	const (
		qrBit    = 1 << 15
		opMask   = 0xF << 11
		rdBit    = 1 << 8
		rcodeMsk = 0xF
	)
	binary.BigEndian.PutUint16(out[2:], qrBit|flags&(opMask|rdBit)|uint16(rcode)&rcodeMsk)
	return out
}

// edns is the OPT record answering req's, or nil if req has none: the
// same payload size and DO bit, and an ECS option echoed with scope 0
// (the answer does not depend on the client's subnet).
func edns(req *mdns.Msg) *mdns.OPT {
	ro := req.IsEdns0()
	if ro == nil {
		return nil
	}
	o := &mdns.OPT{Hdr: mdns.RR_Header{Name: ".", Rrtype: mdns.TypeOPT}}
	o.SetUDPSize(max(ro.UDPSize(), minUDPSize))
	o.SetDo(ro.Do())
	for _, opt := range ro.Option {
		if s, ok := opt.(*mdns.EDNS0_SUBNET); ok {
			c := *s
			c.SourceScope = 0
			o.Option = append(o.Option, &c)
		}
	}
	return o
}
