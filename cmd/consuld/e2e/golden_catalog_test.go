package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const refused = `"Get \"http://127.0.0.1:8081/\": dial tcp 127.0.0.1:8081: connect: connection refused"`

// TestGoldenCatalogTranscript loads the transcript's two service
// definitions (web on 8080 with a passing HTTP check, web-8081 with nothing
// listening) and replays its catalog, health and agent requests.
func TestGoldenCatalogTranscript(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		t.Skipf("the transcript's web service needs 127.0.0.1:8080: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })}
	go srv.Serve(ln)
	defer srv.Close()
	if c, err := net.DialTimeout("tcp", "127.0.0.1:8081", time.Second); err == nil {
		c.Close()
		t.Skip("the transcript's broken service needs nothing listening on 127.0.0.1:8081")
	}
	dir := t.TempDir()
	for _, f := range []string{"web.json", "web-broken.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	a := startDev(t, "-config-dir", dir)
	c := a.client()
	waitStatus(t, c, "web", "web-http", "passing")
	waitStatus(t, c, "web", "web-8081-http", "critical")
	// Let the probes run once more so agent outputs are settled.
	time.Sleep(2500 * time.Millisecond)

	var self struct {
		Config struct{ NodeID, NodeName string }
	}
	_, _, body := a.do("GET", "/v1/agent/self", nil)
	if err := json.Unmarshal([]byte(body), &self); err != nil {
		t.Fatal(err)
	}
	subst := strings.NewReplacer(
		"dddccf28-9eb1-9e64-e677-80acc11fbe18", self.Config.NodeID,
		`"Node": "vm"`, `"Node": "`+self.Config.NodeName+`"`,
		`"consul-version": "1.22.7"`, `"consul-version": "1.22.7"`,
	)
	n := replay(t, a, func(p string) bool {
		return strings.HasPrefix(p, "/v1/catalog/") || strings.HasPrefix(p, "/v1/health/") ||
			p == "/v1/agent/services" || p == "/v1/agent/checks"
	}, subst, true, func(path, body string) string {
		// Consul had not yet synced the broken check's output to the catalog
		// when the transcript was taken (it batches output-only changes);
		// consuld's start-up resync may already carry it. Agent views show it.
		if strings.HasPrefix(path, "/v1/agent/") {
			return body
		}
		return strings.ReplaceAll(body, refused, `""`)
	})
	if n < 14 {
		t.Fatalf("replayed only %d exchanges", n)
	}
}
