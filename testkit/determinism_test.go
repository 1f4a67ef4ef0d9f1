package testkit

import (
	"strings"
	"testing"
)

// TestDeterminism runs each seed twice and requires byte-identical traces
// (and different traces for different seeds): replaying a seed must replay
// the failure.
func TestDeterminism(t *testing.T) {
	scenarios := []Scenario{FaultScenario(), WatchScenario()}
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		var p Problems
		var last *Run
		for _, sc := range scenarios {
			a, b := sc.Run(seed), sc.Run(seed)
			last = a
			if x, y := a.Sim.Trace().String(), b.Sim.Trace().String(); x != y {
				p.add(nil, "scenario %s: two runs of seed %d differ first at line %d", sc.Name, seed, firstDiff(x, y))
			}
			if c := sc.Run(seed + 1000); c.Sim.Trace().String() == a.Sim.Trace().String() {
				p.add(nil, "scenario %s: seeds %d and %d gave the same trace", sc.Name, seed, seed+1000)
			}
		}
		return last, p
	})
}

func firstDiff(a, b string) int {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(x), len(y)) {
		if x[i] != y[i] {
			return i + 1
		}
	}
	return min(len(x), len(y)) + 1
}
