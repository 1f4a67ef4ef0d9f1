package benchkit

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Progress prints a timestamped progress line to stderr.
func Progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "# "+time.Now().Format("15:04:05")+" "+format+"\n", args...)
}

// RaiseFDLimit raises the soft open-files limit to the hard one.
func RaiseFDLimit() {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		Progress("getrlimit: %v", err)
		return
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		Progress("setrlimit: %v", err)
	}
}

// SleepCtx sleeps for d or until ctx is done.
func SleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// SettleRSS samples p's RSS every 500 ms until three samples in a row are
// within 1 MiB (or 1%) of each other, or limit passes.
func SettleRSS(ctx context.Context, p *Proc, limit time.Duration) (int64, bool) {
	var hist []int64
	end := time.Now().Add(limit)
	for time.Now().Before(end) && ctx.Err() == nil {
		v, _ := p.RSS()
		hist = append(hist, v)
		if n := len(hist); n >= 3 {
			lo, hi := min(hist[n-1], hist[n-2], hist[n-3]), max(hist[n-1], hist[n-2], hist[n-3])
			if hi-lo <= max(1<<20, hi/100) {
				return v, true
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	v, _ := p.RSS()
	return v, false
}
