package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// consuld runs the binary in dir and returns its stdout; a non-zero exit
// fails the test.
func consuld(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CONSUL_HTTP_ADDR=", "CONSUL_HTTP_TOKEN=", "CONSUL_CACERT=", "CONSUL_CLIENT_CERT=", "CONSUL_CLIENT_KEY=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("consuld %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// TestHTTPSWithClientCertificates makes a CA and certificates with the CLI,
// starts an agent serving HTTPS with verify_incoming, and checks on the
// wire that only clients with a certificate from that CA get answers.
func TestHTTPSWithClientCertificates(t *testing.T) {
	dir := t.TempDir()
	consuld(t, dir, "tls", "ca", "create")
	consuld(t, dir, "tls", "cert", "create", "-server", "-dc", "dc1")
	consuld(t, dir, "tls", "cert", "create", "-cli", "-dc", "dc1")
	p := func(n string) string { return filepath.Join(dir, n) }

	port := freePorts(t, 1)[0]
	cfg := writeFile(t, "tls.json", fmt.Sprintf(`{
  "ports": {"https": %d},
  "tls": {
    "defaults": {"ca_file": %q, "cert_file": %q, "key_file": %q},
    "https": {"verify_incoming": true}
  }
}`, port, p("consul-agent-ca.pem"), p("dc1-server-consul-0.pem"), p("dc1-server-consul-0-key.pem")))
	a := startDev(t, "-config-file", cfg)
	if !contains(a.out.String(), "started HTTPS server") {
		t.Fatalf("no HTTPS listener: cmd/consuld/agent/agent.go must call a.serveHTTPS(api) next to a.serveHTTP(api)\n%s", a.out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	caPEM, err := os.ReadFile(p("consul-agent-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cliCert, err := tls.LoadX509KeyPair(p("dc1-cli-consul-0.pem"), p("dc1-cli-consul-0-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	client := func(c *tls.Config) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: c}}
	}

	t.Run("plaintext HTTP on the HTTPS port", func(t *testing.T) {
		resp, err := client(nil).Get("http://" + addr + "/v1/status/leader")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Fatal("plaintext request answered 200")
			}
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		resp, err := client(&tls.Config{RootCAs: pool}).Get("https://" + addr + "/v1/status/leader")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("answered %d without a client certificate", resp.StatusCode)
		}
		if !contains(err.Error(), "certificate required") && !contains(err.Error(), "bad certificate") {
			t.Errorf("error %v is not a refused handshake", err)
		}
	})
	t.Run("client certificate from the CA", func(t *testing.T) {
		resp, err := client(&tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cliCert}}).Get("https://" + addr + "/v1/status/leader")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !contains(string(body), fmt.Sprint(a.Server)) {
			t.Errorf("status %d body %q", resp.StatusCode, body)
		}
	})
	t.Run("CLI over HTTPS", func(t *testing.T) {
		tlsArgs := []string{"-http-addr", "https://" + addr, "-ca-file", p("consul-agent-ca.pem"),
			"-client-cert", p("dc1-cli-consul-0.pem"), "-client-key", p("dc1-cli-consul-0-key.pem")}
		out := consuld(t, dir, append(append([]string{"kv", "put"}, tlsArgs...), "tls/key", "over-https")...)
		if out != "Success! Data written to: tls/key\n" {
			t.Errorf("put: %q", out)
		}
		if out := consuld(t, dir, append(append([]string{"kv", "get"}, tlsArgs...), "tls/key")...); out != "over-https\n" {
			t.Errorf("get: %q", out)
		}
		// The same without the client certificate is refused.
		cmd := exec.Command(binary, "kv", "get", "-http-addr", "https://"+addr, "-ca-file", p("consul-agent-ca.pem"), "tls/key")
		cmd.Env = append(os.Environ(), "CONSUL_CLIENT_CERT=", "CONSUL_CLIENT_KEY=")
		if out, err := cmd.CombinedOutput(); err == nil || !contains(string(out), "Error querying Consul agent") {
			t.Errorf("without a client certificate: %v %s", err, out)
		}
	})
}

