package tlsutil

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"net"
	"os"
	"slices"
	"testing"
	"time"
)

func verifyOpts(pool *x509.CertPool) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
}

func TestGenerateCA(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	certPEM, keyPEM, err := GenerateCA(CAOptions{Days: 10, Now: now, PermittedDNSDomains: []string{"consul", "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := ParseCert(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || !ca.BasicConstraintsValid || ca.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("not a CA: %+v", ca)
	}
	if !ca.NotBefore.Equal(now) || !ca.NotAfter.Equal(now.Add(240*time.Hour)) {
		t.Errorf("validity %v .. %v", ca.NotBefore, ca.NotAfter)
	}
	if !ca.PermittedDNSDomainsCritical || !slices.Equal(ca.PermittedDNSDomains, []string{"consul", "localhost"}) {
		t.Errorf("constraints %v", ca.PermittedDNSDomains)
	}
	if len(ca.Subject.CommonName) < len("Consul Agent CA 1") {
		t.Errorf("CN %q", ca.Subject.CommonName)
	}
	signer, err := ParseSigner(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() || !pub.Equal(ca.PublicKey) {
		t.Errorf("key %T does not match the CA", signer.Public())
	}
	if _, _, err := GenerateCA(CAOptions{}); err == nil {
		t.Error("zero days accepted")
	}
}

func TestNameConstraints(t *testing.T) {
	caPEM, caKey, err := GenerateCA(CAOptions{Days: 1, PermittedDNSDomains: []string{"consul", "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dns string
		ok  bool
	}{{"server.dc1.consul", true}, {"localhost", true}, {"evil.example.com", false}} {
		cert, _, err := GenerateCert(CertOptions{CACert: caPEM, CAKey: caKey, CommonName: tc.dns, Days: 1,
			DNSNames: []string{tc.dns}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyCert(caPEM, cert, ""); (err == nil) != tc.ok {
			t.Errorf("%s: verify %v, want ok %v", tc.dns, err, tc.ok)
		}
	}
}

func TestGenerateCert(t *testing.T) {
	p := testPKI(t)
	caPEM, _ := os.ReadFile(p.ca)
	certPEM, _ := os.ReadFile(p.server)
	if err := VerifyCert(caPEM, certPEM, "server.dc1.consul"); err != nil {
		t.Error(err)
	}
	if err := VerifyCert(caPEM, certPEM, "server.dc2.consul"); err == nil {
		t.Error("verified for another datacenter")
	}
	other, _ := os.ReadFile(p.otherCA)
	if err := VerifyCert(other, certPEM, ""); err == nil {
		t.Error("verified against another CA")
	}
	cert, _ := ParseCert(certPEM)
	ca, _ := ParseCert(caPEM)
	if cert.IsCA || string(cert.AuthorityKeyId) != string(ca.SubjectKeyId) || cert.Subject.CommonName != "server.dc1.consul" {
		t.Errorf("cert %+v", cert)
	}
	if _, _, err := GenerateCert(CertOptions{CACert: []byte("x"), CAKey: []byte("y"), Days: 1}); err == nil {
		t.Error("garbage CA accepted")
	}
	if _, err := ParseSigner(caPEM); err == nil {
		t.Error("certificate parsed as a key")
	}
}
