package dns

import (
	"context"
	"fmt"
	"slices"
	"testing"

	mdns "github.com/miekg/dns"
)

// TestFit checks every fitted response of a large service against the
// rules: it packs within the limit, it holds as many instances as fit
// (one more would not), additional records belong to kept answers only,
// TC is set exactly when answers were cut on UDP with enable_truncate,
// and TCP is never truncated.
func TestFit(t *testing.T) {
	src := newFakeSource(bigCatalog(t, "big", 1500))
	type variant struct {
		name     string
		tr       transport
		edns     int
		compress bool
		truncate bool
		aLimit   int
	}
	var variants []variant
	for _, tr := range []transport{udp, tcp} {
		for _, e := range []int{0, 512, 1232, 4096, 65000} {
			if tr == tcp && e > 0 && e != 1232 {
				continue
			}
			for _, c := range []bool{true, false} {
				for _, tc := range []bool{true, false} {
					for _, al := range []int{0, 7} {
						variants = append(variants, variant{
							name: fmt.Sprintf("%s/edns=%d/compress=%t/truncate=%t/alimit=%d", tr, e, c, tc, al),
							tr:   tr, edns: e, compress: c, truncate: tc, aLimit: al,
						})
					}
				}
			}
		}
	}
	for _, v := range variants {
		cfg := Defaults()
		cfg.DisableCompression, cfg.EnableTruncate, cfg.ARecordLimit = !v.compress, v.truncate, v.aLimit
		h := testHandler(t, cfg, src)
		for _, qtype := range []uint16{mdns.TypeA, mdns.TypeSRV} {
			t.Run(v.name+"/"+mdns.TypeToString[qtype], func(t *testing.T) {
				req := new(mdns.Msg)
				req.SetQuestion("big.service.consul.", qtype)
				if v.edns > 0 {
					req.SetEdns0(uint16(v.edns), false)
				}
				for seed := range uint64(3) {
					checkFit(t, h, req, v.tr, seed)
				}
			})
		}
	}
}

func checkFit(t *testing.T, h *handler, req *mdns.Msg, tr transport, seed uint64) {
	t.Helper()
	resp, wire, _ := ask(t, h, req, tr, seed)
	l := limitsFor(req, tr, h.cfg)
	if len(wire) > l.size {
		t.Fatalf("seed %d: %d bytes, limit %d", seed, len(wire), l.size)
	}
	qtype := req.Question[0].Qtype
	candidates := 1500
	if qtype != mdns.TypeSRV && h.cfg.aLimit > 0 {
		candidates = h.cfg.aLimit
	}
	cut := len(resp.Answer) < candidates
	if want := cut && tr == udp && h.cfg.truncate; resp.Truncated != want {
		t.Fatalf("seed %d: %d of %d answers, tc %t, want %t", seed, len(resp.Answer), candidates, resp.Truncated, want)
	}
	if tr == udp && req.IsEdns0() == nil && len(resp.Answer) > h.cfg.udpAnswers {
		t.Fatalf("seed %d: %d answers over UDP without EDNS, limit %d", seed, len(resp.Answer), h.cfg.udpAnswers)
	}
	if len(resp.Answer) == 0 {
		t.Fatalf("seed %d: no answers", seed)
	}
	// Additional records: exactly the SRV targets' addresses (plus OPT).
	var targets, owners []string
	for _, rr := range resp.Answer {
		if srv, ok := rr.(*mdns.SRV); ok {
			targets = append(targets, srv.Target)
		}
	}
	for _, rr := range resp.Extra {
		if rr.Header().Rrtype != mdns.TypeOPT {
			owners = append(owners, rr.Header().Name)
		}
	}
	slices.Sort(targets)
	slices.Sort(owners)
	if !slices.Equal(targets, owners) {
		t.Fatalf("seed %d: additional owners %v, SRV targets %v", seed, owners, targets)
	}
	if !cut || (tr == udp && req.IsEdns0() == nil && len(resp.Answer) == h.cfg.udpAnswers) {
		return
	}
	// One more instance must not fit: replay the sample with the seed.
	r := h.ans.answer(context.Background(), req, fixtureNow)
	if o := edns(req); o != nil {
		r.msg.Extra = append(r.msg.Extra, o)
	}
	o := newOrder(r.groups, min(len(r.groups), candidates), r.shuffle, testRand(seed))
	newAssembler(r.msg, r.shared).set(o.upto(len(resp.Answer)+1), 0)
	if n := r.msg.Len(); n <= l.size {
		t.Fatalf("seed %d: %d answers in %d bytes, but %d fit in %d (limit %d)", seed, len(resp.Answer), len(wire), len(resp.Answer)+1, n, l.size)
	}
}

