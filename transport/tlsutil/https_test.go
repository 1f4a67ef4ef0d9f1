package tlsutil

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// serveHTTPS starts an HTTPS server as the agent does (tls.NewListener on
// a loopback port) and returns its address.
func serveHTTPS(t *testing.T, c *Configurator) string {
	t.Helper()
	cfg, err := c.HTTPSServer()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ErrorLog: log.New(io.Discard, "", 0), // refused handshakes are expected
	}
	go srv.Serve(tls.NewListener(ln, cfg))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func httpsClient(t *testing.T, caFile, cert, key string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg := &tls.Config{RootCAs: pool}
	if cert != "" {
		c, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{c}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

func TestHTTPS(t *testing.T) {
	p := testPKI(t)
	strict := serveHTTPS(t, mustNew(t, Config{HTTPS: Settings{CAFile: p.ca, CertFile: p.server, KeyFile: p.serverKey, VerifyIncoming: true}}))
	open := serveHTTPS(t, mustNew(t, Config{HTTPS: Settings{CAFile: p.ca, CertFile: p.server, KeyFile: p.serverKey}}))

	tests := []struct {
		name      string
		addr      string
		url       string
		cert, key string
		ok        bool
	}{
		{"client cert from the CA", strict, "https://", p.client, p.clientKey, true},
		{"cli cert from the CA", strict, "https://", p.cli, p.cliKey, true},
		{"no client cert", strict, "https://", "", "", false},
		{"client cert from another CA", strict, "https://", p.otherClient, p.otherClientKey, false},
		{"plaintext HTTP", strict, "http://", "", "", false},
		{"no client cert without verify_incoming", open, "https://", "", "", true},
		{"plaintext HTTP without verify_incoming", open, "http://", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := httpsClient(t, p.ca, tt.cert, tt.key)
			resp, err := c.Get(tt.url + tt.addr + "/")
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				resp.Body.Close()
			}
			if ok != tt.ok {
				t.Errorf("GET: ok=%v (%v), want %v", ok, err, tt.ok)
			}
		})
	}
	// The server is verified by name from the dial address too: the
	// certificate holds 127.0.0.1 and localhost.
	c := httpsClient(t, p.ca, p.client, p.clientKey)
	_, port, _ := net.SplitHostPort(strict)
	resp, err := c.Get("https://localhost:" + port + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestHTTPSNeedsCert(t *testing.T) {
	p := testPKI(t)
	_, err := mustNew(t, Config{HTTPS: Settings{CAFile: p.ca}}).HTTPSServer()
	if err == nil || !strings.Contains(err.Error(), "cert_file") {
		t.Errorf("err %v", err)
	}
}
