package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"
)

// webJSON and webHCL define the same service; webService is what the agent
// must receive for either.
const webJSON = `{
  "datacenter": "dc1",
  "service": {
    "name": "web",
    "id": "web-1",
    "tags": ["v1", "primary"],
    "address": "10.0.0.5",
    "port": 8080,
    "meta": {"version": "1.2", "Team": "a"},
    "enable_tag_override": true,
    "weights": {"passing": 3},
    "tagged_addresses": {"lan": {"address": "10.0.0.5", "port": 8080}},
    "token": "ignored",
    "check": {
      "http": "http://localhost:8080/health",
      "header": {"X-Probe": ["1"]},
      "interval": "10s",
      "timeout": "1s"
    },
    "checks": [
      {"id": "ttl", "ttl": "30s", "deregister_critical_service_after": "90m"},
      {"name": "script", "args": ["/bin/check", "-q"], "interval": "1m"}
    ]
  }
}`

const webHCL = `
datacenter = "dc1"
service {
  name = "web"
  id   = "web-1"
  tags = ["v1", "primary"]
  address = "10.0.0.5"
  port    = 8080
  meta {
    version = "1.2"
    Team    = "a"
  }
  enable_tag_override = true
  weights {
    passing = 3
  }
  tagged_addresses {
    lan = {
      address = "10.0.0.5"
      port    = 8080
    }
  }
  token = "ignored"
  check {
    http     = "http://localhost:8080/health"
    header   = { X-Probe = ["1"] }
    interval = "10s"
    timeout  = "1s"
  }
  checks = [
    {
      id    = "ttl"
      ttl   = "30s"
      deregister_critical_service_after = "90m"
    },
    {
      name     = "script"
      args     = ["/bin/check", "-q"]
      interval = "1m"
    }
  ]
}
`

func webService() *api.AgentServiceRegistration {
	return &api.AgentServiceRegistration{
		Name:              "web",
		ID:                "web-1",
		Tags:              []string{"v1", "primary"},
		Address:           "10.0.0.5",
		Port:              8080,
		Meta:              map[string]string{"version": "1.2", "Team": "a"},
		EnableTagOverride: true,
		Weights:           &api.AgentWeights{Passing: 3, Warning: 1},
		TaggedAddresses:   map[string]api.ServiceAddress{"lan": {Address: "10.0.0.5", Port: 8080}},
		Check: &api.AgentServiceCheck{
			HTTP:     "http://localhost:8080/health",
			Header:   map[string][]string{"X-Probe": {"1"}},
			Interval: "10s",
			Timeout:  "1s",
		},
		Checks: api.AgentServiceChecks{
			{CheckID: "ttl", TTL: "30s", DeregisterCriticalServiceAfter: "1h30m0s"},
			{Name: "script", Args: []string{"/bin/check", "-q"}, Interval: "1m0s"},
		},
	}
}

// writeFiles creates the files (name -> content; a name ending in "/" is a
// directory) in a new temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func expand(s, dir string) string { return strings.ReplaceAll(s, "{dir}", dir) }

