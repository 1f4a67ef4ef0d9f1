package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/consul/api"
)

// fakeAgent speaks Consul's wire format for the catalog reads the catalog
// commands use (/v1/catalog/datacenters, nodes, services, service/:s,
// node/:n, with node-meta filtering) and for the agent endpoints the
// services and reload commands use (PUT /v1/agent/service/register,
// /v1/agent/service/deregister/:id, /v1/agent/reload). It checks the CLI's
// output, not the agent; the agent's endpoints are tested with the agent.
type fakeAgent struct {
	mu          sync.Mutex
	datacenters []string
	nodes       []*fakeNode // sorted by name, as Consul answers
	registered  map[string]*api.AgentServiceRegistration
	order       []string // registered IDs in arrival order
	rawBodies   []string // register request bodies as sent
	reloads     int
	reqs        []fakeRequest
	status      int    // when set, every request fails with this status
	body        string // and this body
}

type fakeNode struct {
	api.Node
	services []*api.AgentService
}

func newFakeAgent() *fakeAgent {
	return &fakeAgent{registered: map[string]*api.AgentServiceRegistration{}}
}

// seededCatalog is a three-node dc1 (and a dc2 further away):
//
//	db         no ID, no services
//	worker-01  consul; redis [primary v1]; web twice (web-1 [v1], web-2 [canary v1])
//	worker-02  postgresql [leader]; web [v1]; zookeeper
func seededCatalog() *fakeAgent {
	f := newFakeAgent()
	f.datacenters = []string{"dc1", "dc2"}
	svc := func(id, name string, tags ...string) *api.AgentService {
		return &api.AgentService{ID: id, Service: name, Tags: tags, Weights: api.AgentWeights{Passing: 1, Warning: 1}}
	}
	f.nodes = []*fakeNode{
		{Node: api.Node{Node: "db", Address: "10.0.0.9", Datacenter: "dc1"}},
		{
			Node: api.Node{
				ID: "1b662d97-8b5c-3cc2-0ac0-96f55ad423b5", Node: "worker-01", Address: "10.4.5.31", Datacenter: "dc1",
				TaggedAddresses: map[string]string{"wan": "10.4.5.31", "lan": "10.4.5.31"},
				Meta:            map[string]string{"rack": "r1", "consul-network-segment": ""},
			},
			services: []*api.AgentService{
				svc("consul", "consul"),
				svc("redis", "redis", "v1", "primary"),
				svc("web-1", "web", "v1"),
				svc("web-2", "web", "v1", "canary"),
			},
		},
		{
			Node: api.Node{
				ID: "d407a592-e93c-4d8e-8a6d-aba853d1e067", Node: "worker-02", Address: "10.4.4.158", Datacenter: "dc1",
				TaggedAddresses: map[string]string{"lan": "10.4.4.158", "wan": "10.4.4.158"},
				Meta:            map[string]string{"rack": "r2"},
			},
			services: []*api.AgentService{
				svc("postgresql", "postgresql", "leader"),
				svc("web", "web", "v1"),
				svc("zookeeper", "zookeeper"),
			},
		},
	}
	return f
}

func (f *fakeAgent) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeAgent) lastRequest() fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		return fakeRequest{}
	}
	return f.reqs[len(f.reqs)-1]
}

// registeredInOrder returns the registrations as the agent received them.
func (f *fakeAgent) registeredInOrder() []*api.AgentServiceRegistration {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*api.AgentServiceRegistration, len(f.order))
	for i, id := range f.order {
		out[i] = f.registered[id]
	}
	return out
}

func (f *fakeAgent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	f.reqs = append(f.reqs, fakeRequest{r.Method, r.URL.Path, q, r.Header.Get("X-Consul-Token")})
	if f.status != 0 {
		http.Error(w, f.body, f.status)
		return
	}
	path := r.URL.Path
	want := http.MethodGet
	if strings.HasPrefix(path, "/v1/agent/") {
		want = http.MethodPut
	}
	if r.Method != want {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	nodes := f.matching(q["node-meta"])
	switch {
	case path == "/v1/catalog/datacenters":
		writeJSON(w, orEmpty(f.datacenters))
	case path == "/v1/catalog/nodes":
		out := []*api.Node{}
		for _, n := range nodes {
			out = append(out, &n.Node)
		}
		writeJSON(w, out)
	case path == "/v1/catalog/services":
		out := map[string][]string{}
		for _, n := range nodes {
			for _, s := range n.services {
				for _, tag := range s.Tags {
					if !slices.Contains(out[s.Service], tag) {
						out[s.Service] = append(out[s.Service], tag)
					}
				}
				if out[s.Service] == nil {
					out[s.Service] = []string{}
				}
			}
		}
		writeJSON(w, out)
	case strings.HasPrefix(path, "/v1/catalog/service/"):
		name := strings.TrimPrefix(path, "/v1/catalog/service/")
		out := []*api.CatalogService{}
		for _, n := range nodes {
			for _, s := range n.services {
				if s.Service == name {
					out = append(out, &api.CatalogService{
						ID: n.ID, Node: n.Node.Node, Address: n.Address, Datacenter: n.Datacenter,
						TaggedAddresses: n.TaggedAddresses, NodeMeta: n.Meta,
						ServiceID: s.ID, ServiceName: s.Service, ServiceTags: s.Tags,
					})
				}
			}
		}
		writeJSON(w, out)
	case strings.HasPrefix(path, "/v1/catalog/node/"):
		name := strings.TrimPrefix(path, "/v1/catalog/node/")
		for _, n := range f.nodes {
			if n.Node.Node == name || n.ID == name && name != "" {
				services := map[string]*api.AgentService{}
				for _, s := range n.services {
					services[s.ID] = s
				}
				writeJSON(w, api.CatalogNode{Node: &n.Node, Services: services})
				return
			}
		}
		// Consul answers an unknown node with 200 and null.
		writeJSON(w, nil)
	case path == "/v1/agent/service/register":
		f.serveRegister(w, r)
	case strings.HasPrefix(path, "/v1/agent/service/deregister/"):
		id := strings.TrimPrefix(path, "/v1/agent/service/deregister/")
		if _, ok := f.registered[id]; !ok {
			http.Error(w, fmt.Sprintf("Unknown service ID %q. Ensure that the service ID is passed, not the service name.", id), http.StatusNotFound)
			return
		}
		delete(f.registered, id)
		f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
	case path == "/v1/agent/reload":
		f.reloads++
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeAgent) serveRegister(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.rawBodies = append(f.rawBodies, string(body))
	var reg api.AgentServiceRegistration
	if err := json.Unmarshal(body, &reg); err != nil {
		http.Error(w, "Request decode failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	if reg.Name == "" {
		http.Error(w, "Missing service name", http.StatusBadRequest)
		return
	}
	id := reg.ID
	if id == "" {
		id = reg.Name
	}
	if _, ok := f.registered[id]; !ok {
		f.order = append(f.order, id)
	}
	f.registered[id] = &reg
}

// matching applies node-meta filters ("key:value", all must hold).
func (f *fakeAgent) matching(filters []string) []*fakeNode {
	var out []*fakeNode
	for _, n := range f.nodes {
		ok := true
		for _, kv := range filters {
			k, v, _ := strings.Cut(kv, ":")
			if got, has := n.Meta[k]; !has || got != v {
				ok = false
			}
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// refusedAddr returns a loopback host:port nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	return addr
}

// sortedKeys is for readable failure messages.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
