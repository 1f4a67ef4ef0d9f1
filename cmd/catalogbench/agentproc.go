package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildConsuld builds ./cmd/consuld of the module catalogbench runs in.
func buildConsuld(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run catalogbench inside the consuld module (go env GOMOD: %q, %v)", gomod, err)
	}
	bin := filepath.Join(dir, "consuld")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/consuld")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/consuld: %v\n%s", err, b)
	}
	return bin, nil
}

// freePorts returns n distinct free loopback TCP ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// proc is a subprocess catalogbench owns.
type proc struct {
	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
	base    string // http://127.0.0.1:port of its HTTP server
}

func startProc(bin string, args []string, logPath string) (*proc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Die with catalogbench even if it is killed without cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), logPath: logPath}
	go func() {
		cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, then SIGKILL after 10 s.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// logTail is the end of the process's output, for error messages.
func (p *proc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// agent is a consuld agent subprocess.
type agent struct{ *proc }

// startAgent starts a durable agent (-server -bootstrap-expect 1
// -data-dir, fsynced Raft log) with every listener on a free loopback port
// and waits until it has a leader and takes a PUT.
func startAgent(ctx context.Context, bin, dir, name string) (*agent, error) {
	ports, err := freePorts(7)
	if err != nil {
		return nil, err
	}
	adir := filepath.Join(dir, name)
	// The data dir is created here: the agent does not create a missing
	// -data-dir (Consul does).
	if err := os.MkdirAll(filepath.Join(adir, "data"), 0o755); err != nil {
		return nil, err
	}
	// http_max_conns_per_client 0: the closed loops open up to 128
	// connections from 127.0.0.1; enable_debug: /debug/pprof/heap.
	cfg := fmt.Sprintf(`{"ports": {"raft": %d}, "limits": {"http_max_conns_per_client": 0}, "enable_debug": true}`, ports[6])
	cfgPath := filepath.Join(adir, "catalogbench.json")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	args := []string{"agent", "-server", "-bootstrap-expect", "1", "-data-dir", filepath.Join(adir, "data"),
		"-node", "bench", "-bind", "127.0.0.1", "-client", "127.0.0.1",
		"-http-port", strconv.Itoa(ports[0]), "-server-port", strconv.Itoa(ports[1]),
		"-serf-lan-port", strconv.Itoa(ports[2]), "-serf-wan-port", strconv.Itoa(ports[3]),
		"-dns-port", strconv.Itoa(ports[4]), "-grpc-port", strconv.Itoa(ports[5]),
		"-config-file", cfgPath}
	p, err := startProc(bin, args, filepath.Join(adir, "agent.log"))
	if err != nil {
		return nil, err
	}
	p.base = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	a := &agent{p}
	if err := a.waitReady(ctx, 60*time.Second); err != nil {
		a.stop()
		return nil, fmt.Errorf("%s agent not ready: %w\n--- %s:\n%s", name, err, p.logPath, p.logTail())
	}
	return a, nil
}

// waitReady polls /v1/status/leader for an address, then PUTs a key.
func (a *agent) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	c := &http.Client{Timeout: 2 * time.Second}
	var last error
	for {
		if a.exited() {
			return errors.New("agent exited")
		}
		last = a.probe(ctx, c)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%v (last: %v)", ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (a *agent) probe(ctx context.Context, c *http.Client) error {
	body, _, status, err := httpDo(ctx, c, http.MethodGet, a.base+"/v1/status/leader", nil)
	switch {
	case err != nil:
		return err
	case status != http.StatusOK || len(bytes.Trim(body, `" `)) == 0:
		return fmt.Errorf("leader: %d %q", status, body)
	}
	body, _, status, err = httpDo(ctx, c, http.MethodPut, a.base+"/v1/kv/catalogbench/ready", valueBytes)
	switch {
	case err != nil:
		return err
	case status != http.StatusOK || string(body) != "true":
		return fmt.Errorf("PUT: %d %q", status, body)
	}
	return nil
}

// rss is the agent's resident set (VmRSS) in bytes.
func (p *proc) rss() (int64, error) { return procStatus(p.pid(), "VmRSS") }

// procStatus reads a "kB" field of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			n, err := strconv.ParseInt(f[0], 10, 64)
			if len(f) > 1 && f[1] == "kB" {
				n *= 1024
			}
			return n, err
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}
