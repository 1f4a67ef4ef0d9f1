package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fuzzLoad writes data as the only config file and loads it; any outcome
// but a panic is fine, and an error must be an *Error. The file is rewritten
// in place: a fuzz worker runs one input at a time.
func fuzzLoad(t *testing.T, p string, data []byte, dev bool) {
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load(&Flags{Dev: dev, ConfigFiles: []string{p}})
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("error %T %v is not *Error", err, err)
		}
		return
	}
	if c == nil {
		t.Fatal("nil config without error")
	}
}

func FuzzLoadJSON(f *testing.F) {
	f.Add([]byte(testutilJSON), true)
	f.Add([]byte(equivJSON), false)
	f.Add([]byte(`{"ports": {"http": 1e3}, "services": [{"name": "x"}], "service": {"checks": [{}]}}`), true)
	f.Add([]byte(`{"encrypt": "", "acl": null, "ui": true, "limits": [{"rpc_rate": 1}]}`), true)
	f.Add([]byte(`[`), false)
	p := filepath.Join(f.TempDir(), "f.json")
	f.Fuzz(func(t *testing.T, data []byte, dev bool) {
		fuzzLoad(t, p, data, dev)
	})
}

func FuzzLoadHCL(f *testing.F) {
	f.Add([]byte(equivHCL), false)
	f.Add([]byte("ports { http = 1 }\nports { dns = -1 }\nservice { name = \"a\" }\n"), true)
	f.Add([]byte("acl {\n tokens {\n master = \"x\"\n }\n}\nui_config { enabled = true }\n"), true)
	f.Add([]byte("retry_join = [\"a\", 1]\nperformance = [ { raft_multiplier = 2 } ]\n"), true)
	f.Add([]byte(`{"datacenter": "dc1"}`), true)
	f.Add([]byte("x = <<EOF\nhello\nEOF\n"), true)
	p := filepath.Join(f.TempDir(), "f.hcl")
	f.Fuzz(func(t *testing.T, data []byte, dev bool) {
		fuzzLoad(t, p, data, dev)
	})
}

// FuzzServiceDefJSON decodes a JSON value as a `services` entry and as a
// standalone `checks` entry. Any outcome but a panic is fine; an error must
// be an *Error naming the file, a success must satisfy every rule, and
// decoding must be deterministic.
func FuzzServiceDefJSON(f *testing.F) {
	for _, s := range []string{
		`{"name": "web", "tags": ["primary"], "address": "192.168.99.112", "port": 9000, "checks": [{"http": "http://localhost:9000/health", "interval": "10s"}]}`,
		`{"id": "web", "name": "web", "tags": ["rails"], "port": 8080, "check": {"id": "web-http", "name": "HTTP", "http": "http://127.0.0.1:8080/", "interval": "2s", "timeout": "1s"}}`,
		`{"ID": "w", "Name": "w", "Meta": {"a": "b"}, "Weights": {"Passing": 2}, "TaggedAddresses": {"lan": {"Address": "1.2.3.4", "Port": 1}}, "Check": {"TTL": "5s"}, "Checks": [{"CheckID": "service:w:1", "TTL": "1s"}]}`,
		`{"name": "c", "args": ["/bin/true"], "interval": "500ms", "deregister_critical_service_after": "10s", "status": "warning"}`,
		`{"name": "c", "alias_service": "db", "header": {"X": ["1"]}, "namespace": "ns", "h2ping_use_tls": false}`,
		`{"name": "web", "port": 65536, "meta": {"consul-x": "1"}, "kind": "connect-proxy"}`,
		`{"name": "web", "checks": [{"http": "x", "tcp": "y"}, {}], "check": [{"ttl": "1s"}, {"ttl": "2s"}]}`,
		`[{"name": "a"}, {"name": "b", "weights": [{"passing": 1}, {"warning": 0}]}]`,
		`{"name": "web", "id": "x", "Id": "y", "bogus": null}`,
		`"web"`, `null`, `{}`, `[`,
	} {
		f.Add([]byte(s))
	}
	const src = `file "f.json"`
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := parseJSONValue(data)
		if !ok || v == nil {
			return
		}
		first := fuzzDefs(t, src, v)
		second := fuzzDefs(t, src, v)
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("not deterministic:\n%#v\n%#v", first, second)
		}
	})
}

