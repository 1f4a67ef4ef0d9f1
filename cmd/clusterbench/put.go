package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// benchPut measures KV PUT on the cluster at o.conc, worker w sending to
// server w mod 3, then raw dragonboat SyncPropose on a 3-NodeHost shard
// in this process at the same concurrency (worker w proposing through
// NodeHost w mod 3), seconds apart.
func benchPut(ctx context.Context, rep *report, lc *benchkit.LoadClient, c *benchkit.Cluster, o options, dir string) error {
	warm := min(time.Second, o.duration/5)
	benchkit.Progress("consuld cluster PUT c=%d", o.conc)
	res := closedLoopOf(ctx, fmt.Sprintf("BenchmarkClusterKV/PUT/c=%d", o.conc), o.conc, warm, o.duration, c.PIDs(),
		func(ctx context.Context, w, n int) error {
			s := c.Servers[w%len(c.Servers)]
			url := s.Base + "/v1/kv/bench/w" + strconv.Itoa(w) + "/" + strconv.Itoa(n)
			b, _, status, err := benchkit.HTTPDo(ctx, lc.C, http.MethodPut, url, benchkit.ValueBytes)
			if err == nil && (status != http.StatusOK || string(b) != "true") {
				err = fmt.Errorf("PUT %s: %d %.200q", url, status, b)
			}
			return err
		})
	rep.putCluster = &res
	rep.line(res)
	for _, s := range c.Servers {
		if !s.Running() {
			return fmt.Errorf("%s exited during the PUT run", s.Name)
		}
	}
	if ctx.Err() != nil {
		return nil
	}

	benchkit.Progress("raw dragonboat: 3 NodeHosts, one shard, c=%d", o.conc)
	raw, err := benchkit.OpenRawRaftCluster(filepath.Join(dir, "raftraw3"), len(c.Servers))
	if err != nil {
		return fmt.Errorf("raw raft cluster: %w", err)
	}
	defer raw.Close()
	if err := raw.WaitLeader(ctx, benchkit.ValueBytes); err != nil {
		return err
	}
	rres := benchkit.ClosedLoop(ctx, fmt.Sprintf("BenchmarkRaftRaw3/disk/PUT/c=%d", o.conc), o.conc, warm, o.duration, 0,
		raw.ProposeOp(benchkit.ValueBytes))
	rep.putRaw = &rres
	rep.line(rres)
	rep.ratio()
	return nil
}

// closedLoopOf is benchkit.ClosedLoop with the CPU of several server
// processes (summed) reported as the server's.
func closedLoopOf(ctx context.Context, name string, conc int, warmup, dur time.Duration, pids []int, op benchkit.OpFunc) benchkit.Result {
	cpu0 := make(chan benchkit.CPUSnap, 1)
	t := time.AfterFunc(warmup, func() { cpu0 <- benchkit.TakeCPUOf(pids...) })
	res := benchkit.ClosedLoop(ctx, name, conc, warmup, dur, 0, op)
	if t.Stop() {
		return res // cancelled before the window
	}
	res.CPU = benchkit.CPUBetween(<-cpu0, benchkit.TakeCPUOf(pids...))
	return res
}
