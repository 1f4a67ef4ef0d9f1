package main

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// report prints results as they come and the summary at the end.
type report struct {
	w       io.Writer
	results map[string]benchkit.Result
	fsyncs  []benchkit.Result
	healthR *healthResult
	regR    *registerResult
	scaleR  *scaleResult
	watchR  *watchResult
	checksR *checksResult
}

func newReport(w io.Writer) *report { return &report{w: w, results: map[string]benchkit.Result{}} }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

func (r *report) header(dir string, o options) {
	r.printf("goos: %s\ngoarch: %s\npkg: github.com/consuld/consuld/cmd/catalogbench\ncpu: %s (%d CPUs)\n",
		runtime.GOOS, runtime.GOARCH, benchkit.CPUModel(), runtime.NumCPU())
	r.printf("go: %s  date: %s\n", runtime.Version(), time.Now().UTC().Format(time.RFC3339))
	r.printf("duration=%s quick=%v scratch=%s", o.duration, o.quick, dir)
	if benchkit.IsTmpfs(dir) {
		r.printf(" (WARNING: tmpfs, fsync is free: durable figures are meaningless)")
	}
	r.printf("\nagent: durable (-server -bootstrap-expect 1 -data-dir, fsynced Raft log), a fresh one per part\n")
	r.printf("client: Go net/http in this process, one keep-alive Transport, closed loop; it shares the CPUs with the server\n\n")
}

func (r *report) line(res benchkit.Result) {
	r.printf("%-46s  ops/s=%-8.0f  p50=%-7s  p99=%-7s  errors=%-3d %s\n",
		res.Name, res.OpsPerSec(), benchkit.FmtDur(res.P50), benchkit.FmtDur(res.P99), res.Errors, res.CPU)
	if res.FirstErr != nil {
		r.printf("    first error: %.300s\n", res.FirstErr.Error())
	}
}

// add prints res and records it; of two runs with one name the faster is
// kept.
func (r *report) add(res benchkit.Result) {
	r.line(res)
	if old, ok := r.results[res.Name]; ok && old.OpsPerSec() >= res.OpsPerSec() {
		return
	}
	r.results[res.Name] = res
}

func (r *report) get(name string) (benchkit.Result, bool) {
	res, ok := r.results[name]
	return res, ok && res.Ops > 0
}

func (r *report) fsync(label string, res benchkit.Result) {
	res.Name += "/" + label
	r.fsyncs = append(r.fsyncs, res)
	r.line(res)
}

func (r *report) health(h healthResult) {
	r.healthR = &h
	r.printf("Health/setup: web instances=%d  body=%d B (%.0f B/instance, target ~%d KB for %d)  registered in %s\n",
		h.instances, h.bodyBytes, float64(h.bodyBytes)/float64(h.instances), webInstances*webInstanceSize/1000, webInstances,
		h.regTook.Round(time.Millisecond))
}

func (r *report) register(g registerResult) {
	r.regR = &g
	r.printf("Register/setup: request body=%d B  Raft entry=%d B (events.Encode of the event the handler builds)\n",
		g.bodyBytes, g.payloadBytes)
}

func (r *report) scale(s scaleResult) {
	r.scaleR = &s
	r.printf("BenchmarkCatalogScale/instances=%d  registered/s=%.0f  rss=%s->%s  heap=%s->%s  heap/instance=%.0fB  errors=%d\n",
		s.instances, float64(s.instances)/s.took.Seconds(), benchkit.MiB(s.rssIdle), benchkit.MiB(s.rssSettled), benchkit.MiB(s.memIdle.heapAlloc), benchkit.MiB(s.memAfter.heapAlloc),
		perInstance(s.memAfter.heapAlloc-s.memIdle.heapAlloc, s.instances), s.errors)
}

func (r *report) watch(w watchResult) {
	r.watchR = &w
	r.printf("BenchmarkWatch/health/%s/flip  rounds=%d  p50=%s  p99=%s  max=%s  woke=%d/%d  bad=%d  %s-woke=%v\n",
		watchedService, w.rounds, benchkit.FmtDur(w.p50), benchkit.FmtDur(w.p99), benchkit.FmtDur(w.max), w.woke, w.rounds, w.bad, unwatchedService, w.otherWoke)
}

func (r *report) checks(c checksResult) {
	r.checksR = &c
	r.printf("BenchmarkHTTPChecks/checks=%d/interval=1s  cores=%.3f  rss=%s  probes/s=%.0f  passing=%d/%d  %s\n",
		c.checks, c.load.Server, benchkit.MiB(c.rss), float64(c.probes)/c.window.Seconds(), c.passing, c.total, c.load)
}

