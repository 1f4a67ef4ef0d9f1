package dns

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
	fsmcatalog "github.com/consuld/consuld/fsm/catalog"
)

const testDC = "dc1"

// fixtureNow is the clock of answer tests: it is the SOA serial.
var fixtureNow = time.Unix(1700000000, 0)

// fakeSource serves a fixed catalog state. Health views are computed
// once per name, as the service actors publish them, so memoization
// works as in the agent.
type fakeSource struct {
	dc  string
	st  catalog.View
	err error

	mu     sync.Mutex
	health map[string]*catalog.Health
	reads  int // View and Health calls
}

func newFakeSource(st catalog.View) *fakeSource {
	return &fakeSource{dc: testDC, st: st, health: map[string]*catalog.Health{}}
}

func (f *fakeSource) Datacenter() string { return f.dc }

func (f *fakeSource) View(context.Context, bool) (Catalog, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return f.st, f.err
}

func (f *fakeSource) Health(_ context.Context, name string, _ bool) (*catalog.Health, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	h, ok := f.health[name]
	if !ok {
		h = catalog.ComputeHealth(f.st, name)
		f.health[name] = h
	}
	return h, nil
}

// registrar builds a catalog state one registration at a time.
type registrar struct {
	t   testing.TB
	st  *fsmcatalog.State
	idx uint64
}

func newRegistrar(t testing.TB) *registrar { return &registrar{t: t, st: fsmcatalog.Empty()} }

func (r *registrar) reg(ev *events.CatalogRegistered) {
	r.t.Helper()
	r.idx++
	txn := r.st.Txn()
	if o := txn.Apply(r.idx, ev); o != events.OutcomeApplied {
		r.t.Fatalf("registering %v: %v", ev, o)
	}
	r.st = txn.Commit()
}

func (r *registrar) node(name, addr string, meta map[string]string) {
	r.reg(&events.CatalogRegistered{Node: &events.Node{Node: name, Address: addr, Datacenter: testDC, Meta: meta}})
}

func (r *registrar) service(node string, s *events.Service, checks ...*events.Check) {
	r.reg(&events.CatalogRegistered{Node: &events.Node{Node: node}, Service: s, Checks: checks, SkipNodeUpdate: true})
}

func svcCheck(id, svcID, status string) *events.Check {
	return &events.Check{CheckId: id, Name: id, ServiceId: svcID, Status: status}
}

// fixture is the catalog of the answer tests (testdata/answers.txt
// describes it at the top).
func fixture(t testing.TB) *fsmcatalog.State {
	r := newRegistrar(t)
	r.node("node1", "10.0.0.1", map[string]string{"rack": "r1", "rfc1035-spf": "v=spf1 -all"})
	r.node("node2", "10.0.0.2", nil)
	r.node("node3", "10.0.0.3", nil)
	r.node("node4", "10.0.0.4", nil)
	r.node("node5", "10.0.0.5", nil)
	r.node("node6", "2001:db8::6", nil)
	r.node("nodeh", "nodeh.example.com", nil)
	r.node("server1", "10.0.0.10", nil)
	r.service("node1", &events.Service{Id: "web1", Service: "web", Tags: []string{"primary"}, Port: 8080})
	r.service("node2", &events.Service{Id: "web2", Service: "web", Tags: []string{"secondary"}, Address: "10.0.1.2", Port: 8080})
	r.service("node3", &events.Service{Id: "web3", Service: "web", Port: 8080}, svcCheck("web3-alive", "web3", catalog.Critical))
	r.service("node4", &events.Service{Id: "web4", Service: "web", Address: "10.0.0.4", Port: 9090,
		Weights: &events.ServiceWeights{Passing: 5, Warning: 2}}, svcCheck("web4-alive", "web4", catalog.Warning))
	r.service("node2", &events.Service{Id: "db1", Service: "db", Port: 5432})
	r.service("node2", &events.Service{Id: "db2", Service: "db", Port: 5433})
	r.service("node5", &events.Service{Id: "sick1", Service: "sick", Port: 80}, svcCheck("sick1-alive", "sick1", catalog.Critical))
	r.service("node6", &events.Service{Id: "v6", Service: "v6", Port: 80})
	r.service("nodeh", &events.Service{Id: "ext1", Service: "ext", Address: "api.example.com", Port: 443})
	r.service("server1", &events.Service{Id: "consul", Service: "consul", Port: 8300})
	for i := range 50 {
		node := fmt.Sprintf("big%02d", i)
		r.node(node, fmt.Sprintf("10.1.0.%d", i+1), nil)
		r.service(node, &events.Service{Id: "big", Service: "big", Port: 80})
	}
	return r.st
}

// bigCatalog registers n instances of service name on n nodes.
func bigCatalog(t testing.TB, name string, n int) *fsmcatalog.State {
	r := newRegistrar(t)
	for i := range n {
		node := fmt.Sprintf("%s-node-%04d", name, i)
		r.node(node, fmt.Sprintf("10.%d.%d.%d", 100+i/65536, i/256%256, i%256), nil)
		r.service(node, &events.Service{Id: name, Service: name, Port: 8080})
	}
	return r.st
}

// testHandler is the request path over src with cfg.
func testHandler(t testing.TB, cfg Config, src Source) *handler {
	t.Helper()
	s, err := cfg.settings()
	if err != nil {
		t.Fatal(err)
	}
	return newHandler(s, src)
}

func testRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// ask runs one question through h and returns the decoded response (nil
// when there is none) and the request forwarded, if any.
func ask(t testing.TB, h *handler, req *mdns.Msg, tr transport, seed uint64) (*mdns.Msg, []byte, *mdns.Msg) {
	t.Helper()
	wire, err := req.Pack()
	if err != nil {
		t.Fatal(err)
	}
	out, fwd := h.serve(context.Background(), wire, tr, testRand(seed), fixtureNow)
	if out == nil {
		return nil, nil, fwd
	}
	resp := new(mdns.Msg)
	if err := resp.Unpack(out); err != nil {
		t.Fatalf("response does not unpack: %v", err)
	}
	return resp, out, fwd
}
