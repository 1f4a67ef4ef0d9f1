package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"
)

// TestFilterAndNodeMeta drives ?filter and ?node-meta on the catalog and
// health endpoints through the official client.
func TestFilterAndNodeMeta(t *testing.T) {
	a := startDev(t)
	c := a.client()

	reg := func(node, addr string, meta map[string]string, id, name string, port int, tags []string, status string) {
		t.Helper()
		_, err := c.Catalog().Register(&api.CatalogRegistration{Node: node, Address: addr, NodeMeta: meta,
			Service: &api.AgentService{ID: id, Service: name, Tags: tags, Port: port, Meta: map[string]string{"port": "p"}},
			Check:   &api.AgentCheck{CheckID: "service:" + id, Name: id + " check", Status: status, ServiceID: id}}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	prod := map[string]string{"env": "prod", "rack": "r1"}
	dev := map[string]string{"env": "dev"}
	reg("f-1", "127.0.8.1", prod, "web1", "web", 8080, []string{"v1", "primary"}, "passing")
	reg("f-1", "127.0.8.1", prod, "db1", "db", 5432, []string{"primary"}, "critical")
	reg("f-2", "127.0.8.2", dev, "web2", "web", 8081, []string{"v2"}, "warning")

	// /v1/catalog/nodes
	nodeNames := func(ns []*api.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Node)
		}
		return out
	}
	nodes, _, err := c.Catalog().Nodes(&api.QueryOptions{NodeMeta: map[string]string{"env": "prod"}})
	if err != nil || !slices.Equal(nodeNames(nodes), []string{"f-1"}) {
		t.Fatalf("nodes node-meta env:prod: %v %v", nodeNames(nodes), err)
	}
	nodes, _, err = c.Catalog().Nodes(&api.QueryOptions{NodeMeta: map[string]string{"env": "prod", "rack": "r2"}})
	if err != nil || len(nodes) != 0 {
		t.Fatalf("nodes node-meta env:prod,rack:r2: %v %v", nodeNames(nodes), err)
	}
	nodes, _, err = c.Catalog().Nodes(&api.QueryOptions{Filter: `Meta.env == "dev" or Address == "127.0.8.1"`})
	if err != nil || !slices.Equal(nodeNames(nodes), []string{"f-1", "f-2"}) {
		t.Fatalf("nodes filter: %v %v", nodeNames(nodes), err)
	}

	// /v1/catalog/services
	svcs, _, err := c.Catalog().Services(&api.QueryOptions{NodeMeta: map[string]string{"env": "dev"}})
	if err != nil || len(svcs) != 1 || !slices.Equal(svcs["web"], []string{"v2"}) {
		t.Fatalf("services node-meta env:dev: %v %v", svcs, err)
	}

	// /v1/catalog/service/:s
	inst, _, err := c.Catalog().Service("web", "", &api.QueryOptions{Filter: `ServicePort == 8081 and NodeMeta.env == dev`})
	if err != nil || len(inst) != 1 || inst[0].ServiceID != "web2" {
		t.Fatalf("service filter: %+v %v", inst, err)
	}
	inst, _, err = c.Catalog().Service("web", "v1", &api.QueryOptions{Filter: `Node == "f-2"`})
	if err != nil || len(inst) != 0 {
		t.Fatalf("service tag then filter: %+v %v", inst, err)
	}
	inst, _, err = c.Catalog().Service("web", "", &api.QueryOptions{NodeMeta: prod, Near: "_agent"})
	if err != nil || len(inst) != 1 || inst[0].ServiceID != "web1" {
		t.Fatalf("service node-meta (and near ignored): %+v %v", inst, err)
	}

	// /v1/catalog/node/:n
	node, _, err := c.Catalog().Node("f-1", &api.QueryOptions{Filter: `primary in Tags and Port == 5432`})
	if err != nil || node == nil || len(node.Services) != 1 || node.Services["db1"] == nil {
		t.Fatalf("node filter: %+v %v", node, err)
	}

	// /v1/health/service/:s
	entries, _, err := c.Health().Service("web", "", false, &api.QueryOptions{Filter: `Node.Meta.env == prod and v1 in Service.Tags`})
	if err != nil || len(entries) != 1 || entries[0].Service.ID != "web1" {
		t.Fatalf("health service filter: %+v %v", entries, err)
	}
	entries, _, err = c.Health().Service("web", "", false, &api.QueryOptions{Filter: `any Checks as ch { ch.Status == "warning" }`})
	if err != nil || len(entries) != 1 || entries[0].Service.ID != "web2" {
		t.Fatalf("health service filter on checks: %+v %v", entries, err)
	}
	entries, _, err = c.Health().Service("web", "", true, &api.QueryOptions{Filter: `Service.Port == 8081`})
	if err != nil || len(entries) != 0 {
		t.Fatalf("health service passing then filter: %+v %v", entries, err)
	}
	entries, _, err = c.Health().Service("web", "", false, &api.QueryOptions{NodeMeta: dev})
	if err != nil || len(entries) != 1 || entries[0].Node.Node != "f-2" {
		t.Fatalf("health service node-meta: %+v %v", entries, err)
	}

	// /v1/health/checks/:s, /v1/health/node/:n, /v1/health/state/:state
	checks, _, err := c.Health().Checks("web", &api.QueryOptions{Filter: `Status != passing`})
	if err != nil || len(checks) != 1 || checks[0].CheckID != "service:web2" {
		t.Fatalf("health checks filter: %+v %v", checks, err)
	}
	checks, _, err = c.Health().Node("f-1", &api.QueryOptions{Filter: `ServiceName == db`})
	if err != nil || len(checks) != 1 || checks[0].CheckID != "service:db1" {
		t.Fatalf("health node filter: %+v %v", checks, err)
	}
	checks, _, err = c.Health().State("any", &api.QueryOptions{NodeMeta: prod})
	if err != nil || len(checks) != 2 {
		t.Fatalf("health state node-meta: %+v %v", checks, err)
	}
	checks, _, err = c.Health().State("critical", &api.QueryOptions{Filter: `CheckID matches "^service:"`})
	if err != nil || len(checks) != 1 || checks[0].CheckID != "service:db1" {
		t.Fatalf("health state filter: %+v %v", checks, err)
	}

	// A bad expression is a 400 with Consul's text, on every endpoint.
	_, _, err = c.Catalog().Nodes(&api.QueryOptions{Filter: `Node ==`})
	if err == nil || !contains(err.Error(), "400") || !contains(err.Error(), "Failed to create boolean expression evaluator: ") {
		t.Fatalf("bad filter through the client: %v", err)
	}
	bad := "?" + url.Values{"filter": {`Address == 10.0.0.1`}}.Encode()
	for _, path := range []string{"/v1/catalog/nodes", "/v1/catalog/service/web", "/v1/catalog/node/f-1",
		"/v1/health/service/web", "/v1/health/checks/web", "/v1/health/node/f-1", "/v1/health/state/any"} {
		code, _, body := a.do(http.MethodGet, path+bad, nil)
		if code != http.StatusBadRequest || !strings.HasPrefix(body, "Failed to create boolean expression evaluator: ") {
			t.Fatalf("%s: %d %q", path, code, body)
		}
	}
	// A selector the answer does not have is a 400 too.
	code, _, body := a.do(http.MethodGet, "/v1/catalog/nodes?"+url.Values{"filter": {`Nope == 1`}}.Encode(), nil)
	if code != http.StatusBadRequest || !contains(body, "Nope") {
		t.Fatalf("unknown selector: %d %q", code, body)
	}
}
