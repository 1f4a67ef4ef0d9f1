package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// report prints results as they come and the summary at the end.
type report struct {
	w       io.Writer
	results map[string]benchkit.Result
	fsyncs  []benchkit.Result
	mems    []memResult
	blocks  []blockResult
}

func newReport(w io.Writer) *report { return &report{w: w, results: map[string]benchkit.Result{}} }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

func (r *report) header(dir string, o options) {
	r.printf("goos: %s\ngoarch: %s\npkg: github.com/consuld/consuld/cmd/kvbench\ncpu: %s (%d CPUs)\n",
		runtime.GOOS, runtime.GOARCH, benchkit.CPUModel(), runtime.NumCPU())
	r.printf("go: %s  date: %s\n", runtime.Version(), time.Now().UTC().Format(time.RFC3339))
	r.printf("duration=%s conc=%s quick=%v scratch=%s", o.duration, joinInts(o.conc), o.quick, dir)
	if benchkit.IsTmpfs(dir) {
		r.printf(" (WARNING: tmpfs, fsync is free: durable figures are meaningless)")
	}
	r.printf("\nclient: Go net/http in this process, one keep-alive Transport, closed loop; it shares the CPUs with the server\n\n")
}

func (r *report) line(res benchkit.Result) {
	r.printf("%-42s  ops/s=%-8.0f  p50=%-7s  p99=%-7s  errors=%-3d %s\n",
		res.Name, res.OpsPerSec(), benchkit.FmtDur(res.P50), benchkit.FmtDur(res.P99), res.Errors, res.CPU)
	if res.FirstErr != nil {
		r.printf("    first error: %.300s\n", res.FirstErr.Error())
	}
}

// add records res, measured during the slot ("durable" or "dev") part.
func (r *report) add(slot string, res benchkit.Result) {
	r.results[slot+" "+res.Name] = res
	r.line(res)
}

func (r *report) fsync(label string, res benchkit.Result) {
	res.Name += "/" + label
	r.fsyncs = append(r.fsyncs, res)
	r.line(res)
}

func (r *report) memory(m memResult) {
	r.mems = append(r.mems, m)
	r.printf("Memory/%s: idle=%s  written=%s  settled=%s  raw=%s  growth=%.1fx/%.1fx  heap=%s->%s (%.1fx)  errors=%d\n",
		m.mode, benchkit.MiB(m.idle), benchkit.MiB(m.written), benchkit.MiB(m.settled), benchkit.MiB(m.rawBytes),
		ratio(m.written-m.idle, m.rawBytes), ratio(m.settled-m.idle, m.rawBytes),
		benchkit.MiB(m.heapIdle), benchkit.MiB(m.heapSettled), ratio(m.heapSettled-m.heapIdle, m.rawBytes), m.errors)
}

func (r *report) blocking(b blockResult) {
	r.blocks = append(r.blocks, b)
	r.printf("Blocking/%s: parked=%d  bytes/watcher=%.0f  wake p50=%s p99=%s max=%s  hot woke=%d/%d  others woke=%d\n",
		b.mode, coldWatchers+hotWatchers, perWatcher(b.rssParked-b.rssBefore), benchkit.FmtDur(b.p50), benchkit.FmtDur(b.p99),
		benchkit.FmtDur(b.max), b.hotWoke, hotWatchers, b.coldWoke)
}

