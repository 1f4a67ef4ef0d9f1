package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// report prints results as they come and the summary at the end.
type report struct {
	w       io.Writer
	results map[string]result
	fsyncs  []result
	mems    []memResult
	blocks  []blockResult
}

func newReport(w io.Writer) *report { return &report{w: w, results: map[string]result{}} }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

func (r *report) header(dir string, o options) {
	r.printf("goos: %s\ngoarch: %s\npkg: github.com/consuld/consuld/cmd/kvbench\ncpu: %s (%d CPUs)\n",
		runtime.GOOS, runtime.GOARCH, cpuModel(), runtime.NumCPU())
	r.printf("go: %s  date: %s\n", runtime.Version(), time.Now().UTC().Format(time.RFC3339))
	r.printf("duration=%s conc=%s quick=%v scratch=%s", o.duration, joinInts(o.conc), o.quick, dir)
	if isTmpfs(dir) {
		r.printf(" (WARNING: tmpfs, fsync is free: durable figures are meaningless)")
	}
	r.printf("\nclient: Go net/http in this process, one keep-alive Transport, closed loop; it shares the CPUs with the server\n\n")
}

func (r *report) line(res result) {
	r.printf("%-42s  ops/s=%-8.0f  p50=%-7s  p99=%-7s  errors=%-3d %s\n",
		res.name, res.opsPerSec(), fmtDur(res.p50), fmtDur(res.p99), res.errors, res.cpu)
	if res.firstErr != nil {
		r.printf("    first error: %.300s\n", res.firstErr.Error())
	}
}

// add records res, measured during the slot ("durable" or "dev") part.
func (r *report) add(slot string, res result) {
	r.results[slot+" "+res.name] = res
	r.line(res)
}

func (r *report) fsync(label string, res result) {
	res.name += "/" + label
	r.fsyncs = append(r.fsyncs, res)
	r.line(res)
}

func (r *report) memory(m memResult) {
	r.mems = append(r.mems, m)
	r.printf("Memory/%s: idle=%s  written=%s  settled=%s  raw=%s  growth=%.1fx/%.1fx  heap=%s->%s (%.1fx)  errors=%d\n",
		m.mode, mib(m.idle), mib(m.written), mib(m.settled), mib(m.rawBytes),
		ratio(m.written-m.idle, m.rawBytes), ratio(m.settled-m.idle, m.rawBytes),
		mib(m.heapIdle), mib(m.heapSettled), ratio(m.heapSettled-m.heapIdle, m.rawBytes), m.errors)
}

func (r *report) blocking(b blockResult) {
	r.blocks = append(r.blocks, b)
	r.printf("Blocking/%s: parked=%d  bytes/watcher=%.0f  wake p50=%s p99=%s max=%s  hot woke=%d/%d  others woke=%d\n",
		b.mode, coldWatchers+hotWatchers, perWatcher(b.rssParked-b.rssBefore), fmtDur(b.p50), fmtDur(b.p99),
		fmtDur(b.max), b.hotWoke, hotWatchers, b.coldWoke)
}