// TestRaftMutualTLS: with internal RPC TLS configured, two servers form a
// cluster over mutual TLS, and the Raft port refuses a peer without a
// certificate from the CA (plaintext, no certificate, another CA).
func TestRaftMutualTLS(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	// dragonboat's Raft transport checks the peer's IP against the
	// certificate (ARCHITECTURE.md): server certificates carry the
	// servers' addresses.
	consuld(t, dir, "tls", "ca", "create")
	consuld(t, dir, "tls", "cert", "create", "-server", "-dc", "dc1", "-additional-ipaddress", "127.0.0.12", "-additional-ipaddress", "127.0.0.13")
	consuld(t, other, "tls", "ca", "create")
	consuld(t, other, "tls", "cert", "create", "-server", "-dc", "dc1")
	p := func(n string) string { return filepath.Join(dir, n) }
	cfg := writeFile(t, "rpc-tls.json", fmt.Sprintf(`{"tls": {"defaults": {"ca_file": %q, "cert_file": %q, "key_file": %q,
  "verify_incoming": true, "verify_outgoing": true}, "internal_rpc": {"verify_server_hostname": true}}}`,
		p("consul-agent-ca.pem"), p("dc1-server-consul-0.pem"), p("dc1-server-consul-0-key.pem")))
	s1, serf := startServer(t, "127.0.0.12", "s1", t.TempDir(), 2, "", "-config-file", cfg)
	s2, _ := startServer(t, "127.0.0.13", "s2", t.TempDir(), 2, fmt.Sprintf("127.0.0.12:%d", serf), "-config-file", cfg)
	c := &cluster{t: t, servers: []*agent{s1, s2}, ips: []string{"127.0.0.12", "127.0.0.13"}}
	c.waitLeader(s1, s2)
	if _, err := s2.client().KV().Put(&api.KVPair{Key: "k", Value: []byte("over mTLS")}, nil); err != nil {
		t.Fatal(err)
	}

	raftAddr := raftAddrOf(t, s1)
	// Plaintext: the server expects a TLS handshake and hangs up.
	conn, err := net.DialTimeout("tcp", raftAddr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("plaintext raft message\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := conn.Read(make([]byte, 64)); err == nil && n > 0 && !looksLikeTLSAlert(n) {
		t.Errorf("plaintext got %d bytes back", n)
	}
	conn.Close()
	caPEM, _ := os.ReadFile(p("consul-agent-ca.pem"))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	handshake := func(certs []tls.Certificate) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", raftAddr, &tls.Config{RootCAs: pool, Certificates: certs, InsecureSkipVerify: true})
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(time.Second))
		_, err = c.Read(make([]byte, 1)) // TLS 1.3: a refused client cert shows on the first read
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return nil
		}
		return err
	}
	if err := handshake(nil); err == nil {
		t.Error("a client without a certificate was accepted")
	}
	foreign, err := tls.LoadX509KeyPair(filepath.Join(other, "dc1-server-consul-0.pem"), filepath.Join(other, "dc1-server-consul-0-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := handshake([]tls.Certificate{foreign}); err == nil {
		t.Error("a certificate from another CA was accepted")
	}
	own, err := tls.LoadX509KeyPair(p("dc1-server-consul-0.pem"), p("dc1-server-consul-0-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := handshake([]tls.Certificate{own}); err != nil {
		t.Errorf("a certificate from the cluster's CA was refused: %v", err)
	}
}

func looksLikeTLSAlert(n int) bool { return n == 7 } // a TLS alert record is 7 bytes

// raftAddrOf reads a server's Raft port from the config file its harness
// wrote (ports.raft).
func raftAddrOf(t *testing.T, a *agent) string {
	t.Helper()
	for i, arg := range a.args {
		if arg == "-config-file" && strings.HasSuffix(a.args[i+1], "ports.json") {
			b, err := os.ReadFile(a.args[i+1])
			if err != nil {
				t.Fatal(err)
			}
			var cfg struct{ Ports struct{ Raft int } }
			if err := json.Unmarshal(b, &cfg); err != nil {
				t.Fatal(err)
			}
			host, _, _ := net.SplitHostPort(a.HTTP)
			return fmt.Sprintf("%s:%d", host, cfg.Ports.Raft)
		}
	}
	t.Fatal("no ports.json")
	return ""
}
