package cli

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/consuld/consuld/transport/tlsutil"
)

type tlsCertCreate struct {
	fileBase
	ca, key             string
	server, client, cli bool
	node                string
	days                int
	dc, domain          string
	dnsNames, ips       listFlag
}

// domainPlaceholder in -ca and -key is replaced by -domain.
const domainPlaceholder = "#DOMAIN#"

func newTLSCertCreate(s *streams) runner {
	c := &tlsCertCreate{fileBase: fileBase{s: s, fs: newFlagSet(s.stderr)}}
	c.fs.StringVar(&c.ca, "ca", domainPlaceholder+"-agent-ca.pem", "CA certificate to sign with ("+domainPlaceholder+" is -domain).")
	c.fs.StringVar(&c.key, "key", domainPlaceholder+"-agent-ca-key.pem", "CA key to sign with ("+domainPlaceholder+" is -domain).")
	c.fs.BoolVar(&c.server, "server", false, "Make a server certificate (server.<dc>.<domain>).")
	c.fs.BoolVar(&c.client, "client", false, "Make a client agent certificate (client.<dc>.<domain>).")
	c.fs.BoolVar(&c.cli, "cli", false, "Make a certificate for the CLI (cli.<dc>.<domain>, client authentication only).")
	c.fs.StringVar(&c.node, "node", "", "With -server, also name <node>.server.<dc>.<domain>.")
	c.fs.IntVar(&c.days, "days", 365, "Days the certificate is valid for (default 1 year).")
	c.fs.StringVar(&c.dc, "dc", "dc1", "Datacenter the certificate is for.")
	c.fs.StringVar(&c.domain, "domain", "consul", "DNS domain of the cluster.")
	c.fs.Var(&c.dnsNames, "additional-dnsname", "Another DNS name for the certificate (localhost is always there). Repeatable.")
	c.fs.Var(&c.ips, "additional-ipaddress", "Another IP address for the certificate (127.0.0.1 is always there, except for -cli). Repeatable.")
	return c
}

func (c *tlsCertCreate) help() string {
	return helpText(`Usage: consul tls cert create [options]

  Makes a key and a certificate signed by the CA, named
  <dc>-<server|client|cli>-<domain>-<n>.pem and -<n>-key.pem with the
  first n not in use, in the current directory.

      $ consul tls cert create -server -dc dc1
      ==> Using consul-agent-ca.pem and consul-agent-ca-key.pem
      ==> Saved dc1-server-consul-0.pem
      ==> Saved dc1-server-consul-0-key.pem`, c.fs, nil)
}

// certKind is what -server, -client and -cli each make.
type certKind struct {
	role  string // "server", "client" or "cli": the name's first label
	usage []x509.ExtKeyUsage
	ip    bool // 127.0.0.1 is added
}

func (c *tlsCertCreate) kind() (certKind, bool) {
	switch {
	case c.server && !c.client && !c.cli:
		return certKind{"server", []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, true}, true
	case c.client && !c.server && !c.cli:
		return certKind{"client", []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, true}, true
	case c.cli && !c.server && !c.client:
		return certKind{"cli", []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, false}, true
	}
	return certKind{}, false
}

func (c *tlsCertCreate) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	kind, ok := c.kind()
	if !ok {
		// compat: consul's text.
		c.errorf("Please provide either -server, -client, or -cli")
		return 1
	}
	if c.node != "" && !c.server {
		c.errorf("-node requires -server")
		return 1
	}
	name := fmt.Sprintf("%s.%s.%s", kind.role, c.dc, c.domain)
	dns, ips, err := c.sans(kind, name)
	if err != nil {
		c.errorf("%s", err)
		return 1
	}
	certFile, keyFile, ok := freeNames(fmt.Sprintf("%s-%s-%s", c.dc, kind.role, c.domain))
	if !ok {
		c.errorf("Could not find a filename that doesn't already exist")
		return 1
	}
	caFile := strings.Replace(c.ca, domainPlaceholder, c.domain, 1)
	caKeyFile := strings.Replace(c.key, domainPlaceholder, c.domain, 1)
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		c.errorf("Error reading CA: %s", err)
		return 1
	}
	caKey, err := os.ReadFile(caKeyFile)
	if err != nil {
		c.errorf("Error reading CA key: %s", err)
		return 1
	}
	if c.server {
		c.info("==> WARNING: A server certificate lets its holder act as a server\n" +
			"    and read all cluster state, root keys and ACL tokens included.\n" +
			"    Give it to server hosts only, and guard it like the CA key.")
	}
	c.info("==> Using %s and %s", caFile, caKeyFile)
	cert, key, err := tlsutil.GenerateCert(tlsutil.CertOptions{CACert: caPEM, CAKey: caKey, CommonName: name,
		Days: c.days, DNSNames: dns, IPAddresses: ips, ExtKeyUsage: kind.usage})
	if err == nil {
		err = tlsutil.VerifyCert(caPEM, cert, name)
	}
	if err != nil {
		c.errorf("%s", err)
		return 1
	}
	return c.savePair(certFile, keyFile, cert, key)
}

// sans lists the certificate's names: the additional ones first, then
// <node>.server.<dc>.<domain> (with -node), the role name and localhost;
// the additional addresses, then 127.0.0.1 except for -cli.
func (c *tlsCertCreate) sans(kind certKind, name string) ([]string, []net.IP, error) {
	var dns []string
	for _, d := range c.dnsNames {
		if d = strings.TrimSpace(d); d != "" {
			dns = append(dns, d)
		}
	}
	if c.node != "" {
		dns = append(dns, fmt.Sprintf("%s.server.%s.%s", c.node, c.dc, c.domain))
	}
	dns = append(dns, name, "localhost")
	var ips []net.IP
	for _, s := range c.ips {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, nil, fmt.Errorf("Invalid IP address: %s", s)
		}
		ips = append(ips, ip)
	}
	if kind.ip {
		ips = append(ips, net.IPv4(127, 0, 0, 1))
	}
	return dns, ips, nil
}

// freeNames returns the first <prefix>-<n>.pem / <prefix>-<n>-key.pem pair
// where neither file exists.
func freeNames(prefix string) (cert, key string, ok bool) {
	for i := 0; i <= 10000; i++ {
		cert, key = fmt.Sprintf("%s-%d.pem", prefix, i), fmt.Sprintf("%s-%d-key.pem", prefix, i)
		if !exists(cert) && !exists(key) {
			return cert, key, true
		}
	}
	return "", "", false
}
