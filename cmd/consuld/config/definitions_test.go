package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// clearDefSources blanks the Source of every definition, for comparing
// configs loaded from different files.
func clearDefSources(c *Config) {
	for i := range c.Services {
		c.Services[i].Source = ""
		for j := range c.Services[i].Checks {
			c.Services[i].Checks[j].Source = ""
		}
	}
	for i := range c.Checks {
		c.Checks[i].Source = ""
	}
}

// loadOne writes body as dir/name and loads it as the only config file of
// an agent with a data_dir.
func loadOne(t *testing.T, name, body string) (*Config, []string, error) {
	t.Helper()
	dir := writeFiles(t, t.TempDir(), map[string]string{name: body})
	return Load(&Flags{DataDir: ptr("/d"), ConfigFiles: []string{filepath.Join(dir, name)}})
}

func mustLoadOne(t *testing.T, name, body string) (*Config, []string) {
	t.Helper()
	c, warns, err := loadOne(t, name, body)
	if err != nil {
		t.Fatalf("Load %s: %v", name, err)
	}
	return c, warns
}

const seedJSON = `{"service": {"name": "web", "tags": ["primary"], "address": "192.168.99.112", "port": 9000,
  "checks": [{"http": "http://localhost:9000/health", "interval": "10s"}]}}`

const seedHCL = `
service {
  name    = "web"
  tags    = ["primary"]
  address = "192.168.99.112"
  port    = 9000
  checks = [
    {
      http     = "http://localhost:9000/health"
      interval = "10s"
    }
  ]
}
`

// seedHCLBlocks writes the check as a nested block rather than a list.
const seedHCLBlocks = `
service {
  name    = "web"
  tags    = ["primary"]
  address = "192.168.99.112"
  port    = 9000
  checks {
    http     = "http://localhost:9000/health"
    interval = "10s"
  }
}
`

func seedService(src string) ServiceDef {
	return ServiceDef{
		Source: src, ID: "web", Name: "web", Tags: []string{"primary"}, Address: "192.168.99.112", Port: 9000,
		Weights: Weights{Passing: 1, Warning: 1},
		Checks: []CheckDef{{
			Source: src, Kind: CheckHTTP, ID: "service:web", Name: "Service 'web' check", ServiceID: "web",
			HTTP: "http://localhost:9000/health", Interval: 10 * time.Second, H2PingUseTLS: true,
		}},
	}
}

func TestSeedServiceJSONAndHCL(t *testing.T) {
	for _, tt := range []struct{ name, body string }{
		{"web.json", seedJSON},
		{"web.hcl", seedHCL},
		{"blocks.hcl", seedHCLBlocks},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, warns := mustLoadOne(t, tt.name, tt.body)
			if len(warns) != 0 {
				t.Errorf("warnings %q", warns)
			}
			if len(c.Services) != 1 || len(c.Checks) != 0 {
				t.Fatalf("services %#v checks %#v", c.Services, c.Checks)
			}
			want := seedService(c.Services[0].Source)
			if !strings.HasSuffix(c.Services[0].Source, tt.name) {
				t.Errorf("source %q", c.Services[0].Source)
			}
			if !reflect.DeepEqual(c.Services[0], want) {
				t.Errorf("got  %#v\nwant %#v", c.Services[0], want)
			}
		})
	}
}

