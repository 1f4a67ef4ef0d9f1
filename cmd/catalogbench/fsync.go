package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// fsyncBaseline appends 4 KiB and fdatasyncs, in a loop, for dur in dir
// (where the durable agent keeps its data): the disk's raw sync rate.
func fsyncBaseline(ctx context.Context, dir string, dur time.Duration) result {
	r := result{name: "BenchmarkFsync/4KiB"}
	path := filepath.Join(dir, "fsync.bin")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		r.errors, r.firstErr = 1, err
		return r
	}
	defer os.Remove(path)
	defer f.Close()
	buf := make([]byte, 4096)
	fd := int(f.Fd())
	var lats []time.Duration
	start := time.Now()
	for time.Since(start) < dur && ctx.Err() == nil {
		t0 := time.Now()
		if _, err := f.Write(buf); err != nil {
			r.errors, r.firstErr = r.errors+1, err
			continue
		}
		if err := syscall.Fdatasync(fd); err != nil {
			r.errors, r.firstErr = r.errors+1, err
			continue
		}
		lats = append(lats, time.Since(t0))
	}
	r.elapsed, r.ops = time.Since(start), len(lats)
	r.p50, r.p99, r.max = percentiles(lats)
	return r
}

// isTmpfs reports whether dir is on tmpfs (where fsync is free and the
// durable figures would mean nothing).
func isTmpfs(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == 0x01021994
}
