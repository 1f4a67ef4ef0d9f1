package check

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

func TestTCP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	got := probe(t, &TCP{Addr: addr, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "TCP connect "+addr+": Success")

	closed := closedAddr(t, "tcp")
	got = probe(t, &TCP{Addr: closed, Timeout: 5 * time.Second})
	wantResult(t, got, StatusCritical, "dial tcp "+closed+": connect: connection refused")

	wantContains(t, probe(t, &TCP{Addr: "no-port"}), StatusCritical, "missing port")
}

func TestTCPWithTLS(t *testing.T) {
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{testCert(t)}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _ = c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	addr := l.Addr().String()

	got := probe(t, &TCP{Addr: addr, UseTLS: true, TLSSkipVerify: true, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "TCP+TLS connect "+addr+": Success")

	got = probe(t, &TCP{Addr: addr, UseTLS: true, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "certificate")
}

func TestTCPHandshakeTimesOut(t *testing.T) {
	// A TLS handshake against a listener that never answers.
	got := probe(t, &TCP{Addr: silentListener(t), UseTLS: true, Timeout: 50 * time.Millisecond})
	wantContains(t, got, StatusCritical)
}
