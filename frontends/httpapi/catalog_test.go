package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// fakeView is a catalog.View over plain slices, in insertion order.
type fakeView struct {
	nodes    []*events.Node
	services []*events.Service
	checks   []*events.Check
}

var _ catalog.View = (*fakeView)(nil)

func (v *fakeView) Applied() uint64                 { return 1 }
func (v *fakeView) NodesIndex() uint64              { return 1 }
func (v *fakeView) ServicesIndex() uint64           { return 1 }
func (v *fakeView) ChecksIndex() uint64             { return 1 }
func (v *fakeView) ServiceIndex(name string) uint64 { return 1 }
func (v *fakeView) NodeIndex(name string) uint64    { return 1 }

func (v *fakeView) Node(name string) (*events.Node, bool) {
	for _, n := range v.nodes {
		if n.Node == name {
			return n, true
		}
	}
	return nil, false
}

func each[T any](xs []T, keep func(T) bool, fn func(T) bool) {
	for _, x := range xs {
		if keep(x) && !fn(x) {
			return
		}
	}
}

func (v *fakeView) Nodes(fn func(*events.Node) bool) {
	each(v.nodes, func(*events.Node) bool { return true }, fn)
}
func (v *fakeView) NodeServices(node string, fn func(*events.Service) bool) {
	each(v.services, func(s *events.Service) bool { return s.Node == node }, fn)
}
func (v *fakeView) NodeChecks(node string, fn func(*events.Check) bool) {
	each(v.checks, func(c *events.Check) bool { return c.Node == node }, fn)
}
func (v *fakeView) Services(fn func(*events.Service) bool) {
	each(v.services, func(*events.Service) bool { return true }, fn)
}
func (v *fakeView) Checks(fn func(*events.Check) bool) {
	each(v.checks, func(*events.Check) bool { return true }, fn)
}
func (v *fakeView) Instances(name string, fn func(*events.Service) bool) {
	each(v.services, func(s *events.Service) bool { return s.Service == name }, fn)
}
func (v *fakeView) TouchedServices(uint64, func(string)) {}

func (v *fakeView) ServiceNames(fn func(string) bool) {
	var names []string
	for _, s := range v.services {
		if !slices.Contains(names, s.Service) {
			names = append(names, s.Service)
		}
	}
	each(names, func(string) bool { return true }, fn)
}

// testView: three nodes (prod, dev, no meta), web on each, db on n1.
func testView() *fakeView {
	svc := func(node, id, name string, port int32, tags ...string) *events.Service {
		return &events.Service{Node: node, Id: id, Service: name, Port: port, Tags: tags}
	}
	chk := func(node, id, status, svcID, svcName string) *events.Check {
		return &events.Check{Node: node, CheckId: id, Name: id, Status: status, ServiceId: svcID, ServiceName: svcName}
	}
	web1 := svc("n1", "web1", "web", 80, "v1", "primary")
	web1.Meta = map[string]string{"version": "1"}
	return &fakeView{
		nodes: []*events.Node{
			{Node: "n1", Address: "10.0.0.1", Datacenter: "dc1", Meta: map[string]string{"env": "prod", "rack": "a"},
				TaggedAddresses: map[string]string{"lan": "10.0.0.1"}},
			{Node: "n2", Address: "10.0.0.2", Datacenter: "dc1", Meta: map[string]string{"env": "dev"}},
			{Node: "n3", Address: "10.0.0.3", Datacenter: "dc1"},
		},
		services: []*events.Service{
			web1,
			svc("n2", "web2", "web", 81, "v2"),
			svc("n3", "web3", "web", 82, "v1"),
			svc("n1", "db1", "db", 5432, "primary"),
		},
		checks: []*events.Check{
			chk("n1", "serfHealth", "passing", "", ""),
			chk("n2", "serfHealth", "passing", "", ""),
			chk("n3", "serfHealth", "critical", "", ""),
			chk("n1", "service:web1", "passing", "web1", "web"),
			chk("n2", "service:web2", "warning", "web2", "web"),
			chk("n3", "service:web3", "passing", "web3", "web"),
			chk("n1", "service:db1", "critical", "db1", "db"),
		},
	}
}

