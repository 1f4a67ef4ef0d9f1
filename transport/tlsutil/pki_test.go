package tlsutil

import (
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// pki is a set of PEM files in a temporary directory: two CAs and
// certificates signed by each.
type pki struct {
	dir string
	// files, each a path
	ca, otherCA                 string
	server, serverKey           string // server.dc1.consul, localhost, 127.0.0.1 (ca)
	client, clientKey           string // client.dc1.consul (ca), server and client auth
	cli, cliKey                 string // cli.dc1.consul (ca), client auth only
	otherServer, otherServerKey string // server.dc1.consul (otherCA)
	otherClient, otherClientKey string // client.dc1.consul (otherCA)
}

var (
	pkiOnce sync.Once
	pkiDir  string
	pkiErr  error
)

// testPKI generates the files once per test binary (key generation is the
// slow part) and returns their paths.
func testPKI(t *testing.T) pki {
	t.Helper()
	pkiOnce.Do(func() {
		pkiDir, pkiErr = os.MkdirTemp("", "tlsutil-pki")
		if pkiErr == nil {
			pkiErr = writePKI(pkiDir)
		}
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	p := func(n string) string { return filepath.Join(pkiDir, n) }
	return pki{dir: pkiDir,
		ca: p("ca.pem"), otherCA: p("other-ca.pem"),
		server: p("server.pem"), serverKey: p("server-key.pem"),
		client: p("client.pem"), clientKey: p("client-key.pem"),
		cli: p("cli.pem"), cliKey: p("cli-key.pem"),
		otherServer: p("other-server.pem"), otherServerKey: p("other-server-key.pem"),
		otherClient: p("other-client.pem"), otherClientKey: p("other-client-key.pem"),
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pkiDir != "" {
		os.RemoveAll(pkiDir)
	}
	os.Exit(code)
}

func writePKI(dir string) error {
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(dir, name), data, 0o600)
	}
	both := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	for _, ca := range []struct {
		prefix string
	}{{""}, {"other-"}} {
		caCert, caKey, err := GenerateCA(CAOptions{Days: 1})
		if err != nil {
			return err
		}
		if err := write(ca.prefix+"ca.pem", caCert); err != nil {
			return err
		}
		if err := write(ca.prefix+"ca-key.pem", caKey); err != nil {
			return err
		}
		certs := []struct {
			name  string
			dns   []string
			ips   []net.IP
			usage []x509.ExtKeyUsage
		}{
			{"server", []string{"server.dc1.consul", "localhost"}, loopback, both},
			{"client", []string{"client.dc1.consul", "localhost"}, loopback, both},
			{"cli", []string{"cli.dc1.consul", "localhost"}, nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		}
		for _, c := range certs {
			cert, key, err := GenerateCert(CertOptions{CACert: caCert, CAKey: caKey, CommonName: c.dns[0],
				Days: 1, DNSNames: c.dns, IPAddresses: c.ips, ExtKeyUsage: c.usage})
			if err != nil {
				return err
			}
			if err := write(ca.prefix+c.name+".pem", cert); err != nil {
				return err
			}
			if err := write(ca.prefix+c.name+"-key.pem", key); err != nil {
				return err
			}
		}
	}
	return nil
}
