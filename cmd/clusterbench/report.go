package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// Targets (printed, never asserted).
const (
	ratioTarget    = 0.5
	failoverTarget = 2 * time.Second
)

// report prints results as they come and the summary at the end.
type report struct {
	w io.Writer
	// clientUsable and clientVisible: a client agent's start to a leader
	// named through its API, and a registration to its catalog entry.
	clientUsable, clientVisible time.Duration
	fsyncs                      []benchkit.Result
	boots                       []bootResult
	putCluster                  *benchkit.Result
	putRaw                      *benchkit.Result
	trials                      []failoverTrial
	gossips                     []gossipResult
}

func newReport(w io.Writer) *report { return &report{w: w} }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

func (r *report) header(dir string, o options) {
	r.printf("goos: %s\ngoarch: %s\npkg: github.com/consuld/consuld/cmd/clusterbench\ncpu: %s (%d CPUs)\n",
		runtime.GOOS, runtime.GOARCH, benchkit.CPUModel(), runtime.NumCPU())
	r.printf("go: %s  date: %s\n", runtime.Version(), time.Now().UTC().Format(time.RFC3339))
	join := "all"
	if o.joinFirst {
		join = "first"
	}
	r.printf("duration=%s conc=%d trials=%d boots=%d gossip-n=%d join=%s quick=%v scratch=%s",
		o.duration, o.conc, o.trials, o.boots, o.gossipN, join, o.quick, dir)
	if benchkit.IsTmpfs(dir) {
		r.printf(" (WARNING: tmpfs, fsync is free: durable figures are meaningless)")
	}
	r.printf("\ncluster: 3 durable servers (-server -bootstrap-expect 3 -data-dir, fsynced Raft log) on %s, default settings\n",
		strings.Join(serverIPs, ", "))
	r.printf("client: Go net/http in this process, one keep-alive Transport, closed loop; it shares the CPUs with the servers\n\n")
}

func (r *report) line(res benchkit.Result) {
	r.printf("%-40s  ops/s=%-8.0f  p50=%-7s  p99=%-7s  errors=%-3d %s\n",
		res.Name, res.OpsPerSec(), benchkit.FmtDur(res.P50), benchkit.FmtDur(res.P99), res.Errors, res.CPU)
	if res.FirstErr != nil {
		r.printf("    first error: %.300s\n", res.FirstErr.Error())
	}
}

func (r *report) fsync(label string, res benchkit.Result) {
	res.Name += "/" + label
	r.fsyncs = append(r.fsyncs, res)
	r.line(res)
}

func (r *report) boot(b bootResult) {
	r.boots = append(r.boots, b)
	r.printf("%-40s  first-leader=%-7s  all-agree=%-7s  first-put=%-7s  leader=%s\n",
		fmt.Sprintf("BenchmarkClusterBoot/3-servers/run=%d", b.n), benchkit.FmtDur(b.firstLeader),
		benchkit.FmtDur(b.agreed), benchkit.FmtDur(b.firstPut), b.leader)
}

// putRatio is consuld cluster PUT / raw 3-NodeHost SyncPropose (0: not
// both measured).
func (r *report) putRatio() float64 {
	if r.putCluster == nil || r.putRaw == nil || r.putRaw.OpsPerSec() == 0 {
		return 0
	}
	return r.putCluster.OpsPerSec() / r.putRaw.OpsPerSec()
}

func (r *report) ratio() {
	if q := r.putRatio(); q > 0 {
		r.printf("%-40s  ratio=%.2f  target >= %.1f: %s%s\n", "RatioClusterKV/PUT/raw3", q, ratioTarget,
			benchkit.MetStr(q >= ratioTarget), r.putNoisy())
	}
}

func (r *report) putNoisy() string {
	if (r.putCluster != nil && benchkit.Noisy(*r.putCluster)) || (r.putRaw != nil && benchkit.Noisy(*r.putRaw)) {
		return "  (noisy)"
	}
	return ""
}

