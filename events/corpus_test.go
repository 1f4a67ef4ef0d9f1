package events

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

var update = flag.Bool("update", false, "add missing corpus files (never rewrites existing ones)")

// corpusCases are the shapes shipped so far. Append new shapes; never delete.
var corpusCases = map[string]Event{
	"v1-KeyWritten-plain":     &KeyWritten{Key: "redis/config", Value: []byte("192.168.99.133")},
	"v1-KeyWritten-cas-flags": &KeyWritten{Key: "flags/k", Value: []byte("v"), Flags: 42, Cas: true, CasIndex: 7},
	"v1-KeyWritten-cas0":      &KeyWritten{Key: "cas/new", Value: []byte{0, 1, 2}, Cas: true},
	"v1-KeyDeleted-plain":     &KeyDeleted{Key: "cas/new"},
	"v1-KeyDeleted-cas":       &KeyDeleted{Key: "a/b", Cas: true, CasIndex: 12},
	"v1-PrefixDeleted":        &PrefixDeleted{Prefix: "redis/"},
	"v1-CatalogRegistered-full": &CatalogRegistered{
		Node: &Node{Id: "dddccf28-9eb1-9e64-e677-80acc11fbe18", Node: "vm", Address: "127.0.0.1", Datacenter: "dc1",
			TaggedAddresses: map[string]string{"lan": "127.0.0.1"}, Meta: map[string]string{"consul-version": "1.22.7"}},
		Service: &Service{Node: "vm", Id: "web-8081", Service: "web", Tags: []string{"rails", "broken"}, Port: 8081,
			Weights: &ServiceWeights{Passing: 1, Warning: 1}, Meta: map[string]string{"v": "1"}},
		Checks: []*Check{{Node: "vm", CheckId: "web-8081-http", Name: "HTTP on 127.0.0.1:8081", Status: "critical",
			ServiceId: "web-8081", ServiceName: "web", Type: "http", Interval: "2s", Timeout: "1s"}},
	},
	"v1-CatalogRegistered-node":   &CatalogRegistered{Node: &Node{Node: "ext-node-1", Address: "127.0.9.1"}, SkipNodeUpdate: true},
	"v1-CatalogDeregistered-node": &CatalogDeregistered{Node: "ext-node-1"},
	"v1-CatalogDeregistered-svc":  &CatalogDeregistered{Node: "vm", ServiceId: "web"},
	"v1-CheckStatusUpdated":       &CheckStatusUpdated{Node: "vm", CheckId: "serfHealth", Status: "passing", Output: "Agent alive and reachable"},
	"v1-CARootsInitialized": &CARootsInitialized{
		ClusterId: "11111111-2222-3333-4444-555555555555",
		Root: &CARoot{Id: "c7:bd:55:4b:64:80:14:51:10:a4:b9:b9:d7:e0:75:3f:86:ba:bb:24", Name: "Consul CA Primary Cert",
			SerialNumber: 7, SigningKeyId: "2d:09:5d:84:b9:89:4b:dd:e3:88:bb:9c:e2:b2:69:81:1f:4b:a6:fd:4d:df:ee:74:63:f3:74:55:ca:b0:b5:65",
			NotBefore: "2018-05-25T21:39:23Z", NotAfter: "2028-05-22T21:39:23Z",
			RootCertPem:    "-----BEGIN CERTIFICATE-----\nMIICmDCCAj6gAwIBAgIBBzAKBggqhkjOPQQDAjAWMRQwEgYDVQQDEwtDb25zdWwg\n-----END CERTIFICATE-----\n",
			SigningKeyPem:  "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFa0b1c0ffee0000000000000000000000000000000000000000oAoGCCqG\n-----END EC PRIVATE KEY-----\n",
			PrivateKeyType: "ec", PrivateKeyBits: 256, TrustDomain: "11111111-2222-3333-4444-555555555555.consul",
			ExternalTrustDomain: "11111111-2222-3333-4444-555555555555", Active: true},
	},
}

// TestCorpusDecodes decodes every encoded event ever shipped and compares it
// with the JSON rendering stored beside it.
func TestCorpusDecodes(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	if *update {
		for name, ev := range corpusCases {
			bin := filepath.Join(dir, name+".bin")
			if _, err := os.Stat(bin); err == nil {
				continue
			}
			b, err := Encode(ev)
			if err != nil {
				t.Fatal(err)
			}
			js, _ := protojson.Marshal(ev)
			must(t, os.MkdirAll(dir, 0o755))
			must(t, os.WriteFile(bin, b, 0o644))
			must(t, os.WriteFile(filepath.Join(dir, name+".json"), js, 0o644))
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	if len(files) < len(corpusCases) {
		t.Fatalf("corpus has %d files, want at least %d (run with -update)", len(files), len(corpusCases))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			must(t, err)
			ev, err := Decode(b)
			must(t, err)
			want, err := os.ReadFile(strings.TrimSuffix(f, ".bin") + ".json")
			must(t, err)
			exp := ev.ProtoReflect().New().Interface()
			must(t, protojson.Unmarshal(want, exp))
			if !proto.Equal(ev, exp) {
				t.Fatalf("decoded %v, want %v", ev, exp)
			}
		})
	}
}

func TestUnknownTypes(t *testing.T) {
	b, _ := Encode(&KeyDeleted{Key: "k"})
	b[1] = 120 // a type number nobody has assigned yet
	if _, err := Decode(b); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("unknown type: got %v", err)
	}
	b[2] = flagIgnorable
	if _, err := Decode(b); !errors.Is(err, ErrIgnored) {
		t.Fatalf("unknown ignorable type: got %v", err)
	}
	if _, err := Decode([]byte{1}); !errors.Is(err, ErrShort) {
		t.Fatalf("short: got %v", err)
	}
	b[0] = 9
	b[2] = 0
	if _, err := Decode(b); !errors.Is(err, ErrVersion) {
		t.Fatalf("future version: got %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, ev := range corpusCases {
		b, _ := Encode(ev)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := Decode(b)
		if err == nil {
			if _, err := Encode(ev); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