// lq parses a raw query string into a listQuery, failing the test on error.
func lq(t *testing.T, raw string) listQuery {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	l, err := parseListQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// filterOnly is a raw query string with just ?filter=expr.
func filterOnly(expr string) string { return url.Values{"filter": {expr}}.Encode() }

func ids[T any](xs []T, id func(T) string) string {
	var out []string
	for _, x := range xs {
		out = append(out, id(x))
	}
	return strings.Join(out, ",")
}

func nodeID(n nodeJSON) string                 { return n.Node }
func catalogSvcID(s catalogServiceJSON) string { return s.ServiceID }
func entryID(e healthEntryJSON) string         { return e.Service.ID }
func checkID(c checkJSON) string               { return c.Node + "/" + c.CheckID }

func TestCatalogNodesAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ raw, want string }{
		{"", "n1,n2,n3"},
		{"node-meta=env:prod", "n1"},
		{"node-meta=env:prod&node-meta=rack:a", "n1"},
		{"node-meta=env:prod&node-meta=rack:b", ""},
		{"node-meta=env:staging", ""},
		{"near=_agent", "n1,n2,n3"},
		{filterOnly(`Meta.env == dev`), "n2"},
		{filterOnly(`Meta is empty`), "n3"},
		{filterOnly(`lan in TaggedAddresses`), "n1"},
		{filterOnly(`Address matches "\\.[23]$"`), "n2,n3"},
		{filterOnly(`Meta.env != prod`), "n2,n3"},
		{filterOnly(`Meta.env == prod`) + "&node-meta=env:dev", ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			out, err := catalogNodesAnswer(v, lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if out == nil {
				t.Fatal("nil list: JSON would be null, not []")
			}
			if got := ids(out, nodeID); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if _, err := catalogNodesAnswer(v, lq(t, filterOnly(`Nope == 1`))); err == nil {
		t.Fatal("unknown selector: no error")
	}
}

func TestCatalogServicesAnswer(t *testing.T) {
	v := testView()
	cases := []struct {
		raw  string
		want map[string][]string
	}{
		{"", map[string][]string{"web": {"v1", "primary", "v2"}, "db": {"primary"}}},
		{"node-meta=env:dev", map[string][]string{"web": {"v2"}}},
		{"node-meta=env:prod", map[string][]string{"web": {"v1", "primary"}, "db": {"primary"}}},
		{"node-meta=env:none", map[string][]string{}},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got := catalogServicesAnswer(v, lq(t, c.raw))
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, tags := range c.want {
				if !slices.Equal(got[k], tags) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestCatalogServiceAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ raw, want string }{
		{"", "web1,web2,web3"},
		{"tag=v1", "web1,web3"},
		{"node-meta=env:prod", "web1"},
		{"tag=v1&node-meta=env:dev", ""},
		{filterOnly(`ServicePort == 81`), "web2"},
		{filterOnly(`ServiceMeta.version == "1"`), "web1"},
		{filterOnly(`NodeMeta.env == prod`), "web1"},
		{filterOnly(`Node == n3`) + "&tag=v1", "web3"},
		{filterOnly(`Node == n3`) + "&tag=v2", ""}, // ?tag first, then ?filter
		{filterOnly(`ServiceName == web and v2 in ServiceTags`), "web2"},
		{filterOnly(`Address == "10.0.0.3" or ServiceID == web1`), "web1,web3"},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			out, err := catalogServiceAnswer(v, "web", lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out, catalogSvcID); got != c.want || out == nil {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if _, err := catalogServiceAnswer(v, "web", lq(t, filterOnly(`ServicePort == abc`))); err == nil {
		t.Fatal("bad number: no error")
	}
	// An expression that cannot be evaluated is no error when nothing is
	// left to evaluate it on, as in Consul.
	if out, err := catalogServiceAnswer(v, "nosuch", lq(t, filterOnly(`Nope == 1`))); err != nil || len(out) != 0 {
		t.Fatalf("empty service: %v %v", out, err)
	}
}

func TestCatalogNodeAnswer(t *testing.T) {
	v := testView()
	out, err := catalogNodeAnswer(v, "n1", lq(t, ""))
	if err != nil || out == nil || len(out.Services) != 2 || out.Node.Node != "n1" {
		t.Fatalf("%+v %v", out, err)
	}
	out, err = catalogNodeAnswer(v, "n1", lq(t, filterOnly(`Service == db`)))
	if err != nil || len(out.Services) != 1 || out.Services["db1"].Port != 5432 {
		t.Fatalf("filtered: %+v %v", out, err)
	}
	out, err = catalogNodeAnswer(v, "n1", lq(t, filterOnly(`primary in Tags and Port == 80`)))
	if err != nil || len(out.Services) != 1 || out.Services["web1"].ID != "web1" {
		t.Fatalf("filtered by tags: %+v %v", out, err)
	}
	out, err = catalogNodeAnswer(v, "n1", lq(t, filterOnly(`Service == nosuch`)))
	if err != nil || out == nil || len(out.Services) != 0 {
		t.Fatalf("all filtered out keeps the node: %+v %v", out, err)
	}
	if out, err = catalogNodeAnswer(v, "nosuch", lq(t, "")); err != nil || out != nil {
		t.Fatalf("unknown node: %+v %v", out, err)
	}
	if _, err = catalogNodeAnswer(v, "n1", lq(t, filterOnly(`Nope == 1`))); err == nil {
		t.Fatal("unknown selector: no error")
	}
}

func TestHealthServiceAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ raw, want string }{
		{"", "web1,web2,web3"},
		{"passing", "web1"}, // web2 warns, n3's serfHealth is critical
		{"node-meta=env:dev", "web2"},
		{"tag=v1", "web1,web3"},
		{filterOnly(`Node.Meta.env == prod`), "web1"},
		{filterOnly(`Service.Port == 82`), "web3"},
		{filterOnly(`Service.Port == 82`) + "&passing", ""},
		{filterOnly(`any Checks as c { c.Status == "warning" }`), "web2"},
		{filterOnly(`all Checks as c { c.Status == passing }`), "web1"},
		{filterOnly(`v1 in Service.Tags and Node.Node != n1`), "web3"},
		{filterOnly(`Node.Address == "10.0.0.2"`) + "&node-meta=env:prod", ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			out, err := healthServiceAnswer(catalog.ComputeHealth(v, "web"), lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out, entryID); got != c.want || out == nil {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if _, err := healthServiceAnswer(catalog.ComputeHealth(v, "web"), lq(t, filterOnly(`Checks.Nope == 1`))); err == nil {
		t.Fatal("bad selector: no error")
	}
}

func TestHealthChecksAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ raw, want string }{
		{"", "n1/service:web1,n2/service:web2,n3/service:web3"},
		{"node-meta=env:prod", "n1/service:web1"},
		{filterOnly(`Status == passing`), "n1/service:web1,n3/service:web3"},
		{filterOnly(`Status != passing`) + "&node-meta=env:dev", "n2/service:web2"},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			out, err := healthChecksAnswer(v, "web", lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out, checkID); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestHealthNodeAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ raw, want string }{
		{"", "n1/serfHealth,n1/service:web1,n1/service:db1"},
		{filterOnly(`ServiceName == db`), "n1/service:db1"},
		{filterOnly(`ServiceID is empty`), "n1/serfHealth"},
		{filterOnly(`Status == warning`), ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			out, err := healthNodeAnswer(v, "n1", lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out, checkID); got != c.want || out == nil {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestHealthStateAnswer(t *testing.T) {
	v := testView()
	cases := []struct{ state, raw, want string }{
		{"critical", "", "n3/serfHealth,n1/service:db1"},
		{"critical", "node-meta=env:prod", "n1/service:db1"},
		{"passing", "node-meta=env:dev", "n2/serfHealth"},
		{"any", filterOnly(`CheckID == serfHealth`), "n1/serfHealth,n2/serfHealth,n3/serfHealth"},
		{"any", filterOnly(`CheckID == serfHealth`) + "&node-meta=rack:a", "n1/serfHealth"},
		{"critical", filterOnly(`ServiceName == db`), "n1/service:db1"},
		{"warning", filterOnly(`Node == n1`), ""},
	}
	for _, c := range cases {
		t.Run(c.state+"?"+c.raw, func(t *testing.T) {
			out, err := healthStateAnswer(v, c.state, lq(t, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out, checkID); got != c.want || out == nil {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// A bad expression is a 400 with Consul's text before the catalog is read:
// the API here has no client at all.
func TestBadFilterIs400BeforeReading(t *testing.T) {
	e := New(nil, Options{Datacenter: "dc1"})
	bad := url.Values{"filter": {`Node ==`}}.Encode()
	for _, path := range []string{
		"/v1/catalog/nodes", "/v1/catalog/service/web", "/v1/catalog/node/n1",
		"/v1/health/service/web", "/v1/health/checks/web", "/v1/health/node/n1", "/v1/health/state/any",
	} {
		t.Run(path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?"+bad, nil))
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if body := rec.Body.String(); !strings.HasPrefix(body, errFilterPrefix+"1:8 (7): no match found") {
				t.Fatalf("body %q", body)
			}
		})
	}
}