// TestFitMixedCase: a question in other case than the answers' owner
// name costs the first answer its compression.
func TestFitMixedCase(t *testing.T) {
	cfg := Defaults()
	cfg.EnableTruncate = true
	h := testHandler(t, cfg, newFakeSource(bigCatalog(t, "big", 1500)))
	for _, qtype := range []uint16{mdns.TypeA, mdns.TypeSRV} {
		for _, size := range []int{0, 1232, 4096} {
			for _, tr := range []transport{udp, tcp} {
				req := new(mdns.Msg)
				req.SetQuestion("BIG.Service.Consul.", qtype)
				if size > 0 {
					req.SetEdns0(uint16(size), false)
				}
				checkFit(t, h, req, tr, 1)
			}
		}
	}
}

// TestFitTCPSample: over TCP a service too large for one message is
// sampled at random, never truncated, and the sample is reproducible.
func TestFitTCPSample(t *testing.T) {
	h := testHandler(t, Defaults(), newFakeSource(bigCatalog(t, "huge", 4000)))
	req := new(mdns.Msg)
	req.SetQuestion("huge.service.consul.", mdns.TypeSRV)
	resp, wire, _ := ask(t, h, req, tcp, 7)
	if resp.Truncated || len(wire) > maxTCPSize {
		t.Fatalf("tc %t, %d bytes", resp.Truncated, len(wire))
	}
	n := len(resp.Answer)
	if n < 500 || n >= 4000 {
		t.Fatalf("%d answers: want a sample filling the message", n)
	}
	seen := map[string]bool{}
	for _, rr := range resp.Answer {
		target := rr.(*mdns.SRV).Target
		if seen[target] {
			t.Fatalf("%s answered twice", target)
		}
		seen[target] = true
	}
	again, _, _ := ask(t, h, req, tcp, 7)
	if render(again) != render(resp) {
		t.Fatal("the same seed gave another sample")
	}
	other, _, _ := ask(t, h, req, tcp, 8)
	if render(other) == render(resp) {
		t.Fatal("another seed gave the same sample")
	}
}

// TestShuffle: every healthy instance comes first about as often.
func TestShuffle(t *testing.T) {
	h := testHandler(t, Defaults(), newFakeSource(bigCatalog(t, "s", 5)))
	req := new(mdns.Msg)
	req.SetQuestion("s.service.consul.", mdns.TypeA)
	first := map[string]int{}
	const runs = 5000
	for seed := range uint64(runs) {
		resp, _, _ := ask(t, h, req, udp, seed)
		first[resp.Answer[0].(*mdns.A).A.String()]++
	}
	if len(first) != 5 {
		t.Fatalf("first answers: %v", first)
	}
	for ip, n := range first {
		if n < runs/5*8/10 || n > runs/5*12/10 {
			t.Errorf("%s first %d times of %d", ip, n, runs)
		}
	}
}

// TestMemo: the answer set of a service version is built once, then
// every query reuses it.
func TestMemo(t *testing.T) {
	src := newFakeSource(fixture(t))
	h := testHandler(t, Defaults(), src)
	req := new(mdns.Msg)
	req.SetQuestion("web.service.consul.", mdns.TypeSRV)
	a := h.ans.answer(context.Background(), req, fixtureNow)
	b := h.ans.answer(context.Background(), req, fixtureNow)
	if len(a.groups) == 0 || &a.groups[0] != &b.groups[0] {
		t.Fatal("the second query rebuilt the answer set")
	}
	other := testHandler(t, Defaults(), src)
	if c := other.ans.answer(context.Background(), req, fixtureNow); &c.groups[0] == &a.groups[0] {
		t.Fatal("another configuration shared the answer set")
	}
}

func TestSample(t *testing.T) {
	gs := make([]*group, 100)
	for i := range gs {
		gs[i] = &group{size: i}
	}
	for _, want := range []int{0, 1, 3, 24, 25, 99, 100} {
		for seed := range uint64(20) {
			got := sample(gs, want, testRand(seed))
			if len(got) != want {
				t.Fatalf("sample(%d) returned %d", want, len(got))
			}
			seen := map[*group]bool{}
			for _, g := range got {
				if seen[g] {
					t.Fatalf("sample(%d, seed %d) repeats %d", want, seed, g.size)
				}
				seen[g] = true
			}
		}
	}
}
