package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
	"github.com/consuld/consuld/transport/gossip"
)

const (
	convergeLimit = 60 * time.Second
	detectLimit   = 90 * time.Second
	gossipPoll    = 10 * time.Millisecond
)

// gossipResult is one gossip run of n in-process pools.
type gossipResult struct {
	n         int
	fast      bool
	joined    time.Duration // every Join call returned
	converged time.Duration // every pool sees n alive (0: not within the limit)
	minAlive  int           // the fewest alive any pool saw at the end of the wait
	victim    string
	detected  []time.Duration // per other pool: when it marked the victim failed
	cpu       benchkit.Usage  // during convergence and detection
	err       error
}

// benchGossip starts n transport/gossip pools on 127.0.0.1 (distinct
// ports, real LAN timings unless fast), has each join the first (all at
// once), times until every pool sees n alive, then shuts one down without
// a leave and times until every other pool marks it failed.
func benchGossip(ctx context.Context, rep *report, n int, fast bool) error {
	mode := map[bool]string{false: "lan", true: "fast"}[fast]
	benchkit.Progress("gossip %s: starting %d pools", mode, n)
	res := gossipResult{n: n, fast: fast}
	var (
		mu       sync.Mutex
		victim   string
		failedAt = map[int]time.Time{}
	)
	pools := make([]*gossip.Pool, n)
	var firstPort int
	defer func() {
		var wg sync.WaitGroup
		for _, p := range pools {
			if p != nil {
				wg.Add(1)
				go func() { defer wg.Done(); p.Shutdown() }()
			}
		}
		wg.Wait()
	}()
	for i := range n {
		name := fmt.Sprintf("g%03d", i)
		var err error
		for try := 0; ; try++ {
			var ports []int
			if ports, err = benchkit.FreePortsOn("127.0.0.1", 1); err != nil {
				return err
			}
			pools[i], err = gossip.Start(gossip.Config{Name: name, BindAddr: "127.0.0.1", BindPort: ports[0], Fast: fast,
				Meta: gossip.Meta{Role: gossip.RoleClient, DC: "dc1", ID: name},
				OnEvent: func(e gossip.Event) {
					if e.Kind != gossip.EventFail {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if e.Member.Name == victim {
						if _, ok := failedAt[i]; !ok {
							failedAt[i] = time.Now()
						}
					}
				}})
			if err == nil || try == 5 {
				if i == 0 {
					firstPort = ports[0]
				}
				break
			}
		}
		if err != nil {
			return fmt.Errorf("gossip pool %s: %w", name, err)
		}
	}
	first := fmt.Sprintf("127.0.0.1:%d", firstPort)

	// Convergence: every pool joins the first at once.
	cpu0 := benchkit.TakeCPU(0)
	start := time.Now()
	var wg sync.WaitGroup
	joinErrs := make([]error, n)
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, joinErrs[i] = pools[i].Join([]string{first})
		}()
	}
	wg.Wait()
	res.joined = time.Since(start)
	for i, err := range joinErrs {
		if err != nil {
			res.err = fmt.Errorf("%s could not join: %w", pools[i].LocalName(), err)
			rep.gossip(res)
			return nil
		}
	}
	for ctx.Err() == nil {
		lo := n
		for _, p := range pools {
			lo = min(lo, p.NumAlive())
		}
		res.minAlive = lo
		if lo == n {
			res.converged = time.Since(start)
			break
		}
		if time.Since(start) > convergeLimit {
			break
		}
		time.Sleep(gossipPoll)
	}
	if res.converged == 0 {
		res.cpu = benchkit.CPUBetween(cpu0, benchkit.TakeCPU(0))
		rep.gossip(res)
		return ctx.Err()
	}

	// Failure detection: shut one down (no leave).
	vi := n / 2
	mu.Lock()
	victim = pools[vi].LocalName()
	mu.Unlock()
	res.victim = victim
	benchkit.Progress("gossip %s: converged in %s; shutting %s down", mode, benchkit.FmtDur(res.converged), victim)
	killed := time.Now()
	pools[vi].Shutdown()
	pools[vi] = nil
	for ctx.Err() == nil && time.Since(killed) < detectLimit {
		mu.Lock()
		done := len(failedAt) == n-1
		mu.Unlock()
		if done {
			break
		}
		time.Sleep(gossipPoll)
	}
	res.cpu = benchkit.CPUBetween(cpu0, benchkit.TakeCPU(0))
	mu.Lock()
	for _, at := range failedAt {
		res.detected = append(res.detected, at.Sub(killed))
	}
	mu.Unlock()
	slices.Sort(res.detected)
	rep.gossip(res)
	return ctx.Err()
}
