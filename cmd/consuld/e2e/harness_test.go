package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "consuld-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "consuld")
	build := exec.Command("go", "build", "-o", binary, "github.com/consuld/consuld/cmd/consuld")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building consuld:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// freePorts returns n distinct free TCP ports on loopback.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// agent is one consuld process.
type agent struct {
	t       *testing.T
	cmd     *exec.Cmd
	out     *syncBuffer
	HTTP    string // host:port
	DNS     string // host:port (UDP and TCP)
	Server  int
	args    []string
	dataDir string
	exited  chan struct{}
	api     *api.Client // cached: one connection pool per agent
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// portArgs gives every listener a free port; the raft port goes through a
// config file because it is a consuld-only key.
func portArgs(t *testing.T) (args []string, httpPort, serverPort, dnsPort int) {
	p := freePorts(t, 6)
	cfg := filepath.Join(t.TempDir(), "ports.json")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`{"ports": {"raft": %d}}`, p[5])), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"-http-port", fmt.Sprint(p[0]), "-server-port", fmt.Sprint(p[1]),
		"-serf-lan-port", fmt.Sprint(p[2]), "-serf-wan-port", fmt.Sprint(p[3]),
		"-dns-port", fmt.Sprint(p[4]), "-config-file", cfg}, p[0], p[1], p[4]
}

// startDev starts `consuld agent -dev` with free ports.
func startDev(t *testing.T, extra ...string) *agent {
	args, hp, sp, dp := portArgs(t)
	a := &agent{t: t, args: append(append([]string{"agent", "-dev"}, args...), extra...),
		HTTP: fmt.Sprintf("127.0.0.1:%d", hp), DNS: fmt.Sprintf("127.0.0.1:%d", dp), Server: sp}
	a.start()
	return a
}

// startDurable starts a single durable server in dataDir.
func startDurable(t *testing.T, dataDir string) *agent {
	args, hp, sp, dp := portArgs(t)
	a := &agent{t: t, args: append([]string{"agent", "-server", "-bootstrap-expect", "1", "-data-dir", dataDir,
		"-node", "n1", "-bind", "127.0.0.1"}, args...), HTTP: fmt.Sprintf("127.0.0.1:%d", hp), DNS: fmt.Sprintf("127.0.0.1:%d", dp), Server: sp, dataDir: dataDir}
	a.start()
	return a
}

func (a *agent) start() {
	a.t.Helper()
	a.out = &syncBuffer{}
	a.exited = make(chan struct{})
	a.cmd = exec.Command(binary, a.args...)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	go func() { a.cmd.Wait(); close(a.exited) }()
	a.t.Cleanup(func() { a.kill() })
	a.waitReady()
}

// waitReady polls until the agent has a leader and accepts a linearizable read.
func (a *agent) waitReady() {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-a.exited:
			a.t.Fatalf("agent exited early:\n%s", a.out)
		default:
		}
		resp, err := http.Get("http://" + a.HTTP + "/v1/kv/__ready__")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.t.Fatalf("agent not ready in 30s:\n%s", a.out)
}

func (a *agent) kill() {
	if a.cmd != nil && a.cmd.Process != nil {
		a.cmd.Process.Signal(syscall.SIGKILL)
		<-a.exited
	}
}

// restart kills the process with SIGKILL and starts it again with the same args.
func (a *agent) restart() {
	a.kill()
	a.start()
}

func (a *agent) client() *api.Client {
	a.t.Helper()
	if a.api != nil {
		return a.api
	}
	c, err := api.NewClient(&api.Config{Address: a.HTTP})
	if err != nil {
		a.t.Fatal(err)
	}
	a.api = c
	return c
}

// do sends a raw HTTP request and returns status, headers and body.
func (a *agent) do(method, path string, body io.Reader) (int, http.Header, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, "http://"+a.HTTP+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
