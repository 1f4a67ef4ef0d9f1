package dns

import (
	"math/rand/v2"
	"slices"

	mdns "github.com/miekg/dns"
)

// Size limits (RFC 1035, RFC 6891). A UDP payload cannot exceed 65507
// bytes over IPv4; a TCP message is at most 65535 bytes.
const (
	minUDPSize = 512
	maxUDPSize = 65507
	maxTCPSize = 65535
)

// limits bound one response on its transport.
type limits struct {
	size    int  // bytes
	answers int  // groups (UDP without EDNS: udp_answer_limit); <0: no limit
	setTC   bool // answers cut to fit set TC (UDP with enable_truncate)
}

func limitsFor(req *mdns.Msg, tr transport, s *settings) limits {
	if tr == tcp {
		return limits{size: maxTCPSize, answers: -1}
	}
	l := limits{size: minUDPSize, answers: s.udpAnswers, setTC: s.truncate}
	if opt := req.IsEdns0(); opt != nil {
		l.size = min(max(int(opt.UDPSize()), minUDPSize), maxUDPSize)
		l.answers = -1
	}
	return l
}

// fitPack fills r.msg with as many of r.groups as l allows, in random
// order when r.shuffle, and packs it. The result is at most l.size bytes
// (except that a UDP answer that cannot hold even one group is sent
// anyway when TC may not be set, as Consul does). Additional records
// only ever belong to groups that were kept; TC is set when answers were
// cut and l.setTC.
//
// The count comes from the groups' compressed lengths, so the usual
// query costs one pack; when the packed message turns out longer (names
// past the compression window, a question asked in other case), the
// metadata goes, then the count is searched for with packed lengths.
func fitPack(r *reply, l limits, rng *rand.Rand) ([]byte, error) {
	m := r.msg
	if len(r.groups) == 0 {
		out, err := m.Pack()
		if err == nil && len(out) > l.size {
			m.Truncate(l.size)
			out, err = m.Pack()
		}
		return out, err
	}
	k := len(r.groups)
	if r.capped > 0 {
		k = min(k, r.capped)
	}
	want := k
	if l.answers >= 0 {
		want = min(want, l.answers)
	}
	o := newOrder(r.groups, want, r.shuffle, rng)
	a := newAssembler(m, r.shared)
	base := m.Len()

	// aoff is where the next answer starts: after the header and the
	// question (SRV answers have no fixed records before them).
	qname := m.Question[0].Name
	n, est, aoff := 0, base, 12+len(qname)+1+4
	if qname != asciiLower(qname) {
		est += len(qname) - 1 // answers cannot point at a question in other case
	}
	for n < want {
		g := o.at(n)
		c := g.csize
		if g.tpos >= 0 && aoff+g.tpos >= maxPointer {
			c += g.far
		}
		if est+c > l.size {
			break
		}
		est += c
		aoff += g.alen
		n++
	}
	metas := 0
	for metas < n && est+o.at(metas).metaCsize <= l.size {
		est += o.at(metas).metaCsize
		metas++
	}
	forced := n == 0 && want > 0 && !l.setTC && l.size < maxTCPSize
	if forced {
		n = 1
	}
	pack := func(n, metas int) ([]byte, error) {
		a.set(o.upto(n), metas)
		m.Truncated = n < k && l.setTC
		return m.Pack()
	}
	out, err := pack(n, metas)
	if err != nil || len(out) <= l.size || forced {
		return out, err
	}
	if metas > 0 {
		if out, err = pack(n, 0); err != nil || len(out) <= l.size {
			return out, err
		}
	}
	if n = a.search(o, n, len(out), base, l.size); n == 0 && want > 0 && !l.setTC && l.size < maxTCPSize {
		n = 1
	}
	return pack(n, 0)
}

