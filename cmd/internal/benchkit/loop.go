package benchkit

import (
	"context"
	"sync"
	"time"
)

// OpFunc does operation n of worker w.
type OpFunc func(ctx context.Context, w, n int) error

// ClosedLoop runs conc workers back to back for warmup (not recorded) and
// then dur (recorded). Operations in flight at the end are awaited.
// serverPID (0: in this process) is the process whose CPU use is reported.
func ClosedLoop(ctx context.Context, name string, conc int, warmup, dur time.Duration, serverPID int, op OpFunc) Result {
	start := time.Now()
	from, end := start.Add(warmup), start.Add(warmup+dur)
	cpu0 := make(chan CPUSnap, 1)
	time.AfterFunc(warmup, func() { cpu0 <- TakeCPU(serverPID) })
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
	r := Result{Name: name, Elapsed: time.Since(from)}
	r.CPU = CPUBetween(<-cpu0, TakeCPU(serverPID))
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s.lats...)
		r.Errors += s.errs
		if r.FirstErr == nil {
			r.FirstErr = s.firstErr
		}
	}
	r.Ops = len(all)
	r.P50, r.P99, r.Max = Percentiles(all)
	return r
}

// Fill runs conc workers that together do op for n = 0..total-1 once each.
func Fill(ctx context.Context, conc, total int, op func(ctx context.Context, n int) error) (errs int, firstErr error, took time.Duration) {
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
