package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// catalogCase is one run of a catalog command against a fake agent.
type catalogCase struct {
	name           string
	args           []string
	stdin          string
	setup          func(*fakeAgent) // changes the seeded fake before the run
	stdout, stderr string
	code           int
}

func runCatalogCases(t *testing.T, sub string, tests []catalogCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seededCatalog()
			if tt.setup != nil {
				tt.setup(f)
			}
			srv := f.serve(t)
			args := append([]string{"catalog", sub, "-http-addr=" + srv.URL}, tt.args...)
			check(t, runCLI(nil, tt.stdin, args...), tt.stdout, tt.stderr, tt.code)
		})
	}
}

func failWith(status int, body string) func(*fakeAgent) {
	return func(f *fakeAgent) { f.status, f.body = status, body }
}

func TestCatalogDatacenters(t *testing.T) {
	runCatalogCases(t, "datacenters", []catalogCase{
		{name: "one per line in the agent's order", stdout: "dc1\ndc2\n"},
		{name: "none prints nothing", setup: func(f *fakeAgent) { f.datacenters = nil }},
		{name: "too many arguments", args: []string{"dc1"}, stderr: "Too many arguments (expected 0, got 1)\n", code: 1},
		{name: "agent error", setup: failWith(500, "boom"),
			stderr: "Error listing datacenters: Unexpected response code: 500 (boom)\n", code: 1},
	})
}

func TestCatalogNodes(t *testing.T) {
	table := "Node       ID        Address     DC\n" +
		"db                   10.0.0.9    dc1\n" +
		"worker-01  1b662d97  10.4.5.31   dc1\n" +
		"worker-02  d407a592  10.4.4.158  dc1\n"
	detailed := "Node       ID                                    Address     DC   TaggedAddresses                 Meta\n" +
		"db                                               10.0.0.9    dc1                                  \n" +
		"worker-01  1b662d97-8b5c-3cc2-0ac0-96f55ad423b5  10.4.5.31   dc1  lan=10.4.5.31, wan=10.4.5.31    consul-network-segment=, rack=r1\n" +
		"worker-02  d407a592-e93c-4d8e-8a6d-aba853d1e067  10.4.4.158  dc1  lan=10.4.4.158, wan=10.4.4.158  rack=r2\n"
	worker02 := "Node       ID        Address     DC\n" +
		"worker-02  d407a592  10.4.4.158  dc1\n"
	noNodes := "No nodes match the given query - try expanding your search.\n"

	runCatalogCases(t, "nodes", []catalogCase{
		{name: "table", stdout: table},
		{name: "detailed", args: []string{"-detailed"}, stdout: detailed},
		{name: "service lists one row per instance", args: []string{"-service=web"},
			stdout: "Node       ID        Address     DC\n" +
				"worker-01  1b662d97  10.4.5.31   dc1\n" +
				"worker-01  1b662d97  10.4.5.31   dc1\n" +
				"worker-02  d407a592  10.4.4.158  dc1\n"},
		{name: "service detailed", args: []string{"-service=postgresql", "-detailed"},
			stdout: "Node       ID                                    Address     DC   TaggedAddresses                 Meta\n" +
				"worker-02  d407a592-e93c-4d8e-8a6d-aba853d1e067  10.4.4.158  dc1  lan=10.4.4.158, wan=10.4.4.158  rack=r2\n"},
		{name: "unknown service", args: []string{"-service=nope"}, stderr: noNodes},
		{name: "node-meta", args: []string{"-node-meta=rack=r2"}, stdout: worker02},
		{name: "node-meta with service", args: []string{"-service=web", "-node-meta", "rack=r2"}, stdout: worker02},
		{name: "node-meta matching nothing", args: []string{"-node-meta=rack=r9"}, stderr: noNodes},
		{name: "empty catalog", setup: func(f *fakeAgent) { f.nodes = nil }, stderr: noNodes},
		{name: "ID without dashes is kept whole", setup: func(f *fakeAgent) {
			f.nodes = f.nodes[:1]
			f.nodes[0].ID = "abcdef"
		}, stdout: "Node  ID      Address   DC\ndb    abcdef  10.0.0.9  dc1\n"},
		{name: "too many arguments", args: []string{"web"}, stderr: "Too many arguments (expected 0, got 1)\n", code: 1},
		{name: "agent error", setup: failWith(500, "boom"),
			stderr: "Error listing nodes: Unexpected response code: 500 (boom)\n", code: 1},
		{name: "agent error for service", args: []string{"-service=web"}, setup: failWith(403, "Permission denied"),
			stderr: "Error listing nodes for service: Unexpected response code: 403 (Permission denied)\n", code: 1},
		{name: "filter file missing", args: []string{"-filter=@/nonexistent/filter"},
			stderr: "Could not process filter argument: Failed to read file: open /nonexistent/filter: no such file or directory\n", code: 1},
	})
}

func TestCatalogNodesBadNodeMeta(t *testing.T) {
	got := runCLI(nil, "", "catalog", "nodes", "-node-meta=rack")
	want := "invalid value \"rack\" for flag -node-meta: Missing \"=\" value in argument: rack\nUsage:\n"
	if got.code != 1 || got.stdout != "" || !strings.HasPrefix(got.stderr, want) {
		t.Errorf("got %+v", got)
	}
}

