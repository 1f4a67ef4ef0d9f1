package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	probeEvery    = 10 * time.Millisecond // a new write attempt this often
	probeTimeout  = time.Second           // each attempt's limit
	failoverLimit = 30 * time.Second      // no write this long after the kill: the trial fails
	rejoinLimit   = 60 * time.Second      // the restarted server and the others agree on a leader
	// stableFor: the three must agree on one leader this long before the
	// next kill (longer than dragonboat's transport circuit-breaker
	// backoff, at most 1 s, plus an election).
	stableFor = 1500 * time.Millisecond
)

// failoverTrial is one kill -9 of the leader, timed from the kill.
type failoverTrial struct {
	n          int
	victim     string
	leaderSeen time.Duration // a survivor names another leader
	newLeader  string
	write      time.Duration // a write through a survivor succeeded
	via        string        // the survivor it went through
	attempts   int           // write attempts started until then
	rejoin     time.Duration // from the restart until all three agree on a leader
	stable     time.Duration // ... on one leader for stableFor
	changes    int           // leader changes (majority view) after the restart: no kill, disruptions
	rejoinPut  time.Duration // ... and a PUT through the restarted server succeeded
	rejoinErrs int           // PUTs through the restarted server that failed before
	rejoinErr  error         // the first of them
}

// benchFailover runs o.trials rounds of: find the leader all three agree
// on, kill -9 it, time the first successful write through a survivor
// (a new attempt every 10 ms, alternating between the two, each with a 1 s
// limit, not waiting for earlier ones), restart the killed server with
// the same data dir and arguments, and wait until all three agree on a
// leader again, and keep agreeing on it for stableFor (so each kill hits a
// settled cluster); leader changes after the restart are counted.
func benchFailover(ctx context.Context, rep *report, c *benchkit.Cluster, o options) error {
	tr := &http.Transport{MaxIdleConnsPerHost: 128, DisableCompression: true}
	defer tr.CloseIdleConnections()
	probe := &http.Client{Transport: tr}
	for n := 1; n <= o.trials && ctx.Err() == nil; n++ {
		if n > 1 && o.trialGap > 0 {
			// Let idle Raft connections expire (dragonboat closes them
			// after a minute) so a kill does not meet connections to the
			// previous trial's restarted server.
			benchkit.Progress("failover: waiting %s before trial %d", o.trialGap, n)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(o.trialGap):
			}
		}
		leader, err := c.WaitLeader(ctx, rejoinLimit, c.Servers...)
		if err != nil {
			return fmt.Errorf("failover trial %d: %w", n, err)
		}
		li := c.ByAddr(leader)
		if li < 0 {
			return fmt.Errorf("failover trial %d: leader %q is none of the servers", n, leader)
		}
		victim := c.Servers[li]
		var survivors []*benchkit.ClusterServer
		for i, s := range c.Servers {
			if i != li {
				survivors = append(survivors, s)
			}
		}
		// Open the probe connections to the survivors before the kill
		// (retried: the leader may still change, see waitStable).
		for _, s := range survivors {
			if err := putRetry(ctx, c, probe, s, "clusterbench/failover/warm", time.Now(), nil); err != nil {
				return fmt.Errorf("failover trial %d: before the kill: %w", n, err)
			}
		}
		benchkit.Progress("failover trial %d/%d: kill -9 %s (leader, pid %d)", n, o.trials, victim.Name, victim.Proc.PID())
		t := failoverTrial{n: n, victim: victim.Name}
		killed := time.Now()
		victim.Kill()
		if err := firstWrite(ctx, c, probe, survivors, leader, killed, fmt.Sprintf("clusterbench/failover/%d", n), &t); err != nil {
			return fmt.Errorf("failover trial %d (killed %s): %w", n, victim.Name, err)
		}

		restarted := time.Now()
		if err := victim.Start(); err != nil {
			return err
		}
		// The restarted server takes a write (retried every probeEvery),
		// meanwhile the leader settles.
		putDone := make(chan error, 1)
		go func() {
			putDone <- putRetry(ctx, c, probe, victim, "clusterbench/failover/rejoined", restarted, &t)
		}()
		err = waitStable(ctx, c, restarted, &t)
		if perr := <-putDone; err == nil {
			err = perr
		}
		if err != nil {
			return fmt.Errorf("failover trial %d: after restarting %s: %w", n, victim.Name, err)
		}
		rep.failover(t)
	}
	rep.failoverSummary()
	return nil
}

