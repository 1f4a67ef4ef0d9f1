package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
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

func registerOp(c *http.Client, base, run string) benchkit.OpFunc {
	return func(ctx context.Context, w, n int) error {
		return register(ctx, c, base, regInstance(run, w, n))
	}
}

func kvPutOp(c *http.Client, base, run string) benchkit.OpFunc {
	return func(ctx context.Context, w, n int) error {
		url := base + "/v1/kv/mixed/" + run + "/" + strconv.Itoa(w) + "/" + strconv.Itoa(n)
		return expectOK(ctx, c, http.MethodPut, url, benchkit.ValueBytes, "true")
	}
}

// benchRegister measures raw dragonboat SyncPropose of a registration's
// Raft entry and then consuld's PUT /v1/catalog/register at c=64, then KV
// PUT and catalog register at c=32 each alone and both at once.
func benchRegister(ctx context.Context, rep *report, lc *benchkit.LoadClient, a *benchkit.Agent, dir string, o options, warm time.Duration) error {
	sample := regInstance("c64", 0, 1000)
	payload := sample.raftPayload()
	rep.register(registerResult{bodyBytes: len(sample.json()), payloadBytes: len(payload)})

	benchkit.Progress("register: starting raw raft NodeHost")
	nh, err := benchkit.OpenRawRaft(filepath.Join(dir, "raftraw"), false)
	if err != nil {
		return fmt.Errorf("raw raft: %w", err)
	}
	if err := benchkit.WaitRawLeader(ctx, nh, payload); err != nil {
		nh.Close()
		return err
	}
	c := strconv.Itoa(registerConc)
	rep.add(benchkit.ClosedLoop(ctx, fmt.Sprintf("BenchmarkRaftRaw/durable/propose-%dB/c=%s", len(payload), c), registerConc, warm, o.duration, 0, benchkit.RawProposeOp(nh, payload)))
	nh.Close() // its idle ticking stays out of the consuld runs
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rep.add(benchkit.ClosedLoop(ctx, "BenchmarkCatalogRegister/c="+c, registerConc, warm, o.duration, a.PID(), registerOp(lc.C, a.Base, "c64")))

	m := strconv.Itoa(mixedConc)
	benchkit.Progress("register: KV PUT and catalog register, alone and together")
	rep.add(benchkit.ClosedLoop(ctx, "BenchmarkKV/PUT/alone/c="+m, mixedConc, warm, o.duration, a.PID(), kvPutOp(lc.C, a.Base, "alone")))
	rep.add(benchkit.ClosedLoop(ctx, "BenchmarkCatalogRegister/alone/c="+m, mixedConc, warm, o.duration, a.PID(), registerOp(lc.C, a.Base, "alone")))
	var kv, reg benchkit.Result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		kv = benchkit.ClosedLoop(ctx, "BenchmarkMixed/KV-PUT/c="+m+"+"+m, mixedConc, warm, o.duration, a.PID(), kvPutOp(lc.C, a.Base, "mixed"))
	}()
	go func() {
		defer wg.Done()
		reg = benchkit.ClosedLoop(ctx, "BenchmarkMixed/CatalogRegister/c="+m+"+"+m, mixedConc, warm, o.duration, a.PID(), registerOp(lc.C, a.Base, "mixed"))
	}()
	wg.Wait()
	rep.add(kv)
	rep.add(reg)
	return ctx.Err()
}
