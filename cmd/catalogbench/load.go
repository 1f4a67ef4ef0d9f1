package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// valueBytes is the 128-byte value every PUT and raw proposal carries.
var valueBytes = func() []byte {
	b := make([]byte, 128)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i%36]
	}
	return b
}()

// result is one closed-loop measurement.
type result struct {
	name     string
	ops      int           // successful operations in the measured window
	elapsed  time.Duration // measured window
	p50, p99 time.Duration // over successful operations
	max      time.Duration
	errors   int
	firstErr error
	cpu      usage // cores used during the measured window
}

func (r result) opsPerSec() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ops) / r.elapsed.Seconds()
}

// opFunc does operation n of worker w.
type opFunc func(ctx context.Context, w, n int) error

// closedLoop runs conc workers back to back for warmup (not recorded) and
// then dur (recorded). Operations in flight at the end are awaited.
// serverPID (0: in this process) is the process whose CPU use is reported.
func closedLoop(ctx context.Context, name string, conc int, warmup, dur time.Duration, serverPID int, op opFunc) result {
	start := time.Now()
	from, end := start.Add(warmup), start.Add(warmup+dur)
	cpu0 := make(chan cpuSnap, 1)
	time.AfterFunc(warmup, func() { cpu0 <- takeCPU(serverPID) })
	type sample struct {
		lats     []time.Duration
		errs     int
		firstErr error
	}
	samples := make([]sample, conc)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &samples[w]
			s.lats = make([]time.Duration, 0, 4096)
			for n := 0; ctx.Err() == nil; n++ {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				err := op(ctx, w, n)
				if t0.Before(from) {
					continue
				}
				if err != nil {
					s.errs++
					if s.firstErr == nil {
						s.firstErr = err
					}
					continue
				}
				s.lats = append(s.lats, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	r := result{name: name, elapsed: time.Since(from)}
	r.cpu = cpuBetween(<-cpu0, takeCPU(serverPID))
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s.lats...)
		r.errors += s.errs
		if r.firstErr == nil {
			r.firstErr = s.firstErr
		}
	}
	r.ops = len(all)
	r.p50, r.p99, r.max = percentiles(all)
	return r
}

// percentiles sorts lats and returns p50, p99 and max (nearest rank).
func percentiles(lats []time.Duration) (p50, p99, mx time.Duration) {
	if len(lats) == 0 {
		return 0, 0, 0
	}
	slices.Sort(lats)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(lats))+0.999999) - 1
		return lats[min(max(i, 0), len(lats)-1)]
	}
	return at(0.50), at(0.99), lats[len(lats)-1]
}

// loadClient is the one HTTP client every closed loop uses: keep-alive,
// enough idle connections for the highest concurrency, no compression.
type loadClient struct {
	tr *http.Transport
	c  *http.Client
}

func newLoadClient(maxConc int) *loadClient {
	tr := &http.Transport{
		MaxIdleConns:        2 * maxConc,
		MaxIdleConnsPerHost: 2 * maxConc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &loadClient{tr: tr, c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// reset drops idle connections (to a server that is gone or done with).
func (l *loadClient) reset() { l.tr.CloseIdleConnections() }

// httpDo sends one request and reads the whole response.
func httpDo(ctx context.Context, c *http.Client, method, url string, body []byte) ([]byte, http.Header, int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, nil, 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.Header, resp.StatusCode, err
}

// fill runs conc workers that together do op for n = 0..total-1 once each.
func fill(ctx context.Context, conc, total int, op func(ctx context.Context, n int) error) (errs int, firstErr error, took time.Duration) {
	start := time.Now()
	next := make(chan int, conc)
	go func() {
		defer close(next)
		for i := range total {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := op(ctx, i); err != nil {
					mu.Lock()
					errs++
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errs, firstErr, time.Since(start)
}

// expectOK sends one request and fails unless the answer is a 200 (and,
// if want is not empty, its body is want).
func expectOK(ctx context.Context, c *http.Client, method, url string, body []byte, want string) error {
	b, _, status, err := httpDo(ctx, c, method, url, body)
	if err == nil && (status != http.StatusOK || (want != "" && string(b) != want)) {
		err = fmt.Errorf("%s %s: %d %.200q", method, url, status, b)
	}
	return err
}
