package benchkit

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// FsyncBaseline appends 4 KiB and fdatasyncs, in a loop, for dur in dir
// (where the durable agent keeps its data): the disk's raw sync rate.
func FsyncBaseline(ctx context.Context, dir string, dur time.Duration) Result {
	r := Result{Name: "BenchmarkFsync/4KiB"}
	path := filepath.Join(dir, "fsync.bin")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		r.Errors, r.FirstErr = 1, err
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
			r.Errors, r.FirstErr = r.Errors+1, err
			continue
		}
		if err := syscall.Fdatasync(fd); err != nil {
			r.Errors, r.FirstErr = r.Errors+1, err
			continue
		}
		lats = append(lats, time.Since(t0))
	}
	r.Elapsed, r.Ops = time.Since(start), len(lats)
	r.P50, r.P99, r.Max = Percentiles(lats)
	return r
}

// IsTmpfs reports whether dir is on tmpfs (where fsync is free and the
// durable figures would mean nothing).
func IsTmpfs(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == 0x01021994
}