func (r *report) failover(t failoverTrial) {
	r.trials = append(r.trials, t)
	seen := "-"
	if t.leaderSeen > 0 {
		seen = benchkit.FmtDur(t.leaderSeen)
	}
	r.printf("%-40s  killed=%s  new-leader=%-3s seen=%-7s  first-write=%-7s via %s (%3d attempts)  restart: agree=%s stable=%s put=%s leader-changes=%d\n",
		fmt.Sprintf("Failover/trial=%02d", t.n), t.victim, t.newLeader, seen, benchkit.FmtDur(t.write), t.via, t.attempts,
		benchkit.FmtDur(t.rejoin), benchkit.FmtDur(t.stable), benchkit.FmtDur(t.rejoinPut), t.changes)
	if t.rejoinErr != nil {
		r.printf("    %d failed PUTs through the restarted %s once it listened; first: %.300s\n", t.rejoinErrs, t.victim, t.rejoinErr)
	}
}

// failoverStats are the percentiles of the trials' write times, leader
// sightings and rejoin times.
func (r *report) failoverStats() (write, seen, rejoin [3]time.Duration) {
	var ws, ss, rs []time.Duration
	for _, t := range r.trials {
		ws = append(ws, t.write)
		if t.leaderSeen > 0 {
			ss = append(ss, t.leaderSeen)
		}
		rs = append(rs, t.rejoin)
	}
	write[0], write[1], write[2] = benchkit.Percentiles(ws)
	seen[0], seen[1], seen[2] = benchkit.Percentiles(ss)
	rejoin[0], rejoin[1], rejoin[2] = benchkit.Percentiles(rs)
	return
}

func (r *report) failoverSummary() {
	if len(r.trials) == 0 {
		return
	}
	w, s, _ := r.failoverStats()
	r.printf("%-40s  trials=%d  p50=%-7s  p99=%-7s  max=%-7s  new-leader-seen p50=%s p99=%s  target p99 <= %s: %s\n",
		"BenchmarkFailover/kill-9-leader/write", len(r.trials), benchkit.FmtDur(w[0]), benchkit.FmtDur(w[1]), benchkit.FmtDur(w[2]),
		benchkit.FmtDur(s[0]), benchkit.FmtDur(s[1]), failoverTarget, benchkit.MetStr(w[1] <= failoverTarget))
}

func (r *report) gossip(g gossipResult) {
	r.gossips = append(r.gossips, g)
	name := fmt.Sprintf("BenchmarkGossip/%s/n=%d", gossipMode(g.fast), g.n)
	if g.err != nil {
		r.printf("%-40s  error: %v\n", name, g.err)
		return
	}
	conv := "NOT within " + convergeLimit.String() + fmt.Sprintf(" (fewest alive seen: %d/%d)", g.minAlive, g.n)
	if g.converged > 0 {
		conv = benchkit.FmtDur(g.converged)
	}
	r.printf("%-40s  joins=%-7s  converge=%s", name, benchkit.FmtDur(g.joined), conv)
	if g.victim != "" {
		det := "none"
		if len(g.detected) > 0 {
			p50, _, mx := benchkit.Percentiles(slices.Clone(g.detected))
			det = fmt.Sprintf("first=%s p50=%s", benchkit.FmtDur(g.detected[0]), benchkit.FmtDur(p50))
			if len(g.detected) == g.n-1 {
				det += " all=" + benchkit.FmtDur(mx)
			} else {
				det += fmt.Sprintf(" NOT all within %s (%d/%d)", detectLimit, len(g.detected), g.n-1)
			}
		}
		r.printf("  detect-failed(%s): %s", g.victim, det)
	}
	r.printf("  %s\n", g.cpu)
}

func gossipMode(fast bool) string {
	if fast {
		return "fast"
	}
	return "lan"
}

