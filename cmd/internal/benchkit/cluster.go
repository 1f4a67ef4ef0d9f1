package benchkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ClusterConfig says which servers NewCluster prepares.
type ClusterConfig struct {
	Tool string   // the bench command: names config files and keys
	Bin  string   // the consuld binary
	Dir  string   // scratch dir; server i's files go to Dir/s<i+1>
	IPs  []string // one loopback address per server (127.0.0.2, ...)
	// JoinAll: every server retry-joins every other one (as Consul's
	// deployment guide has it); otherwise only the first is joined, by
	// the others, as the e2e tests do.
	JoinAll bool
	Extra   []string // more agent arguments, for every server
}

// Cluster is a set of consuld server processes with bootstrap_expect set
// to their number, each on its own loopback address, durable (data on
// disk, fsynced Raft log).
type Cluster struct {
	Servers []*ClusterServer
	probe   *http.Client
}

// ClusterServer is one server of a Cluster. It can be killed and started
// again with the same arguments and data dir.
type ClusterServer struct {
	Name       string
	IP         string
	Base       string // http://ip:port of its HTTP API
	ServerAddr string // ip:server-port, as /v1/status/leader names it
	SerfPort   int
	Dir        string // its files: data/, config, agent-N.log
	Proc       *Proc  // the current process (nil before Start)
	bin        string
	args       []string
	starts     int
}

// NewCluster picks ports (free on each server's address) and writes the
// config files; it starts nothing.
func NewCluster(cc ClusterConfig) (*Cluster, error) {
	c := &Cluster{probe: &http.Client{Timeout: time.Second}}
	var serf []string
	for i, ip := range cc.IPs {
		ports, err := FreePortsOn(ip, 7)
		if err != nil {
			return nil, err
		}
		s := &ClusterServer{Name: fmt.Sprintf("s%d", i+1), IP: ip, bin: cc.Bin,
			Base:       "http://" + net.JoinHostPort(ip, strconv.Itoa(ports[0])),
			ServerAddr: net.JoinHostPort(ip, strconv.Itoa(ports[1])), SerfPort: ports[2]}
		s.Dir = filepath.Join(cc.Dir, s.Name)
		data := filepath.Join(s.Dir, "data")
		if err := os.MkdirAll(data, 0o755); err != nil {
			return nil, err
		}
		cfg := filepath.Join(s.Dir, cc.Tool+".json")
		if err := os.WriteFile(cfg, fmt.Appendf(nil, `{"ports": {"raft": %d}}`, ports[6]), 0o644); err != nil {
			return nil, err
		}
		s.args = []string{"agent", "-server", "-bootstrap-expect", strconv.Itoa(len(cc.IPs)), "-data-dir", data,
			"-node", s.Name, "-bind", ip, "-client", ip,
			"-http-port", strconv.Itoa(ports[0]), "-server-port", strconv.Itoa(ports[1]),
			"-serf-lan-port", strconv.Itoa(ports[2]), "-serf-wan-port", strconv.Itoa(ports[3]),
			"-dns-port", strconv.Itoa(ports[4]), "-grpc-port", strconv.Itoa(ports[5]),
			"-config-file", cfg}
		serf = append(serf, net.JoinHostPort(ip, strconv.Itoa(ports[2])))
		c.Servers = append(c.Servers, s)
	}
	for i, s := range c.Servers {
		for j, addr := range serf {
			if (cc.JoinAll && j != i) || (!cc.JoinAll && i > 0 && j == 0) {
				s.args = append(s.args, "-retry-join", addr)
			}
		}
		if cc.JoinAll || i > 0 {
			s.args = append(s.args, "-retry-interval", "200ms")
		}
		s.args = append(s.args, cc.Extra...)
	}
	return c, nil
}

// Start starts every server, the first one first, without waiting.
func (c *Cluster) Start() error {
	for _, s := range c.Servers {
		if err := s.Start(); err != nil {
			return err
		}
	}
	return nil
}

// Stop stops every running server (SIGTERM, in parallel).
func (c *Cluster) Stop() {
	var wg sync.WaitGroup
	for _, s := range c.Servers {
		if s.Proc != nil {
			wg.Add(1)
			go func() { defer wg.Done(); s.Proc.Stop() }()
		}
	}
	wg.Wait()
}

// PIDs are the running servers' process ids.
func (c *Cluster) PIDs() []int {
	var out []int
	for _, s := range c.Servers {
		if s.Running() {
			out = append(out, s.Proc.PID())
		}
	}
	return out
}

// ByAddr is the index of the server whose ServerAddr is addr, or -1.
func (c *Cluster) ByAddr(addr string) int {
	for i, s := range c.Servers {
		if s.ServerAddr == addr {
			return i
		}
	}
	return -1
}

