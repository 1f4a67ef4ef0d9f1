package benchkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Agent is a consuld agent subprocess.
type Agent struct {
	*Proc
	DNS string // the DNS listener, host:port (UDP and TCP)
}

// AgentConfig says which agent StartAgent starts.
type AgentConfig struct {
	Tool  string   // the bench command: names its config file and ready key
	Bin   string   // the consuld binary
	Dir   string   // scratch dir; the agent's files go to Dir/Name
	Name  string   // the agent's name, for its dir and errors
	Dev   bool     // -dev instead of a durable one-server agent
	Extra []string // more agent arguments
}

// StartAgent starts a durable (-server -bootstrap-expect 1 -data-dir,
// fsynced Raft log) or -dev agent with every listener on a free loopback
// port and waits until it has a leader and takes a PUT.
func StartAgent(ctx context.Context, ac AgentConfig) (*Agent, error) {
	ports, err := FreePorts(7)
	if err != nil {
		return nil, err
	}
	adir := filepath.Join(ac.Dir, ac.Name)
	// The data dir is created here: the agent does not create a missing
	// -data-dir (Consul does).
	if err := os.MkdirAll(filepath.Join(adir, "data"), 0o755); err != nil {
		return nil, err
	}
	// http_max_conns_per_client 0: kvbench's blocking test opens 11,000
	// connections from 127.0.0.1 (Consul's default limit is 200);
	// enable_debug: /debug/pprof/heap.
	cfg := fmt.Sprintf(`{"ports": {"raft": %d}, "limits": {"http_max_conns_per_client": 0}, "enable_debug": true}`, ports[6])
	cfgPath := filepath.Join(adir, ac.Tool+".json")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	args := []string{"agent"}
	if ac.Dev {
		args = append(args, "-dev")
	} else {
		args = append(args, "-server", "-bootstrap-expect", "1", "-data-dir", filepath.Join(adir, "data"),
			"-node", "bench", "-bind", "127.0.0.1")
	}
	args = append(args, "-client", "127.0.0.1",
		"-http-port", strconv.Itoa(ports[0]), "-server-port", strconv.Itoa(ports[1]),
		"-serf-lan-port", strconv.Itoa(ports[2]), "-serf-wan-port", strconv.Itoa(ports[3]),
		"-dns-port", strconv.Itoa(ports[4]), "-grpc-port", strconv.Itoa(ports[5]),
		"-config-file", cfgPath)
	args = append(args, ac.Extra...)
	p, err := StartProc(ac.Bin, args, filepath.Join(adir, "agent.log"))
	if err != nil {
		return nil, err
	}
	p.Base = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	a := &Agent{Proc: p, DNS: "127.0.0.1:" + strconv.Itoa(ports[4])}
	if err := a.waitReady(ctx, ac.Tool, 60*time.Second); err != nil {
		a.Stop()
		return nil, fmt.Errorf("%s agent not ready: %w\n--- %s:\n%s", ac.Name, err, p.LogPath, p.LogTail())
	}
	return a, nil
}

// waitReady polls /v1/status/leader for an address, then PUTs a key.
func (a *Agent) waitReady(ctx context.Context, tool string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	c := &http.Client{Timeout: 2 * time.Second}
	var last error
	for {
		if a.Exited() {
			return errors.New("agent exited")
		}
		last = a.probe(ctx, c, tool)
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

func (a *Agent) probe(ctx context.Context, c *http.Client, tool string) error {
	body, _, status, err := HTTPDo(ctx, c, http.MethodGet, a.Base+"/v1/status/leader", nil)
	switch {
	case err != nil:
		return err
	case status != http.StatusOK || len(bytes.Trim(body, `" `)) == 0:
		return fmt.Errorf("leader: %d %q", status, body)
	}
	body, _, status, err = HTTPDo(ctx, c, http.MethodPut, a.Base+"/v1/kv/"+tool+"/ready", ValueBytes)
	switch {
	case err != nil:
		return err
	case status != http.StatusOK || string(body) != "true":
		return fmt.Errorf("PUT: %d %q", status, body)
	}
	return nil
}
