package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/consul/sdk/testutil"
)

// TestConsulSDKTestutil runs HashiCorp's own test-server helper
// (github.com/hashicorp/consul/sdk/testutil) with consuld installed as
// `consul` on PATH: it asks `consul version -format=json`, writes its config
// file (connect enabled with a fixed cluster ID, ACL, peering and other
// keys consuld ignores), starts `consul agent -config-file ...`, and waits
// on the endpoints Consul's own API tests wait on.
func TestConsulSDKTestutil(t *testing.T) {
	bin := t.TempDir()
	if err := os.Symlink(binary, filepath.Join(bin, "consul")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	srv, err := testutil.NewTestServerConfigT(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Stop()
		}
	}()
	srv.WaitForLeader(t)
	srv.WaitForActiveCARoot(t)
	srv.WaitForSerfCheck(t)

	c, err := api.NewClient(&api.Config{Address: srv.HTTPAddr})
	if err != nil {
		t.Fatal(err)
	}
	roots, _, err := c.Agent().ConnectCARoots(nil)
	if err != nil || roots.TrustDomain != "11111111-2222-3333-4444-555555555555.consul" || len(roots.Roots) != 1 {
		t.Fatalf("CA roots %+v, %v", roots, err)
	}

	if _, err := c.KV().Put(&api.KVPair{Key: "testutil/k", Value: []byte("v")}, nil); err != nil {
		t.Fatal(err)
	}
	p, _, err := c.KV().Get("testutil/k", nil)
	if err != nil || p == nil || string(p.Value) != "v" {
		t.Fatalf("KV get: %+v %v", p, err)
	}
	// testutil's own helpers go through the agent API.
	srv.SetKVString(t, "testutil/s", "hello")
	if got := srv.GetKVString(t, "testutil/s"); got != "hello" {
		t.Fatalf("GetKVString %q", got)
	}
	srv.AddService(t, "web", "passing", []string{"v1"})
	svcs, _, err := c.Catalog().Services(nil)
	if err != nil {
		t.Fatal(err)
	}
	if tags, ok := svcs["web"]; !ok || len(tags) != 1 || tags[0] != "v1" {
		t.Fatalf("catalog services %v", svcs)
	}

	// Stop sends SIGINT and waits up to StopTimeout for a clean exit.
	stopped = true
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