// search returns the largest count of groups that packs in size bytes,
// knowing that tooMany groups pack in tooLong bytes. Uncompressed lengths
// give a count that surely fits; from there it interpolates, then
// bisects, on packed lengths.
func (a *assembler) search(o *order, tooMany, tooLong, base, size int) int {
	fit, sum := 0, base
	for fit < tooMany-1 && sum+o.at(fit).size <= size {
		sum += o.at(fit).size
		fit++
	}
	fitLen := sum
	for probes := 0; fit+1 < tooMany; probes++ {
		k := fit + (tooMany-fit)/2
		if probes < 3 && tooLong > fitLen {
			k = fit + int(float64(tooMany-fit)*float64(size-fitLen)/float64(tooLong-fitLen))
			k = min(max(k, fit+1), tooMany-1)
		}
		a.set(o.upto(k), 0)
		if n := a.m.Len(); n <= size {
			fit, fitLen = k, n
		} else {
			tooMany, tooLong = k, n
		}
	}
	return fit
}

// order is the order groups are offered in: the given one, or a random
// one drawn lazily, as far as the fitter looks.
type order struct {
	gs   []*group
	done int        // gs[:done] are in their final order
	rng  *rand.Rand // nil: done is len(gs)
}

func newOrder(gs []*group, want int, shuffle bool, rng *rand.Rand) *order {
	switch {
	case !shuffle:
		return &order{gs: gs[:want], done: want}
	case want*4 < len(gs):
		return &order{gs: sample(gs, want, rng), done: want}
	}
	return &order{gs: slices.Clone(gs)[:want:len(gs)], rng: rng}
}

// upto returns the first k groups, drawing them if need be (partial
// Fisher-Yates).
func (o *order) upto(k int) []*group {
	all := o.gs[:cap(o.gs)]
	for ; o.done < k; o.done++ {
		j := o.done + o.rng.IntN(len(all)-o.done)
		all[o.done], all[j] = all[j], all[o.done]
	}
	return o.gs[:k]
}

func (o *order) at(i int) *group { return o.upto(i + 1)[i] }

// assembler fills a response with the records of chosen groups, on top
// of its fixed records.
type assembler struct {
	m     *mdns.Msg
	fixed [3]int
	seen  map[mdns.RR]struct{} // additional records added; nil when groups share none
}

func newAssembler(m *mdns.Msg, shared bool) *assembler {
	a := &assembler{m: m, fixed: [3]int{len(m.Answer), len(m.Ns), len(m.Extra)}}
	if shared {
		a.seen = map[mdns.RR]struct{}{}
	}
	return a
}

// set makes the response the fixed records plus those of gs, with the
// metadata of the first metas.
func (a *assembler) set(gs []*group, metas int) {
	m := a.m
	m.Answer, m.Ns, m.Extra = m.Answer[:a.fixed[0]], m.Ns[:a.fixed[1]], m.Extra[:a.fixed[2]]
	clear(a.seen)
	for _, g := range gs {
		m.Answer = append(m.Answer, g.answer...)
		m.Ns = append(m.Ns, g.ns...)
		m.Extra = a.add(m.Extra, g.extra)
	}
	for _, g := range gs[:metas] {
		m.Extra = a.add(m.Extra, g.meta)
	}
}

// add appends rrs to dst, leaving out records already added: groups of
// one node share its records, by identity.
func (a *assembler) add(dst, rrs []mdns.RR) []mdns.RR {
	if a.seen == nil {
		return append(dst, rrs...)
	}
	for _, rr := range rrs {
		if _, dup := a.seen[rr]; !dup {
			a.seen[rr] = struct{}{}
			dst = append(dst, rr)
		}
	}
	return dst
}

// sample returns want groups drawn at random, without replacement, in
// random order: a partial Fisher-Yates over a sparse permutation, which
// costs O(want) for few of many.
func sample(gs []*group, want int, rng *rand.Rand) []*group {
	n := len(gs)
	out := make([]*group, want)
	moved := make(map[int]int, want)
	at := func(i int) int {
		if v, ok := moved[i]; ok {
			return v
		}
		return i
	}
	for i := range want {
		j := i + rng.IntN(n-i)
		vi, vj := at(i), at(j)
		moved[j] = vi
		out[i] = gs[vj]
	}
	return out
}
