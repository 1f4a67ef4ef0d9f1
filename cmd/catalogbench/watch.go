package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	watchRounds     = 50
	watchWait       = time.Minute     // the svc-7 watch's ?wait
	otherWait       = 5 * time.Minute // the svc-8 watch's: longer than all the rounds
	parkDelay       = 20 * time.Millisecond
	wakeLimit       = 10 * time.Second
	otherGrace      = time.Second
	watchRoundLimit = 2 * time.Minute // all rounds together
)

// watchResult is part 3's blocking-query figures.
type watchResult struct {
	rounds, woke, bad, early, beforeFlip int
	firstBad                             error
	p50, p99, max                        time.Duration // flip's response -> watch's response headers
	bodyP50, bodyP99                     time.Duration // flip's response -> watch's body read
	sendP50, sendP99                     time.Duration // flip's request start -> watch's response headers
	flipP50, flipP99                     time.Duration // the flip PUT itself
	took                                 time.Duration
	otherWoke                            bool
	otherErr                             error
}

// answer is what one blocking GET got.
type answer struct {
	at, bodyAt time.Time // response headers, whole body
	status     int
	index      uint64
	body       []byte
	err        error
}

// watch sends one blocking GET in the background; wrote is closed once the
// request is on the wire, the answer arrives on the returned channel.
func watch(ctx context.Context, c *http.Client, url string) (wrote <-chan struct{}, ans <-chan answer) {
	w, res := make(chan struct{}), make(chan answer, 1)
	go func() {
		var a answer
		var once sync.Once
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(func() { close(w) }) }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, url, nil)
		if err == nil {
			var resp *http.Response
			resp, err = c.Do(req)
			a.at = time.Now()
			if err == nil {
				a.body, err = io.ReadAll(resp.Body)
				a.bodyAt = time.Now()
				resp.Body.Close()
				a.status = resp.StatusCode
				a.index, _ = strconv.ParseUint(resp.Header.Get("X-Consul-Index"), 10, 64)
			}
		}
		a.err = err
		res <- a
	}()
	return w, res
}

// healthIndex is the X-Consul-Index of a non-blocking health read of svc.
func healthIndex(ctx context.Context, c *http.Client, base, svc string) (uint64, error) {
	_, h, st, err := benchkit.HTTPDo(ctx, c, http.MethodGet, base+"/v1/health/service/"+svc, nil)
	if err != nil || st != http.StatusOK {
		return 0, fmt.Errorf("GET health of %s: %d %v", svc, st, err)
	}
	return strconv.ParseUint(h.Get("X-Consul-Index"), 10, 64)
}

