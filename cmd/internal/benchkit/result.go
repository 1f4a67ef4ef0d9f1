package benchkit

import (
	"slices"
	"time"
)

// Result is one closed-loop measurement.
type Result struct {
	Name     string
	Ops      int           // successful operations in the measured window
	Elapsed  time.Duration // measured window
	P50, P99 time.Duration // over successful operations
	Max      time.Duration
	Errors   int
	FirstErr error
	CPU      Usage // cores used during the measured window
}

// OpsPerSec is the throughput of the measured window.
func (r Result) OpsPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Noisy reports whether other processes used NoisyCores or more during
// the run.
func Noisy(r Result) bool { return r.CPU.OK && r.CPU.Other >= NoisyCores }

// Percentiles sorts lats and returns p50, p99 and max (nearest rank).
func Percentiles(lats []time.Duration) (p50, p99, mx time.Duration) {
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
