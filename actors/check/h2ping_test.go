package check

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestH2PingCleartext(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true) // h2c with prior knowledge
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close(); <-done })
	addr := l.Addr().String()

	wantResult(t, probe(t, &H2Ping{Addr: addr, Timeout: 5 * time.Second}), StatusPassing, "HTTP2 ping was successful")
}

func TestH2PingTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{testCert(t)}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	got := probe(t, &H2Ping{Addr: addr, UseTLS: true, TLSSkipVerify: true, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP2 ping was successful")

	got = probe(t, &H2Ping{Addr: addr, UseTLS: true, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "Failed to dial to "+addr+": ", "certificate")
}

func TestH2PingFailures(t *testing.T) {
	closed := closedAddr(t, "tcp")
	got := probe(t, &H2Ping{Addr: closed, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "Failed to dial to "+closed+": ", "connection refused")

	got = probe(t, &H2Ping{Addr: silentListener(t), Timeout: 50 * time.Millisecond})
	wantResult(t, got, StatusCritical, "HTTP2 ping failed: context deadline exceeded")

	// An HTTP/1-only server answers the preface with an error and hangs up.
	http1 := httptest.NewServer(http.NotFoundHandler())
	defer http1.Close()
	got = probe(t, &H2Ping{Addr: http1.Listener.Addr().String(), Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "HTTP2 ping failed: ")
}
