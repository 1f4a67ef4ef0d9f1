package agent

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/transport/tlsutil"
)

// httpsPKI writes a CA, a server certificate and a client certificate
// under dir.
func httpsPKI(t *testing.T, dir string) {
	t.Helper()
	ca, caKey, err := tlsutil.GenerateCA(tlsutil.CAOptions{Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"ca.pem": ca}
	for _, name := range []string{"server", "client"} {
		cert, key, err := tlsutil.GenerateCert(tlsutil.CertOptions{CACert: ca, CAKey: caKey, CommonName: name + ".dc1.consul",
			Days: 1, DNSNames: []string{name + ".dc1.consul", "localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}})
		if err != nil {
			t.Fatal(err)
		}
		files[name+".pem"], files[name+"-key.pem"] = cert, key
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestServeHTTPS(t *testing.T) {
	dir := t.TempDir()
	httpsPKI(t, dir)
	p := func(n string) string { return filepath.Join(dir, n) }
	port := freePort(t)
	cfg := &config.Config{ClientAddr: "127.0.0.1", Ports: config.Ports{HTTPS: port},
		TLS: tlsutil.Config{HTTPS: tlsutil.Settings{CAFile: p("ca.pem"), CertFile: p("server.pem"), KeyFile: p("server-key.pem"), VerifyIncoming: true}}}
	a := &Agent{cfg: cfg, log: hclog.NewNullLogger(), done: make(chan struct{})}
	defer a.Shutdown()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	if err := a.serveHTTPS(h); err != nil {
		t.Fatal(err)
	}
	if len(a.http) != 1 {
		t.Fatalf("%d servers", len(a.http))
	}

	pool := x509.NewCertPool()
	caPEM, _ := os.ReadFile(p("ca.pem"))
	pool.AppendCertsFromPEM(caPEM)
	clientCert, err := tls.LoadX509KeyPair(p("client.pem"), p("client-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	url := "https://127.0.0.1:" + strconv.Itoa(port) + "/"
	get := func(c *tls.Config) (string, error) {
		resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: c}}).Get(url)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	if body, err := get(&tls.Config{RootCAs: pool, Certificates: []tls.Certificate{clientCert}}); err != nil || body != "ok" {
		t.Errorf("with a client certificate: %q %v", body, err)
	}
	if _, err := get(&tls.Config{RootCAs: pool}); err == nil {
		t.Error("served a client without a certificate")
	}
	resp, err := http.Get(strings.Replace(url, "https", "http", 1))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plaintext HTTP served on the HTTPS port")
		}
	}
}

func TestServeHTTPSDisabled(t *testing.T) {
	for _, cfg := range []*config.Config{
		{Ports: config.Ports{HTTPS: -1}, TLS: tlsutil.Config{HTTPS: tlsutil.Settings{CertFile: "/missing", KeyFile: "/missing"}}},
		{Ports: config.Ports{HTTPS: 8501}}, // no certificate: the loader warned
	} {
		a := &Agent{cfg: cfg, log: hclog.NewNullLogger()}
		if err := a.serveHTTPS(http.NotFoundHandler()); err != nil || len(a.http) != 0 {
			t.Errorf("%+v: %v, %d servers", cfg.Ports, err, len(a.http))
		}
	}
	bad := &Agent{cfg: &config.Config{Ports: config.Ports{HTTPS: freePort(t)},
		TLS: tlsutil.Config{HTTPS: tlsutil.Settings{CertFile: "/missing.pem", KeyFile: "/missing-key.pem"}}}, log: hclog.NewNullLogger()}
	if err := bad.serveHTTPS(http.NotFoundHandler()); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing files: %v", err)
	}
}