// summary prints the ratios and the per-part details.
func (r *report) summary() {
	r.printf("\n== Fsync baseline: raw 4 KiB append + fdatasync, 1 thread (durable write figures follow the disk)\n")
	for _, f := range r.fsyncs {
		r.printf("%-32s %7.0f/s  p50=%s  p99=%s  max=%s\n", f.Name, f.OpsPerSec(), benchkit.FmtDur(f.P50), benchkit.FmtDur(f.P99), benchkit.FmtDur(f.Max))
	}
	r.healthSummary()
	r.registerSummary()
	r.scaleSummary()
	r.checksSummary()
	r.printf("\n(\"noisy\": other processes used >= %.2f cores during a run; see cpu= on its line. Targets are printed, never asserted.)\n", benchkit.NoisyCores)
}

func (r *report) healthSummary() {
	h := r.healthR
	if h == nil {
		return
	}
	c := fmt.Sprintf("c=%d", healthConc)
	r.printf("\n== 1. GET /v1/health/service/web?passing: %d instances, each on its own node with 2 passing checks; body %d B (%.1f KB)\n",
		h.instances, h.bodyBytes, float64(h.bodyBytes)/1000)
	r.printf("   vs a bare Echo handler (separate process) answering the same bytes with the same headers (best of its runs before and after)\n")
	echo, eok := r.get("BenchmarkEchoRaw/health-body/" + c)
	for _, name := range []string{"passing", "passing-stale"} {
		res, ok := r.get("BenchmarkHealth/" + name + "/" + c)
		if !ok {
			continue
		}
		line := fmt.Sprintf("   %-15s %s  consuld %8.0f ops/s (%5.1f MB/s)", name, c, res.OpsPerSec(), res.OpsPerSec()*float64(h.bodyBytes)/1e6)
		if eok {
			q := res.OpsPerSec() / echo.OpsPerSec()
			line += fmt.Sprintf("  bare Echo %8.0f ops/s  ratio %.2f", echo.OpsPerSec(), q)
			if name == "passing" {
				line += "  target >= 0.5: " + benchkit.MetStr(q >= 0.5)
			}
			if benchkit.Noisy(res) || benchkit.Noisy(echo) {
				line += "  noisy"
			}
		}
		r.printf("%s\n", line)
	}
	r.printf("   (default consistency does a Raft read barrier per request; ?stale skips it)\n")
}

func (r *report) registerSummary() {
	g := r.regR
	if g == nil {
		return
	}
	c := fmt.Sprintf("c=%d", registerConc)
	r.printf("\n== 2. PUT /v1/catalog/register, a new node + service (2 checks) per request: body %d B, Raft entry %d B\n", g.bodyBytes, g.payloadBytes)
	raw, rok := r.get(fmt.Sprintf("BenchmarkRaftRaw/durable/propose-%dB/%s", g.payloadBytes, c))
	reg, ok := r.get("BenchmarkCatalogRegister/" + c)
	if ok && rok {
		r.printf("   %s  consuld %6.0f ops/s p50=%s p99=%s   raw dragonboat SyncPropose (%d B, same NodeHost settings, counter SM) %6.0f ops/s p50=%s p99=%s   ratio %.2f%s\n",
			c, reg.OpsPerSec(), benchkit.FmtDur(reg.P50), benchkit.FmtDur(reg.P99), g.payloadBytes, raw.OpsPerSec(), benchkit.FmtDur(raw.P50), benchkit.FmtDur(raw.P99),
			reg.OpsPerSec()/raw.OpsPerSec(), noisyStr(reg, raw))
	}
	m := fmt.Sprintf("c=%d", mixedConc)
	kvA, ok1 := r.get("BenchmarkKV/PUT/alone/" + m)
	regA, ok2 := r.get("BenchmarkCatalogRegister/alone/" + m)
	kvM, ok3 := r.get(fmt.Sprintf("BenchmarkMixed/KV-PUT/%s+%d", m, mixedConc))
	regM, ok4 := r.get(fmt.Sprintf("BenchmarkMixed/CatalogRegister/%s+%d", m, mixedConc))
	if ok1 && ok2 && ok3 && ok4 {
		r.printf("   KV PUT (128 B) and catalog register, %s each, alone and at the same time (KV shard and catalog shard of one NodeHost):\n", m)
		r.printf("   %-18s %10s %10s %8s\n", "op", "alone/s", "combined/s", "share")
		r.printf("   %-18s %10.0f %10.0f %7.0f%%\n", "KV PUT", kvA.OpsPerSec(), kvM.OpsPerSec(), 100*kvM.OpsPerSec()/kvA.OpsPerSec())
		r.printf("   %-18s %10.0f %10.0f %7.0f%%\n", "catalog register", regA.OpsPerSec(), regM.OpsPerSec(), 100*regM.OpsPerSec()/regA.OpsPerSec())
		r.printf("   %-18s %10s %10.0f   (sum of both in the combined run)%s\n", "total", "", kvM.OpsPerSec()+regM.OpsPerSec(),
			noisyStr(kvA, regA, kvM, regM))
	}
}

