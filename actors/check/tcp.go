package check

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// TCP probes that Addr (host:port) accepts a connection, with a TLS
// handshake too if UseTLS. Output is Consul's "TCP connect <addr>: Success"
// ("TCP+TLS connect …" with TLS) or the dial error.
type TCP struct {
	Addr          string
	UseTLS        bool
	TLSSkipVerify bool
	TLSServerName string
	Timeout       time.Duration // DefaultTimeout if zero
}

// Probe implements Prober.
func (p *TCP) Probe(ctx context.Context) Result {
	ctx, cancel := withTimeout(ctx, p.Timeout, DefaultTimeout)
	defer cancel()
	kind := "TCP"
	var conn net.Conn
	var err error
	if p.UseTLS {
		kind = "TCP+TLS"
		d := &tls.Dialer{Config: tlsConfig(p.TLSSkipVerify, p.TLSServerName)}
		conn, err = d.DialContext(ctx, "tcp", p.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", p.Addr)
	}
	if err != nil {
		return critical(err.Error())
	}
	conn.Close()
	return passing(fmt.Sprintf("%s connect %s: Success", kind, p.Addr)) // compat: Consul's text
}
