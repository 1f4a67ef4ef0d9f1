package connect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestGenerateRoot(t *testing.T) {
	const cluster = "11111111-2222-3333-4444-555555555555"
	now := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("x", 3600))
	r, err := GenerateRoot(cluster, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode([]byte(r.RootCertPem))
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 || !strings.HasSuffix(r.RootCertPem, "\n") {
		t.Fatalf("root PEM %q", r.RootCertPem)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || !cert.BasicConstraintsValid || cert.KeyUsage&x509.KeyUsageCertSign == 0 || cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
		t.Fatalf("not a CA: IsCA %v usage %b", cert.IsCA, cert.KeyUsage)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	if len(cert.URIs) != 1 || cert.URIs[0].String() != "spiffe://"+cluster+".consul" {
		t.Fatalf("URI SANs %v", cert.URIs)
	}
	if want := now.UTC().Truncate(time.Second); !cert.NotBefore.Equal(want) || !cert.NotAfter.Equal(want.Add(10*365*24*time.Hour)) {
		t.Fatalf("validity %v - %v", cert.NotBefore, cert.NotAfter)
	}
	if r.NotBefore != "2026-03-04T04:06:07Z" || r.NotAfter != cert.NotAfter.UTC().Format(time.RFC3339) {
		t.Fatalf("NotBefore %q NotAfter %q", r.NotBefore, r.NotAfter)
	}
	if cert.Subject.CommonName != "Consul CA "+cert.SerialNumber.String() || cert.SerialNumber.Uint64() != r.SerialNumber ||
		r.SerialNumber == 0 || r.SerialNumber >= 1<<53 {
		t.Fatalf("CN %q serial %v / %d", cert.Subject.CommonName, cert.SerialNumber, r.SerialNumber)
	}
	fp := sha1.Sum(block.Bytes)
	colonHex := regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2})*$`)
	if r.Id != ColonHex(fp[:]) || !colonHex.MatchString(r.Id) || len(r.Id) != 20*3-1 {
		t.Fatalf("ID %q", r.Id)
	}
	if r.SigningKeyId != ColonHex(cert.SubjectKeyId) || len(cert.SubjectKeyId) != 32 || !colonHex.MatchString(r.SigningKeyId) {
		t.Fatalf("SigningKeyID %q, subject key ID %x", r.SigningKeyId, cert.SubjectKeyId)
	}
	kb, _ := pem.Decode([]byte(r.SigningKeyPem))
	if kb == nil || kb.Type != "EC PRIVATE KEY" {
		t.Fatalf("key PEM type")
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() || !key.PublicKey.Equal(pub) {
		t.Fatal("the key does not match the certificate, or is not P-256")
	}
	if r.PrivateKeyType != "ec" || r.PrivateKeyBits != 256 || r.Name != RootName || !r.Active ||
		r.TrustDomain != cluster+".consul" || r.ExternalTrustDomain != cluster || r.CreateIndex != 0 {
		t.Fatalf("root %v", r)
	}

	r2, err := GenerateRoot(cluster, now, rand.Reader)
	if err != nil || r2.Id == r.Id || r2.SigningKeyPem == r.SigningKeyPem {
		t.Fatalf("a second root is not fresh: %v", err)
	}
	if _, err := GenerateRoot("", now, nil); err == nil {
		t.Fatal("empty cluster ID accepted")
	}
}

func TestNewUUID(t *testing.T) {
	id, err := NewUUID(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Fatalf("UUID %q", id)
	}
	if TrustDomain("ABC") != "abc.consul" {
		t.Fatal(TrustDomain("ABC"))
	}
}