func TestReferenceServiceFiles(t *testing.T) {
	c, warns, err := Load(&Flags{DataDir: ptr("/d"), ConfigDirs: []string{"testdata"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
	broken, web := filepath.Join("testdata", "web-broken.json"), filepath.Join("testdata", "web.json")
	want := []ServiceDef{
		{Source: broken, ID: "web-8081", Name: "web", Tags: []string{"rails", "broken"}, Port: 8081,
			Weights: Weights{Passing: 1, Warning: 1},
			Checks: []CheckDef{{Source: broken, Kind: CheckHTTP, ID: "web-8081-http", Name: "HTTP on 127.0.0.1:8081 (nothing listens)",
				ServiceID: "web-8081", HTTP: "http://127.0.0.1:8081/", Interval: 2 * time.Second, Timeout: time.Second, H2PingUseTLS: true}}},
		{Source: web, ID: "web", Name: "web", Tags: []string{"rails"}, Port: 8080,
			Weights: Weights{Passing: 1, Warning: 1},
			Checks: []CheckDef{{Source: web, Kind: CheckHTTP, ID: "web-http", Name: "HTTP on 127.0.0.1:8080",
				ServiceID: "web", HTTP: "http://127.0.0.1:8080/", Interval: 2 * time.Second, Timeout: time.Second, H2PingUseTLS: true}}},
	}
	if !reflect.DeepEqual(c.Services, want) {
		t.Errorf("got  %#v\nwant %#v", c.Services, want)
	}
	if err := Validate("testdata"); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if err := Validate(web, broken); err != nil {
		t.Errorf("Validate files: %v", err)
	}
}

func TestServicesLists(t *testing.T) {
	tests := []struct{ name, body string }{
		{"a.json", `{"services": [{"name": "db", "port": 5432}, {"name": "cache", "id": "cache1", "checks": [{"tcp": "localhost:6379", "interval": "5s"}]}]}`},
		{"a.hcl", "services = [\n{ name = \"db\", port = 5432 },\n{ name = \"cache\", id = \"cache1\", checks = [{ tcp = \"localhost:6379\", interval = \"5s\" }] }\n]\n"},
		{"blocks.hcl", "services {\n name = \"db\"\n port = 5432\n}\nservices {\n name = \"cache\"\n id = \"cache1\"\n check {\n tcp = \"localhost:6379\"\n interval = \"5s\"\n }\n}\n"},
		{"repeated.hcl", "service {\n name = \"db\"\n port = 5432\n}\nservice {\n name = \"cache\"\n id = \"cache1\"\n checks { \n tcp = \"localhost:6379\"\n interval = \"5s\"\n }\n}\n"},
	}
	want := []ServiceDef{
		{ID: "db", Name: "db", Port: 5432, Weights: Weights{Passing: 1, Warning: 1}},
		{ID: "cache1", Name: "cache", Weights: Weights{Passing: 1, Warning: 1}, Checks: []CheckDef{{
			Kind: CheckTCP, ID: "service:cache1", Name: "Service 'cache' check", ServiceID: "cache1",
			TCP: "localhost:6379", Interval: 5 * time.Second, H2PingUseTLS: true,
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := mustLoadOne(t, tt.name, tt.body)
			clearDefSources(c)
			if !reflect.DeepEqual(c.Services, want) {
				t.Errorf("got  %#v\nwant %#v", c.Services, want)
			}
		})
	}
}

func TestStandaloneChecks(t *testing.T) {
	tests := []struct{ name, body string }{
		{"a.json", `{"check": {"name": "mem", "args": ["/bin/check_mem", "-limit", "256MB"], "interval": "10s", "timeout": "1s"},
			"checks": [{"id": "api", "name": "API", "http": "https://localhost:5000/health", "tls_skip_verify": true,
			"method": "POST", "header": {"x-foo": ["bar", "baz"]}, "body": "{}", "interval": "10s", "service_id": "api"},
			{"name": "web-app", "notes": "the app reports", "ttl": "30s", "status": "passing"}]}`},
		{"a.hcl", `
check {
  name     = "mem"
  args     = ["/bin/check_mem", "-limit", "256MB"]
  interval = "10s"
  timeout  = "1s"
}
checks = [
  {
    id              = "api"
    name            = "API"
    http            = "https://localhost:5000/health"
    tls_skip_verify = true
    method          = "POST"
    header {
      x-foo = ["bar", "baz"]
    }
    body       = "{}"
    interval   = "10s"
    service_id = "api"
  },
  {
    name   = "web-app"
    notes  = "the app reports"
    ttl    = "30s"
    status = "passing"
  }
]
`},
	}
	want := []CheckDef{
		{Kind: CheckScript, ID: "mem", Name: "mem", Args: []string{"/bin/check_mem", "-limit", "256MB"},
			Interval: 10 * time.Second, Timeout: time.Second, H2PingUseTLS: true},
		{Kind: CheckHTTP, ID: "api", Name: "API", HTTP: "https://localhost:5000/health", TLSSkipVerify: true, Method: "POST",
			Header: map[string][]string{"x-foo": {"bar", "baz"}}, Body: "{}", Interval: 10 * time.Second, ServiceID: "api", H2PingUseTLS: true},
		{Kind: CheckTTL, ID: "web-app", Name: "web-app", Notes: "the app reports", TTL: 30 * time.Second, Status: "passing", H2PingUseTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warns := mustLoadOne(t, tt.name, tt.body)
			if len(warns) != 0 {
				t.Errorf("warnings %q", warns)
			}
			clearDefSources(c)
			if !reflect.DeepEqual(c.Checks, want) {
				t.Errorf("got  %#v\nwant %#v", c.Checks, want)
			}
		})
	}
}

// Consul matches these fields whatever their case and underscores.
func TestDefinitionFieldSpellings(t *testing.T) {
	camel := `{"service": {"ID": "web1", "Name": "web", "Kind": "", "Tags": ["a"], "Address": "1.2.3.4",
  "TaggedAddresses": {"lan": {"Address": "10.0.0.1", "Port": 80}}, "Meta": {"Version": "1"}, "Port": 80,
  "SocketPath": "/s", "EnableTagOverride": true, "Weights": {"Passing": 3, "Warning": 2}, "Token": "t",
  "Check": {"CheckID": "c1", "Name": "n", "HTTP": "http://x", "Method": "POST", "Header": {"X": ["1"]}, "Body": "b",
    "TLSSkipVerify": true, "TLSServerName": "s", "DisableRedirects": true, "Interval": "10s", "Timeout": "1s",
    "DeregisterCriticalServiceAfter": "2m", "SuccessBeforePassing": 2, "FailuresBeforeCritical": 3,
    "FailuresBeforeWarning": 1, "OutputMaxSize": 100, "Notes": "x", "Status": "passing", "ServiceID": "web1"},
  "Checks": [{"GRPC": "localhost:1", "GRPCUseTLS": true, "Interval": "5s"},
    {"H2PING": "localhost:2", "H2PingUseTLS": false, "Interval": "5s"},
    {"ScriptArgs": ["/bin/true"], "Interval": "5s"}, {"AliasService": "db", "AliasNode": "n1"},
    {"UDP": "localhost:3", "Interval": "5s"}, {"TTL": "30s", "Token": "ct"}]}}`
	snake := `{"service": {"id": "web1", "name": "web", "kind": "", "tags": ["a"], "address": "1.2.3.4",
  "tagged_addresses": {"lan": {"address": "10.0.0.1", "port": 80}}, "meta": {"Version": "1"}, "port": 80,
  "socket_path": "/s", "enable_tag_override": true, "weights": {"passing": 3, "warning": 2}, "token": "t",
  "check": {"id": "c1", "name": "n", "http": "http://x", "method": "POST", "header": {"X": ["1"]}, "body": "b",
    "tls_skip_verify": true, "tls_server_name": "s", "disable_redirects": true, "interval": "10s", "timeout": "1s",
    "deregister_critical_service_after": "2m", "success_before_passing": 2, "failures_before_critical": 3,
    "failures_before_warning": 1, "output_max_size": 100, "notes": "x", "status": "passing", "service_id": "web1"},
  "checks": [{"grpc": "localhost:1", "grpc_use_tls": true, "interval": "5s"},
    {"h2ping": "localhost:2", "h2ping_use_tls": false, "interval": "5s"},
    {"args": ["/bin/true"], "interval": "5s"}, {"alias_service": "db", "alias_node": "n1"},
    {"udp": "localhost:3", "interval": "5s"}, {"ttl": "30s", "token": "ct"}]}}`
	fromCamel, wc := mustLoadOne(t, "camel.json", camel)
	fromSnake, ws := mustLoadOne(t, "snake.json", snake)
	if len(wc) != 0 || len(ws) != 0 {
		t.Errorf("warnings %q %q", wc, ws)
	}
	clearDefSources(fromCamel)
	clearDefSources(fromSnake)
	if !reflect.DeepEqual(fromCamel.Services, fromSnake.Services) {
		t.Errorf("differ:\ncamel %#v\nsnake %#v", fromCamel.Services, fromSnake.Services)
	}
	s := fromSnake.Services[0]
	if s.ID != "web1" || s.Weights != (Weights{3, 2}) || !s.EnableTagOverride || s.SocketPath != "/s" || s.Token != "t" ||
		!reflect.DeepEqual(s.TaggedAddresses, map[string]ServiceAddress{"lan": {"10.0.0.1", 80}}) ||
		!reflect.DeepEqual(s.Meta, map[string]string{"Version": "1"}) {
		t.Errorf("service %#v", s)
	}
	wantChecks := []CheckDef{
		{Kind: CheckHTTP, ID: "c1", Name: "n", ServiceID: "web1", HTTP: "http://x", Method: "POST", Header: map[string][]string{"X": {"1"}},
			Body: "b", TLSSkipVerify: true, TLSServerName: "s", DisableRedirects: true, Interval: 10 * time.Second, Timeout: time.Second,
			DeregisterCriticalServiceAfter: 2 * time.Minute, SuccessBeforePassing: 2, FailuresBeforeCritical: 3, FailuresBeforeWarning: 1,
			OutputMaxSize: 100, Notes: "x", Status: "passing", H2PingUseTLS: true},
		{Kind: CheckGRPC, ID: "service:web1:2", Name: "Service 'web' check", ServiceID: "web1", GRPC: "localhost:1", GRPCUseTLS: true,
			Interval: 5 * time.Second, H2PingUseTLS: true},
		{Kind: CheckH2PING, ID: "service:web1:3", Name: "Service 'web' check", ServiceID: "web1", H2PING: "localhost:2", Interval: 5 * time.Second},
		{Kind: CheckScript, ID: "service:web1:4", Name: "Service 'web' check", ServiceID: "web1", Args: []string{"/bin/true"},
			Interval: 5 * time.Second, H2PingUseTLS: true},
		{Kind: CheckAlias, ID: "service:web1:5", Name: "Service 'web' check", ServiceID: "web1", AliasService: "db", AliasNode: "n1", H2PingUseTLS: true},
		{Kind: CheckUDP, ID: "service:web1:6", Name: "Service 'web' check", ServiceID: "web1", UDP: "localhost:3", Interval: 5 * time.Second, H2PingUseTLS: true},
		{Kind: CheckTTL, ID: "service:web1:7", Name: "Service 'web' check", ServiceID: "web1", TTL: 30 * time.Second, Token: "ct", H2PingUseTLS: true},
	}
	if !reflect.DeepEqual(s.Checks, wantChecks) {
		for i := range max(len(s.Checks), len(wantChecks)) {
			if i >= len(s.Checks) || i >= len(wantChecks) || !reflect.DeepEqual(s.Checks[i], wantChecks[i]) {
				t.Errorf("check %d differs:\n%s", i, diffChecks(s.Checks, wantChecks, i))
			}
		}
	}
}

func diffChecks(got, want []CheckDef, i int) string {
	var g, w any = "none", "none"
	if i < len(got) {
		g = got[i]
	}
	if i < len(want) {
		w = want[i]
	}
	return fmt.Sprintf("got  %#v\nwant %#v", g, w)
}

func TestDefaultCheckIDsAndNames(t *testing.T) {
	c, _ := mustLoadOne(t, "a.json", `{"services": [
	  {"name": "one", "check": {"ttl": "10s"}},
	  {"name": "two", "id": "two-1", "check": {"ttl": "10s"}, "checks": [{"id": "custom", "ttl": "10s"}, {"name": "named", "ttl": "10s"}]}
	]}`)
	var got []string
	for _, s := range c.Services {
		for _, ch := range s.Checks {
			got = append(got, ch.ID+" / "+ch.Name+" / "+ch.ServiceID)
		}
	}
	want := []string{
		"service:one / Service 'one' check / one",
		"service:two-1:1 / Service 'two' check / two-1",
		"custom / Service 'two' check / two-1",
		"service:two-1:3 / named / two-1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestDefinitionMergeOrder(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"file1.json":       `{"data_dir": "/d", "service": {"name": "a"}, "check": {"name": "x", "ttl": "1m"}}`,
		"conf.d/10-c.json": `{"services": [{"name": "c"}, {"name": "d"}], "checks": [{"name": "z", "ttl": "1m"}]}`,
		"conf.d/02-b.hcl":  "service { name = \"b\" }\ncheck { name = \"y\"\n ttl = \"1m\" }\n",
	})
	c, warns := mustLoad(t,
		"-config-file", filepath.Join(dir, "file1.json"),
		"-config-dir", filepath.Join(dir, "conf.d"),
		"-hcl", `service { name = "e" }`)
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
	var got []string
	for _, s := range c.Services {
		got = append(got, s.Name+"@"+filepath.Base(s.Source))
	}
	want := []string{"a@file1.json", "b@02-b.hcl", "c@10-c.json", "d@10-c.json", "e@flag -hcl #1"}
	if !slices.Equal(got, want) {
		t.Errorf("services %q\nwant     %q", got, want)
	}
	got = nil
	for _, ch := range c.Checks {
		got = append(got, ch.ID+"@"+filepath.Base(ch.Source))
	}
	want = []string{"x@file1.json", "y@02-b.hcl", "z@10-c.json"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %q\nwant   %q", got, want)
	}
}

func TestDefinitionErrors(t *testing.T) {
	long := strings.Repeat("k", 129)
	var tooMany []string
	for i := range 65 {
		tooMany = append(tooMany, fmt.Sprintf(`"k%d": "v"`, i))
	}
	tests := []struct {
		name, file, body string
		want             string // the message after `config: file "<path>": `
		is               error
	}{
		{"bad interval", "web.json", strings.Replace(seedJSON, `"10s"`, `"abc"`, 1),
			`service "web": check 0: interval "abc": time: invalid duration "abc"`, ErrValue},
		{"bad interval hcl", "web.hcl", strings.Replace(seedHCL, `"10s"`, `"abc"`, 1),
			`service "web": check 0: interval "abc": time: invalid duration "abc"`, ErrValue},
		{"interval as number", "a.json", `{"service": {"name": "web", "check": {"tcp": "l:1", "interval": 10}}}`,
			`service "web": check 0: interval: expected duration string like "10s", got number`, ErrType},
		{"negative timeout", "a.json", `{"service": {"name": "web", "check": {"tcp": "l:1", "interval": "1s", "timeout": "-1s"}}}`,
			`service "web": check 0: timeout "-1s": cannot be negative`, ErrValue},
		{"missing name", "a.json", `{"service": {"port": 80}}`,
			`service 0: name is required`, ErrValue},
		{"missing name in list", "a.json", `{"services": [{"name": "a"}, {"id": "b"}]}`,
			`service 1: name is required`, ErrValue},
		{"empty name", "a.hcl", `service { name = "" }`,
			`service 0: name is required`, ErrValue},
		{"name not a string", "a.json", `{"service": {"name": 1}}`,
			`service 0: name: expected string, got number`, ErrType},
		{"port as string", "a.json", `{"service": {"name": "web", "port": "80"}}`,
			`service "web": port: expected integer, got string`, ErrType},
		{"port too big", "a.json", `{"service": {"name": "web", "port": 65536}}`,
			`service "web": port 65536: must be between 0 and 65535`, ErrValue},
		{"port negative", "a.hcl", `service { name = "web" port = -1 }`,
			`service "web": port -1: must be between 0 and 65535`, ErrValue},
		{"port float", "a.json", `{"service": {"name": "web", "port": 80.5}}`,
			`service "web": port: expected integer, got number`, ErrType},
		{"tags not a list", "a.json", `{"service": {"name": "web", "tags": "a"}}`,
			`service "web": tags: expected list of strings, got string`, ErrType},
		{"kind", "a.json", `{"service": {"name": "web", "kind": "sidecar"}}`,
			`service "web": kind "sidecar": must be one of connect-proxy, mesh-gateway, terminating-gateway, ingress-gateway, api-gateway, or empty for a typical service`, ErrValue},
		{"tagged address port", "a.json", `{"service": {"name": "web", "tagged_addresses": {"wan": {"address": "1.2.3.4", "port": 70000}}}}`,
			`service "web": tagged_addresses "wan": port 70000: must be between 0 and 65535`, ErrValue},
		{"tagged address not object", "a.json", `{"service": {"name": "web", "tagged_addresses": {"wan": "1.2.3.4"}}}`,
			`service "web": tagged_addresses "wan": expected object, got string`, ErrType},
		{"weights passing zero", "a.json", `{"service": {"name": "web", "weights": {"passing": 0}}}`,
			`service "web": weights: passing 0: must be at least 1`, ErrValue},
		{"weights warning negative", "a.hcl", "service {\n name = \"web\"\n weights {\n warning = -1\n }\n}\n",
			`service "web": weights: warning -1: must be at least 0`, ErrValue},
		{"weights unknown", "a.json", `{"service": {"name": "web", "weights": {"critical": 1}}}`,
			`service "web": weights: unknown field "critical"`, ErrUnknownKey},

		// Meta.
		{"meta too many", "a.json", `{"service": {"name": "web", "meta": {` + strings.Join(tooMany, ",") + `}}}`,
			`service "web": meta: 65 keys, at most 64 are allowed`, ErrValue},
		{"meta key too long", "a.json", `{"service": {"name": "web", "meta": {"` + long + `": "v"}}}`,
			`service "web": meta key "` + long + `": longer than 128 characters`, ErrValue},
		{"meta value too long", "a.json", `{"service": {"name": "web", "meta": {"k": "` + strings.Repeat("v", 513) + `"}}}`,
			`service "web": meta key "k": value longer than 512 characters`, ErrValue},
		{"meta reserved prefix", "a.json", `{"service": {"name": "web", "meta": {"consul-version": "1"}}}`,
			`service "web": meta key "consul-version": the "consul-" prefix is reserved for Consul`, ErrValue},
		{"meta key chars", "a.json", `{"service": {"name": "web", "meta": {"a.b": "1"}}}`,
			`service "web": meta key "a.b": only letters, digits, - and _ are allowed`, ErrValue},
		{"meta value not string", "a.json", `{"service": {"name": "web", "meta": {"n": 1}}}`,
			`service "web": meta "n": expected string, got number`, ErrType},

		// Unknown and duplicate fields.
		{"unknown service field", "a.json", `{"service": {"name": "web", "prot": 80}}`,
			`service "web": unknown field "prot"`, ErrUnknownKey},
		{"unknown check field", "a.json", `{"service": {"name": "web", "check": {"ttl": "1s", "intervall": "1s"}}}`,
			`service "web": check 0: unknown field "intervall"`, ErrUnknownKey},
		{"unknown standalone check field", "a.hcl", "check {\n name = \"c\"\n ttl = \"1s\"\n bogus = 1\n}\n",
			`check "c": unknown field "bogus"`, ErrUnknownKey},
		{"field twice", "a.json", `{"service": {"name": "web", "ID": "a", "id": "b"}}`,
			`service "web": "ID" and "id" are the same field (id): give one`, ErrValue},
		{"check id twice", "a.json", `{"check": {"name": "c", "ttl": "1s", "id": "a", "CheckID": "b"}}`,
			`check "c": "CheckID" and "id" are the same field (id): give one`, ErrValue},

		// Check kinds.
		{"no kind", "a.json", `{"service": {"name": "web", "check": {"interval": "10s"}}}`,
			`service "web": check 0: no check kind: set one of http, tcp, udp, grpc, h2ping, ttl, args, alias_node or alias_service`, ErrValue},
		{"two kinds", "a.json", `{"service": {"name": "web", "checks": [{"http": "http://x", "tcp": "x:1", "interval": "10s"}]}}`,
			`service "web": check 0: http and tcp cannot be combined: a check has exactly one kind`, ErrValue},
		{"ttl and alias", "a.json", `{"check": {"name": "c", "ttl": "10s", "alias_service": "db"}}`,
			`check "c": ttl and alias_node/alias_service cannot be combined: a check has exactly one kind`, ErrValue},
		{"interval required", "a.json", `{"service": {"name": "web", "checks": [{"ttl": "5s"}, {"tcp": "localhost:1"}]}}`,
			`service "web": check 1: interval is required for a tcp check`, ErrValue},
		{"interval required for args", "a.hcl", "check {\n name = \"s\"\n args = [\"/bin/true\"]\n}\n",
			`check "s": interval is required for a args check`, ErrValue},
		{"interval zero", "a.json", `{"service": {"name": "web", "check": {"http": "http://x", "interval": "0s"}}}`,
			`service "web": check 0: interval "0s": must be greater than 0 for a http check`, ErrValue},
		{"ttl not a duration", "a.json", `{"service": {"name": "web", "check": {"ttl": "abc"}}}`,
			`service "web": check 0: ttl "abc": time: invalid duration "abc"`, ErrValue},
		{"ttl zero", "a.json", `{"service": {"name": "web", "check": {"ttl": "0s"}}}`,
			`service "web": check 0: ttl "0s": must be greater than 0`, ErrValue},
		{"duplicate check id", "a.json", `{"service": {"name": "web", "checks": [{"id": "x", "ttl": "1s"}, {"id": "x", "ttl": "1s"}]}}`,
			`service "web": check 1: check ID "x" is already used by check 0`, ErrValue},
		{"duplicate default check id", "a.json", `{"service": {"name": "web", "check": {"ttl": "1s"}, "checks": [{"id": "service:web:1", "ttl": "1s"}]}}`,
			`service "web": check 1: check ID "service:web:1" is already used by check 0`, ErrValue},
		{"two check blocks", "a.hcl", "service {\n name = \"web\"\n check {\n ttl = \"1s\"\n }\n check {\n ttl = \"2s\"\n }\n}\n",
			`service "web": check: 2 checks given: use "checks" for several`, ErrValue},
		{"script", "a.json", `{"check": {"name": "c", "script": "/bin/true", "interval": "10s"}}`,
			`check "c": script: the old "script" form is not supported: use "args", a list of the program and its arguments`, ErrValue},
		{"docker", "a.json", `{"service": {"name": "web", "check": {"docker_container_id": "f972c95ebf0e", "args": ["/bin/true"], "interval": "10s"}}}`,
			`service "web": check 0: docker_container_id: Docker checks are not supported by consuld`, ErrValue},
		{"docker shell", "a.json", `{"check": {"name": "c", "Shell": "/bin/bash", "args": ["/bin/true"], "interval": "10s"}}`,
			`check "c": shell: Docker checks are not supported by consuld`, ErrValue},
		{"status", "a.json", `{"check": {"name": "c", "ttl": "1s", "status": "ok"}}`,
			`check "c": status "ok": must be passing, warning or critical`, ErrValue},
		{"standalone check without name", "a.json", `{"checks": [{"name": "a", "ttl": "1s"}, {"id": "b", "ttl": "1s"}]}`,
			`check 1: name is required`, ErrValue},
		{"header values", "a.json", `{"check": {"name": "c", "http": "http://x", "interval": "1s", "header": {"X": "a"}}}`,
			`check "c": header "X": expected list of strings, got string`, ErrType},
		{"args not strings", "a.json", `{"check": {"name": "c", "args": ["/bin/x", 1], "interval": "1s"}}`,
			`check "c": args: expected list of strings, got list`, ErrType},
		{"output size", "a.json", `{"check": {"name": "c", "ttl": "1s", "output_max_size": -1}}`,
			`check "c": output_max_size -1: must be at least 0`, ErrValue},
		{"bool as string", "a.json", `{"check": {"name": "c", "http": "http://x", "interval": "1s", "tls_skip_verify": "true"}}`,
			`check "c": tls_skip_verify: expected boolean, got string`, ErrType},
		{"check not object", "a.json", `{"service": {"name": "web", "checks": ["http://x"]}}`,
			`service "web": checks: expected object, got list`, ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, t.TempDir(), map[string]string{tt.file: tt.body})
			path := filepath.Join(dir, tt.file)
			want := fmt.Sprintf("config: file %q: %s", path, tt.want)
			for _, load := range []struct {
				name string
				f    func() error
			}{
				{"Load", func() error {
					_, _, err := Load(&Flags{DataDir: ptr("/d"), ConfigFiles: []string{path}})
					return err
				}},
				{"Validate", func() error { return Validate(dir) }},
			} {
				err := load.f()
				if err == nil {
					t.Fatalf("%s: no error, want %s", load.name, want)
				}
				if err.Error() != want {
					t.Errorf("%s:\ngot  %s\nwant %s", load.name, err, want)
				}
				var ce *Error
				if !errors.As(err, &ce) || !errors.Is(err, tt.is) || ce.Source != fmt.Sprintf("file %q", path) {
					t.Errorf("%s: error %#v is not an *Error of %v", load.name, err, tt.is)
				}
			}
		})
	}
}

