package testkit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The health-check simulation's tests. Each runs the seeds of -seed /
// -seeds (default 1..50) and prints a failing seed's reproduce line and
// the tail of its trace.

func (h *HealthRun) asRun() *Run { return &Run{Seed: h.Seed, Sim: h.Sim} }

// healthTally adds up HealthStats across seeds, so a scenario cannot
// quietly stop covering what a test is for.
type healthTally struct {
	mu sync.Mutex
	HealthStats
	runs int
}

func (t *healthTally) add(s HealthStats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.runs++
	t.Results += s.Results
	t.Reports += s.Reports
	t.Held += s.Held
	t.Expiries += s.Expiries
	t.Restarts += s.Restarts
	t.Stale += s.Stale
	t.Maint += s.Maint
	t.Reaped += s.Reaped
	t.Changes += s.Changes
	t.Lost += s.Lost
	t.Entries += s.Entries
	t.Resyncs += s.Resyncs
	t.Truncated += s.Truncated
}

func (t *healthTally) require(tb testing.TB, what string, got int) {
	tb.Helper()
	if got == 0 && t.runs > 1 {
		tb.Errorf("%d runs never exercised %s", t.runs, what)
	}
}

// healthSeeds runs sc per seed and fails a seed with what check finds.
func healthSeeds(t *testing.T, sc HealthScenario, tl *healthTally, check func(*HealthRun) Problems) {
	t.Helper()
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		h := sc.Run(seed)
		if tl != nil {
			tl.add(h.Stats())
		}
		p := append(CheckHealthLiveness(h), check(h)...)
		slices.SortStableFunc(p, func(a, b string) int { return cmp.Compare(problemTime(a), problemTime(b)) })
		return h.traceTo(p), p
	})
}

// problemTime is the virtual time a problem message starts with.
func problemTime(s string) time.Duration {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0
	}
	d, err := time.ParseDuration(f[0] + "s")
	if err != nil {
		return 0
	}
	return d
}

// traceTo is the run for forSeeds to report: with problems and without
// -trace, its trace stops a little after the first problem, so the tail
// printed is what led to it.
func (h *HealthRun) traceTo(p Problems) *Run {
	if len(p) == 0 || *traceFlag {
		return h.asRun()
	}
	cut := problemTime(p[0]) + 2*time.Second
	s := &Sim{Seed: h.Seed}
	lines := strings.SplitAfter(h.Sim.Trace().String(), "\n")
	for i, line := range lines {
		at, text, ok := strings.Cut(strings.TrimLeft(line, " "), " ")
		if !ok {
			continue
		}
		if problemTime(at) > cut {
			s.trace.add(stamp(Epoch.Add(cut)), fmt.Sprintf("(trace cut 2s after the first problem; %d more lines: -trace prints them)", len(lines)-i-1))
			break
		}
		s.trace.add(strings.TrimSuffix(line[:len(line)-len(text)], " "), strings.TrimSuffix(text, "\n"))
	}
	return &Run{Seed: h.Seed, Sim: s}
}

// TestHealthHysteresis: a periodic check's status changes — in its
// runner's reports and in the catalog — only as its thresholds allow:
// critical after FailuresBeforeCritical consecutive failures, passing
// after SuccessBeforePassing consecutive successes (warning counts as a
// success), never without a result, and never from a replaced runner.
func TestHealthHysteresis(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioDefault(), &tl, func(h *HealthRun) Problems {
		return append(CheckHysteresis(h), CheckStatusChanges(h)...)
	})
	tl.require(t, "results held back by a threshold", tl.Held)
	tl.require(t, "catalog status changes", tl.Changes)
	tl.require(t, "runner restarts", tl.Restarts)
}

// TestHealthTTL: a TTL check turns critical with "TTL expired..." exactly
// when no report arrived within TTL of the previous one, never earlier,
// and shows every report as it comes.
func TestHealthTTL(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioDefault(), &tl, func(h *HealthRun) Problems {
		return append(CheckTTLExpiry(h), CheckStatusChanges(h)...)
	})
	tl.require(t, "TTL expiries", tl.Expiries)
	tl.require(t, "TTL reports cut to output_max_size", tl.Truncated)
}

