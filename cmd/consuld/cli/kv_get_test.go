package cli

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/consul/api"
)

// seededKV holds redis/config/{connections,cpu,memory}, memcached/x and
// empty, with indexes 1..5 in that order.
func seededKV() *fakeKV {
	f := newFakeKV()
	f.put("redis/config/connections", "5", 0)
	f.put("redis/config/cpu", "128", 42)
	f.put("redis/config/memory", "512", 0)
	f.put("memcached/x", "y", 0)
	f.put("empty", "", 0)
	return f
}

func TestKVGet(t *testing.T) {
	connectionsBlock := "CreateIndex      1\n" +
		"Flags            0\n" +
		"Key              redis/config/connections\n" +
		"LockIndex        0\n" +
		"ModifyIndex      1\n" +
		"Session          -\n" +
		"Value            5\n"
	cpuBlock := strings.NewReplacer("1\n", "2\n", "Flags            0", "Flags            42",
		"connections", "cpu", "Value            5", "Value            128").Replace(connectionsBlock)
	memoryBlock := strings.NewReplacer("1\n", "3\n", "connections", "memory", "Value            5", "Value            512").Replace(connectionsBlock)
	keysOnly := func(block string) string { return block[:strings.Index(block, "Value")] + "\n" }

	tests := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
	}{
		{"value", []string{"redis/config/connections"}, "5\n", "", 0},
		{"leading slash is dropped", []string{"/redis/config/cpu"}, "128\n", "", 0},
		{"empty value prints an empty line", []string{"empty"}, "\n", "", 0},
		{"missing key", []string{"nope"}, "", "Error! No key exists at: nope\n", 1},
		{"no key", nil, "", "Error! Missing KEY argument\n", 1},
		{"slash only is no key", []string{"/"}, "", "Error! Missing KEY argument\n", 1},
		{"too many arguments", []string{"a", "b"}, "", "Too many arguments (expected 1, got 2)\n", 1},
		{"base64", []string{"-base64", "redis/config/cpu"}, "MTI4\n", "", 0},
		{"detailed", []string{"-detailed", "redis/config/connections"}, connectionsBlock, "", 0},
		{"detailed base64", []string{"-detailed", "-base64", "redis/config/connections"},
			strings.Replace(connectionsBlock, "Value            5", "Value            NQ==", 1), "", 0},
		{"recurse", []string{"-recurse", "redis/"},
			"redis/config/connections:5\nredis/config/cpu:128\nredis/config/memory:512\n", "", 0},
		{"recurse one entry is still key:value", []string{"-recurse", "memcached"}, "memcached/x:y\n", "", 0},
		{"recurse base64", []string{"-recurse", "-base64", "memcached/"}, "memcached/x:eQ==\n", "", 0},
		{"recurse nothing", []string{"-recurse", "nothing/"}, "", "", 0},
		{"recurse detailed", []string{"-recurse", "-detailed", "redis"},
			connectionsBlock + "\n" + cpuBlock + "\n" + memoryBlock, "", 0},
		{"keys", []string{"-keys", "redis/config/"},
			"redis/config/connections\nredis/config/cpu\nredis/config/memory\n", "", 0},
		{"keys at the root show folders", []string{"-keys"}, "empty\nmemcached/\nredis/\n", "", 0},
		{"keys custom separator", []string{"-keys", "-separator=c", "redis"}, "redis/c\n", "", 0},
		{"keys no separator", []string{"-keys", "-separator=", "redis"},
			"redis/config/connections\nredis/config/cpu\nredis/config/memory\n", "", 0},
		{"keys nothing", []string{"-keys", "nothing/"}, "", "", 0},
		{"keys recurse", []string{"-keys", "-recurse", "redis/config/c"},
			"redis/config/connections\nredis/config/cpu\n", "", 0},
		{"keys recurse detailed", []string{"-keys", "-recurse", "-detailed", "redis/config/c"},
			keysOnly(connectionsBlock) + "\n" + keysOnly(cpuBlock), "", 0},
		{"unknown flag", []string{"-nope", "x"}, "", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := seededKV().serve(t)
			args := append([]string{"kv", "get", "-http-addr=" + srv.URL}, tt.args...)
			got := runCLI(nil, "", args...)
			if tt.name == "unknown flag" {
				if got.code != 1 || !strings.HasPrefix(got.stderr, "flag provided but not defined: -nope\nUsage:\n") {
					t.Fatalf("got %+v", got)
				}
				return
			}
			check(t, got, tt.stdout, tt.stderr, tt.code)
		})
	}
}

func TestKVGetSendsQueryOptions(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		param string
		value string
		token string
	}{
		{"stale", []string{"-stale"}, nil, "stale", "", ""},
		{"datacenter", []string{"-datacenter=dc2"}, nil, "dc", "dc2", ""},
		{"token flag", []string{"-token=secret"}, nil, "", "", "secret"},
		{"token env", nil, map[string]string{envHTTPToken: "from-env"}, "", "", "from-env"},
		{"token flag beats env", []string{"-token=flag"}, map[string]string{envHTTPToken: "env"}, "", "", "flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seededKV()
			srv := f.serve(t)
			args := append([]string{"kv", "get", "-http-addr=" + srv.URL}, tt.args...)
			check(t, runCLI(tt.env, "", append(args, "memcached/x")...), "y\n", "", 0)
			req := f.lastRequest()
			if tt.param != "" && (!req.Query.Has(tt.param) || req.Query.Get(tt.param) != tt.value) {
				t.Errorf("query %v lacks %s=%q", req.Query, tt.param, tt.value)
			}
			if tt.token != "" && req.Token != tt.token {
				t.Errorf("token = %q, want %q", req.Token, tt.token)
			}
		})
	}
}

func TestKVGetErrors(t *testing.T) {
	t.Run("agent error", func(t *testing.T) {
		f := seededKV()
		f.status, f.body = 500, "boom"
		srv := f.serve(t)
		got := runCLI(nil, "", "kv", "get", "-http-addr="+srv.URL, "x")
		check(t, got, "", "Error querying Consul agent: Unexpected response code: 500 (boom)\n", 1)
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(newFakeKV())
		addr := strings.TrimPrefix(srv.URL, "http://")
		srv.Close()
		got := runCLI(map[string]string{envHTTPAddr: addr}, "", "kv", "get", "foo")
		want := `Error querying Consul agent: Get "http://` + addr + `/v1/kv/foo": dial tcp ` + addr + ": connect: connection refused\n"
		check(t, got, "", want, 1)
	})
}

func TestFormatDetailedOddValues(t *testing.T) {
	// A tab in the value opens a column of its own and a newline ends the
	// block's alignment; consul's tabwriter does the same.
	p := &api.KVPair{Key: "k", Value: []byte("a\tb\nc"), Session: "s1", CreateIndex: 10, ModifyIndex: 12, LockIndex: 1}
	want := "CreateIndex      10\nFlags            0\nKey              k\nLockIndex        1\n" +
		"ModifyIndex      12\nSession          s1\nValue            a      b\nc"
	if got := formatDetailed(p, pairFormat{}); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