// Start starts the server process (again: same arguments and data dir, a
// new log file agent-N.log).
func (s *ClusterServer) Start() error {
	if s.Running() {
		return fmt.Errorf("%s already running", s.Name)
	}
	s.starts++
	p, err := StartProc(s.bin, s.args, filepath.Join(s.Dir, fmt.Sprintf("agent-%d.log", s.starts)))
	if err != nil {
		return err
	}
	p.Base = s.Base
	s.Proc = p
	return nil
}

// Running reports whether the server process is up.
func (s *ClusterServer) Running() bool { return s.Proc != nil && !s.Proc.Exited() }

// Kill sends SIGKILL (kill -9) and waits for the process to be gone.
func (s *ClusterServer) Kill() {
	if s.Proc != nil {
		s.Proc.Kill()
	}
}

// Kill sends SIGKILL and waits until the process is reaped.
func (p *Proc) Kill() {
	if p.Exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Leader asks s for the leader (GET /v1/status/leader): "ip:port" or "".
func (c *Cluster) Leader(ctx context.Context, s *ClusterServer) (string, error) {
	b, _, status, err := HTTPDo(ctx, c.probe, http.MethodGet, s.Base+"/v1/status/leader", nil)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("status/leader: %d %.200q", status, b)
	}
	var l string
	if err := json.Unmarshal(b, &l); err != nil {
		return "", fmt.Errorf("status/leader: %w: %.200q", err, b)
	}
	return l, nil
}

// AgreedLeader asks each server for the leader and returns it when every
// one names the same, non-empty leader.
func (c *Cluster) AgreedLeader(ctx context.Context, servers ...*ClusterServer) (string, bool) {
	agreed := ""
	for _, s := range servers {
		l, err := c.Leader(ctx, s)
		if err != nil || l == "" || (agreed != "" && l != agreed) {
			return "", false
		}
		agreed = l
	}
	return agreed, agreed != ""
}

// WaitLeader polls (every 10 ms) until the servers agree on a leader, at
// most limit.
func (c *Cluster) WaitLeader(ctx context.Context, limit time.Duration, servers ...*ClusterServer) (string, error) {
	deadline := time.Now().Add(limit)
	for {
		if l, ok := c.AgreedLeader(ctx, servers...); ok {
			return l, nil
		}
		for _, s := range servers {
			if !s.Running() {
				return "", fmt.Errorf("%s exited", s.Name)
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no leader agreed by %d servers in %s: %s", len(servers), limit, c.Views(ctx, servers...))
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Views says which leader each server names, for errors.
func (c *Cluster) Views(ctx context.Context, servers ...*ClusterServer) string {
	var parts []string
	for _, s := range servers {
		l, err := c.Leader(ctx, s)
		if err != nil {
			parts = append(parts, fmt.Sprintf("%s: %v", s.Name, err))
		} else {
			parts = append(parts, fmt.Sprintf("%s: %q", s.Name, l))
		}
	}
	return strings.Join(parts, ", ")
}

// Put PUTs ValueBytes to key through s and expects `true`.
func (c *Cluster) Put(ctx context.Context, client *http.Client, s *ClusterServer, key string) error {
	b, _, status, err := HTTPDo(ctx, client, http.MethodPut, s.Base+"/v1/kv/"+key, ValueBytes)
	if err == nil && (status != http.StatusOK || string(b) != "true") {
		err = fmt.Errorf("PUT %s via %s: %d %.200q", key, s.Name, status, b)
	}
	return err
}

// FreePortsOn returns n distinct ports free on ip for TCP and UDP (gossip
// and DNS listen on both).
func FreePortsOn(ip string, n int) ([]int, error) {
	var ports []int
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for tries := 0; len(ports) < n; tries++ {
		if tries > 10*n {
			return nil, errors.New("no free ports on " + ip)
		}
		l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			return nil, err
		}
		closers = append(closers, l.Close)
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			continue
		}
		closers = append(closers, u.Close)
		ports = append(ports, port)
	}
	return ports, nil
}

// TakeCPUOf is TakeCPU with the server being several processes (their CPU
// time summed): a cluster's servers.
func TakeCPUOf(pids ...int) CPUSnap {
	s := CPUSnap{at: time.Now()}
	var err error
	if s.total, err = machineBusy(); err != nil {
		return s
	}
	if s.self, err = procCPU(os.Getpid()); err != nil {
		return s
	}
	for _, pid := range pids {
		n, err := procCPU(pid)
		if err != nil {
			return s
		}
		s.server += n
	}
	s.ok = true
	return s
}
