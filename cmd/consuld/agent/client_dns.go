package agent

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	actorcat "github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/frontends/dns"
)

// A client agent's DNS interface answers from servers: service health and
// the catalog's nodes and services are read over the server RPC port and
// kept for a second (as Consul's agent cache does for DNS with use_cache),
// so a burst of queries costs one request per service.

const clientDNSCache = time.Second

type remoteDNS struct {
	r  *rpcClient
	dc string

	mu     sync.Mutex
	health map[string]cachedHealth
	view   *remoteCatalogView
	viewAt time.Time
}

type cachedHealth struct {
	h  *actorcat.Health
	at time.Time
}

func newRemoteDNS(r *rpcClient, dc string) *remoteDNS {
	return &remoteDNS{r: r, dc: strings.ToLower(dc), health: map[string]cachedHealth{}}
}

func (s *remoteDNS) Datacenter() string { return s.dc }

// wire shapes of the health and catalog answers (the fields DNS uses).
type (
	nodeWire struct {
		ID, Node, Address, Datacenter string
		TaggedAddresses, Meta         map[string]string
	}
	serviceWire struct {
		ID, Service, Address string
		Tags                 []string
		Meta                 map[string]string
		Port                 int32
		Weights              struct{ Passing, Warning int32 }
	}
	checkWire struct {
		Node, CheckID, Name, Status, Output, ServiceID, ServiceName string
	}
)

func (n nodeWire) event() *events.Node {
	return &events.Node{Id: n.ID, Node: n.Node, Address: n.Address, Datacenter: n.Datacenter, TaggedAddresses: n.TaggedAddresses, Meta: n.Meta}
}

func (v serviceWire) event(node string) *events.Service {
	return &events.Service{Node: node, Id: v.ID, Service: v.Service, Address: v.Address, Tags: v.Tags, Meta: v.Meta, Port: v.Port,
		Weights: &events.ServiceWeights{Passing: v.Weights.Passing, Warning: v.Weights.Warning}}
}

func staleQuery(stale bool) string {
	if stale {
		return "?stale"
	}
	return ""
}

func (s *remoteDNS) Health(ctx context.Context, name string, stale bool) (*actorcat.Health, error) {
	s.mu.Lock()
	if c, ok := s.health[name]; ok && time.Since(c.at) < clientDNSCache {
		s.mu.Unlock()
		return c.h, nil
	}
	s.mu.Unlock()
	var entries []struct {
		Node    nodeWire
		Service serviceWire
		Checks  []checkWire
	}
	resp, err := s.r.do(ctx, "GET", "/v1/health/service/"+url.PathEscape(name)+staleQuery(stale), nil, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := decodeOK(resp, &entries); err != nil {
		return nil, err
	}
	idx, _ := strconv.ParseUint(resp.Header.Get("X-Consul-Index"), 10, 64)
	h := &actorcat.Health{Name: name, Index: idx}
	for _, e := range entries {
		en := actorcat.Entry{Node: e.Node.event(), Service: e.Service.event(e.Node.Node), Status: actorcat.Passing}
		for _, c := range e.Checks {
			en.Checks = append(en.Checks, &events.Check{Node: c.Node, CheckId: c.CheckID, Name: c.Name, Status: c.Status, Output: c.Output,
				ServiceId: c.ServiceID, ServiceName: c.ServiceName})
			en.Status = worseStatus(en.Status, c.Status)
		}
		h.Entries = append(h.Entries, en)
	}
	s.mu.Lock()
	if len(s.health) > 4096 {
		clear(s.health) // bounded: names come from queries
	}
	s.health[name] = cachedHealth{h: h, at: time.Now()}
	s.mu.Unlock()
	return h, nil
}

// worseStatus is the worse of two check statuses (anything unknown counts
// as critical).
func worseStatus(a, b string) string {
	rank := map[string]int{actorcat.Passing: 0, actorcat.Warning: 1}
	ra, ok := rank[a]
	if !ok {
		ra = 2
	}
	rb, ok := rank[b]
	if !ok {
		rb = 2
	}
	switch {
	case rb <= ra:
		return a
	case rb == 1:
		return actorcat.Warning
	}
	return actorcat.Critical
}

func (s *remoteDNS) View(ctx context.Context, stale bool) (dns.Catalog, error) {
	s.mu.Lock()
	if s.view != nil && time.Since(s.viewAt) < clientDNSCache {
		v := s.view
		s.mu.Unlock()
		return v, nil
	}
	s.mu.Unlock()
	v := &remoteCatalogView{s: s, stale: stale, nodes: map[string]*events.Node{}}
	var nodes []nodeWire
	if err := s.r.getJSON(ctx, "/v1/catalog/nodes"+staleQuery(stale), &nodes); err != nil {
		return nil, err
	}
	for _, n := range nodes {
		v.nodes[n.Node] = n.event()
		v.order = append(v.order, n.Node)
	}
	var names map[string][]string
	if err := s.r.getJSON(ctx, "/v1/catalog/services"+staleQuery(stale), &names); err != nil {
		return nil, err
	}
	for n := range names {
		v.names = append(v.names, n)
	}
	s.mu.Lock()
	s.view, s.viewAt = v, time.Now()
	s.mu.Unlock()
	return v, nil
}

// remoteCatalogView is the catalog as a server answered it: nodes and
// service names at once, service instances on first use (reverse lookups
// of service addresses only).
type remoteCatalogView struct {
	s     *remoteDNS
	stale bool
	nodes map[string]*events.Node
	order []string
	names []string
}

func (v *remoteCatalogView) Node(name string) (*events.Node, bool) {
	n, ok := v.nodes[name]
	return n, ok
}

func (v *remoteCatalogView) Nodes(fn func(*events.Node) bool) {
	for _, name := range v.order {
		if !fn(v.nodes[name]) {
			return
		}
	}
}

func (v *remoteCatalogView) ServiceNames(fn func(string) bool) {
	for _, n := range v.names {
		if !fn(n) {
			return
		}
	}
}

func (v *remoteCatalogView) Services(fn func(*events.Service) bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, name := range v.names {
		h, err := v.s.Health(ctx, name, v.stale)
		if err != nil {
			return
		}
		for _, e := range h.Entries {
			if !fn(e.Service) {
				return
			}
		}
	}
}
