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
	scaleServices    = 100
	scaleInstances   = 100 // per service
	scaleConc        = 64
	watchedService   = "svc-7"
	unwatchedService = "svc-8"
)

// scaleResult is part 3's memory figures.
type scaleResult struct {
	services, perService, instances int
	took                            time.Duration
	errors                          int
	firstErr                        error
	jsonBytes, payloadBytes         int64 // what the registrations carried over HTTP and into Raft
	rssIdle, rssAfter, rssSettled   int64
	settled                         bool
	memIdle, memAfter               goMem
}

// scaleNode is the node hosting instance j of every service: 100 nodes,
// each running one instance of each of the 100 services.
func scaleNode(j int) (name, addr string) { return "n-" + strconv.Itoa(j), ipv4(3, j) }

func scaleInstance(svc string, j int, critical bool) regBody {
	node, addr := scaleNode(j)
	return instanceBody(node, addr, svc, svc+"-"+strconv.Itoa(j), critical)
}

// benchScale registers services x instances through the catalog API and
// reads the agent's RSS and live heap before and after, then runs the
// blocking-watch test on that catalog.
func benchScale(ctx context.Context, rep *report, lc *benchkit.LoadClient, a *benchkit.Agent, o options) error {
	s := scaleResult{services: o.size(scaleServices), perService: scaleInstances}
	if o.quick {
		s.services = max(s.services, 10) // svc-7 and svc-8 must exist
	}
	s.instances = s.services * s.perService
	benchkit.SleepCtx(ctx, 2*time.Second) // let start-up allocations settle
	var err error
	if s.rssIdle, err = a.RSS(); err != nil {
		return err
	}
	if s.memIdle, err = agentMem(ctx, a); err != nil {
		return fmt.Errorf("scale: %w (enable_debug must be on)", err)
	}
	benchkit.Progress("scale: RSS idle %s, heap %s; registering %d instances (%d services x %d)",
		benchkit.MiB(s.rssIdle), benchkit.MiB(s.memIdle.heapAlloc), s.instances, s.services, s.perService)
	body := func(k int) regBody { return scaleInstance("svc-"+strconv.Itoa(k/s.perService), k%s.perService, false) }
	for k := range s.instances {
		b := body(k)
		s.jsonBytes += int64(len(b.json()))
		s.payloadBytes += int64(len(b.raftPayload()))
	}
	s.errors, s.firstErr, s.took = benchkit.Fill(ctx, scaleConc, s.instances, func(ctx context.Context, k int) error {
		return register(ctx, lc.C, a.Base, body(k))
	})
	if s.errors > 0 {
		return fmt.Errorf("scale: %d registrations failed, first: %v", s.errors, s.firstErr)
	}
	s.rssAfter, _ = a.RSS()
	s.rssSettled, s.settled = benchkit.SettleRSS(ctx, a.Proc, 20*time.Second)
	if s.memAfter, err = agentMem(ctx, a); err != nil {
		return err
	}
	rep.scale(s)

	w, err := measureWatch(ctx, a, lc, s.perService)
	if err != nil {
		return err
	}
	rep.watch(w)
	return nil
}

// goMem is the agent's runtime.MemStats right after a forced GC, from
// GET /debug/pprof/heap?gc=1&debug=1. heapAlloc is the bytes the agent
// really keeps, which RSS hides behind pages Go has not returned to the OS
// yet (heapIdle - heapReleased).
type goMem struct{ heapAlloc, heapInuse, heapIdle, heapReleased, sys int64 }

func agentMem(ctx context.Context, a *benchkit.Agent) (goMem, error) {
	var m goMem
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.Base+"/debug/pprof/heap?gc=1&debug=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	fields := map[string]*int64{"HeapAlloc": &m.heapAlloc, "HeapInuse": &m.heapInuse, "HeapIdle": &m.heapIdle,
		"HeapReleased": &m.heapReleased, "Sys": &m.sys}
	found := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), " = ")
		if p := fields[k]; ok && p != nil {
			if *p, err = strconv.ParseInt(v, 10, 64); err != nil {
				return m, fmt.Errorf("heap profile: %s: %v", k, err)
			}
			found++
		}
	}
	if found != len(fields) {
		return m, fmt.Errorf("heap profile (status %d): %d of %d MemStats fields", resp.StatusCode, found, len(fields))
	}
	return m, nil
}

// kept is what the Go heap holds from the OS beyond the live bytes.
func (m goMem) kept() int64 { return m.heapIdle - m.heapReleased }
