package httpapi

import (
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"
)

// Wire values as the endpoints build them, to filter against.
var (
	wireNode = nodeJSON{ID: "4b2f", Node: "web-01", Address: "10.0.0.1", Datacenter: "dc1",
		TaggedAddresses: map[string]string{"lan": "10.0.0.1"}, Meta: map[string]string{"env": "prod", "rack": "r1"}}
	wireBareNode = nodeJSON{Node: "bare", Address: "10.0.0.9", Datacenter: "dc1"} // nil maps, as from events

	wireCatalogService = catalogServiceJSON{ID: "4b2f", Node: "web-01", Address: "10.0.0.1", Datacenter: "dc1",
		NodeMeta: map[string]string{"env": "prod"}, ServiceID: "web-1", ServiceName: "web",
		ServiceTags: []string{"v1", "primary"}, ServiceMeta: map[string]string{"version": "1.2"}, ServicePort: 8080,
		ServiceWeights: weightsJSON{1, 1}}

	wireHealthEntry = healthEntryJSON{Node: wireNode,
		Service: healthServiceJSON{ID: "web-1", Service: "web", Tags: []string{"v1"}, Port: 8080, Weights: weightsJSON{1, 1}},
		Checks: []checkJSON{{Node: "web-01", CheckID: "serfHealth", Status: "passing"},
			{Node: "web-01", CheckID: "service:web-1", Status: "critical", ServiceID: "web-1", ServiceName: "web"}}}

	wireCheck = checkJSON{Node: "web-01", CheckID: "service:web-1", Name: "web check", Status: "warning",
		ServiceID: "web-1", ServiceName: "web", ServiceTags: []string{"v1"}, Type: "ttl"}
)

func TestFilterMatchesWireStructs(t *testing.T) {
	cases := []struct {
		name  string
		datum any
		expr  string
		want  bool
	}{
		// /v1/catalog/nodes: ID, Node, Address, Datacenter, TaggedAddresses, Meta.
		{"node name", wireNode, `Node == "web-01"`, true},
		{"node name unquoted identifier", wireNode, `Datacenter == dc1`, true},
		{"node id", wireNode, `ID == "4b2f"`, true},
		{"node address regexp", wireNode, `Address matches "^10\\.0\\."`, true},
		{"node address mismatch", wireNode, `Address == "10.0.0.2"`, false},
		{"node meta value", wireNode, `Meta.env == "prod"`, true},
		{"node meta other value", wireNode, `Meta.env == "dev"`, false},
		{"node meta missing key equals", wireNode, `Meta.zone == "a"`, false},
		{"node meta missing key not equals", wireNode, `Meta.zone != "a"`, true},
		{"node meta has key", wireNode, `"rack" in Meta`, true},
		{"node tagged address key", wireNode, `lan in TaggedAddresses`, true},
		{"node nil meta is empty", wireBareNode, `Meta is empty`, true},
		{"node nil meta key", wireBareNode, `Meta.env == "prod"`, false},
		{"node and/or/not", wireNode, `(Meta.env == prod and not (Node == x)) or Address == y`, true},

		// /v1/catalog/service/:s: the flat catalog service fields.
		{"service name", wireCatalogService, `ServiceName == "web"`, true},
		{"service tag in", wireCatalogService, `"primary" in ServiceTags`, true},
		{"service tag not in", wireCatalogService, `"v2" not in ServiceTags`, true},
		{"service tags contains", wireCatalogService, `ServiceTags contains "v1"`, true},
		{"service port", wireCatalogService, `ServicePort == 8080`, true},
		{"service port quoted", wireCatalogService, `ServicePort == "8080"`, true},
		{"service meta", wireCatalogService, `ServiceMeta.version == "1.2"`, true},
		{"service node meta", wireCatalogService, `NodeMeta.env == "prod"`, true},
		{"service address empty", wireCatalogService, `ServiceAddress is empty`, true},
		{"service node and address", wireCatalogService, `Node == "web-01" and Address == "10.0.0.1"`, true},
		{"service weights", wireCatalogService, `ServiceWeights.Passing == 1`, true},

		// /v1/health/service/:s: nested Node.*, Service.*, Checks.
		{"entry node", wireHealthEntry, `Node.Node == "web-01"`, true},
		{"entry node meta", wireHealthEntry, `Node.Meta.env == "prod"`, true},
		{"entry service tags", wireHealthEntry, `v1 in Service.Tags`, true},
		{"entry service port", wireHealthEntry, `Service.Port == 8080`, true},
		{"entry any check critical", wireHealthEntry, `any Checks as c { c.Status == "critical" }`, true},
		{"entry all checks passing", wireHealthEntry, `all Checks as c { c.Status == "passing" }`, false},
		{"entry checks not empty", wireHealthEntry, `Checks is not empty`, true},
		{"entry check by json pointer", wireHealthEntry, `"/Checks/0/CheckID" == "serfHealth"`, true},

		// /v1/health/checks/:s, /v1/health/node/:n, /v1/health/state/:st.
		{"check status", wireCheck, `Status == "warning"`, true},
		{"check service name", wireCheck, `ServiceName == "web" and ServiceID == "web-1"`, true},
		{"check id regexp", wireCheck, `CheckID matches "^service:"`, true},
		{"check service tags", wireCheck, `v1 in ServiceTags`, true},
		{"check type", wireCheck, `Type != "ttl"`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := parseFilter(url.Values{"filter": {c.expr}})
			if err != nil || f == nil {
				t.Fatalf("compile %q: %v", c.expr, err)
			}
			got, err := f.match(c.datum)
			if err != nil {
				t.Fatalf("evaluate %q: %v", c.expr, err)
			}
			if got != c.want {
				t.Fatalf("%q on %T = %v, want %v", c.expr, c.datum, got, c.want)
			}
		})
	}
}