// measureWatch parks one watch on svc-8 for the whole test, then, round by
// round, parks a watch on svc-7 at its current index, flips the HTTP check
// of one svc-7 instance (re-registering the instance with it critical, or
// passing again) and times the watch's answer. svc-8 shares svc-7's nodes
// (each node runs one instance of every service); its watch must not wake.
func measureWatch(ctx context.Context, a *benchkit.Agent, lc *benchkit.LoadClient, perService int) (watchResult, error) {
	r := watchResult{rounds: watchRounds}
	tr := &http.Transport{DisableKeepAlives: true, DisableCompression: true}
	defer tr.CloseIdleConnections()
	wc := &http.Client{Transport: tr}
	wctx, cancel := context.WithTimeout(ctx, otherWait+time.Minute)
	defer cancel()

	idx8, err := healthIndex(ctx, lc.C, a.Base, unwatchedService)
	if err != nil {
		return r, err
	}
	wrote8, other := watch(wctx, wc, fmt.Sprintf("%s/v1/health/service/%s?index=%d&wait=%s", a.Base, unwatchedService, idx8, otherWait))
	select {
	case <-wrote8:
	case <-time.After(5 * time.Second):
		return r, fmt.Errorf("watch: the %s watch was not sent", unwatchedService)
	}
	benchkit.Progress("watch: %s watch parked at index %d; %d rounds on %s", unwatchedService, idx8, r.rounds, watchedService)

	critical := make([]bool, perService)
	var lats, bodyLats, sendLats, flipLats []time.Duration
	start := time.Now()
	for round := range r.rounds {
		if ctx.Err() != nil || time.Since(start) > watchRoundLimit {
			return r, fmt.Errorf("watch: stopped at round %d after %s (%v)", round, time.Since(start), ctx.Err())
		}
		idx, err := healthIndex(ctx, lc.C, a.Base, watchedService)
		if err != nil {
			return r, err
		}
		rctx, rcancel := context.WithTimeout(wctx, watchWait+wakeLimit)
		wrote, ans := watch(rctx, wc, fmt.Sprintf("%s/v1/health/service/%s?index=%d&wait=%s", a.Base, watchedService, idx, watchWait))
		select {
		case <-wrote:
		case <-time.After(5 * time.Second):
		}
		time.Sleep(parkDelay) // the request is on the wire; let the agent park it
		select {
		case w := <-ans:
			r.early++
			r.noteBad(fmt.Errorf("round %d: answered before the flip: status=%d index=%d (watched %d) err=%v", round, w.status, w.index, idx, w.err))
			rcancel()
			continue
		default:
		}
		j := round % perService
		critical[j] = !critical[j]
		tSend := time.Now()
		err = register(ctx, lc.C, a.Base, scaleInstance(watchedService, j, critical[j]))
		tFlip := time.Now()
		if err != nil {
			rcancel()
			return r, fmt.Errorf("watch: flip: %w", err)
		}
		flipLats = append(flipLats, tFlip.Sub(tSend))
		var w answer
		select {
		case w = <-ans:
		case <-time.After(wakeLimit):
			w.err = fmt.Errorf("no answer within %s", wakeLimit)
		}
		rcancel()
		if err := checkWake(w, idx, watchedService+"-"+strconv.Itoa(j), critical[j]); err != nil {
			r.noteBad(fmt.Errorf("round %d: %w", round, err))
			continue
		}
		r.woke++
		d := w.at.Sub(tFlip)
		if d < 0 {
			r.beforeFlip++
			d = 0
		}
		lats = append(lats, d)
		bodyLats = append(bodyLats, max(0, w.bodyAt.Sub(tFlip)))
		sendLats = append(sendLats, w.at.Sub(tSend))
	}
	r.took = time.Since(start)
	r.p50, r.p99, r.max = benchkit.Percentiles(lats)
	r.bodyP50, r.bodyP99, _ = benchkit.Percentiles(bodyLats)
	r.sendP50, r.sendP99, _ = benchkit.Percentiles(sendLats)
	r.flipP50, r.flipP99, _ = benchkit.Percentiles(flipLats)

	select {
	case w := <-other:
		r.otherWoke = true
		r.otherErr = fmt.Errorf("status=%d index=%d (watched %d) err=%v", w.status, w.index, idx8, w.err)
	case <-time.After(otherGrace):
	}
	benchkit.Progress("watch: %d/%d woke, p50 %s p99 %s; %s woke: %v", r.woke, r.rounds, benchkit.FmtDur(r.p50), benchkit.FmtDur(r.p99), unwatchedService, r.otherWoke)
	return r, nil
}

func (r *watchResult) noteBad(err error) {
	r.bad++
	if r.firstBad == nil {
		r.firstBad = err
	}
}

// checkWake: a 200 past the watched index whose body shows the flipped
// check of instance id in its new state.
func checkWake(w answer, idx uint64, id string, critical bool) error {
	if w.err != nil || w.status != http.StatusOK || w.index <= idx {
		return fmt.Errorf("status=%d index=%d (watched %d) err=%v", w.status, w.index, idx, w.err)
	}
	es, err := decodeHealth(w.body)
	if err != nil {
		return err
	}
	want := map[bool]string{true: "critical", false: "passing"}[critical]
	for _, e := range es {
		if e.Service.ID != id {
			continue
		}
		for _, c := range e.Checks {
			if c.CheckID == id+":http" {
				if c.Status != want {
					return fmt.Errorf("woke with %s %s, want %s", c.CheckID, c.Status, want)
				}
				return nil
			}
		}
	}
	return fmt.Errorf("woke without instance %s's HTTP check", id)
}
