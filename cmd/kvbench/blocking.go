package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	coldWatchers = 10_000 // one per distinct key; none may wake
	hotWatchers  = 1_000  // all on hotKey; woken by one PUT
	hotKey       = "block/hot"
	parkDialers  = 256 // requests being dialled and written at once
)

// blockResult is the outcome of the blocking-query test.
type blockResult struct {
	mode                                 string
	rssSettled, rssBefore, rssParked     int64
	fdsBefore, fdsParked                 int
	parkTook                             time.Duration
	settled                              bool
	early                                int // watchers answered before the PUT
	earlyErr                             error
	hotWoke, hotBad                      int
	hotErr                               error
	p50, p99, max                        time.Duration
	beforePut                            int // hot answers that beat the PUT's own response
	putLat                               time.Duration
	fromSend                             [3]time.Duration // p50, p99, max from the PUT's request start
	coldWoke                             int
	coldErr                              error
	watchTimeout, coldGrace, wakeTimeout time.Duration
}

type wake struct {
	hot    bool
	at     time.Time
	err    error
	status int
	index  uint64
}

// measureBlocking parks coldWatchers blocking GETs on distinct existing keys
// (mem/000000..) and hotWatchers on hotKey, each at the key's ModifyIndex,
// then PUTs hotKey once and times the hot watchers' answers.
func measureBlocking(ctx context.Context, a *benchkit.Agent, lc *benchkit.LoadClient, mode string) (blockResult, error) {
	r := blockResult{mode: mode, watchTimeout: 5 * time.Minute, coldGrace: 2 * time.Second, wakeTimeout: 30 * time.Second}
	r.rssSettled, _ = a.RSS()
	benchkit.Progress("blocking: reading ModifyIndex of %d keys", coldWatchers)
	idx := make([]uint64, coldWatchers)
	errs, first, _ := benchkit.Fill(ctx, 64, coldWatchers, func(ctx context.Context, n int) error {
		var err error
		idx[n], err = modifyIndex(ctx, lc.C, a.Base+"/v1/kv/"+memKey(n))
		return err
	})
	if errs > 0 {
		return r, fmt.Errorf("blocking: reading indexes: %d errors, first: %v", errs, first)
	}
	if _, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodPut, a.Base+"/v1/kv/"+hotKey, benchkit.ValueBytes); err != nil || st != http.StatusOK {
		return r, fmt.Errorf("blocking: PUT %s: %d %v", hotKey, st, err)
	}
	hotIdx, err := modifyIndex(ctx, lc.C, a.Base+"/v1/kv/"+hotKey)
	if err != nil {
		return r, err
	}
	r.rssBefore, _ = a.RSS()
	r.fdsBefore = a.FDs()

	tr := &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	pctx, cancel := context.WithTimeout(ctx, r.watchTimeout+time.Minute)
	defer cancel()
	total := coldWatchers + hotWatchers
	wakes := make(chan wake, total)
	sem := make(chan struct{}, parkDialers)
	var wrote atomic.Int64
	var wg sync.WaitGroup
	launch := func(url string, hot bool) {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once sync.Once
			release := func() { once.Do(func() { <-sem }) }
			defer release()
			trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
				if i.Err == nil {
					wrote.Add(1)
				}
				release()
			}}
			w := wake{hot: hot}
			req, err := http.NewRequestWithContext(httptrace.WithClientTrace(pctx, trace), http.MethodGet, url, nil)
			if err == nil {
				var resp *http.Response
				resp, err = client.Do(req)
				w.at = time.Now()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					w.status = resp.StatusCode
					w.index, _ = strconv.ParseUint(resp.Header.Get("X-Consul-Index"), 10, 64)
				}
			}
			w.err = err
			wakes <- w
		}()
	}
	benchkit.Progress("blocking: parking %d + %d watchers", coldWatchers, hotWatchers)
	start := time.Now()
	wait := "&wait=" + r.watchTimeout.String()
	for i := range coldWatchers {
		launch(a.Base+"/v1/kv/"+memKey(i)+"?index="+strconv.FormatUint(idx[i], 10)+wait, false)
	}
	for range hotWatchers {
		launch(a.Base+"/v1/kv/"+hotKey+"?index="+strconv.FormatUint(hotIdx, 10)+wait, true)
	}
	for wrote.Load() < int64(total) && time.Since(start) < 2*time.Minute && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	r.parkTook = time.Since(start)
	if n := wrote.Load(); n < int64(total) {
		return r, fmt.Errorf("blocking: only %d of %d requests sent in %s", n, total, r.parkTook)
	}
	for a.FDs() < r.fdsBefore+total && time.Since(start) < 3*time.Minute && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	r.rssParked, r.settled = benchkit.SettleRSS(ctx, a.Proc, 20*time.Second)
	r.fdsParked = a.FDs()
	benchkit.Progress("blocking: parked in %s, agent RSS %s -> %s, fds %d -> %d", r.parkTook.Round(time.Millisecond),
		benchkit.MiB(r.rssBefore), benchkit.MiB(r.rssParked), r.fdsBefore, r.fdsParked)

	// Nothing may have answered yet.
	for drained := false; !drained; {
		select {
		case w := <-wakes:
			r.early++
			if r.earlyErr == nil {
				r.earlyErr = fmt.Errorf("hot=%v status=%d index=%d err=%v", w.hot, w.status, w.index, w.err)
			}
		default:
			drained = true
		}
	}

	tSend := time.Now()
	if _, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodPut, a.Base+"/v1/kv/"+hotKey, []byte("woken")); err != nil || st != http.StatusOK {
		return r, fmt.Errorf("blocking: wake PUT: %d %v", st, err)
	}
	tPut := time.Now()
	r.putLat = tPut.Sub(tSend)
	var lats, sendLats []time.Duration
	timeout := time.NewTimer(r.wakeTimeout)
	defer timeout.Stop()
	var grace <-chan time.Time