// parseJSONValue decodes one JSON value of any type, numbers exact.
func parseJSONValue(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

type fuzzResult struct {
	services    []ServiceDef
	checks      []CheckDef
	serviceErr  string
	checkErr    string
	warnings    []string
	mergedWarns []string
}

func fuzzDefs(t *testing.T, src string, v any) fuzzResult {
	l := &loader{cfg: defaults(), warned: map[string]bool{}, file: "f.json"}
	var r fuzzResult
	if err := l.services(src, "services", v); err != nil {
		r.serviceErr = fuzzCheckError(t, src, err)
	}
	if err := l.checks(src, "checks", v); err != nil {
		r.checkErr = fuzzCheckError(t, src, err)
	}
	r.services, r.checks, r.warnings = l.cfg.Services, l.cfg.Checks, l.warnings
	for _, s := range r.services {
		fuzzCheckService(t, s)
	}
	for _, c := range r.checks {
		if c.Name == "" || c.ID == "" {
			t.Fatalf("standalone check without name or ID: %#v", c)
		}
		fuzzCheckCheck(t, c)
	}
	for _, w := range r.warnings {
		if !strings.HasPrefix(w, "config: "+src+": ") {
			t.Fatalf("warning %q does not name the file", w)
		}
	}
	r.mergedWarns = duplicateIDs(l.cfg)
	return r
}

func fuzzCheckError(t *testing.T, src string, err error) string {
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	if ce.Source != src || ce.Detail == "" && ce.Key == "" {
		t.Fatalf("error %#v does not name its source and problem", ce)
	}
	known := false
	for _, k := range []error{ErrUnknownKey, ErrType, ErrValue} {
		known = known || errors.Is(err, k)
	}
	if !known {
		t.Fatalf("error %v has no sentinel", err)
	}
	return err.Error()
}

func fuzzCheckService(t *testing.T, s ServiceDef) {
	if s.Name == "" || s.ID == "" || s.Source != "f.json" {
		t.Fatalf("service without name, ID or source: %#v", s)
	}
	if s.Port < 0 || s.Port > 65535 || s.Weights.Passing < 1 || s.Weights.Warning < 0 {
		t.Fatalf("service values out of range: %#v", s)
	}
	if s.Kind != "" && !slices.Contains(serviceKinds, s.Kind) {
		t.Fatalf("kind %q", s.Kind)
	}
	if len(s.Meta) > metaMaxKeys {
		t.Fatalf("%d meta keys", len(s.Meta))
	}
	for k, v := range s.Meta {
		if !validMetaKey.MatchString(k) || len(k) > metaMaxKeyLen || len(v) > metaMaxValueLen || strings.HasPrefix(strings.ToLower(k), metaReserved) {
			t.Fatalf("meta %q = %q", k, v)
		}
	}
	for _, a := range s.TaggedAddresses {
		if a.Port < 0 || a.Port > 65535 {
			t.Fatalf("tagged address %#v", a)
		}
	}
	ids := map[string]bool{}
	for _, c := range s.Checks {
		if ids[c.ID] {
			t.Fatalf("check ID %q twice in %#v", c.ID, s)
		}
		ids[c.ID] = true
		if c.ID == "" || c.Name == "" || c.ServiceID != s.ID {
			t.Fatalf("service check not defaulted: %#v", c)
		}
		fuzzCheckCheck(t, c)
	}
}

func fuzzCheckCheck(t *testing.T, c CheckDef) {
	if c.Source != "f.json" {
		t.Fatalf("source %q", c.Source)
	}
	set := 0
	for _, b := range []bool{c.HTTP != "", c.TCP != "", c.UDP != "", c.GRPC != "", c.H2PING != "", c.Kind == CheckTTL,
		len(c.Args) > 0, c.AliasNode != "" || c.AliasService != ""} {
		if b {
			set++
		}
	}
	if set != 1 || c.Kind == "" {
		t.Fatalf("check with %d kinds (%q): %#v", set, c.Kind, c)
	}
	switch {
	case c.Kind.Periodic() && c.Interval < minCheckInterval:
		t.Fatalf("interval %v", c.Interval)
	case c.Kind == CheckTTL && c.TTL <= 0:
		t.Fatalf("ttl %v", c.TTL)
	case c.DeregisterCriticalServiceAfter != 0 && c.DeregisterCriticalServiceAfter < minDeregisterAfter:
		t.Fatalf("deregister %v", c.DeregisterCriticalServiceAfter)
	case c.Timeout < 0 || c.OutputMaxSize < 0 || c.SuccessBeforePassing < 0 || c.FailuresBeforeCritical < 0 || c.FailuresBeforeWarning < 0:
		t.Fatalf("negative value: %#v", c)
	}
	switch c.Status {
	case "", "passing", "warning", "critical":
	default:
		t.Fatalf("status %q", c.Status)
	}
}