// firstWrite starts a PUT of key through a survivor every probeEvery
// until one succeeds, and watches (also every probeEvery) for a survivor
// naming a leader other than old. Times are from killed.
func firstWrite(ctx context.Context, c *benchkit.Cluster, probe *http.Client, survivors []*benchkit.ClusterServer,
	old string, killed time.Time, key string, t *failoverTrial) error {
	ctx, cancel := context.WithTimeout(ctx, failoverLimit)
	defer cancel()
	type win struct {
		at  time.Duration
		via string
	}
	won := make(chan win, 1)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		lastErr error
	)
	defer wg.Wait()
	defer cancel() // runs first: the attempts still in flight end

	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			for _, s := range survivors {
				if l, err := c.Leader(ctx, s); err == nil && l != "" && l != old {
					mu.Lock()
					t.leaderSeen, t.newLeader = time.Since(killed), l
					if i := c.ByAddr(l); i >= 0 {
						t.newLeader = c.Servers[i].Name
					}
					mu.Unlock()
					return
				}
			}
			benchkit.SleepCtx(ctx, probeEvery)
		}
	}()

	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for n := 0; ; n++ {
		s := survivors[n%len(survivors)]
		t.attempts++
		wg.Add(1)
		go func() {
			defer wg.Done()
			actx, acancel := context.WithTimeout(ctx, probeTimeout)
			defer acancel()
			err := c.Put(actx, probe, s, key)
			if err == nil {
				select {
				case won <- win{time.Since(killed), s.Name}:
				default:
				}
				return
			}
			mu.Lock()
			lastErr = err
			mu.Unlock()
		}()
		select {
		case w := <-won:
			t.write, t.via = w.at, w.via
			// Give the leader watcher a moment if it has not seen the
			// new leader yet (it reports it from /v1/status/leader).
			for range 100 {
				mu.Lock()
				seen := t.leaderSeen != 0
				mu.Unlock()
				if seen {
					break
				}
				time.Sleep(probeEvery)
			}
			return nil
		case <-tick.C:
		case <-ctx.Done():
			mu.Lock()
			defer mu.Unlock()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("no write within %s of the kill (last error: %v)", failoverLimit, lastErr)
			}
			return ctx.Err()
		}
	}
}

// waitStable polls every probeEvery until all servers agree on one leader
// continuously for stableFor, recording in t when they first agreed, when
// they were stable, and how often the leader named by a majority of them
// changed after the restart.
func waitStable(ctx context.Context, c *benchkit.Cluster, restarted time.Time, t *failoverTrial) error {
	var (
		agreed   string
		since    time.Time
		majority string // the last leader a majority of the servers named
	)
	for {
		named := map[string]int{}
		for _, s := range c.Servers {
			if l, err := c.Leader(ctx, s); err == nil && l != "" {
				named[l]++
			}
		}
		for l, n := range named {
			if 2*n > len(c.Servers) {
				if majority != "" && l != majority {
					t.changes++
				}
				majority = l
			}
		}
		l, ok := c.AgreedLeader(ctx, c.Servers...)
		switch {
		case !ok:
			agreed = ""
		case l != agreed:
			agreed, since = l, time.Now()
			if t.rejoin == 0 {
				t.rejoin = time.Since(restarted)
			}
		case time.Since(since) >= stableFor:
			t.stable = time.Since(restarted)
			return nil
		}
		for _, s := range c.Servers {
			if !s.Running() {
				return fmt.Errorf("%s exited", s.Name)
			}
		}
		if time.Since(restarted) > rejoinLimit {
			return fmt.Errorf("no stable leader within %s: %s", rejoinLimit, c.Views(ctx, c.Servers...))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(probeEvery)
	}
}

// putRetry PUTs key through s until it succeeds (each attempt limited to
// probeTimeout, probeEvery apart, rejoinLimit from start at most). With t,
// it records there when it succeeded and the failures before, not
// counting refused connections (the process is not listening yet).
func putRetry(ctx context.Context, c *benchkit.Cluster, probe *http.Client, s *benchkit.ClusterServer, key string, start time.Time, t *failoverTrial) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		err := c.Put(pctx, probe, s, key)
		cancel()
		if err == nil {
			if t != nil {
				t.rejoinPut = time.Since(start)
			}
			return nil
		}
		if t != nil && !errors.Is(err, syscall.ECONNREFUSED) {
			t.rejoinErrs++
			if t.rejoinErr == nil {
				t.rejoinErr = err
			}
		}
		if time.Since(start) > rejoinLimit || ctx.Err() != nil {
			return fmt.Errorf("PUT through %s: %w", s.Name, err)
		}
		time.Sleep(probeEvery)
	}
}
