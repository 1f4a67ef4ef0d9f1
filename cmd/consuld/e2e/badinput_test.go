package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestBadInputIsRefusedAndStoresNothing sends malformed requests and checks
// each gets a clear 4xx and leaves the store as it was.
func TestBadInputIsRefusedAndStoresNothing(t *testing.T) {
	a := startDev(t, "-config-file", writeFile(t, "limits.json", `{"limits": {"kv_max_value_size": 1024}}`))
	big := strings.Repeat("x", 1025)
	cases := []struct {
		name, method, path, body string
		status                   int
		text                     string
	}{
		{"empty key put", "PUT", "/v1/kv/", "v", 400, "Missing key name"},
		{"empty key delete", "DELETE", "/v1/kv/", "", 400, "Missing key name"},
		{"dotdot key", "PUT", "/v1/kv/a/%2E%2E/b", "v", 400, "'..'"},
		{"NUL key", "PUT", "/v1/kv/a%00b", "v", 400, "NUL"},
		{"10 KB key", "PUT", "/v1/kv/" + strings.Repeat("k", 10240), "v", 400, "Key too long"},
		{"10 KB key get", "GET", "/v1/kv/" + strings.Repeat("k", 10240), "", 400, "Key too long"},
		{"non-numeric cas", "PUT", "/v1/kv/k?cas=abc", "v", 400, "cas"},
		{"negative cas", "PUT", "/v1/kv/k?cas=-1", "v", 400, "cas"},
		{"non-numeric flags", "PUT", "/v1/kv/k?flags=x", "v", 400, "flags"},
		{"non-numeric delete cas", "DELETE", "/v1/kv/k?cas=x", "", 400, "cas"},
		{"non-numeric index", "GET", "/v1/kv/k?index=abc", "", 400, "Invalid index"},
		{"non-numeric wait", "GET", "/v1/kv/k?index=1&wait=soon", "", 400, "Invalid wait time"},
		{"stale and consistent", "GET", "/v1/kv/k?stale&consistent", "", 400, "conflicting semantics"},
		{"unknown method", "PATCH", "/v1/kv/k", "v", 405, "method PATCH not allowed"},
		{"oversized value", "PUT", "/v1/kv/k", big, 413, "Value exceeds 1024 byte limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			status, _, got := a.do(c.method, c.path, body)
			if status != c.status || !strings.Contains(got, c.text) {
				t.Fatalf("%s %s: %d %q, want %d containing %q", c.method, c.path, status, got, c.status, c.text)
			}
		})
	}
	t.Run("chunked oversized body", func(t *testing.T) {
		req, _ := http.NewRequest("PUT", "http://"+a.HTTP+"/v1/kv/k", io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1 // chunked: no length announced
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Fatalf("status %d, want 413", resp.StatusCode)
		}
	})
	t.Run("lying content length", func(t *testing.T) {
		// Announce 5 bytes, send 2000: only the announced bytes are the value.
		conn, err := net.Dial("tcp", a.HTTP)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "PUT /v1/kv/liar HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"+big+big)
		resp, _ := io.ReadAll(conn)
		if !bytes.Contains(resp, []byte("true")) {
			t.Fatalf("response: %s", resp)
		}
		_, _, v := a.do("GET", "/v1/kv/liar?raw", nil)
		if v != "hello" {
			t.Fatalf("stored %q, want the announced 5 bytes", v)
		}
	})
	// Nothing but "liar" was stored.
	status, _, keys := a.do("GET", "/v1/kv/?keys", nil)
	if status != 200 || keys != "[\n    \"liar\"\n]" {
		t.Fatalf("store after bad input: %d %s", status, keys)
	}
}