func TestFilterAbsentMatchesAll(t *testing.T) {
	for _, q := range []url.Values{{}, {"filter": {""}}} {
		f, err := parseFilter(q)
		if err != nil || f != nil {
			t.Fatalf("%v: filter %v, err %v", q, f, err)
		}
		if ok, err := f.match(wireNode); !ok || err != nil {
			t.Fatalf("nil filter: %v %v", ok, err)
		}
	}
}

func TestFilterCompileErrors(t *testing.T) {
	for _, expr := range []string{
		`Node ==`,                  // no value
		`foo`,                      // no operator
		`Address == 10.10.10.10`,   // an address must be quoted
		`Node == "a" and`,          // dangling operator
		`(Node == "a"`,             // unbalanced
		`Node == "web-01`,          // unterminated string
		`Node == web-01`,           // a hyphenated value must be quoted
		`"v1" in ServiceTags junk`, // trailing input
	} {
		t.Run(expr, func(t *testing.T) {
			f, err := parseFilter(url.Values{"filter": {expr}})
			var bad badRequest
			if f != nil || !errors.As(err, &bad) {
				t.Fatalf("got %v, %v; want a badRequest", f, err)
			}
			if !strings.HasPrefix(err.Error(), errFilterPrefix) || len(err.Error()) == len(errFilterPrefix) {
				t.Fatalf("text %q lacks Consul's prefix or the parser's detail", err)
			}
		})
	}
}

func TestFilterEvaluationErrors(t *testing.T) {
	cases := []struct {
		datum any
		expr  string
	}{
		{wireNode, `Nope == "x"`},                  // not a field of the answer
		{wireNode, `node == "web-01"`},             // selectors are case-sensitive
		{wireCatalogService, `ServicePort == abc`}, // not a number
		{wireCatalogService, `ServiceName matches "["`},
		{wireHealthEntry, `Service.Nope == 1`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			f, err := parseFilter(url.Values{"filter": {c.expr}})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			ok, err := f.match(c.datum)
			var bad badRequest
			if ok || !errors.As(err, &bad) {
				t.Fatalf("got %v, %v; want a badRequest", ok, err)
			}
		})
	}
}

