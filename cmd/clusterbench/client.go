package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// clientIP is the client agent's loopback address (the servers use
// 127.0.0.2-4).
const clientIP = "127.0.0.5"

// benchClient starts a client agent (no -server) joining the cluster and
// reports how long until it is usable: its API names the leader, and a
// service registered through its agent API is in a server's catalog.
func benchClient(ctx context.Context, rep *report, c *benchkit.Cluster, bin, dir string) error {
	ports, err := benchkit.FreePortsOn(clientIP, 4)
	if err != nil {
		return err
	}
	cdir := filepath.Join(dir, "client")
	if err := os.MkdirAll(filepath.Join(cdir, "data"), 0o755); err != nil {
		return err
	}
	base := "http://" + net.JoinHostPort(clientIP, strconv.Itoa(ports[0]))
	args := []string{"agent", "-data-dir", filepath.Join(cdir, "data"), "-node", "client-1", "-bind", clientIP, "-client", clientIP,
		"-http-port", strconv.Itoa(ports[0]), "-serf-lan-port", strconv.Itoa(ports[1]), "-dns-port", strconv.Itoa(ports[2]),
		"-serf-wan-port", strconv.Itoa(ports[3]),
		"-retry-join", net.JoinHostPort(c.Servers[0].IP, strconv.Itoa(c.Servers[0].SerfPort)), "-retry-interval", "200ms"}
	start := time.Now()
	p, err := benchkit.StartProc(bin, args, filepath.Join(cdir, "agent.log"))
	if err != nil {
		return err
	}
	defer p.Stop()
	hc := &http.Client{Timeout: time.Second}
	poll := func(what string, cond func() bool) (time.Duration, error) {
		for !cond() {
			if p.Exited() || ctx.Err() != nil || time.Since(start) > time.Minute {
				return 0, fmt.Errorf("client agent: %s not reached:\n%s", what, p.LogTail())
			}
			time.Sleep(10 * time.Millisecond)
		}
		return time.Since(start), nil
	}
	leader, err := poll("a leader", func() bool {
		b, _, st, err := benchkit.HTTPDo(ctx, hc, http.MethodGet, base+"/v1/status/leader", nil)
		return err == nil && st == http.StatusOK && len(strings.Trim(string(b), `" `)) > 0
	})
	if err != nil {
		return err
	}
	regAt := time.Now()
	if _, _, st, err := benchkit.HTTPDo(ctx, hc, http.MethodPut, base+"/v1/agent/service/register", []byte(`{"Name":"bench-client-svc","Port":1}`)); err != nil || st != http.StatusOK {
		return fmt.Errorf("client agent: register: %d %v", st, err)
	}
	visible, err := poll("the service on a server", func() bool {
		b, _, st, err := benchkit.HTTPDo(ctx, hc, http.MethodGet, c.Servers[1].Base+"/v1/catalog/service/bench-client-svc", nil)
		return err == nil && st == http.StatusOK && strings.Contains(string(b), "client-1")
	})
	if err != nil {
		return err
	}
	rep.printf("%-40s  usable(leader via its API)=%-8s  register->visible on a server=%s\n", "BenchmarkClientAgent/start",
		benchkit.FmtDur(leader), benchkit.FmtDur(visible-regAt.Sub(start)))
	rep.clientUsable, rep.clientVisible = leader, visible-regAt.Sub(start)
	return nil
}