func jsonText(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func TestServicesRegister(t *testing.T) {
	tests := []struct {
		name           string
		files          map[string]string
		args           []string
		setup          func(*fakeAgent)
		stdout, stderr string
		code           int
		want           []*api.AgentServiceRegistration
	}{
		{
			name:   "json file",
			files:  map[string]string{"web.json": webJSON},
			args:   []string{"{dir}/web.json"},
			stdout: "Registered service: web\n",
			want:   []*api.AgentServiceRegistration{webService()},
		},
		{
			name:   "hcl file",
			files:  map[string]string{"web.hcl": webHCL},
			args:   []string{"{dir}/web.hcl"},
			stdout: "Registered service: web\n",
			want:   []*api.AgentServiceRegistration{webService()},
		},
		{
			name: "services list and several files, in order",
			files: map[string]string{
				"a.json": `{"services": [{"name": "api", "port": 1}, {"name": "api", "id": "api-2", "port": 2}]}`,
				"b.hcl":  "service {\n  name = \"db\"\n}\n",
			},
			args:   []string{"{dir}/b.hcl", "{dir}/a.json"},
			stdout: "Registered service: db\nRegistered service: api\nRegistered service: api\n",
			want: []*api.AgentServiceRegistration{
				{Name: "db"},
				{Name: "api", Port: 1},
				{Name: "api", ID: "api-2", Port: 2},
			},
		},
		{
			name: "directory: its json and hcl files by name",
			files: map[string]string{
				"conf/b.json":       `{"service": {"name": "b"}}`,
				"conf/a.hcl":        `service { name = "a" }`,
				"conf/notes.txt":    "not a definition",
				"conf/sub/c.json":   `{"service": {"name": "c"}}`,
				"conf/agent.json":   `{"server": true}`,
				"conf/z-empty.hcl/": "",
			},
			args:   []string{"{dir}/conf"},
			stdout: "Registered service: a\nRegistered service: b\n",
			want:   []*api.AgentServiceRegistration{{Name: "a"}, {Name: "b"}},
		},
		{
			name:   "CamelCase keys",
			files:  map[string]string{"web.json": `{"service": {"Name": "web", "ID": "w", "EnableTagOverride": true, "Checks": [{"CheckID": "c", "TTL": "5s", "ScriptArgs": ["x"]}]}}`},
			args:   []string{"{dir}/web.json"},
			stdout: "Registered service: web\n",
			want: []*api.AgentServiceRegistration{{Name: "web", ID: "w", EnableTagOverride: true,
				Checks: api.AgentServiceChecks{{CheckID: "c", TTL: "5s", Args: []string{"x"}}}}},
		},
		{
			name: "flags",
			args: []string{"-name=web", "-id=web-a", "-address=10.0.0.1", "-port=80", "-tag=a", "-tag=b",
				"-meta=k=v=w", "-meta=team=x", "-tagged-address=wan=1.2.3.4:8443", "-socket=/tmp/s", "-kind=connect-proxy"},
			stdout: "Registered service: web\n",
			want: []*api.AgentServiceRegistration{{
				Name: "web", ID: "web-a", Address: "10.0.0.1", Port: 80, Tags: []string{"a", "b"},
				Meta:            map[string]string{"k": "v=w", "team": "x"},
				TaggedAddresses: map[string]api.ServiceAddress{"wan": {Address: "1.2.3.4", Port: 8443}},
				SocketPath:      "/tmp/s", Kind: "connect-proxy",
			}},
		},
		{
			name:   "flags fill in what files leave out",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "port": 1, "tags": ["t"], "meta": {"a": "1", "b": "2"}}}`},
			args:   []string{"-address=10.9.9.9", "-port=2", "-id=w", "-tag=u", "-meta=b=3", "{dir}/web.json"},
			stdout: "Registered service: web\n",
			want: []*api.AgentServiceRegistration{{Name: "web", ID: "w", Address: "10.9.9.9", Port: 1,
				Tags: []string{"t", "u"}, Meta: map[string]string{"a": "1", "b": "3"}}},
		},
		{name: "nothing to register", stderr: "Service registration requires at least one argument or flags.\n", code: 1},
		{name: "flags without -name", args: []string{"-port=80"}, stderr: "Service registration requires at least one argument or flags.\n", code: 1},
		{
			name:   "files and -name",
			files:  map[string]string{"web.json": webJSON},
			args:   []string{"-name=web", "{dir}/web.json"},
			stderr: "Service registration requires arguments or -id, not both.\n", code: 1,
		},
		{name: "missing file", args: []string{"{dir}/nope.json"},
			stderr: "Error: stat {dir}/nope.json: no such file or directory\n", code: 1},
		{
			name:   "unsupported extension",
			files:  map[string]string{"web.yaml": "service: {}"},
			args:   []string{"{dir}/web.yaml"},
			stderr: "Error: {dir}/web.yaml: unsupported file type, the name must end in .json or .hcl\n", code: 1,
		},
		{
			name:   "bad json",
			files:  map[string]string{"bad.json": `{"service": {"name": "web",}}`},
			args:   []string{"{dir}/bad.json"},
			stderr: "Error: failed to parse {dir}/bad.json: invalid character '}' looking for beginning of object key string\n", code: 1,
		},
		{
			name:   "bad hcl",
			files:  map[string]string{"bad.hcl": `service { name = `},
			args:   []string{"{dir}/bad.hcl"},
			stderr: "Error: failed to parse {dir}/bad.hcl: At 1:19: object expected closing RBRACE got: EOF\n", code: 1,
		},
		{
			name:   "no services in the files",
			files:  map[string]string{"agent.json": `{"datacenter": "dc1"}`},
			args:   []string{"{dir}/agent.json"},
			stderr: "Error: no service definitions in {dir}/agent.json\n", code: 1,
		},
		{
			name:   "unknown key",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "prot": 80}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: invalid config key service.prot\n", code: 1,
		},
		{
			name:   "unknown check key",
			files:  map[string]string{"web.hcl": "service {\n  name = \"web\"\n  checks = [{ ttl = \"5s\", intervall = \"1s\" }]\n}\n"},
			args:   []string{"{dir}/web.hcl"},
			stderr: "Error: {dir}/web.hcl: invalid config key service.checks[0].intervall\n", code: 1,
		},
		{
			name:   "missing name",
			files:  map[string]string{"web.json": `{"services": [{"name": "a"}, {"port": 80}]}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: services[1]: missing name\n", code: 1,
		},
		{
			name:   "port not a number",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "port": "http"}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: service.port: expected a whole number, got \"http\"\n", code: 1,
		},
		{
			name:   "port out of range",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "port": 70000}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: service.port: 70000 is out of range (0 to 65535)\n", code: 1,
		},
		{
			name:   "bad duration",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "check": {"tcp": "a:1", "interval": "10"}}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: service.check.interval: time: missing unit in duration \"10\"\n", code: 1,
		},
		{
			name:   "connect is not supported",
			files:  map[string]string{"web.json": `{"service": {"name": "web", "connect": {"sidecar_service": {}}}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: service.connect: not supported by consuld\n", code: 1,
		},
		{name: "bad tagged address", args: []string{"-name=web", "-tagged-address=lan=nohost"},
			stderr: "Invalid Tagged Address: address nohost: missing port in address\n", code: 1},
		{name: "agent error", args: []string{"-name=web"}, setup: failWith(500, "boom"),
			stderr: "Error registering service \"web\": Unexpected response code: 500 (boom)\n", code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			f := newFakeAgent()
			if tt.setup != nil {
				tt.setup(f)
			}
			srv := f.serve(t)
			args := []string{"services", "register", "-http-addr=" + srv.URL}
			for _, a := range tt.args {
				args = append(args, expand(a, dir))
			}
			check(t, runCLI(nil, "", args...), expand(tt.stdout, dir), expand(tt.stderr, dir), tt.code)
			if got := f.registeredInOrder(); !reflect.DeepEqual(got, orNil(tt.want)) {
				t.Errorf("agent got\n%s\nwant\n%s", jsonText(got), jsonText(tt.want))
			}
		})
	}
}

func orNil(s []*api.AgentServiceRegistration) []*api.AgentServiceRegistration {
	if s == nil {
		return []*api.AgentServiceRegistration{}
	}
	return s
}

// TestServicesRegisterWireFormat checks the request body field names the
// agent endpoint reads (ScriptArgs, not Args; CamelCase throughout).
func TestServicesRegisterWireFormat(t *testing.T) {
	dir := writeFiles(t, map[string]string{"web.json": webJSON})
	f := newFakeAgent()
	srv := f.serve(t)
	check(t, runCLI(nil, "", "services", "register", "-http-addr="+srv.URL, "-token=secret", dir+"/web.json"),
		"Registered service: web\n", "", 0)
	if len(f.rawBodies) != 1 {
		t.Fatalf("%d register requests", len(f.rawBodies))
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(f.rawBodies[0]), &body); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"ID", "Name", "Tags", "Port", "Address", "TaggedAddresses", "EnableTagOverride", "Meta", "Weights", "Check", "Checks"} {
		if _, ok := body[key]; !ok {
			t.Errorf("body lacks %s: %s", key, f.rawBodies[0])
		}
	}
	script := body["Checks"].([]any)[1].(map[string]any)
	if _, ok := script["ScriptArgs"]; !ok {
		t.Errorf("script check lacks ScriptArgs: %v", script)
	}
	if req := f.lastRequest(); req.Method != "PUT" || req.Path != "/v1/agent/service/register" || req.Token != "secret" {
		t.Errorf("request %+v", req)
	}
}

func TestServicesDeregister(t *testing.T) {
	tests := []struct {
		name           string
		files          map[string]string
		args           []string
		setup          func(*fakeAgent)
		stdout, stderr string
		code           int
		left           []string // IDs still registered after the run
	}{
		{name: "by id", args: []string{"-id=web-1"}, stdout: "Deregistered service: web-1\n", left: []string{"db"}},
		{
			name:   "by files: the id, or the name without one",
			files:  map[string]string{"web.json": webJSON, "db.hcl": `service { name = "db" }`},
			args:   []string{"{dir}/web.json", "{dir}/db.hcl"},
			stdout: "Deregistered service: web-1\nDeregistered service: db\n",
		},
		{name: "unknown id", args: []string{"-id=nope"},
			stderr: "Error deregistering service \"nope\": Unexpected response code: 404 (Unknown service ID \"nope\". Ensure that the service ID is passed, not the service name.)\n",
			code:   1, left: []string{"db", "web-1"}},
		{
			name:   "stops at the first failure",
			files:  map[string]string{"a.json": `{"services": [{"name": "db"}, {"name": "ghost"}, {"name": "web", "id": "web-1"}]}`},
			args:   []string{"{dir}/a.json"},
			stdout: "Deregistered service: db\n",
			stderr: "Error deregistering service \"ghost\": Unexpected response code: 404 (Unknown service ID \"ghost\". Ensure that the service ID is passed, not the service name.)\n",
			code:   1, left: []string{"web-1"},
		},
		{name: "nothing to deregister", stderr: "Service deregistration requires at least one argument or -id.\n", code: 1, left: []string{"db", "web-1"}},
		{
			name:   "files and -id",
			files:  map[string]string{"web.json": webJSON},
			args:   []string{"-id=web-1", "{dir}/web.json"},
			stderr: "Service deregistration requires arguments or -id, not both.\n", code: 1, left: []string{"db", "web-1"},
		},
		{
			name:   "bad file",
			files:  map[string]string{"web.json": `{"service": {"id": "web-1"}}`},
			args:   []string{"{dir}/web.json"},
			stderr: "Error: {dir}/web.json: service: missing name\n", code: 1, left: []string{"db", "web-1"},
		},
		{name: "agent error", args: []string{"-id=db"}, setup: failWith(403, "Permission denied"),
			stderr: "Error deregistering service \"db\": Unexpected response code: 403 (Permission denied)\n", code: 1, left: []string{"db", "web-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			f := newFakeAgent()
			f.registered = map[string]*api.AgentServiceRegistration{"web-1": {ID: "web-1", Name: "web"}, "db": {Name: "db"}}
			f.order = []string{"db", "web-1"}
			if tt.setup != nil {
				tt.setup(f)
			}
			srv := f.serve(t)
			args := []string{"services", "deregister", "-http-addr=" + srv.URL}
			for _, a := range tt.args {
				args = append(args, expand(a, dir))
			}
			check(t, runCLI(nil, "", args...), expand(tt.stdout, dir), expand(tt.stderr, dir), tt.code)
			if got := sortedKeys(f.registered); strings.Join(got, ",") != strings.Join(tt.left, ",") {
				t.Errorf("still registered %q, want %q", got, tt.left)
			}
		})
	}
}

func TestServicesAgentUnreachable(t *testing.T) {
	addr := refusedAddr(t)
	refused := "dial tcp " + addr + ": connect: connection refused\n"
	env := map[string]string{envHTTPAddr: addr}
	check(t, runCLI(env, "", "services", "register", "-name=web"), "",
		`Error registering service "web": Put "http://`+addr+`/v1/agent/service/register": `+refused, 1)
	check(t, runCLI(env, "", "services", "deregister", "-id=web"), "",
		`Error deregistering service "web": Put "http://`+addr+`/v1/agent/service/deregister/web": `+refused, 1)
}

func TestLoadServiceFilesEquivalentFormats(t *testing.T) {
	dir := writeFiles(t, map[string]string{"web.json": webJSON, "web.hcl": webHCL})
	for _, name := range []string{"web.json", "web.hcl"} {
		got, err := loadServiceFiles([]string{filepath.Join(dir, name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := []*api.AgentServiceRegistration{webService()}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, jsonText(got), jsonText(want))
		}
	}
}
