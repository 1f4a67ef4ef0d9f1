package cli

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHTTPAddress(t *testing.T) {
	f := seededKV()
	srv := f.serve(t)
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	dead := httptest.NewServer(newFakeKV())
	deadAddr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close()

	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"env without scheme", map[string]string{envHTTPAddr: hostPort}, nil},
		{"env with http scheme", map[string]string{envHTTPAddr: "http://" + hostPort}, nil},
		{"flag without scheme", nil, []string{"-http-addr=" + hostPort}},
		{"flag with http scheme", nil, []string{"-http-addr=http://" + hostPort}},
		{"flag beats env", map[string]string{envHTTPAddr: deadAddr}, []string{"-http-addr=" + hostPort}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"kv", "get"}, tt.args...), "memcached/x")
			check(t, runCLI(tt.env, "", args...), "y\n", "", 0)
		})
	}
}

func TestHTTPConfigPrecedence(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("  from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		flags  httpFlags
		env    map[string]string
		addr   string
		scheme string
		token  string
	}{
		{"defaults", httpFlags{}, nil, "127.0.0.1:8500", "http", ""},
		{"env", httpFlags{}, map[string]string{envHTTPAddr: "10.0.0.1:8500", envHTTPToken: "t"}, "10.0.0.1:8500", "http", "t"},
		{"flags over env", httpFlags{addr: "h:1", token: "f"}, map[string]string{envHTTPAddr: "e:2", envHTTPToken: "e"}, "h:1", "http", "f"},
		{"ssl env", httpFlags{}, map[string]string{envHTTPSSL: "true"}, "127.0.0.1:8500", "https", ""},
		{"token file flag over token flag", httpFlags{token: "f", tokenFile: tokenFile}, nil, "127.0.0.1:8500", "http", "from-file"},
		{"token flag over token file env", httpFlags{token: "f"}, map[string]string{envHTTPTokenFile: tokenFile}, "127.0.0.1:8500", "http", "f"},
		{"token file env over token env", httpFlags{}, map[string]string{envHTTPTokenFile: tokenFile, envHTTPToken: "e"}, "127.0.0.1:8500", "http", "from-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.flags.config(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Address != tt.addr || cfg.Scheme != tt.scheme || cfg.Token != tt.token {
				t.Errorf("got %s %s %q, want %s %s %q", cfg.Address, cfg.Scheme, cfg.Token, tt.addr, tt.scheme, tt.token)
			}
		})
	}
}

func TestHTTPS(t *testing.T) {
	f := seededKV()
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	hostPort := strings.TrimPrefix(srv.URL, "https://")

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // "" means success
	}{
		{"https scheme and ca file", nil, []string{"-http-addr=https://" + hostPort, "-ca-file=" + caFile}, ""},
		{"ca file from env", map[string]string{envCACert: caFile}, []string{"-http-addr=https://" + hostPort}, ""},
		{"CONSUL_HTTP_SSL", map[string]string{envHTTPSSL: "true", envHTTPAddr: hostPort, envCACert: caFile}, nil, ""},
		{"server name matching the certificate", nil, []string{"-http-addr=https://" + hostPort, "-ca-file=" + caFile, "-tls-server-name=example.com"}, ""},
		{"server name not in the certificate", nil, []string{"-http-addr=https://" + hostPort, "-ca-file=" + caFile, "-tls-server-name=wrong.test"},
			"certificate is valid for"},
		{"unknown authority", nil, []string{"-http-addr=https://" + hostPort}, "certificate signed by unknown authority"},
		{"verification off", map[string]string{envHTTPSSLVerify: "false"}, []string{"-http-addr=https://" + hostPort}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"kv", "get"}, tt.args...), "memcached/x")
			got := runCLI(tt.env, "", args...)
			if tt.wantErr == "" {
				check(t, got, "y\n", "", 0)
				return
			}
			if got.code != 1 || !strings.HasPrefix(got.stderr, "Error querying Consul agent: ") || !strings.Contains(got.stderr, tt.wantErr) {
				t.Errorf("got %+v, want an error containing %q", got, tt.wantErr)
			}
		})
	}
}

func TestHTTPClientErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown scheme", []string{"-http-addr=ftp://127.0.0.1:1"}, "Error connecting to Consul agent: Unknown protocol scheme: ftp\n"},
		{"missing ca file", []string{"-ca-file=/nonexistent/ca.pem"}, "Error connecting to Consul agent: "},
		{"missing token file", []string{"-token-file=/nonexistent/token"},
			"Error connecting to Consul agent: Error loading token file /nonexistent/token : open /nonexistent/token: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, sub := range []string{"get", "put", "delete"} {
				got := runCLI(nil, "", append(append([]string{"kv", sub}, tt.args...), "k")...)
				if got.code != 1 || !strings.HasPrefix(got.stderr, tt.stderr) {
					t.Errorf("kv %s: got %+v, want stderr starting %q", sub, got, tt.stderr)
				}
			}
		})
	}
}