// summary restates every figure with its target.
func (r *report) summary(o options) {
	r.printf("\n== Summary (targets printed, never asserted)\n")
	if r.clientUsable > 0 {
		r.printf("Client agent: started -> its API names the leader %s; a service registered through it is on a server %s later\n",
			benchkit.FmtDur(r.clientUsable), benchkit.FmtDur(r.clientVisible))
	}
	if len(r.boots) > 0 {
		var ag, put []time.Duration
		for _, b := range r.boots {
			ag, put = append(ag, b.agreed), append(put, b.firstPut)
		}
		a50, _, amx := benchkit.Percentiles(ag)
		p50, _, pmx := benchkit.Percentiles(put)
		r.printf("Boot: 3 fresh servers started -> leader agreed by all: p50=%s max=%s; -> first PUT: p50=%s max=%s (%d boots)\n",
			benchkit.FmtDur(a50), benchkit.FmtDur(amx), benchkit.FmtDur(p50), benchkit.FmtDur(pmx), len(r.boots))
	}
	if r.putCluster != nil {
		r.printf("KV PUT c=%d: cluster %.0f/s (p50=%s p99=%s)", o.conc, r.putCluster.OpsPerSec(),
			benchkit.FmtDur(r.putCluster.P50), benchkit.FmtDur(r.putCluster.P99))
		if r.putRaw != nil {
			q := r.putRatio()
			r.printf(", raw dragonboat 3-NodeHost SyncPropose %.0f/s (p50=%s p99=%s): ratio %.2f, target >= %.1f %s%s",
				r.putRaw.OpsPerSec(), benchkit.FmtDur(r.putRaw.P50), benchkit.FmtDur(r.putRaw.P99), q, ratioTarget,
				benchkit.MetStr(q >= ratioTarget), r.putNoisy())
		}
		r.printf("\n")
	}
	if len(r.trials) > 0 {
		w, s, rj := r.failoverStats()
		r.printf("Failover: kill -9 of the leader -> first successful write through a survivor, %d trials: p50=%s p99=%s max=%s, target p99 <= %s %s\n",
			len(r.trials), benchkit.FmtDur(w[0]), benchkit.FmtDur(w[1]), benchkit.FmtDur(w[2]), failoverTarget,
			benchkit.MetStr(w[1] <= failoverTarget))
		r.printf("          a survivor names the new leader: p50=%s max=%s; killed server restarted -> all agree: p50=%s max=%s\n",
			benchkit.FmtDur(s[0]), benchkit.FmtDur(s[2]), benchkit.FmtDur(rj[0]), benchkit.FmtDur(rj[2]))
		changes, disrupted, putErrs := 0, 0, 0
		var puts []time.Duration
		for _, t := range r.trials {
			changes += t.changes
			if t.changes > 0 {
				disrupted++
			}
			putErrs += t.rejoinErrs
			puts = append(puts, t.rejoinPut)
		}
		p50, _, mx := benchkit.Percentiles(puts)
		r.printf("          after a restart: first PUT through the restarted server p50=%s max=%s (%d failed attempts once it listened);\n",
			benchkit.FmtDur(p50), benchkit.FmtDur(mx), putErrs)
		r.printf("          leader changed with no kill (restarted server disrupting) %d times, in %d of %d trials\n",
			changes, disrupted, len(r.trials))
		if len(r.trials) < 100 {
			r.printf("          (p99 of %d trials by nearest rank is the maximum)\n", len(r.trials))
		}
	}
	for _, g := range r.gossips {
		if g.err != nil || g.converged == 0 {
			continue
		}
		r.printf("Gossip %s, %d in-process pools: converge %s", gossipMode(g.fast), g.n, benchkit.FmtDur(g.converged))
		if len(g.detected) > 0 {
			_, _, mx := benchkit.Percentiles(slices.Clone(g.detected))
			r.printf(", failure seen by all others %s (first %s)", benchkit.FmtDur(mx), benchkit.FmtDur(g.detected[0]))
			if len(g.detected) < g.n-1 {
				r.printf(" NOT by all: %d/%d", len(g.detected), g.n-1)
			}
		}
		r.printf("\n")
	}
	if len(r.fsyncs) > 0 {
		r.printf("\n== Disk: raw 4 KiB append + fdatasync, 1 thread (the durable figures follow this)\n")
		for _, f := range r.fsyncs {
			r.printf("%-32s %7.0f/s  p50=%s  p99=%s  max=%s\n", f.Name, f.OpsPerSec(), benchkit.FmtDur(f.P50), benchkit.FmtDur(f.P99), benchkit.FmtDur(f.Max))
		}
	}
}
