package testkit

import (
	"fmt"
	"strings"
	"testing"
)

func runAggregateSeeds(t *testing.T, o AggregateOptions) {
	t.Helper()
	name := t.Name()
	for _, seed := range seeds() {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			trace, p := RunAggregates(seed, o)
			if len(p) > 0 {
				tail := trace
				if !*traceFlag && len(tail) > traceTail {
					tail = tail[len(tail)-traceTail:]
				}
				t.Errorf("%d problem(s) with seed %d:\n  %s\nreproduce with: go test ./testkit -run '^%s$' -seed=%d\ntrace:\n%s",
					len(p), seed, strings.Join(p[:min(len(p), 25)], "\n  "), name, seed, strings.Join(tail, "\n"))
			}
		})
	}
}

// TestAggregates: service aggregates fed only the services an apply
// touched answer every parked query on time, never spuriously, with the
// current health view, and end equal to a replay of the log.
func TestAggregates(t *testing.T) {
	runAggregateSeeds(t, AggregateOptions{Steps: 400, Watchers: 12})
}

// TestAggregatesDeterminism: a seed's trace is the same every run.
func TestAggregatesDeterminism(t *testing.T) {
	a, _ := RunAggregates(7, AggregateOptions{Steps: 300, Watchers: 8})
	b, _ := RunAggregates(7, AggregateOptions{Steps: 300, Watchers: 8})
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatal("same seed, different traces")
	}
}

// TestAggregatesCatchSabotage: routing Changed to only one of the touched
// services (a node-level change touches several) must be caught.
func TestAggregatesCatchSabotage(t *testing.T) {
	caught := 0
	for seed := int64(1); seed <= 20; seed++ {
		if _, p := RunAggregates(seed, AggregateOptions{Steps: 400, Watchers: 12, sabotage: "first-touch-only"}); len(p) > 0 {
			caught++
		}
	}
	if caught == 0 {
		t.Fatal("the checkers missed a routing that drops touched services in 20 seeds")
	}
}