func TestCollectorStopsOnError(t *testing.T) {
	f, err := parseFilter(url.Values{"filter": {`Nope == 1`}})
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector[nodeJSON](f)
	if c.add(wireNode) {
		t.Fatal("add kept walking after a failed evaluation")
	}
	if out, err := c.result(); out != nil || err == nil {
		t.Fatalf("result %v, %v", out, err)
	}

	c = newCollector[nodeJSON](nil)
	if out, err := c.result(); out == nil || len(out) != 0 || err != nil {
		t.Fatalf("empty result must be a non-nil empty list: %#v %v", out, err)
	}
	c.add(wireNode)
	c.add(wireBareNode)
	if out, _ := c.result(); len(out) != 2 {
		t.Fatalf("nil filter keeps everything: %d", len(out))
	}
}

func TestParseNodeMeta(t *testing.T) {
	cases := []struct {
		raw  string
		want map[string]string
	}{
		{"", nil},
		{"tag=x", nil},
		{"node-meta=env:prod", map[string]string{"env": "prod"}},
		{"node-meta=env:prod&node-meta=rack:r1", map[string]string{"env": "prod", "rack": "r1"}},
		{"node-meta=url:http://x:1", map[string]string{"url": "http://x:1"}}, // value after the first colon
		{"node-meta=flag", map[string]string{"flag": ""}},                    // no colon: empty value
		{"node-meta=flag:", map[string]string{"flag": ""}},
		{"node-meta=env:a&node-meta=env:b", map[string]string{"env": "b"}}, // last wins
		{"node-meta=env%3Aprod", map[string]string{"env": "prod"}},         // as the api client encodes it
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			q, err := url.ParseQuery(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			got := parseNodeMeta(q)
			if (got == nil) != (c.want == nil) || !maps.Equal(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestMatchNodeMeta(t *testing.T) {
	meta := map[string]string{"env": "prod", "rack": "r1", "empty": ""}
	cases := []struct {
		name string
		meta map[string]string
		want map[string]string
		ok   bool
	}{
		{"no filter", meta, nil, true},
		{"no filter nil meta", nil, nil, true},
		{"one match", meta, map[string]string{"env": "prod"}, true},
		{"all match", meta, map[string]string{"env": "prod", "rack": "r1"}, true},
		{"one of two differs", meta, map[string]string{"env": "prod", "rack": "r2"}, false},
		{"value differs", meta, map[string]string{"env": "dev"}, false},
		{"key missing", meta, map[string]string{"zone": "a"}, false},
		{"empty value needs the key", meta, map[string]string{"zone": ""}, false},
		{"empty value present", meta, map[string]string{"empty": ""}, true},
		{"nil meta", nil, map[string]string{"env": "prod"}, false},
		{"case-sensitive", meta, map[string]string{"Env": "prod"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matchNodeMeta(c.meta, c.want); got != c.ok {
				t.Fatalf("got %v, want %v", got, c.ok)
			}
		})
	}
}

func TestParseListQuery(t *testing.T) {
	q, _ := url.ParseQuery("tag=a&tag=b&passing&node-meta=env:prod&near=_agent&filter=Node%20%3D%3D%20x")
	lq, err := parseListQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	if !lq.passing || len(lq.tags) != 2 || lq.nodeMeta["env"] != "prod" || lq.filter == nil {
		t.Fatalf("%+v", lq)
	}
	q, _ = url.ParseQuery("filter=Node%20%3D%3D")
	if _, err := parseListQuery(q); err == nil || !strings.HasPrefix(err.Error(), errFilterPrefix) {
		t.Fatalf("bad filter: %v", err)
	}
}