collect:
	for {
		if grace == nil && r.hotWoke+r.hotBad == hotWatchers {
			grace = time.After(r.coldGrace) // then any cold wake-up shows
		}
		select {
		case w := <-wakes:
			if d, ok := r.record(w, hotIdx, tPut); ok {
				lats = append(lats, d)
				sendLats = append(sendLats, w.at.Sub(tSend))
			}
		case <-timeout.C:
			break collect
		case <-grace:
			break collect
		case <-ctx.Done():
			return r, ctx.Err()
		}
	}
	r.p50, r.p99, r.max = benchkit.Percentiles(lats)
	r.fromSend[0], r.fromSend[1], r.fromSend[2] = benchkit.Percentiles(sendLats)
	benchkit.Progress("blocking: %d hot woke (p99 %s), %d cold woke; releasing watchers", r.hotWoke, benchkit.FmtDur(r.p99), r.coldWoke)
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		return r, errors.New("blocking: watchers did not return after cancel")
	}
	return r, nil
}

// record classifies one answer after the PUT; ok with the wake-up latency
// of a correctly woken hot watcher.
func (r *blockResult) record(w wake, hotIdx uint64, tPut time.Time) (time.Duration, bool) {
	switch {
	case !w.hot:
		r.coldWoke++
		if r.coldErr == nil {
			r.coldErr = fmt.Errorf("status=%d index=%d err=%v", w.status, w.index, w.err)
		}
	case w.err != nil || w.status != http.StatusOK || w.index <= hotIdx:
		r.hotBad++
		if r.hotErr == nil {
			r.hotErr = fmt.Errorf("status=%d index=%d (watched %d) err=%v", w.status, w.index, hotIdx, w.err)
		}
	default:
		r.hotWoke++
		d := w.at.Sub(tPut)
		if d < 0 {
			r.beforePut++
			d = 0
		}
		return d, true
	}
	return 0, false
}

// modifyIndex GETs one key (?stale) and returns its ModifyIndex.
func modifyIndex(ctx context.Context, c *http.Client, url string) (uint64, error) {
	b, _, st, err := benchkit.HTTPDo(ctx, c, http.MethodGet, url+"?stale", nil)
	if err != nil {
		return 0, err
	}
	var ents []struct{ ModifyIndex uint64 }
	if st != http.StatusOK || json.Unmarshal(b, &ents) != nil || len(ents) != 1 {
		return 0, fmt.Errorf("GET %s: %d %.200q", url, st, b)
	}
	return ents[0].ModifyIndex, nil
}
