package connect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/consuld/consuld/events"
)

// Root certificates are valid for 10 years, Consul's default RootCertTTL.
const RootTTL = 10 * 365 * 24 * time.Hour

// RootName is the Name Consul's built-in provider gives its root.
const RootName = "Consul CA Primary Cert"

// TrustDomain is the SPIFFE trust domain of a cluster ID.
func TrustDomain(clusterID string) string { return strings.ToLower(clusterID) + ".consul" }

// ColonHex renders b as Consul renders key IDs and fingerprints:
// lower-case hex bytes separated by colons.
func ColonHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

// NewUUID returns a random RFC 4122 version 4 UUID, for a cluster ID
// (random is crypto/rand.Reader when nil).
func NewUUID(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// GenerateRoot makes a new CA root for clusterID: an ECDSA P-256 key and a
// self-signed CA certificate valid from now for RootTTL, whose URI SAN is
// the SPIFFE ID of the trust domain. random is the entropy source
// (crypto/rand.Reader when nil). The ID is the certificate's SHA-1
// fingerprint and the signing key ID the subject key ID (SHA-256 of the
// public key), both in colon hex, as Consul reports them.
func GenerateRoot(clusterID string, now time.Time, random io.Reader) (*events.CARoot, error) {
	if clusterID == "" {
		return nil, fmt.Errorf("connect: empty cluster ID")
	}
	if random == nil {
		random = rand.Reader
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), random)
	if err != nil {
		return nil, fmt.Errorf("connect: generate key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	skid := sha256.Sum256(pub)
	// A positive serial below 2^53: JSON readers that use floats keep it exact.
	var sb [8]byte
	if _, err := io.ReadFull(random, sb[:]); err != nil {
		return nil, fmt.Errorf("connect: serial number: %w", err)
	}
	serial := binary.BigEndian.Uint64(sb[:])&(1<<53-1) | 1
	td := TrustDomain(clusterID)
	notBefore := now.UTC().Truncate(time.Second)
	notAfter := notBefore.Add(RootTTL)
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetUint64(serial),
		Subject:               pkix.Name{CommonName: fmt.Sprintf("Consul CA %d", serial)},
		URIs:                  []*url.URL{{Scheme: "spiffe", Host: td}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          skid[:],
		AuthorityKeyId:        skid[:],
	}
	der, err := x509.CreateCertificate(random, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("connect: create root certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	fp := sha1.Sum(der)
	return &events.CARoot{
		Id:                  ColonHex(fp[:]),
		Name:                RootName,
		SerialNumber:        serial,
		SigningKeyId:        ColonHex(skid[:]),
		NotBefore:           notBefore.Format(time.RFC3339),
		NotAfter:            notAfter.Format(time.RFC3339),
		RootCertPem:         string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		SigningKeyPem:       string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})),
		PrivateKeyType:      "ec",
		PrivateKeyBits:      256,
		TrustDomain:         td,
		ExternalTrustDomain: clusterID,
		Active:              true,
	}, nil
}
