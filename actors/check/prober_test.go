package check

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// liveness is how long a test waits for a probe before declaring it hung.
// It is a guard, not a timing assertion: probes under test use timeouts of
// tens of milliseconds.
const liveness = 10 * time.Second

// probe runs p once and fails the test if it does not return.
func probe(t *testing.T, p Prober) Result {
	t.Helper()
	return probeCtx(t, context.Background(), p)
}

func probeCtx(t *testing.T, ctx context.Context, p Prober) Result {
	t.Helper()
	done := make(chan Result, 1)
	go func() { done <- p.Probe(ctx) }()
	select {
	case r := <-done:
		return r
	case <-time.After(liveness):
		t.Fatalf("probe %T did not return within %v", p, liveness)
		return Result{}
	}
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T, network string) string {
	t.Helper()
	var addr string
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = c.LocalAddr().String()
		c.Close()
	default:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		l.Close()
	}
	return addr
}

// silentListener accepts connections and never answers, until the test
// ends.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-accepted
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// testCert is a self-signed certificate for 127.0.0.1 and "check.test".
func testCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "check.test"},
		DNSNames:     []string{"check.test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func wantResult(t *testing.T, got Result, status Status, output string) {
	t.Helper()
	if got.Status != status || got.Output != output {
		t.Fatalf("got %q %q\nwant %q %q", got.Status, got.Output, status, output)
	}
}

func wantContains(t *testing.T, got Result, status Status, parts ...string) {
	t.Helper()
	if got.Status != status {
		t.Fatalf("status %q, want %q (output %q)", got.Status, status, got.Output)
	}
	for _, p := range parts {
		if !strings.Contains(got.Output, p) {
			t.Fatalf("output %q lacks %q", got.Output, p)
		}
	}
}

func TestProbeHonoursCallerDeadline(t *testing.T) {
	// The caller's context bounds a probe even when the prober's own
	// timeout is long.
	addr := silentListener(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for _, p := range []Prober{
		&H2Ping{Addr: addr, Timeout: time.Hour},
		&GRPC{Target: addr, Timeout: time.Hour},
		&HTTP{URL: "http://" + addr + "/", Timeout: time.Hour},
	} {
		if r := probeCtx(t, ctx, p); r.Status != StatusCritical {
			t.Fatalf("%T: %v", p, r)
		}
	}
}
