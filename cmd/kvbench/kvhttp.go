package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// benchAgent starts an agent of mode ("durable" or "dev"), seeds the GET
// keys and runs PUT, GET and GET ?stale at every concurrency. It returns
// the body of one GET (the bytes the bare Echo server answers with).
func benchAgent(ctx context.Context, rep *report, lc *loadClient, bin, dir, mode string, o options, warm time.Duration) ([]byte, error) {
	progress("starting %s agent", mode)
	a, err := startAgent(ctx, bin, dir, mode, mode == "dev", o.agentArgs)
	if err != nil {
		return nil, err
	}
	defer a.stop()
	defer lc.reset()
	rss, _ := a.rss()
	progress("%s agent up (pid %d, RSS %s); seeding %d GET keys", mode, a.pid(), mib(rss), getKeys)
	put := putOp(lc.c, a.base, func(_, n int) string { return getKeyPath(0, n) })
	errs, first, _ := fill(ctx, 64, getKeys, func(ctx context.Context, n int) error { return put(ctx, 0, n) })
	if errs > 0 {
		return nil, fmt.Errorf("%s agent: seeding GET keys: %d errors, first: %v", mode, errs, first)
	}
	body, _, status, err := httpDo(ctx, lc.c, http.MethodGet, a.base+getKeyPath(0, 1), nil)
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("%s agent: GET seeded key: %d %v", mode, status, err)
	}
	for _, c := range o.conc {
		prefix := "/v1/kv/bench/c" + strconv.Itoa(c) + "w"
		runs := []struct {
			op string
			f  opFunc
		}{
			{"PUT", putOp(lc.c, a.base, func(w, n int) string {
				return prefix + strconv.Itoa(w) + "/" + strconv.Itoa(n)
			})},
			{"GET", getOp(lc.c, a.base, getKeyPath, "")},
			{"GET-stale", getOp(lc.c, a.base, getKeyPath, "?stale")},
		}
		for _, r := range runs {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			name := fmt.Sprintf("BenchmarkKV/%s/%s/c=%d", mode, r.op, c)
			rep.add(closedLoop(ctx, name, c, warm, o.duration, r.f))
			if a.exited() {
				return nil, fmt.Errorf("%s agent exited during %s\n%s", mode, name, a.logTail())
			}
		}
	}
	rss, _ = a.rss()
	progress("%s agent done (RSS %s)", mode, mib(rss))
	return body, nil
}
