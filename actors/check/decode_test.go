package check

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestDecodeDefinition(t *testing.T) {
	cases := []struct {
		name string
		json string
		want Definition
		err  error
	}{
		{
			name: "API payload (CamelCase)",
			json: `{"ID":"mem","Name":"Memory utilization","Notes":"Ensure we don't oversubscribe memory",
				"DeregisterCriticalServiceAfter":"90m","HTTP":"https://example.com","Method":"POST",
				"Header":{"Content-Type":["application/json"]},"Body":"{\"check\":\"mem\"}",
				"Interval":"10s","Timeout":"5s","TLSSkipVerify":true,"TLSServerName":"example.com",
				"DisableRedirects":true,"ServiceID":"redis","Status":"passing",
				"SuccessBeforePassing":2,"FailuresBeforeWarning":1,"FailuresBeforeCritical":3,"OutputMaxSize":1024}`,
			want: Definition{
				ID: "mem", Name: "Memory utilization", Notes: "Ensure we don't oversubscribe memory",
				DeregisterCriticalServiceAfter: 90 * time.Minute, HTTP: "https://example.com", Method: "POST",
				Header: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"check":"mem"}`,
				Interval: 10 * time.Second, Timeout: 5 * time.Second, TLSSkipVerify: true, TLSServerName: "example.com",
				DisableRedirects: true, ServiceID: "redis", Status: StatusPassing,
				SuccessBeforePassing: 2, FailuresBeforeWarning: 1, FailuresBeforeCritical: 3, OutputMaxSize: 1024,
			},
		},
		{
			name: "config file (snake_case)",
			json: `{"id":"api","name":"HTTP API on port 5000","http":"https://localhost:5000/health",
				"tls_server_name":"","tls_skip_verify":true,"method":"POST","header":{"x-foo":["bar","baz"]},
				"disable_redirects":true,"interval":"10s","timeout":"1s","service_id":"api",
				"deregister_critical_service_after":"2m","success_before_passing":3,
				"failures_before_warning":1,"failures_before_critical":3,"output_max_size":100}`,
			want: Definition{
				ID: "api", Name: "HTTP API on port 5000", HTTP: "https://localhost:5000/health",
				TLSSkipVerify: true, Method: "POST", Header: map[string][]string{"x-foo": {"bar", "baz"}},
				DisableRedirects: true, Interval: 10 * time.Second, Timeout: time.Second, ServiceID: "api",
				DeregisterCriticalServiceAfter: 2 * time.Minute, SuccessBeforePassing: 3,
				FailuresBeforeWarning: 1, FailuresBeforeCritical: 3, OutputMaxSize: 100,
			},
		},
		{
			name: "script check, args",
			json: `{"id":"mem-util","name":"Memory utilization","args":["/usr/local/bin/check_mem.py","-limit","256MB"],"interval":"10s","timeout":"1s"}`,
			want: Definition{ID: "mem-util", Name: "Memory utilization", Args: []string{"/usr/local/bin/check_mem.py", "-limit", "256MB"}, Interval: 10 * time.Second, Timeout: time.Second},
		},
		{
			name: "ScriptArgs (Consul 1.0's name) and CheckID",
			json: `{"CheckID":"c","ScriptArgs":["true"],"Interval":"1s"}`,
			want: Definition{ID: "c", Args: []string{"true"}, Interval: time.Second},
		},
		{
			name: "Args wins over ScriptArgs, ID over CheckID",
			json: `{"ID":"a","CheckID":"b","Args":["one"],"script_args":["two"],"Interval":"1s"}`,
			want: Definition{ID: "a", Args: []string{"one"}, Interval: time.Second},
		},
		{
			name: "tcp, udp, grpc with TLS",
			json: `{"tcp":"localhost:22","tcp_use_tls":true,"interval":"10s"}`,
			want: Definition{TCP: "localhost:22", TCPUseTLS: true, Interval: 10 * time.Second},
		},
		{
			name: "grpc",
			json: `{"grpc":"127.0.0.1:12345/my_service","grpc_use_tls":true,"interval":"10s"}`,
			want: Definition{GRPC: "127.0.0.1:12345/my_service", GRPCUseTLS: true, Interval: 10 * time.Second},
		},
		{
			name: "h2ping uses TLS unless told not to",
			json: `{"h2ping":"localhost:22222","interval":"10s"}`,
			want: Definition{H2PING: "localhost:22222", H2PingUseTLS: true, Interval: 10 * time.Second},
		},
		{
			name: "h2ping without TLS",
			json: `{"h2ping":"localhost:22222","interval":"10s","h2ping_use_tls":false}`,
			want: Definition{H2PING: "localhost:22222", Interval: 10 * time.Second},
		},
		{
			name: "ttl and alias",
			json: `{"TTL":"30s","alias_node":"n1","AliasService":"web"}`,
			want: Definition{TTL: 30 * time.Second, AliasNode: "n1", AliasService: "web"},
		},
		{
			name: "durations as nanoseconds, numbers as strings, bools as strings",
			json: `{"UDP":"x:53","Interval":1000000000,"Timeout":"","FailuresBeforeCritical":"2","TLSSkipVerify":"true"}`,
			want: Definition{UDP: "x:53", Interval: time.Second, FailuresBeforeCritical: 2, TLSSkipVerify: true},
		},
		{
			name: "keys in any case, underscores anywhere",
			json: `{"iNtErVaL":"2s","HtTp":"http://x","tls__skip_verify":true,"Failures_Before_Critical":4}`,
			want: Definition{Interval: 2 * time.Second, HTTP: "http://x", TLSSkipVerify: true, FailuresBeforeCritical: 4},
		},
		{
			name: "a single header value is taken as a list of one",
			json: `{"Header":{"X-A":"1"}}`,
			want: Definition{Header: map[string][]string{"X-A": {"1"}}},
		},
		{
			name: "unknown keys and nulls are ignored",
			json: `{"Node":"n","Token":"t","Namespace":"","HTTP":null,"TCP":"x:1","Shell":"/bin/sh"}`,
			want: Definition{TCP: "x:1"},
		},
		{name: "bad duration", json: `{"Interval":"10 seconds"}`, err: ErrDecode},
		{name: "wrong type", json: `{"Name":7}`, err: ErrDecode},
		{name: "fractional count", json: `{"SuccessBeforePassing":1.5}`, err: ErrDecode},
		{name: "args not a list", json: `{"Args":"true"}`, err: ErrDecode},
		{name: "header of numbers", json: `{"Header":{"X":[1]}}`, err: ErrDecode},
		{name: "docker checks are refused", json: `{"DockerContainerID":"f972c95ebf0e","Args":["x"],"Interval":"1s"}`, err: ErrUnsupported},
		{name: "os_service checks are refused", json: `{"os_service":"svc","interval":"1s"}`, err: ErrUnsupported},
		{name: "legacy Script is refused", json: `{"Script":"/bin/true","Interval":"1s"}`, err: ErrUnsupported},
		{name: "two spellings, two values", json: `{"tls_skip_verify":true,"TLSSkipVerify":false}`, err: ErrDuplicateKey},
		{name: "not an object", json: `[1]`, err: ErrDecode},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got Definition
			err := json.Unmarshal([]byte(tc.json), &got)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeDefinitionFromGoValues(t *testing.T) {
	// Maps from an HCL decoder or built in Go carry native types.
	d, err := DecodeDefinition(map[string]any{
		"tcp": "x:1", "interval": "5s", "success_before_passing": 2, "failures_before_critical": int64(3),
		"header": map[string][]string{"A": {"b"}}, "args": nil, "tls_skip_verify": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Definition{TCP: "x:1", Interval: 5 * time.Second, SuccessBeforePassing: 2, FailuresBeforeCritical: 3, Header: map[string][]string{"A": {"b"}}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got %+v", d)
	}
	// Two spellings of one key with the same value are fine.
	if _, err := DecodeDefinition(map[string]any{"tls_skip_verify": true, "TLSSkipVerify": true}); err != nil {
		t.Fatal(err)
	}
}

func TestUnmarshalNullLeavesDefinition(t *testing.T) {
	d := Definition{Name: "kept"}
	if err := json.Unmarshal([]byte(`null`), &d); err != nil || d.Name != "kept" {
		t.Fatalf("%v %+v", err, d)
	}
}
