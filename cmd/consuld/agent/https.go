package agent

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/consuld/consuld/frontends/httpapi"
	"github.com/consuld/consuld/transport/tlsutil"
)

// serveHTTPS serves h over TLS on ports.https, on every client address
// (addresses.https overrides client_addr), as serveHTTP does for plain
// HTTP. The servers join a.http, so Shutdown closes them. Nothing is
// served when the port is disabled (-1 or 0) or there is no certificate
// (the config loader warned about that already).
//
// Clients must present a certificate signed by the CA when the HTTPS
// listener has verify_incoming (tls.https.verify_incoming, or
// verify_incoming / verify_incoming_https). The per-client connection
// limit applies below TLS: a connection over it is closed before the
// handshake, since a plaintext 429 would mean nothing to a TLS client.
func (a *Agent) serveHTTPS(h http.Handler) error {
	if a.cfg.Ports.HTTPS <= 0 || a.cfg.TLS.HTTPS.CertFile == "" {
		return nil
	}
	conf, err := tlsutil.New(a.cfg.TLS)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	tlsConfig, err := conf.HTTPSServer()
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	errLog := a.log.Named("https").StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Warn})
	for _, ip := range clientIPs(a.cfg, a.cfg.Addresses.HTTPS) {
		ln, err := net.Listen("tcp", hostPort(ip, a.cfg.Ports.HTTPS))
		if err != nil {
			return fmt.Errorf("agent: HTTPS listener: %w", err)
		}
		srv := &http.Server{Handler: h, TLSConfig: tlsConfig.Clone(), ErrorLog: errLog,
			ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		a.http = append(a.http, srv)
		a.log.Info("started HTTPS server", "address", ln.Addr().String(), "network", "tcp")
		// ServeTLS takes the certificate from TLSConfig (no file names)
		// and offers HTTP/2 and HTTP/1.1.
		go srv.ServeTLS(httpapi.LimitListener(ln, a.cfg.Limits.HTTPMaxConnsPerClient), "", "")
	}
	return nil
}