// TestHealthMaintenance: while the node or a service is in maintenance,
// its instance is not a passing instance in the catalog; once lifted, an
// instance whose checks all pass is back.
func TestHealthMaintenance(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioDefault(), &tl, CheckMaintenance)
	tl.require(t, "maintenance toggles", tl.Maint)
}

// TestHealthResync: the catalog agrees with the agent's view — exactly
// after every full resync, in statuses after every input's syncs — and at
// the end every check shows what its runner last reported.
func TestHealthResync(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioDefault(), &tl, CheckAgreement)
	tl.require(t, "resyncs", tl.Resyncs)
	tl.require(t, "reaped services", tl.Reaped)
}

// TestHealthReplay: the recorded log replays from index 1 into a fresh
// catalog to exactly the live state (and through a snapshot).
func TestHealthReplay(t *testing.T) {
	healthSeeds(t, HealthScenarioDefault(), nil, CheckReplay)
}

// TestHealthDeterminism: a seed gives a byte-identical trace twice, and
// different seeds give different traces.
func TestHealthDeterminism(t *testing.T) {
	sc := HealthScenarioLossy()
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		var p Problems
		a, b := sc.Run(seed), sc.Run(seed)
		if x, y := a.Sim.Trace().String(), b.Sim.Trace().String(); x != y {
			p.add(nil, "two runs of seed %d differ first at line %d", seed, firstDiff(x, y))
		}
		if c := sc.Run(seed + 1000); c.Sim.Trace().String() == a.Sim.Trace().String() {
			p.add(nil, "seeds %d and %d gave the same trace", seed, seed+1000)
		}
		return a.asRun(), p
	})
}

// TestHealthAntiEntropy: with lost sync proposals, a full resync repairs
// the catalog — it agrees exactly with the agent after every complete
// resync, and maintenance is honoured then.
func TestHealthAntiEntropy(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioLossy(), &tl, func(h *HealthRun) Problems {
		return append(CheckAgreement(h), CheckMaintenance(h)...)
	})
	tl.require(t, "lost proposals", tl.Lost)
}

// TestHealthRestartRace: a check re-registered with a changed definition
// gets a new runner that starts over at the initial status; the catalog
// must not take a status from the old runner once the agent has replaced
// it. On a slow disk the re-registration waits in the agent's mailbox
// while the old runner still probes, and its report lands after the
// restart.
func TestHealthRestartRace(t *testing.T) {
	var tl healthTally
	healthSeeds(t, HealthScenarioSlowDisk(), &tl, func(h *HealthRun) Problems {
		return append(CheckStatusChanges(h), CheckAgreement(h)...)
	})
	tl.require(t, "runner restarts", tl.Restarts)
}

// TestHealthCheckersCatchSabotage: each checker reports its rule being
// broken on purpose in the adapters, in some of the first 20 seeds.
func TestHealthCheckersCatchSabotage(t *testing.T) {
	cases := []struct {
		sabotage string
		checker  func(*HealthRun) Problems
		want     string // a problem prefix
	}{
		{"no-thresholds", CheckHysteresis, "hysteresis:"},
		{"no-thresholds", CheckStatusChanges, "status change:"},
		{"ttl-early", CheckTTLExpiry, "ttl:"},
		{"ttl-early", CheckStatusChanges, "status change:"},
		{"ttl-late", CheckTTLExpiry, "ttl:"},
		{"drop-maint-dereg", CheckMaintenance, "maintenance:"},
		{"drop-maint-dereg", CheckAgreement, "agreement:"},
		{"resync-no-output", CheckAgreement, "agreement:"},
		{"sync-reordered", CheckAgreement, "agreement:"},
		{"unlogged-write", CheckReplay, "replay:"},
	}
	for _, c := range cases {
		t.Run(c.sabotage+"/"+strings.TrimSuffix(strings.Fields(c.want)[0], ":"), func(t *testing.T) {
			t.Parallel()
			sc := HealthScenarioDefault()
			sc.Options.sabotage = c.sabotage
			caught := 0
			for seed := int64(1); seed <= 20; seed++ {
				h := sc.Run(seed)
				for _, p := range c.checker(h) {
					if strings.Contains(p, " "+c.want) {
						caught++
						break
					}
				}
			}
			if caught == 0 {
				t.Errorf("sabotage %q went unnoticed by the %s checker in 20 seeds", c.sabotage, c.want)
			}
		})
	}
}
