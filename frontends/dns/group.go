package dns

import (
	"strings"

	mdns "github.com/miekg/dns"
)

// group is what one result (a service instance, a server, a node)
// contributes to a response. Groups are kept or dropped whole, so an
// answer never loses the additional records it needs.
type group struct {
	answer []mdns.RR
	ns     []mdns.RR
	extra  []mdns.RR // needed by answer: the address of an SRV target
	meta   []mdns.RR // optional: node metadata TXT, dropped first, without TC

	size      int // uncompressed wire length of answer, ns and extra
	csize     int // the same compressed, after the owner name
	metaCsize int // meta's compressed wire length, after the rest

	// Names can only point at names in the first 16 KiB of a message.
	alen int // compressed length of the answer records
	tpos int // where the SRV target starts in them; -1: no SRV
	far  int // what extra and meta cost more when the target starts past 16 KiB
}

// maxPointer is the first offset a compression pointer cannot reach.
const maxPointer = 1 << 14

// newGroup measures the records of a group. It returns nil if one does
// not pack (a catalog name that is not a valid DNS name): such a result
// is left out, as Consul leaves out invalid names.
//
// The compressed lengths are what the group adds to a response whose
// question is owner. SRV targets are never compressed (RFC 2782) and the
// other names point at the question or at the group's own names, so
// they are exact as long as those lie in the first 16 KiB of the
// message; fitPack checks.
func newGroup(owner string, answer, ns, extra, meta []mdns.RR) *group {
	g := &group{answer: answer, ns: ns, extra: extra, meta: meta, tpos: -1}
	buf := make([]byte, 1024)
	cmap := map[string]int{}
	// Seed the compression map with the owner name, as the question
	// section of the response will.
	start, err := mdns.PackRR(&mdns.ANY{Hdr: header(owner, mdns.TypeANY, 0)}, buf, 0, cmap, true)
	if err != nil {
		return nil
	}
	off := start
	for i, sec := range [][]mdns.RR{answer, ns, extra, meta} {
		switch i {
		case 1:
			g.alen = off - start
		case 3:
			g.csize = off - start
		}
		for _, rr := range sec {
			n := mdns.Len(rr)
			if i < 3 {
				g.size += n
			}
			for len(buf) < off+n+1 {
				buf = append(buf, make([]byte, len(buf))...)
			}
			if off, err = mdns.PackRR(rr, buf, off, cmap, true); err != nil {
				return nil
			}
			if srv, ok := rr.(*mdns.SRV); ok && i == 0 {
				// The target ends the record, written out (RFC 2782).
				g.tpos = off - start - (len(srv.Target) + 1)
				g.far = farCost(srv.Target, extra, meta)
			}
		}
	}
	g.metaCsize = off - start - g.csize
	return g
}

// farCost is what the records of extra and meta owned by target cost
// more when they cannot point at it: its first label, written out.
func farCost(target string, extra, meta []mdns.RR) int {
	label, _, _ := strings.Cut(target, ".")
	n := 0
	for _, rrs := range [][]mdns.RR{extra, meta} {
		for _, rr := range rrs {
			if rr.Header().Name == target {
				n += 1 + len(label)
			}
		}
	}
	return n
}
