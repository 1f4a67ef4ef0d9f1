package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// bootLimit bounds the wait for a fresh cluster's leader and first PUT.
const bootLimit = 60 * time.Second

// bootResult is one timed start of a fresh 3-server cluster, measured
// from the moment the first process is started.
type bootResult struct {
	n           int
	firstLeader time.Duration // some server names a leader
	agreed      time.Duration // every server names the same leader
	firstPut    time.Duration // a PUT through the first server succeeded
	leader      string        // the server that became leader
}

// bootCluster starts a fresh cluster in dir/boot-<i> and polls every 10 ms
// until all servers agree on a leader and a PUT succeeds. On error every
// server it started is stopped.
func bootCluster(ctx context.Context, o options, bin, dir string, i int) (*benchkit.Cluster, bootResult, error) {
	res := bootResult{n: i + 1}
	cdir := filepath.Join(dir, fmt.Sprintf("boot-%d", i+1))
	if err := os.RemoveAll(cdir); err != nil {
		return nil, res, err
	}
	c, err := benchkit.NewCluster(benchkit.ClusterConfig{Tool: "clusterbench", Bin: bin, Dir: cdir, IPs: serverIPs,
		JoinAll: !o.joinFirst, Extra: o.agentArgs})
	if err != nil {
		return nil, res, err
	}
	benchkit.Progress("boot %d: starting %d servers on %v", i+1, len(c.Servers), serverIPs)
	fail := func(err error) (*benchkit.Cluster, bootResult, error) {
		err = withLogs(c, err)
		c.Stop()
		return nil, res, err
	}
	start := time.Now()
	if err := c.Start(); err != nil {
		return fail(err)
	}
	put := &http.Client{Timeout: 2 * time.Second}
	deadline := start.Add(bootLimit)
	for res.firstPut == 0 {
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("boot %d: no leader and PUT within %s: %s", i+1, bootLimit, c.Views(ctx, c.Servers...)))
		}
		for _, s := range c.Servers {
			if !s.Running() {
				return fail(fmt.Errorf("boot %d: %s exited", i+1, s.Name))
			}
		}
		if res.agreed == 0 {
			views := 0
			for _, s := range c.Servers {
				if l, err := c.Leader(ctx, s); err == nil && l != "" {
					views++
					if res.firstLeader == 0 {
						res.firstLeader = time.Since(start)
					}
				}
			}
			if views == len(c.Servers) {
				if l, ok := c.AgreedLeader(ctx, c.Servers...); ok {
					res.agreed, res.leader = time.Since(start), l
				}
			}
		}
		if res.agreed != 0 {
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			err := c.Put(pctx, put, c.Servers[0], "clusterbench/boot")
			cancel()
			if err == nil {
				res.firstPut = time.Since(start)
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if li := c.ByAddr(res.leader); li >= 0 {
		res.leader = c.Servers[li].Name
	}
	// Every server takes a PUT before the cluster is used.
	for _, s := range c.Servers {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := c.Put(pctx, put, s, "clusterbench/ready-"+s.Name)
		cancel()
		if err != nil {
			return fail(err)
		}
	}
	put.CloseIdleConnections()
	return c, res, nil
}
