package cli

import (
	"crypto/ecdsa"
	"crypto/x509"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consuld/consuld/transport/tlsutil"
)

func readCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tlsutil.ParseCert(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkValidity(t *testing.T, c *x509.Certificate, days int) {
	t.Helper()
	if got := c.NotAfter.Sub(c.NotBefore); got != time.Duration(days)*24*time.Hour {
		t.Errorf("validity %v, want %d days", got, days)
	}
	if time.Since(c.NotBefore) > time.Minute || time.Since(c.NotBefore) < 0 {
		t.Errorf("not before %v", c.NotBefore)
	}
}

func TestTLSCACreate(t *testing.T) {
	t.Chdir(t.TempDir())
	check(t, runCLI(nil, "", "tls", "ca", "create"),
		"==> Saved consul-agent-ca.pem\n==> Saved consul-agent-ca-key.pem\n", "", 0)
	ca := readCert(t, "consul-agent-ca.pem")
	if !ca.IsCA || !ca.BasicConstraintsValid || !strings.HasPrefix(ca.Subject.CommonName, "Consul Agent CA ") || len(ca.PermittedDNSDomains) != 0 {
		t.Errorf("CA %+v", ca)
	}
	checkValidity(t, ca, 1825)
	key, err := os.ReadFile("consul-agent-ca-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := tlsutil.ParseSigner(key); err != nil || !ca.PublicKey.(*ecdsa.PublicKey).Equal(s.Public()) {
		t.Errorf("key does not match: %v", err)
	}
	if info, _ := os.Stat("consul-agent-ca-key.pem"); info.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", info.Mode())
	}

	// Never overwrites.
	check(t, runCLI(nil, "", "tls", "ca", "create"), "", "consul-agent-ca.pem already exists.\n", 1)
	if err := os.Remove("consul-agent-ca.pem"); err != nil {
		t.Fatal(err)
	}
	check(t, runCLI(nil, "", "tls", "ca", "create"), "", "consul-agent-ca-key.pem already exists.\n", 1)
	if again, _ := os.ReadFile("consul-agent-ca-key.pem"); string(again) != string(key) {
		t.Error("key rewritten")
	}

	check(t, runCLI(nil, "", "tls", "ca", "create", "-domain", "corp", "-days", "10", "-name-constraint",
		"-additional-name-constraint", "ui.example.com", "-common-name", "Corp CA"),
		"==> Saved corp-agent-ca.pem\n==> Saved corp-agent-ca-key.pem\n", "", 0)
	ca = readCert(t, "corp-agent-ca.pem")
	checkValidity(t, ca, 10)
	if !ca.PermittedDNSDomainsCritical || !slices.Equal(ca.PermittedDNSDomains, []string{"ui.example.com", "corp", "localhost"}) ||
		ca.Subject.CommonName != "Corp CA" {
		t.Errorf("constraints %v, CN %q", ca.PermittedDNSDomains, ca.Subject.CommonName)
	}
}