func (r *report) scaleSummary() {
	if s := r.scaleR; s != nil {
		r.printf("\n== 3. %d service instances (%d services x %d, 2 checks each; %d nodes, each running one instance of every service)\n",
			s.instances, s.services, s.perService, s.perService)
		r.printf("   registered via PUT /v1/catalog/register at c=%d in %s (%.0f/s); sent %s of JSON, %s of Raft entries\n",
			scaleConc, s.took.Round(time.Millisecond), float64(s.instances)/s.took.Seconds(), benchkit.MiB(s.jsonBytes), benchkit.MiB(s.payloadBytes))
		r.printf("   agent RSS  %s idle -> %s right after -> %s settled (%v): +%s = %.0f B/instance\n",
			benchkit.MiB(s.rssIdle), benchkit.MiB(s.rssAfter), benchkit.MiB(s.rssSettled), s.settled, benchkit.MiB(s.rssSettled-s.rssIdle), perInstance(s.rssSettled-s.rssIdle, s.instances))
		dh := s.memAfter.heapAlloc - s.memIdle.heapAlloc
		r.printf("   live heap  %s -> %s (HeapAlloc after a forced GC): +%s = %.0f B/instance (%.1fx the Raft entry bytes)\n",
			benchkit.MiB(s.memIdle.heapAlloc), benchkit.MiB(s.memAfter.heapAlloc), benchkit.MiB(dh), perInstance(dh, s.instances), float64(dh)/float64(max(1, s.payloadBytes)))
		r.printf("   Go runtime after: HeapInuse %s, freed heap not yet returned to the OS (HeapIdle-HeapReleased) %s -> %s, Sys %s -> %s\n",
			benchkit.MiB(s.memAfter.heapInuse), benchkit.MiB(s.memIdle.kept()), benchkit.MiB(s.memAfter.kept()), benchkit.MiB(s.memIdle.sys), benchkit.MiB(s.memAfter.sys))
	}
	if w := r.watchR; w != nil {
		r.printf("   blocking watch GET /v1/health/service/%s?index=<X-Consul-Index>&wait=%s, one check of one instance flipped\n", watchedService, watchWait)
		r.printf("   (re-registering the instance with its HTTP check critical, or passing again), %d rounds, a new index each:\n", w.rounds)
		r.printf("     wake-up, flip's response -> watch's response headers: p50=%s p99=%s max=%s  (whole body: p50=%s p99=%s)\n",
			benchkit.FmtDur(w.p50), benchkit.FmtDur(w.p99), benchkit.FmtDur(w.max), benchkit.FmtDur(w.bodyP50), benchkit.FmtDur(w.bodyP99))
		r.printf("     from the flip's request start: p50=%s p99=%s; the flip PUT itself: p50=%s p99=%s; answers before the flip's response: %d\n",
			benchkit.FmtDur(w.sendP50), benchkit.FmtDur(w.sendP99), benchkit.FmtDur(w.flipP50), benchkit.FmtDur(w.flipP99), w.beforeFlip)
		r.printf("     woken correctly (200, index past X, body shows the flipped status): %d/%d  early: %d  bad: %d%s\n",
			w.woke, w.rounds, w.early, w.bad, errSuffix(w.firstBad))
		r.printf("   watch on %s (same nodes, parked through all %d rounds + %s): woke=%v: %s%s\n",
			unwatchedService, w.rounds, otherGrace, w.otherWoke, benchkit.MetStr(!w.otherWoke), errSuffix(w.otherErr))
	}
}

func (r *report) checksSummary() {
	c := r.checksR
	if c == nil {
		return
	}
	r.printf("\n== 4. %d HTTP checks at a 1 s interval (PUT /v1/agent/service/register, target: an HTTP server in catalogbench answering 200)\n", c.checks)
	r.printf("   registered in %s; after %s: %d passing; over the next %s:\n", c.regTook.Round(time.Millisecond), c.warm, c.passingAfterWarm, c.window)
	r.printf("   agent CPU %.3f cores (idle before registering: %.3f)  catalogbench (target server) %.3f  others %.3f%s\n",
		c.load.Server, c.idle.Server, c.load.Client, c.load.Other, map[bool]string{true: "  (noisy)"}[c.load.Other >= benchkit.NoisyCores])
	r.printf("   probes answered %d = %.0f/s (expected ~%d/s)   checks:%s (of %d)\n",
		c.probes, float64(c.probes)/c.window.Seconds(), c.checks, fmtStatuses(c.statuses), c.total)
	r.printf("   agent RSS %s idle -> %s  live heap %s -> %s  freed heap kept from the OS %s -> %s  threads %d\n",
		benchkit.MiB(c.rssIdle), benchkit.MiB(c.rss), benchkit.MiB(c.memIdle.heapAlloc), benchkit.MiB(c.mem.heapAlloc), benchkit.MiB(c.memIdle.kept()), benchkit.MiB(c.mem.kept()), c.threads)
}

func noisyStr(rs ...benchkit.Result) string {
	for _, r := range rs {
		if benchkit.Noisy(r) {
			return "  noisy"
		}
	}
	return ""
}

func perInstance(delta int64, n int) float64 { return float64(delta) / float64(max(1, n)) }

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf(" (first: %.300s)", err.Error())
}
