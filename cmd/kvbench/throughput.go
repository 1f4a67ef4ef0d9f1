package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
	"github.com/lni/dragonboat/v4"
)

// passivateWait lets the keys a PUT run created passivate (~5 s idle)
// before the GET runs, so the reads do not pay for that work.
const passivateWait = 6 * time.Second

// benchMode measures one agent mode ("durable" or "dev"). At each
// concurrency it runs bare Echo PUT and GET, raw Raft PUT and consuld PUT,
// then (once the PUT's keys passivated) consuld GET and GET ?stale: every
// consuld figure is measured within seconds of the raw figures it is
// divided by. The Echo server is started on first use with the bytes the
// agent answers a GET with, and left running in *echo.
func benchMode(ctx context.Context, rep *report, lc *benchkit.LoadClient, bin, dir, mode string, o options, warm time.Duration, echo **benchkit.Proc) error {
	var a *benchkit.Agent
	body := defaultGetBody()
	if o.parts["kv"] {
		benchkit.Progress("starting %s agent", mode)
		var err error
		if a, err = benchkit.StartAgent(ctx, benchkit.AgentConfig{Tool: "kvbench", Bin: bin, Dir: dir, Name: mode, Dev: mode == "dev", Extra: o.agentArgs}); err != nil {
			return err
		}
		defer a.Stop()
		if body, err = seedGetKeys(ctx, lc, a, mode); err != nil {
			return err
		}
	}
	if o.parts["echo"] && *echo == nil {
		var err error
		if *echo, err = startEcho(ctx, lc, dir, body); err != nil {
			return err
		}
	}
	var nh *dragonboat.NodeHost
	if o.parts["raft"] {
		benchkit.Progress("starting raw raft NodeHost (%s)", mode)
		var err error
		// dev: the Raft log on vfs.NewMem(), as the -dev agent keeps it.
		nhDir := filepath.Join(dir, "raftraw-"+mode)
		if mode == "dev" {
			nhDir = "/kvbench-dev"
		}
		if nh, err = benchkit.OpenRawRaft(nhDir, mode == "dev"); err != nil {
			return fmt.Errorf("raw raft %s: %w", mode, err)
		}
		defer nh.Close()
		if err := benchkit.WaitRawLeader(ctx, nh, benchkit.ValueBytes); err != nil {
			return err
		}
	}
	for _, c := range o.conc {
		run := func(name string, pid int, op benchkit.OpFunc) {
			if ctx.Err() == nil {
				rep.add(mode, benchkit.ClosedLoop(ctx, name, c, warm, o.duration, pid, op))
			}
		}
		putPath := func(w, n int) string {
			return "/v1/kv/bench/c" + strconv.Itoa(c) + "w" + strconv.Itoa(w) + "/" + strconv.Itoa(n)
		}
		if p := *echo; p != nil {
			base := p.Base
			run(fmt.Sprintf("BenchmarkEchoRaw/PUT/c=%d", c), p.PID(), putOp(lc.C, base, putPath))
			run(fmt.Sprintf("BenchmarkEchoRaw/GET/c=%d", c), p.PID(), getOp(lc.C, base, getKeyPath, ""))
		}
		if nh != nil {
			run(fmt.Sprintf("BenchmarkRaftRaw/%s/PUT/c=%d", mode, c), 0, benchkit.RawProposeOp(nh, benchkit.ValueBytes))
		}
		if a != nil {
			run(fmt.Sprintf("BenchmarkKV/%s/PUT/c=%d", mode, c), a.PID(), putOp(lc.C, a.Base, putPath))
			benchkit.Progress("%s: waiting %s for the PUT keys to passivate", mode, passivateWait)
			benchkit.SleepCtx(ctx, passivateWait)
			run(fmt.Sprintf("BenchmarkKV/%s/GET/c=%d", mode, c), a.PID(), getOp(lc.C, a.Base, getKeyPath, ""))
			run(fmt.Sprintf("BenchmarkKV/%s/GET-stale/c=%d", mode, c), a.PID(), getOp(lc.C, a.Base, getKeyPath, "?stale"))
			if a.Exited() {
				return fmt.Errorf("%s agent exited at c=%d\n%s", mode, c, a.LogTail())
			}
		}
	}
	if a != nil {
		rss, _ := a.RSS()
		benchkit.Progress("%s agent done (RSS %s)", mode, benchkit.MiB(rss))
	}
	return ctx.Err()
}

// seedGetKeys writes the keys the GET runs read and returns the body of
// one GET.
func seedGetKeys(ctx context.Context, lc *benchkit.LoadClient, a *benchkit.Agent, mode string) ([]byte, error) {
	rss, _ := a.RSS()
	benchkit.Progress("%s agent up (pid %d, %s, RSS %s); seeding %d GET keys", mode, a.PID(), a.Base, benchkit.MiB(rss), getKeys)
	put := putOp(lc.C, a.Base, func(_, n int) string { return getKeyPath(0, n) })
	errs, first, _ := benchkit.Fill(ctx, 64, getKeys, func(ctx context.Context, n int) error { return put(ctx, 0, n) })
	if errs > 0 {
		return nil, fmt.Errorf("%s agent: seeding GET keys: %d errors, first: %v", mode, errs, first)
	}
	body, _, status, err := benchkit.HTTPDo(ctx, lc.C, http.MethodGet, a.Base+getKeyPath(0, 1), nil)
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("%s agent: GET seeded key: %d %v", mode, status, err)
	}
	return body, nil
}
