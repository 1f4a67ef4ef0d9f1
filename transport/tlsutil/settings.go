package tlsutil

import (
	"crypto/tls"
	"errors"
	"strings"
)

// Errors New reports when the settings break a rule; wrapped errors name
// the listener and the file.
var (
	ErrNoCA       = errors.New("tlsutil: verification needs a CA (ca_file or ca_path)")
	ErrNoCert     = errors.New("tlsutil: a TLS server needs cert_file and key_file")
	ErrCertKey    = errors.New("tlsutil: cert_file and key_file must be set together")
	ErrNoCAInFile = errors.New("tlsutil: no PEM certificate found")
)

// Settings are one listener's effective TLS settings.
type Settings struct {
	CAFile   string // PEM bundle of trusted CA certificates
	CAPath   string // directory of PEM CA certificates
	CertFile string // PEM certificate (chain) this side presents
	KeyFile  string // its private key

	// VerifyIncoming: the server side requires a client certificate that
	// chains to the CA (and, for internal RPC, refuses plaintext).
	VerifyIncoming bool
	// VerifyOutgoing: the client side uses TLS and verifies the server's
	// chain against the CA.
	VerifyOutgoing bool
	// VerifyServerHostname: the server certificate must also be valid for
	// Config.ServerName. Internal RPC only. The config package sets
	// VerifyOutgoing with it.
	VerifyServerHostname bool

	// MinVersion is a crypto/tls version constant; 0 means TLS 1.2.
	MinVersion uint16
}

// hasCA reports whether any CA source is set.
func (s Settings) hasCA() bool { return s.CAFile != "" || s.CAPath != "" }

// hasCert reports whether the side has a certificate to present.
func (s Settings) hasCert() bool { return s.CertFile != "" && s.KeyFile != "" }

// Config is the agent's TLS configuration.
type Config struct {
	InternalRPC Settings // server RPC and Raft, both directions
	HTTPS       Settings // the HTTPS API listener
	// ServerName is what a server's certificate must be valid for with
	// verify_server_hostname: "server.<datacenter>.<domain>".
	ServerName string
}

// ServerName returns "server.<datacenter>.<domain>", the name every
// server's certificate carries; domain may have a trailing dot.
func ServerName(datacenter, domain string) string {
	return "server." + datacenter + "." + strings.TrimSuffix(domain, ".")
}

// Versions maps Consul's tls_min_version names to crypto/tls constants.
var Versions = map[string]uint16{
	"TLSv1_0": tls.VersionTLS10,
	"TLSv1_1": tls.VersionTLS11,
	"TLSv1_2": tls.VersionTLS12,
	"TLSv1_3": tls.VersionTLS13,
}

func minVersion(v uint16) uint16 {
	if v == 0 {
		return tls.VersionTLS12
	}
	return v
}