func TestTLSCertCreate(t *testing.T) {
	t.Chdir(t.TempDir())
	if r := runCLI(nil, "", "tls", "ca", "create"); r.code != 0 {
		t.Fatal(r)
	}
	caPEM, _ := os.ReadFile("consul-agent-ca.pem")
	both := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	loopback := []string{"127.0.0.1"}
	const using = "==> Using consul-agent-ca.pem and consul-agent-ca-key.pem\n"

	tests := []struct {
		name      string
		args      []string
		file      string // certificate written; key is the same with -key
		prefix    string // stdout before "==> Using"
		cn        string
		dns, ips  []string
		usage     []x509.ExtKeyUsage
		days      int
		verifyFor string
	}{
		{name: "server", args: []string{"-server", "-dc", "dc1"}, file: "dc1-server-consul-0",
			cn: "server.dc1.consul", dns: []string{"server.dc1.consul", "localhost"}, ips: loopback, usage: both, days: 365},
		{name: "second server gets the next index", args: []string{"-server"}, file: "dc1-server-consul-1",
			cn: "server.dc1.consul", dns: []string{"server.dc1.consul", "localhost"}, ips: loopback, usage: both, days: 365},
		{name: "server with node and extras", args: []string{"-server", "-dc", "east", "-node", "n1", "-days", "30",
			"-additional-dnsname", "consul.example.com", "-additional-ipaddress", "10.0.0.5"}, file: "east-server-consul-0",
			cn: "server.east.consul", dns: []string{"consul.example.com", "n1.server.east.consul", "server.east.consul", "localhost"},
			ips: []string{"10.0.0.5", "127.0.0.1"}, usage: both, days: 30},
		{name: "client", args: []string{"-client"}, file: "dc1-client-consul-0",
			cn: "client.dc1.consul", dns: []string{"client.dc1.consul", "localhost"}, ips: loopback, usage: both, days: 365},
		{name: "cli", args: []string{"-cli"}, file: "dc1-cli-consul-0",
			cn: "cli.dc1.consul", dns: []string{"cli.dc1.consul", "localhost"}, usage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, days: 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(nil, "", append([]string{"tls", "cert", "create"}, tt.args...)...)
			saved := "==> Saved " + tt.file + ".pem\n==> Saved " + tt.file + "-key.pem\n"
			if r.code != 0 || r.stderr != "" || !strings.HasSuffix(r.stdout, using+saved) {
				t.Fatalf("got %+v", r)
			}
			if warned := strings.HasPrefix(r.stdout, "==> WARNING:"); warned != slices.Contains(tt.args, "-server") {
				t.Errorf("server warning shown: %v", warned)
			}
			c := readCert(t, tt.file+".pem")
			if c.Subject.CommonName != tt.cn || !slices.Equal(c.DNSNames, tt.dns) || !slices.Equal(c.ExtKeyUsage, tt.usage) || c.IsCA {
				t.Errorf("cn %q dns %q eku %v", c.Subject.CommonName, c.DNSNames, c.ExtKeyUsage)
			}
			var ips []string
			for _, ip := range c.IPAddresses {
				ips = append(ips, ip.String())
			}
			if !slices.Equal(ips, tt.ips) {
				t.Errorf("ips %q, want %q", ips, tt.ips)
			}
			checkValidity(t, c, tt.days)
			certPEM, _ := os.ReadFile(tt.file + ".pem")
			if err := tlsutil.VerifyCert(caPEM, certPEM, tt.cn); err != nil {
				t.Errorf("does not verify against the CA for %s: %v", tt.cn, err)
			}
			keyPEM, _ := os.ReadFile(tt.file + "-key.pem")
			if _, err := tlsutil.LoadCert(tt.file+".pem", tt.file+"-key.pem"); err != nil || len(keyPEM) == 0 {
				t.Errorf("key does not match: %v", err)
			}
		})
	}
	// A server certificate is valid for server.dc1.consul, and a client
	// certificate of the same CA is not: what verify_server_hostname checks.
	srv, _ := os.ReadFile("dc1-server-consul-0.pem")
	cli, _ := os.ReadFile("dc1-client-consul-0.pem")
	if tlsutil.VerifyCert(caPEM, srv, "server.dc1.consul") != nil || tlsutil.VerifyCert(caPEM, cli, "server.dc1.consul") == nil {
		t.Error("server name check")
	}
	if s := readCert(t, "dc1-server-consul-0.pem"); !slices.ContainsFunc(s.IPAddresses, func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) }) {
		t.Error("no 127.0.0.1")
	}
}

func TestTLSCertCreateErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no kind", nil, "Please provide either -server, -client, or -cli\n"},
		{"two kinds", []string{"-server", "-client"}, "Please provide either -server, -client, or -cli\n"},
		{"node without server", []string{"-client", "-node", "n1"}, "-node requires -server\n"},
		{"missing CA", []string{"-server"}, "Error reading CA: open consul-agent-ca.pem: no such file or directory\n"},
		{"missing CA key", []string{"-server", "-ca", "ca.pem"}, "Error reading CA key: open consul-agent-ca-key.pem: no such file or directory\n"},
		{"bad IP", []string{"-client", "-additional-ipaddress", "10.0.0.300"}, "Invalid IP address: 10.0.0.300\n"},
	}
	if err := os.WriteFile("ca.pem", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(nil, "", append([]string{"tls", "cert", "create"}, tt.args...)...)
			if r.code != 1 || r.stderr != tt.stderr {
				t.Errorf("got %+v, want stderr %q", r, tt.stderr)
			}
		})
	}
	entries, _ := os.ReadDir(".")
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestTLSParents(t *testing.T) {
	for _, args := range [][]string{{"tls"}, {"tls", "ca"}, {"tls", "cert"}} {
		r := runCLI(nil, "", args...)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "Subcommands:") {
			t.Errorf("%q: %+v", args, r)
		}
	}
	r := runCLI(nil, "", "tls", "cert", "create", "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "-additional-dnsname") {
		t.Errorf("help: %+v", r)
	}
}
