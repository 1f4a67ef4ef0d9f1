package tlsutil

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
)

// Configurator holds the loaded CAs and certificates of a Config and hands
// out *tls.Config values built from them. It is immutable and safe for
// concurrent use; the configs it returns are fresh each call.
type Configurator struct {
	cfg   Config
	rpc   material
	https material
}

// material is what one listener's files hold.
type material struct {
	s    Settings
	pool *x509.CertPool   // nil without a CA
	cert *tls.Certificate // nil without cert_file/key_file
}

// New checks the rules and loads every file of c.
func New(c Config) (*Configurator, error) {
	rpc, err := load(c.InternalRPC)
	if err != nil {
		return nil, fmt.Errorf("internal RPC TLS: %w", err)
	}
	https, err := load(c.HTTPS)
	if err != nil {
		return nil, fmt.Errorf("HTTPS TLS: %w", err)
	}
	return &Configurator{cfg: c, rpc: rpc, https: https}, nil
}

func load(s Settings) (material, error) {
	m := material{s: s}
	switch {
	case (s.CertFile == "") != (s.KeyFile == ""):
		return m, ErrCertKey
	case (s.VerifyIncoming || s.VerifyOutgoing || s.VerifyServerHostname) && !s.hasCA():
		return m, ErrNoCA
	case s.VerifyIncoming && !s.hasCert():
		return m, ErrNoCert
	}
	var err error
	if m.pool, err = LoadCAs(s.CAFile, s.CAPath); err != nil {
		return m, err
	}
	if s.hasCert() {
		if m.cert, err = LoadCert(s.CertFile, s.KeyFile); err != nil {
			return m, err
		}
	}
	return m, nil
}

// Config returns the settings c was built from.
func (c *Configurator) Config() Config { return c.cfg }

// HTTPSServer returns the HTTPS listener's config: it presents the HTTPS
// certificate and, with verify_incoming, requires a client certificate
// that chains to the CA. ErrNoCert if there is no certificate.
func (c *Configurator) HTTPSServer() (*tls.Config, error) {
	if c.https.cert == nil {
		return nil, fmt.Errorf("HTTPS TLS: %w", ErrNoCert)
	}
	return c.https.server(), nil
}

// RPCServer returns the server side of internal RPC and Raft, or nil when
// no certificate is configured (the listener then speaks plaintext only).
func (c *Configurator) RPCServer() *tls.Config {
	if c.rpc.cert == nil {
		return nil
	}
	return c.rpc.server()
}

// RPCIncomingTLSRequired reports whether the internal RPC listener must
// refuse plaintext (verify_incoming).
func (c *Configurator) RPCIncomingTLSRequired() bool { return c.rpc.s.VerifyIncoming }

// RPCClient returns the client side of internal RPC and Raft, or nil when
// verify_outgoing is off (dial plaintext). It presents the agent's
// certificate if there is one; it verifies the server's chain and, with
// verify_server_hostname, that the certificate is valid for ServerName.
func (c *Configurator) RPCClient() *tls.Config {
	if !c.rpc.s.VerifyOutgoing && !c.rpc.s.VerifyServerHostname {
		return nil
	}
	name := ""
	if c.rpc.s.VerifyServerHostname {
		name = c.cfg.ServerName
	}
	return c.rpc.client(name)
}

func (m material) server() *tls.Config {
	cert := m.cert
	cfg := &tls.Config{
		MinVersion:   minVersion(m.s.MinVersion),
		Certificates: []tls.Certificate{*cert},
	}
	if m.s.VerifyIncoming {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = m.pool
	}
	return cfg
}

// client builds a config that checks the chain itself (so the dial
// address never decides which name is verified): against the CA, for
// server authentication, and for serverName when it is not empty.
func (m material) client(serverName string) *tls.Config {
	pool := m.pool
	cfg := &tls.Config{
		MinVersion:         minVersion(m.s.MinVersion),
		ServerName:         serverName,
		InsecureSkipVerify: true, // replaced by VerifyConnection below
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPeer(pool, cs.PeerCertificates, serverName, x509.ExtKeyUsageServerAuth)
		},
	}
	if m.cert != nil {
		cert := m.cert
		// Always offer the certificate, whatever CAs the server lists, so
		// a refusal is the server's decision and shows in its logs.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return cert, nil
		}
	}
	return cfg
}

// verifyPeer checks a presented chain (leaf first) against pool, for the
// given key usage and, when name is not empty, for that DNS name.
func verifyPeer(pool *x509.CertPool, chain []*x509.Certificate, name string, usage x509.ExtKeyUsage) error {
	if len(chain) == 0 {
		return errors.New("tlsutil: peer presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         pool,
		Intermediates: inter,
		DNSName:       name,
		KeyUsages:     []x509.ExtKeyUsage{usage},
	})
	return err
}