// summary prints the ratio table, the fsync baselines, memory and blocking.
func (r *report) summary(conc []int) {
	r.printf("\n== Throughput ratios: consuld / min(raw Raft, bare HTTP)\n")
	r.printf("   PUT: vs min(raw Raft SyncPropose of the same mode, bare Echo PUT). Bare Echo is measured twice,\n")
	r.printf("   next to each agent (same concurrency, seconds apart): each row uses the run next to its agent.\n")
	r.printf("   GET and GET ?stale: vs bare Echo GET only; a raw Raft figure is not meaningful for reads\n")
	r.printf("   (a read proposes nothing). Targets apply at c=64, printed, not asserted. \"noisy\": other\n")
	r.printf("   processes used >= %.2f cores during one of the runs compared (see the cpu= field above).\n", benchkit.NoisyCores)
	r.printf("%-8s %-10s %5s %12s %12s %12s %7s  %s\n", "agent", "op", "c", "consuld/s", "raft-raw/s", "bare-http/s", "ratio", "target / note")
	for _, mode := range []string{"durable", "dev"} {
		for _, c := range conc {
			for _, op := range []struct {
				name   string
				target float64
			}{{"PUT", 0.5}, {"GET", 0.5}, {"GET-stale", 0.7}} {
				kv, ok := r.get(mode, "BenchmarkKV/%s/%s/c=%d", mode, op.name, c)
				if !ok {
					continue
				}
				echoOp := "GET"
				if op.name == "PUT" {
					echoOp = "PUT"
				}
				echo, eok := r.get(mode, "BenchmarkEchoRaw/%s/c=%d", echoOp, c)
				raw, rok := r.get(mode, "BenchmarkRaftRaw/%s/PUT/c=%d", mode, c)
				base := 0.0
				if eok {
					base = echo.OpsPerSec()
				}
				rawCol := "-"
				if op.name == "PUT" && rok {
					rawCol = fmt.Sprintf("%.0f", raw.OpsPerSec())
					if base == 0 || raw.OpsPerSec() < base {
						base = raw.OpsPerSec()
					}
				}
				echoCol, ratioCol, target := "-", "-", ""
				if eok {
					echoCol = fmt.Sprintf("%.0f", echo.OpsPerSec())
				}
				if base > 0 {
					ratioCol = fmt.Sprintf("%.2f", kv.OpsPerSec()/base)
				}
				if c == 64 {
					target = fmt.Sprintf(">= %.1f", op.target)
					if base > 0 {
						target += map[bool]string{true: " (met)", false: " (NOT met)"}[kv.OpsPerSec()/base >= op.target]
					}
				}
				if benchkit.Noisy(kv) || (eok && benchkit.Noisy(echo)) || (op.name == "PUT" && rok && benchkit.Noisy(raw)) {
					target = strings.TrimSpace(target + " noisy")
				}
				r.printf("%-8s %-10s %5d %12.0f %12s %12s %7s  %s\n", mode, op.name, c, kv.OpsPerSec(), rawCol, echoCol, ratioCol, target)
			}
		}
	}

	r.printf("\n== Disk: raw 4 KiB append + fdatasync, 1 thread (the durable figures follow this; it varies ~10x within an hour)\n")
	for _, f := range r.fsyncs {
		r.printf("%-32s %7.0f/s  p50=%s  p99=%s  max=%s\n", f.Name, f.OpsPerSec(), benchkit.FmtDur(f.P50), benchkit.FmtDur(f.P99), benchkit.FmtDur(f.Max))
	}

	if len(r.mems) > 0 {
		r.printf("\n== Memory: agent VmRSS; %d keys (mem/NNNNNN, 10 B) x %d B values written at c=%d; target growth <= 3x raw key+value bytes\n",
			memKeys, len(benchkit.ValueBytes), memConc)
	}
	if len(r.mems) > 0 {
		r.printf("   (RSS only drops when the Go runtime returns freed pages to the OS, which lags: passivated keys\n")
		r.printf("   free heap the agent reuses, but RSS may not show it within %s)\n", memSettle)
	}
	for _, m := range r.mems {
		r.printf("%s agent:\n", m.mode)
		r.printf("  %-18s %s  (threads %d)\n", "idle after start", benchkit.MiB(m.idle), m.threads)
		r.printf("  %-18s %s  growth %s = %.2fx raw (%s)  [%d keys in %s, %.0f/s, errors %d]\n",
			"after writes", benchkit.MiB(m.written), benchkit.MiB(m.written-m.idle), ratio(m.written-m.idle, m.rawBytes), benchkit.MiB(m.rawBytes),
			memKeys, m.took.Round(time.Millisecond), float64(memKeys)/m.took.Seconds(), m.errors)
		r.printf("  %-18s %s  growth %s = %.2fx raw  target <= 3x: %s  (threads %d)\n",
			memSettle.String()+" later", benchkit.MiB(m.settled), benchkit.MiB(m.settled-m.idle), ratio(m.settled-m.idle, m.rawBytes),
			benchkit.MetStr(ratio(m.settled-m.idle, m.rawBytes) <= 3), m.threads2)
		r.printf("  %-18s %s -> %s  growth %s = %.2fx raw  target <= 3x: %s\n",
			"live heap (GC'd)", benchkit.MiB(m.heapIdle), benchkit.MiB(m.heapSettled), benchkit.MiB(m.heapSettled-m.heapIdle),
			ratio(m.heapSettled-m.heapIdle, m.rawBytes), benchkit.MetStr(ratio(m.heapSettled-m.heapIdle, m.rawBytes) <= 3))
		if m.mode == "dev" {
			r.printf("  (dev keeps the Raft log on an in-memory FS: its growth includes the log, up to a snapshot's compaction)\n")
		}
		if m.firstErr != nil {
			r.printf("  first error: %.300s\n", m.firstErr.Error())
		}
	}

	for _, b := range r.blocks {
		n := coldWatchers + hotWatchers
		r.printf("\n== Blocking queries (%s agent): %d on distinct keys + %d on %s, ?index=<ModifyIndex>&wait=%s\n",
			b.mode, coldWatchers, hotWatchers, hotKey, b.watchTimeout)
		r.printf("  parked: %d requests sent in %s (one connection each); agent fds %d -> %d; RSS settled: %v\n",
			n, b.parkTook.Round(time.Millisecond), b.fdsBefore, b.fdsParked, b.settled)
		r.printf("  agent RSS %s (keys passivated) -> %s (indexes read, key actors resident) -> %s (parked)\n",
			benchkit.MiB(b.rssSettled), benchkit.MiB(b.rssBefore), benchkit.MiB(b.rssParked))
		r.printf("  bytes per parked watcher: %.0f B = RSS delta / %d (includes the server side of its HTTP connection:\n", perWatcher(b.rssParked-b.rssBefore), n)
		r.printf("    conn goroutine, bufio buffers, socket); %.0f B counting from the passivated state\n", perWatcher(b.rssParked-b.rssSettled))
		r.printf("  answered before the PUT: %d (must be 0)%s\n", b.early, errSuffix(b.earlyErr))
		r.printf("  wake-up of the %d after one PUT (from the PUT's response to each watcher's response headers):\n", hotWatchers)
		r.printf("    p50=%s  p99=%s  max=%s  woken=%d/%d  bad=%d  arrived before the PUT's response=%d%s\n",
			benchkit.FmtDur(b.p50), benchkit.FmtDur(b.p99), benchkit.FmtDur(b.max), b.hotWoke, hotWatchers, b.hotBad, b.beforePut, errSuffix(b.hotErr))
		r.printf("    from the PUT's request start: p50=%s  p99=%s  max=%s  (the PUT itself took %s)\n",
			benchkit.FmtDur(b.fromSend[0]), benchkit.FmtDur(b.fromSend[1]), benchkit.FmtDur(b.fromSend[2]), benchkit.FmtDur(b.putLat))
		r.printf("  other watchers woken (within %s after the last hot one): %d of %d (must be 0): %s%s\n",
			b.coldGrace, b.coldWoke, coldWatchers, benchkit.MetStr(b.coldWoke == 0), errSuffix(b.coldErr))
		r.printf("  (the client's 11,000 goroutines and the 1,000 answers share the 2 CPUs with the agent)\n")
	}
}

func (r *report) get(slot, format string, args ...any) (benchkit.Result, bool) {
	res, ok := r.results[slot+" "+fmt.Sprintf(format, args...)]
	return res, ok && res.Ops > 0
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func perWatcher(delta int64) float64 { return float64(delta) / float64(coldWatchers+hotWatchers) }

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf(" (first: %.200s)", err.Error())
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