func TestCatalogNodesSendsQuery(t *testing.T) {
	dir := t.TempDir()
	filterFile := filepath.Join(dir, "filter")
	if err := os.WriteFile(filterFile, []byte(`Meta.rack == "r1"`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		path  string
		query map[string][]string
	}{
		{"near", []string{"-near=_agent"}, "", "/v1/catalog/nodes", map[string][]string{"near": {"_agent"}}},
		{"node-meta repeated", []string{"-node-meta=a=1", "-node-meta=b=x=y"}, "", "/v1/catalog/nodes",
			map[string][]string{"node-meta": {"a:1", "b:x=y"}}},
		{"filter", []string{"-filter", `Meta.rack == "r1"`}, "", "/v1/catalog/nodes", map[string][]string{"filter": {`Meta.rack == "r1"`}}},
		{"filter from file", []string{"-filter=@" + filterFile}, "", "/v1/catalog/nodes", map[string][]string{"filter": {`Meta.rack == "r1"`}}},
		{"filter from stdin", []string{"-filter=-"}, `Meta.rack == "r2"`, "/v1/catalog/nodes", map[string][]string{"filter": {`Meta.rack == "r2"`}}},
		{"service with near", []string{"-service=web", "-near=worker-02"}, "", "/v1/catalog/service/web", map[string][]string{"near": {"worker-02"}}},
		{"datacenter and stale", []string{"-datacenter=dc2", "-stale"}, "", "/v1/catalog/nodes", map[string][]string{"dc": {"dc2"}, "stale": {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seededCatalog()
			srv := f.serve(t)
			got := runCLI(nil, tt.stdin, append([]string{"catalog", "nodes", "-http-addr=" + srv.URL}, tt.args...)...)
			if got.code != 0 {
				t.Fatalf("got %+v", got)
			}
			req := f.lastRequest()
			if req.Path != tt.path {
				t.Errorf("path = %s, want %s", req.Path, tt.path)
			}
			for k, want := range tt.query {
				// The api client sends node-meta from a map: order is not defined.
				g := slices.Sorted(slices.Values(req.Query[k]))
				want = slices.Sorted(slices.Values(want))
				if strings.Join(g, "\x00") != strings.Join(want, "\x00") {
					t.Errorf("query %s = %q, want %q", k, g, want)
				}
			}
		})
	}
}

func TestCatalogServices(t *testing.T) {
	noServices := "No services match the given query - try expanding your search.\n"
	runCatalogCases(t, "services", []catalogCase{
		{name: "sorted names", stdout: "consul\npostgresql\nredis\nweb\nzookeeper\n"},
		// Tags are sorted and comma-joined; a tagless name keeps its padding
		// except on the last line, which consul's output trims.
		{name: "tags", args: []string{"-tags"}, stdout: "consul          \n" +
			"postgresql      leader\n" +
			"redis           primary,v1\n" +
			"web             canary,v1\n" +
			"zookeeper\n"},
		{name: "node", args: []string{"-node=worker-01"}, stdout: "consul\nredis\nweb\n"},
		{name: "node by ID", args: []string{"-node=d407a592-e93c-4d8e-8a6d-aba853d1e067"}, stdout: "postgresql\nweb\nzookeeper\n"},
		// Per node the tags of every instance are listed, repeats included.
		{name: "node tags", args: []string{"-node=worker-01", "-tags"}, stdout: "consul      \n" +
			"redis       primary,v1\n" +
			"web         canary,v1,v1\n"},
		{name: "unknown node", args: []string{"-node=nope"}, stderr: noServices},
		{name: "node without services", args: []string{"-node=db"}, stderr: noServices},
		{name: "node-meta", args: []string{"-node-meta=rack=r2"}, stdout: "postgresql\nweb\nzookeeper\n"},
		{name: "node-meta matching nothing", args: []string{"-node-meta=rack=r9"}, stderr: noServices},
		{name: "empty catalog", setup: func(f *fakeAgent) { f.nodes = nil }, stderr: noServices},
		{name: "too many arguments", args: []string{"a", "b"}, stderr: "Too many arguments (expected 0, got 2)\n", code: 1},
		{name: "agent error", setup: failWith(500, "boom"),
			stderr: "Error listing services: Unexpected response code: 500 (boom)\n", code: 1},
		{name: "agent error for node", args: []string{"-node=db"}, setup: failWith(500, "boom"),
			stderr: "Error listing services for node: Unexpected response code: 500 (boom)\n", code: 1},
	})
}

func TestCatalogAgentUnreachable(t *testing.T) {
	addr := refusedAddr(t)
	refused := "dial tcp " + addr + ": connect: connection refused\n"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"datacenters"}, `Error listing datacenters: Get "http://` + addr + `/v1/catalog/datacenters": ` + refused},
		{[]string{"nodes"}, `Error listing nodes: Get "http://` + addr + `/v1/catalog/nodes": ` + refused},
		{[]string{"nodes", "-service=web"}, `Error listing nodes for service: Get "http://` + addr + `/v1/catalog/service/web": ` + refused},
		{[]string{"services"}, `Error listing services: Get "http://` + addr + `/v1/catalog/services": ` + refused},
		{[]string{"services", "-node=db"}, `Error listing services for node: Get "http://` + addr + `/v1/catalog/node/db": ` + refused},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got := runCLI(map[string]string{envHTTPAddr: addr}, "", append([]string{"catalog"}, tt.args...)...)
			check(t, got, "", tt.want, 1)
		})
	}
}

func TestFormatColumns(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want string
	}{
		{"cells are trimmed", [][]string{{" a ", "b"}, {"cc", " d"}}, "a   b\ncc  d\n"},
		{"runes, not bytes", [][]string{{"é", "x"}, {"ab", "y"}}, "é   x\nab  y\n"},
		{"short row", [][]string{{"a", "b", "c"}, {"long"}}, "a     b  c\nlong\n"},
		{"empty last cell keeps the glue", [][]string{{"a", ""}}, "a  \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatColumns(tt.rows); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
