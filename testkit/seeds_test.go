package testkit

import (
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
)

var (
	seedFlag  = flag.Int64("seed", 0, "run only this seed (replays a failure exactly)")
	seedsFlag = flag.Int("seeds", 50, "without -seed, run seeds 1..N")
	traceFlag = flag.Bool("trace", false, "print a failing seed's whole trace, not only its tail")
)

const traceTail = 150

func seeds() []int64 {
	if *seedFlag != 0 {
		return []int64{*seedFlag}
	}
	out := make([]int64, *seedsFlag)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// forSeeds runs check once per seed, each as a parallel subtest "seed=N",
// and returns when all are done. check runs a simulation and returns it
// with what the checkers found; any problem fails the seed with its
// reproduce line and trace.
func forSeeds(t *testing.T, check func(t *testing.T, seed int64) (*Run, Problems)) {
	t.Helper()
	name := t.Name()
	t.Run("seeds", func(t *testing.T) {
		for _, seed := range seeds() {
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				r, p := check(t, seed)
				if len(p) > 0 {
					t.Error(failure(name, r, p))
				}
			})
		}
	})
}

func failure(test string, r *Run, p Problems, flags ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s) with seed %d:\n", len(p), r.Seed)
	for i, s := range p {
		if i == 25 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(p)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", s)
	}
	fmt.Fprintf(&b, "reproduce with: go test ./testkit -run '^%s$' -seed=%d%s\n", test, r.Seed, strings.Join(append([]string{""}, flags...), " "))
	tr := r.Sim.Trace()
	if *traceFlag || tr.Lines() <= traceTail {
		fmt.Fprintf(&b, "trace (%d lines):\n%s", tr.Lines(), tr.String())
	} else {
		fmt.Fprintf(&b, "trace, last %d of %d lines (-trace prints all):\n%s", traceTail, tr.Lines(), tr.Tail(traceTail))
	}
	return b.String()
}

// tally adds up Stats across seeds.
type tally struct {
	mu sync.Mutex
	Stats
	runs int
}

func (t *tally) add(s Stats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.runs++
	t.Ops += s.Ops
	t.Errors += s.Errors
	t.Ambiguous += s.Ambiguous
	t.Rejected += s.Rejected
	t.Woken += s.Woken
	t.Deadline += s.Deadline
	t.Spawns += s.Spawns
	t.DeadLetters += s.DeadLetters
	t.Entries += s.Entries
	t.LeaderChanges += s.LeaderChanges
}

// require fails t unless the runs (all seeds together) exercised what a
// scenario is for — a scenario that silently stops covering a path is a
// test that silently stops testing it. Skipped for a single -seed.
func (t *tally) require(tb testing.TB, what string, got int) {
	tb.Helper()
	if got == 0 && t.runs > 1 {
		tb.Errorf("%d runs never exercised %s", t.runs, what)
	}
}