func TestDefinitionErrorInHCLFragment(t *testing.T) {
	_, _, err := Load(&Flags{DataDir: ptr("/d"), HCL: []string{`service { name = "web" port = 99999 }`}})
	want := `config: flag -hcl #1: service "web": port 99999: must be between 0 and 65535`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestDefinitionWarnings(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // after `config: file "<path>": `, or whole when starting with "config:"
		check      func(t *testing.T, c *Config)
	}{
		{name: "namespace ignored",
			body: `{"service": {"name": "web", "namespace": "ns1", "partition": "p", "check": {"ttl": "1s", "Namespace": "ns1"}}}`,
			want: []string{
				`service "web": namespace: namespaces are a Consul Enterprise feature; the field is ignored`,
				`service "web": partition: admin partitions are a Consul Enterprise feature; the field is ignored`,
				`service "web": check 0: namespace: namespaces are a Consul Enterprise feature; the field is ignored`,
			}},
		{name: "connect ignored",
			body: `{"service": {"name": "web", "connect": {"sidecar_service": {}}}}`,
			want: []string{`service "web": connect: Connect is not supported yet; the field is ignored`}},
		{name: "kind",
			body: `{"service": {"name": "gw", "kind": "mesh-gateway"}}`,
			want: []string{`service "gw": kind "mesh-gateway": Connect proxies and gateways are not supported yet; the service is registered as a plain catalog entry`}},
		{name: "not a DNS name",
			body: `{"service": {"name": "web_app"}}`,
			want: []string{`service "web_app": the name will not be discoverable via DNS: use only letters, digits and - (at most 63)`}},
		{name: "short interval raised",
			body: `{"service": {"name": "web", "check": {"http": "http://x", "interval": "100ms", "deregister_critical_service_after": "30s"}}}`,
			want: []string{
				`service "web": check 0: interval 100ms is below the minimum of 1s; using 1s`,
				`service "web": check 0: deregister_critical_service_after 30s is below the minimum of 1m0s; using 1m0s`,
			},
			check: func(t *testing.T, c *Config) {
				ch := c.Services[0].Checks[0]
				if ch.Interval != time.Second || ch.DeregisterCriticalServiceAfter != time.Minute {
					t.Errorf("interval %v deregister %v", ch.Interval, ch.DeregisterCriticalServiceAfter)
				}
			}},
		{name: "service_id of a service check",
			body: `{"service": {"name": "web", "check": {"ttl": "1s", "service_id": "other"}}}`,
			want: []string{`service "web": check 0: service_id "other" is not this service's ID and is ignored`},
			check: func(t *testing.T, c *Config) {
				if c.Services[0].Checks[0].ServiceID != "web" {
					t.Errorf("service_id %q", c.Services[0].Checks[0].ServiceID)
				}
			}},
		{name: "null fields are unset",
			body: `{"service": {"name": "web", "port": null, "meta": null, "check": {"ttl": "1s", "http": null}}}`},
		{name: "empty check is no check",
			body: `{"service": {"name": "web", "check": {"id": null}, "checks": [{"ttl": "1s"}]}}`,
			check: func(t *testing.T, c *Config) {
				if len(c.Services[0].Checks) != 1 || c.Services[0].Checks[0].ID != "service:web" {
					t.Errorf("checks %#v", c.Services[0].Checks)
				}
			}},
		{name: "duplicate IDs in a file",
			body: `{"services": [{"name": "web", "check": {"id": "c", "ttl": "1s"}}, {"name": "web", "port": 1}], "check": {"name": "c", "ttl": "1s"}}`,
			want: []string{`config: service ID "web" is defined in $FILE and again in $FILE; the later definition replaces the earlier`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warns := mustLoadOne(t, "a.json", tt.body)
			var want []string
			for _, w := range tt.want {
				if strings.HasPrefix(w, "config:") {
					want = append(want, strings.ReplaceAll(w, "$FILE", fmt.Sprintf("file %q", c.Sources[0])))
				} else {
					want = append(want, fmt.Sprintf("config: file %q: %s", c.Sources[0], w))
				}
			}
			if !slices.Equal(warns, want) {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestDuplicateIDsAcrossFiles(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"a.json": `{"service": {"name": "web", "check": {"id": "shared", "ttl": "1s"}}}`,
		"b.hcl":  "service {\n name = \"web\"\n port = 2\n}\ncheck {\n name = \"shared\"\n ttl = \"1s\"\n}\n",
	})
	warns, err := ValidateFiles("", dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf(`config: service ID "web" is defined in file %q and again in file %q; the later definition replaces the earlier`,
		filepath.Join(dir, "a.json"), filepath.Join(dir, "b.hcl"))}
	if !slices.Equal(warns, want) {
		t.Errorf("warnings %q\nwant     %q", warns, want)
	}
	// Without the replaced service, its check ID clashes with the standalone one.
	writeFiles(t, dir, map[string]string{"b.hcl": "check {\n name = \"shared\"\n ttl = \"1s\"\n}\n"})
	warns, err = ValidateFiles("", dir)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{fmt.Sprintf(`config: check ID "shared" is defined in file %q and again in file %q; the later definition replaces the earlier`,
		filepath.Join(dir, "a.json"), filepath.Join(dir, "b.hcl"))}
	if !slices.Equal(warns, want) {
		t.Errorf("warnings %q\nwant     %q", warns, want)
	}
}

// The four keys are implemented: no "not supported yet" warning any more.
func TestDefinitionKeysAreSupported(t *testing.T) {
	_, warns := mustLoadOne(t, "a.json", `{"service": {"name": "a"}, "services": [{"name": "b"}],
		"check": {"name": "c", "ttl": "1s"}, "checks": [{"name": "d", "ttl": "1s"}], "disable_update_check": true}`)
	want := []string{`config: key "disable_update_check" is not supported yet and is ignored`}
	if !slices.Equal(warns, want) {
		t.Errorf("warnings %q", warns)
	}
}

func TestValidate(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"svc/web.json":       seedJSON,
		"svc/db.hcl":         "service {\n name = \"db\"\n port = 5432\n}\n",
		"svc/README.md":      "not config",
		"agent/agent.json":   `{"server": true, "bootstrap_expect": 3, "data_dir": "/d"}`,
		"bad/bootstrap.json": `{"bootstrap": true}`,
		"odd/web.conf":       seedJSON,
	})
	if err := Validate(filepath.Join(dir, "svc")); err != nil {
		t.Errorf("service dir without data_dir: %v", err)
	}
	if err := Validate(filepath.Join(dir, "svc"), filepath.Join(dir, "agent", "agent.json")); err != nil {
		t.Errorf("dir and file: %v", err)
	}
	err := Validate(filepath.Join(dir, "bad"))
	if err == nil || err.Error() != "config: bootstrap requires server = true" {
		t.Errorf("merged rules: %v", err)
	}
	err = Validate(filepath.Join(dir, "nope.json"))
	if !errors.Is(err, ErrRead) || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("missing file: %v", err)
	}
	if err := Validate(); !errors.Is(err, ErrRead) {
		t.Errorf("no paths: %v", err)
	}
	if err := Validate(filepath.Join(dir, "odd", "web.conf")); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := ValidateFiles("json", filepath.Join(dir, "odd", "web.conf")); err != nil {
		t.Errorf("forced format: %v", err)
	}
	if _, err := ValidateFiles("yaml", dir); !errors.Is(err, ErrFormat) {
		t.Errorf("bad format: %v", err)
	}
	// Validate reads files only.
	if _, err := os.Stat(filepath.Join(dir, "svc", "web.json")); err != nil {
		t.Fatal(err)
	}
}