// summary prints the ratio table, the fsync baselines, memory and blocking.
func (r *report) summary(conc []int) {
	r.printf("\n== Throughput ratios: consuld / min(raw Raft, bare HTTP)\n")
	r.printf("   PUT: vs min(raw Raft SyncPropose of the same mode, bare Echo PUT). Bare Echo is measured twice,\n")
	r.printf("   next to each agent (same concurrency, seconds apart): each row uses the run next to its agent.\n")
	r.printf("   GET and GET ?stale: vs bare Echo GET only; a raw Raft figure is not meaningful for reads\n")
	r.printf("   (a read proposes nothing). Targets apply at c=64, printed, not asserted. \"noisy\": other\n")
	r.printf("   processes used >= %.2f cores during one of the runs compared (see the cpu= field above).\n", noisyCores)
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
					base = echo.opsPerSec()
				}
				rawCol := "-"
				if op.name == "PUT" && rok {
					rawCol = fmt.Sprintf("%.0f", raw.opsPerSec())
					if base == 0 || raw.opsPerSec() < base {
						base = raw.opsPerSec()
					}
				}
				echoCol, ratioCol, target := "-", "-", ""
				if eok {
					echoCol = fmt.Sprintf("%.0f", echo.opsPerSec())
				}
				if base > 0 {
					ratioCol = fmt.Sprintf("%.2f", kv.opsPerSec()/base)
				}
				if c == 64 {
					target = fmt.Sprintf(">= %.1f", op.target)
					if base > 0 {
						target += map[bool]string{true: " (met)", false: " (NOT met)"}[kv.opsPerSec()/base >= op.target]
					}
				}
				if noisy(kv) || (eok && noisy(echo)) || (op.name == "PUT" && rok && noisy(raw)) {
					target = strings.TrimSpace(target + " noisy")
				}
				r.printf("%-8s %-10s %5d %12.0f %12s %12s %7s  %s\n", mode, op.name, c, kv.opsPerSec(), rawCol, echoCol, ratioCol, target)
			}
		}
	}

	r.printf("\n== Disk: raw 4 KiB append + fdatasync, 1 thread (the durable figures follow this; it varies ~10x within an hour)\n")
	for _, f := range r.fsyncs {
		r.printf("%-32s %7.0f/s  p50=%s  p99=%s  max=%s\n", f.name, f.opsPerSec(), fmtDur(f.p50), fmtDur(f.p99), fmtDur(f.max))
	}

	if len(r.mems) > 0 {
		r.printf("\n== Memory: agent VmRSS; %d keys (mem/NNNNNN, 10 B) x %d B values written at c=%d; target growth <= 3x raw key+value bytes\n",
			memKeys, len(valueBytes), memConc)
	}
	if len(r.mems) > 0 {
		r.printf("   (RSS only drops when the Go runtime returns freed pages to the OS, which lags: passivated keys\n")
		r.printf("   free heap the agent reuses, but RSS may not show it within %s)\n", memSettle)
	}
	for _, m := range r.mems {
		r.printf("%s agent:\n", m.mode)
		r.printf("  %-18s %s  (threads %d)\n", "idle after start", mib(m.idle), m.threads)
		r.printf("  %-18s %s  growth %s = %.2fx raw (%s)  [%d keys in %s, %.0f/s, errors %d]\n",
			"after writes", mib(m.written), mib(m.written-m.idle), ratio(m.written-m.idle, m.rawBytes), mib(m.rawBytes),
			memKeys, m.took.Round(time.Millisecond), float64(memKeys)/m.took.Seconds(), m.errors)
		r.printf("  %-18s %s  growth %s = %.2fx raw  target <= 3x: %s  (threads %d)\n",
			memSettle.String()+" later", mib(m.settled), mib(m.settled-m.idle), ratio(m.settled-m.idle, m.rawBytes),
			metStr(ratio(m.settled-m.idle, m.rawBytes) <= 3), m.threads2)
		r.printf("  %-18s %s -> %s  growth %s = %.2fx raw  target <= 3x: %s\n",
			"live heap (GC'd)", mib(m.heapIdle), mib(m.heapSettled), mib(m.heapSettled-m.heapIdle),
			ratio(m.heapSettled-m.heapIdle, m.rawBytes), metStr(ratio(m.heapSettled-m.heapIdle, m.rawBytes) <= 3))
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
			mib(b.rssSettled), mib(b.rssBefore), mib(b.rssParked))
		r.printf("  bytes per parked watcher: %.0f B = RSS delta / %d (includes the server side of its HTTP connection:\n", perWatcher(b.rssParked-b.rssBefore), n)
		r.printf("    conn goroutine, bufio buffers, socket); %.0f B counting from the passivated state\n", perWatcher(b.rssParked-b.rssSettled))
		r.printf("  answered before the PUT: %d (must be 0)%s\n", b.early, errSuffix(b.earlyErr))
		r.printf("  wake-up of the %d after one PUT (from the PUT's response to each watcher's response headers):\n", hotWatchers)
		r.printf("    p50=%s  p99=%s  max=%s  woken=%d/%d  bad=%d  arrived before the PUT's response=%d%s\n",
			fmtDur(b.p50), fmtDur(b.p99), fmtDur(b.max), b.hotWoke, hotWatchers, b.hotBad, b.beforePut, errSuffix(b.hotErr))
		r.printf("    from the PUT's request start: p50=%s  p99=%s  max=%s  (the PUT itself took %s)\n",
			fmtDur(b.fromSend[0]), fmtDur(b.fromSend[1]), fmtDur(b.fromSend[2]), fmtDur(b.putLat))
		r.printf("  other watchers woken (within %s after the last hot one): %d of %d (must be 0): %s%s\n",
			b.coldGrace, b.coldWoke, coldWatchers, metStr(b.coldWoke == 0), errSuffix(b.coldErr))
		r.printf("  (the client's 11,000 goroutines and the 1,000 answers share the 2 CPUs with the agent)\n")
	}
}

func (r *report) get(slot, format string, args ...any) (result, bool) {
	res, ok := r.results[slot+" "+fmt.Sprintf(format, args...)]
	return res, ok && res.ops > 0
}

// noisy: other processes used noisyCores or more during the run.
func noisy(r result) bool { return r.cpu.ok && r.cpu.other >= noisyCores }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func perWatcher(delta int64) float64 { return float64(delta) / float64(coldWatchers+hotWatchers) }

func metStr(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf(" (first: %.200s)", err.Error())
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// fmtDur prints d with 3 significant digits.
func fmtDur(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	v, unit := float64(d), "ns"
	for _, u := range []struct {
		div  float64
		name string
	}{{1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}} {
		if float64(d) >= u.div*0.9995 {
			v, unit = float64(d)/u.div, u.name
		}
	}
	return fmt.Sprintf("%.3g%s", v, unit)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown"
}
