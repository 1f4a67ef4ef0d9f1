package cli

import (
	"crypto/x509"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consuld/consuld/transport/tlsutil"
)

// writeTestPKI writes a CA with a server and a CLI certificate, and a CLI
// certificate of another CA, under dir.
func writeTestPKI(t *testing.T, dir string) {
	t.Helper()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, prefix := range []string{"", "other-"} {
		ca, caKey, err := tlsutil.GenerateCA(tlsutil.CAOptions{Days: 1})
		if err != nil {
			t.Fatal(err)
		}
		write(prefix+"ca.pem", ca)
		for _, c := range []struct {
			name  string
			dns   []string
			ips   []net.IP
			usage []x509.ExtKeyUsage
		}{
			{"server", []string{"server.dc1.consul", "localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)},
				[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}},
			{"cli", []string{"cli.dc1.consul", "localhost"}, nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		} {
			cert, key, err := tlsutil.GenerateCert(tlsutil.CertOptions{CACert: ca, CAKey: caKey, CommonName: c.dns[0],
				Days: 1, DNSNames: c.dns, IPAddresses: c.ips, ExtKeyUsage: c.usage})
			if err != nil {
				t.Fatal(err)
			}
			write(prefix+c.name+".pem", cert)
			write(prefix+c.name+"-key.pem", key)
		}
	}
}

// TestHTTPSClientCertificates runs kv get against an HTTPS agent that
// requires client certificates (verify_incoming), built with tlsutil as
// the agent builds it.
func TestHTTPSClientCertificates(t *testing.T) {
	dir := t.TempDir()
	writeTestPKI(t, dir)
	p := func(n string) string { return filepath.Join(dir, n) }
	caDir := filepath.Join(dir, "cas")
	if err := os.Mkdir(caDir, 0o700); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p("ca.pem"))
	if err := os.WriteFile(filepath.Join(caDir, "ca.pem"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	conf, err := tlsutil.New(tlsutil.Config{HTTPS: tlsutil.Settings{CAFile: p("ca.pem"), CertFile: p("server.pem"),
		KeyFile: p("server-key.pem"), VerifyIncoming: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(seededKV())
	if srv.TLS, err = conf.HTTPSServer(); err != nil {
		t.Fatal(err)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	hostPort := strings.TrimPrefix(srv.URL, "https://")
	addr := "-http-addr=https://" + hostPort
	ca, cert, key := "-ca-file="+p("ca.pem"), "-client-cert="+p("cli.pem"), "-client-key="+p("cli-key.pem")

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // "" means success
	}{
		{"flags", nil, []string{addr, ca, cert, key}, ""},
		{"environment", map[string]string{envHTTPAddr: "https://" + hostPort, envCACert: p("ca.pem"),
			envClientCert: p("cli.pem"), envClientKey: p("cli-key.pem")}, nil, ""},
		{"CONSUL_HTTP_SSL and a CA directory", map[string]string{envHTTPSSL: "true", envHTTPAddr: hostPort, envCAPath: caDir,
			envClientCert: p("cli.pem"), envClientKey: p("cli-key.pem")}, nil, ""},
		{"-ca-path", nil, []string{addr, "-ca-path=" + caDir, cert, key}, ""},
		{"server name", nil, []string{addr, ca, cert, key, "-tls-server-name=server.dc1.consul"}, ""},
		{"wrong server name", nil, []string{addr, ca, cert, key, "-tls-server-name=server.dc2.consul"}, "certificate is valid for"},
		{"server name from the environment", map[string]string{envTLSServerName: "server.dc1.consul"}, []string{addr, ca, cert, key}, ""},
		{"no client certificate", nil, []string{addr, ca}, "certificate required"},
		{"client certificate of another CA", nil, []string{addr, ca, "-client-cert=" + p("other-cli.pem"), "-client-key=" + p("other-cli-key.pem")}, "tls"},
		{"server from another CA", nil, []string{addr, "-ca-file=" + p("other-ca.pem"), cert, key}, "certificate signed by unknown authority"},
		{"plaintext to the HTTPS port", nil, []string{"-http-addr=" + hostPort}, "400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(tt.env, "", append(append([]string{"kv", "get"}, tt.args...), "memcached/x")...)
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
