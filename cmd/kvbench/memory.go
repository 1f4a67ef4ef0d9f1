package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	memKeys   = 100_000
	memConc   = 64
	memSettle = 10 * time.Second // key actors passivate after ~5 s idle
)

func memKey(i int) string { return fmt.Sprintf("mem/%06d", i) }

// memResult is the agent's RSS through the memory test.
type memResult struct {
	mode                   string
	idle, written, settled int64 // RSS bytes
	heapIdle, heapSettled  int64 // Go live heap after a forced GC (from /debug/pprof/heap)
	rawBytes               int64 // key + value bytes written
	took                   time.Duration
	errors                 int
	firstErr               error
	threads, threads2      int64 // OS threads idle and settled
}

// measureMemory writes memKeys keys of 128 B into a fresh agent at
// concurrency memConc and samples its RSS before, right after, and
// memSettle later.
func measureMemory(ctx context.Context, a *benchkit.Agent, lc *benchkit.LoadClient, mode string) (memResult, error) {
	m := memResult{mode: mode}
	time.Sleep(time.Second) // let start-up allocations settle
	var err error
	if m.idle, err = a.RSS(); err != nil {
		return m, err
	}
	m.threads, _ = benchkit.ProcStatus(a.PID(), "Threads")
	m.heapIdle, _ = liveHeap(ctx, a)
	benchkit.Progress("%s: RSS idle %s; writing %d keys", mode, benchkit.MiB(m.idle), memKeys)
	put := putOp(lc.C, a.Base, func(_, n int) string { return "/v1/kv/" + memKey(n) })
	m.errors, m.firstErr, m.took = benchkit.Fill(ctx, memConc, memKeys, func(ctx context.Context, n int) error { return put(ctx, 0, n) })
	for i := range memKeys {
		m.rawBytes += int64(len(memKey(i)) + len(benchkit.ValueBytes))
	}
	if m.written, err = a.RSS(); err != nil {
		return m, err
	}
	benchkit.Progress("%s: RSS after writes %s; waiting %s", mode, benchkit.MiB(m.written), memSettle)
	select {
	case <-ctx.Done():
		return m, ctx.Err()
	case <-time.After(memSettle):
	}
	if m.settled, err = a.RSS(); err != nil {
		return m, err
	}
	m.threads2, _ = benchkit.ProcStatus(a.PID(), "Threads")
	m.heapSettled, _ = liveHeap(ctx, a)
	return m, nil
}

// liveHeap asks the agent's profiler for HeapAlloc right after a GC: the
// bytes the agent really keeps, which RSS hides behind pages Go has not
// returned to the OS yet.
func liveHeap(ctx context.Context, a *benchkit.Agent) (int64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", a.Base+"/debug/pprof/heap?gc=1&debug=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# HeapAlloc = "); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("no HeapAlloc in the heap profile")
}
