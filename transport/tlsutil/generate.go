package tlsutil

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// CAOptions describe a new private CA.
type CAOptions struct {
	Days       int    // validity from now
	CommonName string // "" means "Consul Agent CA <serial>"
	// PermittedDNSDomains, when not empty, become critical X.509 name
	// constraints: the CA can only sign certificates for DNS names under
	// these domains.
	PermittedDNSDomains []string
	Now                 time.Time // zero means time.Now()
}

// CertOptions describe a certificate signed by a CA.
type CertOptions struct {
	CACert, CAKey []byte // PEM
	CommonName    string
	Days          int
	DNSNames      []string
	IPAddresses   []net.IP
	ExtKeyUsage   []x509.ExtKeyUsage
	Now           time.Time // zero means time.Now()
}

// GenerateCA makes a self-signed CA and returns its certificate and key
// as PEM.
func GenerateCA(o CAOptions) (certPEM, keyPEM []byte, err error) {
	if o.Days <= 0 {
		return nil, nil, errors.New("tlsutil: days must be positive")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, err
	}
	name := o.CommonName
	if name == "" {
		name = "Consul Agent CA " + serial.String()
	}
	now := nowOr(o.Now)
	id := keyID(&key.PublicKey)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now,
		NotAfter:              now.Add(days(o.Days)),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		SubjectKeyId:          id,
		AuthorityKeyId:        id,
	}
	if len(o.PermittedDNSDomains) > 0 {
		tmpl.PermittedDNSDomainsCritical = true
		tmpl.PermittedDNSDomains = o.PermittedDNSDomains
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// GenerateCert makes a key and a certificate for it signed by the CA, and
// returns both as PEM.
func GenerateCert(o CertOptions) (certPEM, keyPEM []byte, err error) {
	if o.Days <= 0 {
		return nil, nil, errors.New("tlsutil: days must be positive")
	}
	ca, err := ParseCert(o.CACert)
	if err != nil {
		return nil, nil, fmt.Errorf("CA certificate: %w", err)
	}
	signer, err := ParseSigner(o.CAKey)
	if err != nil {
		return nil, nil, fmt.Errorf("CA key: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, err
	}
	now := nowOr(o.Now)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: o.CommonName},
		NotBefore:             now,
		NotAfter:              now.Add(days(o.Days)),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           o.ExtKeyUsage,
		DNSNames:              o.DNSNames,
		IPAddresses:           o.IPAddresses,
		SubjectKeyId:          keyID(&key.PublicKey),
		AuthorityKeyId:        ca.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// ParseCert returns the first certificate of a PEM document.
func ParseCert(data []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM certificate found")
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

// ParseSigner returns the private key of a PEM document: SEC 1 EC, PKCS #1
// RSA or PKCS #8.
func ParseSigner(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM private key found")
		}
		switch b.Type {
		case "EC PRIVATE KEY":
			return x509.ParseECPrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			return x509.ParsePKCS1PrivateKey(b.Bytes)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("unsupported key type %T", k)
			}
			return s, nil
		}
	}
}

// VerifyCert checks that certPEM chains to caPEM and, for a name that is
// not empty, is valid for it.
func VerifyCert(caPEM, certPEM []byte, name string) error {
	ca, err := ParseCert(caPEM)
	if err != nil {
		return fmt.Errorf("CA certificate: %w", err)
	}
	cert, err := ParseCert(certPEM)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return verifyPeer(pool, []*x509.Certificate{cert}, name, x509.ExtKeyUsageAny)
}

func encodeKey(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

// keyID is a subject key identifier: a hash of the public key.
func keyID(pub *ecdsa.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub) // cannot fail for P-256
	sum := sha256.Sum256(der)
	return sum[:20]
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
