package tlsutil

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

const dc1 = "server.dc1.consul"

// exchange runs one request/response over a real loopback connection:
// the server side is NewListener as the RPC port uses it, the client
// dials plaintext (cli nil) or TLS. It returns nil only if "ping" went
// one way and "pong" the other.
func exchange(t *testing.T, srv *Configurator, cli *tls.Config) error {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(inner, ListenerOptions{TLS: srv.RPCServer(), AllowPlaintext: !srv.RPCIncomingTLSRequired()})
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil && line != "ping\n" {
			err = fmt.Errorf("server read %q", line)
		}
		if err == nil {
			_, err = c.Write([]byte("pong\n"))
		}
		served <- err
	}()
	var c net.Conn
	c, err = net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if cli != nil {
		c = tls.Client(c, cli)
	}
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return fmt.Errorf("client write: %w", err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "pong\n" {
		return fmt.Errorf("client read %q: %v", line, err)
	}
	return <-served
}

func mustNew(t *testing.T, c Config) *Configurator {
	t.Helper()
	cfg, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRPCMatrix runs every combination of the verify flags against good
// and bad certificates on both sides, over real connections.
func TestRPCMatrix(t *testing.T) {
	p := testPKI(t)
	type pair struct{ name, cert, key string }
	serverCerts := []pair{
		{"server cert", p.server, p.serverKey},
		{"client cert posing as server", p.client, p.clientKey}, // same CA, wrong SAN
		{"server cert of another CA", p.otherServer, p.otherServerKey},
	}
	clientCerts := []pair{
		{"no client cert", "", ""},
		{"client cert", p.client, p.clientKey},
		{"cli cert", p.cli, p.cliKey},
		{"client cert of another CA", p.otherClient, p.otherClientKey},
	}
	type outgoing struct {
		name              string
		verify, checkName bool
	}
	modes := []outgoing{{"plaintext", false, false}, {"verify_outgoing", true, false}, {"verify_server_hostname", true, true}}
	for _, incoming := range []bool{false, true} {
		for _, sc := range serverCerts {
			for _, mode := range modes {
				for _, cc := range clientCerts {
					name := fmt.Sprintf("verify_incoming=%v/%s/%s/%s", incoming, sc.name, mode.name, cc.name)
					t.Run(name, func(t *testing.T) {
						srv := mustNew(t, Config{InternalRPC: Settings{CAFile: p.ca, CertFile: sc.cert, KeyFile: sc.key, VerifyIncoming: incoming}})
						cli := mustNew(t, Config{ServerName: dc1, InternalRPC: Settings{CAFile: p.ca, CertFile: cc.cert, KeyFile: cc.key,
							VerifyOutgoing: mode.verify, VerifyServerHostname: mode.checkName}})
						want := true
						switch {
						case !mode.verify:
							want = !incoming // plaintext passes only where verify_incoming is off
						case sc.cert == p.otherServer:
							want = false // chain does not verify
						case mode.checkName && sc.cert != p.server:
							want = false // not valid for server.dc1.consul
						case incoming && (cc.cert == "" || cc.cert == p.otherClient):
							want = false // no client cert, or one the server's CA did not sign
						}
						err := exchange(t, srv, cli.RPCClient())
						if (err == nil) != want {
							t.Errorf("exchange: %v, want success %v", err, want)
						}
					})
				}
			}
		}
	}
}

func TestRPCClientModes(t *testing.T) {
	p := testPKI(t)
	if c := mustNew(t, Config{InternalRPC: Settings{CAFile: p.ca}}).RPCClient(); c != nil {
		t.Error("client TLS without verify_outgoing")
	}
	// verify_server_hostname alone still turns TLS on: it can never mean
	// plaintext.
	c := mustNew(t, Config{ServerName: dc1, InternalRPC: Settings{CAFile: p.ca, VerifyServerHostname: true}}).RPCClient()
	if c == nil || c.ServerName != dc1 {
		t.Fatalf("client config %+v", c)
	}
	if c.MinVersion != tls.VersionTLS12 {
		t.Errorf("min version %x", c.MinVersion)
	}
	if s := mustNew(t, Config{InternalRPC: Settings{CAFile: p.ca}}).RPCServer(); s != nil {
		t.Error("server TLS without a certificate")
	}
}

func TestListenerRefusals(t *testing.T) {
	p := testPKI(t)
	srv := mustNew(t, Config{InternalRPC: Settings{CAFile: p.ca, CertFile: p.server, KeyFile: p.serverKey, VerifyIncoming: true}})
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := make(chan string, 2)
	ln := NewListener(inner, ListenerOptions{TLS: srv.RPCServer(), SniffTimeout: 200 * time.Millisecond,
		Refused: func(_ net.Addr, reason string) { refused <- reason }})
	for _, send := range []string{"GET / HTTP/1.1\r\n\r\n", ""} {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(send))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Errorf("%q: connection not closed: %d %v", send, n, err)
		}
		c.Close()
		if r := <-refused; send != "" && !strings.Contains(r, "verify_incoming") {
			t.Errorf("reason %q", r)
		}
	}
	ln.Close()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
}

func TestListenerWithoutTLS(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := make(chan string, 1)
	ln := NewListener(inner, ListenerOptions{AllowPlaintext: true, Refused: func(_ net.Addr, r string) { refused <- r }})
	defer ln.Close()
	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	if err := tc.Handshake(); err == nil {
		t.Error("TLS handshake succeeded on a plaintext-only port")
	}
	if r := <-refused; !strings.Contains(r, "TLS is not configured") {
		t.Errorf("reason %q", r)
	}
}
