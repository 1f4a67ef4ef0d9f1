package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	registerConc = 64
	mixedConc    = 32 // each of KV PUT and catalog register, alone and together
)

// registerResult is part 2's setup: what one request and one proposal carry.
type registerResult struct {
	bodyBytes, payloadBytes int
}

// regInstance is request n of worker w of the run labelled run: a node and
// a service of their own (name and ID), never registered before.
func regInstance(run string, w, n int) regBody {
	name := "reg-" + run + "-" + strconv.Itoa(w) + "-" + strconv.Itoa(n)
	return instanceBody(name, ipv4(10+w, n), name, name, false)
}

func registerOp(c *http.Client, base, run string) opFunc {
	return func(ctx context.Context, w, n int) error {
		return register(ctx, c, base, regInstance(run, w, n))
	}
}

func kvPutOp(c *http.Client, base, run string) opFunc {
	return func(ctx context.Context, w, n int) error {
		url := base + "/v1/kv/mixed/" + run + "/" + strconv.Itoa(w) + "/" + strconv.Itoa(n)
		return expectOK(ctx, c, http.MethodPut, url, valueBytes, "true")
	}
}

// benchRegister measures raw dragonboat SyncPropose of a registration's
// Raft entry and then consuld's PUT /v1/catalog/register at c=64, then KV
// PUT and catalog register at c=32 each alone and both at once.
func benchRegister(ctx context.Context, rep *report, lc *loadClient, a *agent, dir string, o options, warm time.Duration) error {
	sample := regInstance("c64", 0, 1000)
	payload := sample.raftPayload()
	rep.register(registerResult{bodyBytes: len(sample.json()), payloadBytes: len(payload)})

	progress("register: starting raw raft NodeHost")
	nh, err := openRawRaft(dir)
	if err != nil {
		return fmt.Errorf("raw raft: %w", err)
	}
	if err := waitRawLeader(ctx, nh, payload); err != nil {
		nh.Close()
		return err
	}
	c := strconv.Itoa(registerConc)
	rep.add(closedLoop(ctx, fmt.Sprintf("BenchmarkRaftRaw/durable/propose-%dB/c=%s", len(payload), c), registerConc, warm, o.duration, 0, rawProposeOp(nh, payload)))
	nh.Close() // its idle ticking stays out of the consuld runs
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rep.add(closedLoop(ctx, "BenchmarkCatalogRegister/c="+c, registerConc, warm, o.duration, a.pid(), registerOp(lc.c, a.base, "c64")))

	m := strconv.Itoa(mixedConc)
	progress("register: KV PUT and catalog register, alone and together")
	rep.add(closedLoop(ctx, "BenchmarkKV/PUT/alone/c="+m, mixedConc, warm, o.duration, a.pid(), kvPutOp(lc.c, a.base, "alone")))
	rep.add(closedLoop(ctx, "BenchmarkCatalogRegister/alone/c="+m, mixedConc, warm, o.duration, a.pid(), registerOp(lc.c, a.base, "alone")))
	var kv, reg result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		kv = closedLoop(ctx, "BenchmarkMixed/KV-PUT/c="+m+"+"+m, mixedConc, warm, o.duration, a.pid(), kvPutOp(lc.c, a.base, "mixed"))
	}()
	go func() {
		defer wg.Done()
		reg = closedLoop(ctx, "BenchmarkMixed/CatalogRegister/c="+m+"+"+m, mixedConc, warm, o.duration, a.pid(), registerOp(lc.c, a.base, "mixed"))
	}()
	wg.Wait()
	rep.add(kv)
	rep.add(reg)
	return ctx.Err()
}
