package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

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
func benchMode(ctx context.Context, rep *report, lc *loadClient, bin, dir, mode string, o options, warm time.Duration, echo **proc) error {
	var a *agent
	body := defaultGetBody()
	if o.parts["kv"] {
		progress("starting %s agent", mode)
		var err error
		if a, err = startAgent(ctx, bin, dir, mode, mode == "dev", o.agentArgs); err != nil {
			return err
		}
		defer a.stop()
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
		progress("starting raw raft NodeHost (%s)", mode)
		var err error
		if nh, err = openRawRaft(dir, mode); err != nil {
			return fmt.Errorf("raw raft %s: %w", mode, err)
		}
		defer nh.Close()
		if err := waitRawLeader(ctx, nh); err != nil {
			return err
		}
	}
	for _, c := range o.conc {
		run := func(name string, pid int, op opFunc) {
			if ctx.Err() == nil {
				rep.add(mode, closedLoop(ctx, name, c, warm, o.duration, pid, op))
			}
		}
		putPath := func(w, n int) string {
			return "/v1/kv/bench/c" + strconv.Itoa(c) + "w" + strconv.Itoa(w) + "/" + strconv.Itoa(n)
		}
		if p := *echo; p != nil {
			base := p.base
			run(fmt.Sprintf("BenchmarkEchoRaw/PUT/c=%d", c), p.pid(), putOp(lc.c, base, putPath))
			run(fmt.Sprintf("BenchmarkEchoRaw/GET/c=%d", c), p.pid(), getOp(lc.c, base, getKeyPath, ""))
		}
		if nh != nil {
			run(fmt.Sprintf("BenchmarkRaftRaw/%s/PUT/c=%d", mode, c), 0, rawPutOp(nh))
		}
		if a != nil {
			run(fmt.Sprintf("BenchmarkKV/%s/PUT/c=%d", mode, c), a.pid(), putOp(lc.c, a.base, putPath))
			progress("%s: waiting %s for the PUT keys to passivate", mode, passivateWait)
			sleepCtx(ctx, passivateWait)
			run(fmt.Sprintf("BenchmarkKV/%s/GET/c=%d", mode, c), a.pid(), getOp(lc.c, a.base, getKeyPath, ""))
			run(fmt.Sprintf("BenchmarkKV/%s/GET-stale/c=%d", mode, c), a.pid(), getOp(lc.c, a.base, getKeyPath, "?stale"))
			if a.exited() {
				return fmt.Errorf("%s agent exited at c=%d\n%s", mode, c, a.logTail())
			}
		}
	}
	if a != nil {
		rss, _ := a.rss()
		progress("%s agent done (RSS %s)", mode, mib(rss))
	}
	return ctx.Err()
}

// seedGetKeys writes the keys the GET runs read and returns the body of
// one GET.
func seedGetKeys(ctx context.Context, lc *loadClient, a *agent, mode string) ([]byte, error) {
	rss, _ := a.rss()
	progress("%s agent up (pid %d, %s, RSS %s); seeding %d GET keys", mode, a.pid(), a.base, mib(rss), getKeys)
	put := putOp(lc.c, a.base, func(_, n int) string { return getKeyPath(0, n) })
	errs, first, _ := fill(ctx, 64, getKeys, func(ctx context.Context, n int) error { return put(ctx, 0, n) })
	if errs > 0 {
		return nil, fmt.Errorf("%s agent: seeding GET keys: %d errors, first: %v", mode, errs, first)
	}
	body, _, status, err := httpDo(ctx, lc.c, http.MethodGet, a.base+getKeyPath(0, 1), nil)
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("%s agent: GET seeded key: %d %v", mode, status, err)
	}
	return body, nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
