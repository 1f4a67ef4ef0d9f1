package testkit

import (
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// TestCheckersCatchSabotage shows every checker can fail: each case breaks
// one rule in the simulated server on purpose and requires the checker
// meant to guard that rule to report it (on most of the first ten seeds,
// with the expected wording), so a checker that silently stops checking
// fails here.
func TestCheckersCatchSabotage(t *testing.T) {
	cases := []struct {
		name  string
		sc    func() Scenario
		check func(*Run, *Model) Problems
		want  string
	}{
		{"router drops Changed: reads go stale", withSabotage(KVScenario, sabotageDropChanged), CheckReads, "matches no state"},
		{"router drops Changed: watchers never wake", withSabotage(WatchScenario, sabotageDropChanged), CheckBlocking, "lost wake-up"},
		{"blocking Gets ignore MinIndex", withSabotage(WatchScenario, sabotageNoBlocking), CheckBlocking, "spurious wake-up"},
		{"log forgets acknowledged writes", withSabotage(KVScenario, sabotageForgetWrite), CheckWrites, "not this write"},
		{"log forgets acknowledged writes: durability", withSabotage(KVScenario, sabotageForgetWrite), CheckDurability, "acknowledged write lost"},
		{"tree stores Parked() over queued watches", withSabotage(treeRaceScenario, sabotageStoreParked), CheckBlocking, "lost wake-up"},
		{"reads from a stale copy", StaleReadScenario, CheckReads, "matches no state"},
		{"reads from a stale copy: porcupine", StaleReadScenario, func(r *Run, _ *Model) Problems {
			var p Problems
			if res, _ := CheckLinearizable(r, porcupineTimeout); res == porcupine.Illegal {
				p.add(nil, "porcupine: Illegal")
			}
			return p
		}, "Illegal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const runs = 10
			caught := 0
			for seed := int64(1); seed <= runs; seed++ {
				r := tc.sc().Run(seed)
				for _, s := range tc.check(r, Replay(r.Cluster.Log().Entries())) {
					if strings.Contains(s, tc.want) {
						caught++
						break
					}
				}
			}
			if caught < runs/2 {
				t.Fatalf("the checker reported %q on only %d of %d sabotaged runs", tc.want, caught, runs)
			}
		})
	}
}

func withSabotage(sc func() Scenario, s sabotage) func() Scenario {
	return func() Scenario {
		x := sc()
		x.Options.sabotage = s
		x.FinalReads = true
		return x
	}
}

// treeRaceScenario drives, with fixed delays, the one interleaving in which
// the old prefix-watch count protocol (the tree adapter stored Parked() as
// Router.watching after every message) hid a new watch from the router:
//
//	10.0ms  op3 watches "a/" from index 1; 10.7ms op4 from index 2
//	12.6ms  a/y is committed at index 2: the tree is told (watching=2)
//	13ms    the tree takes op3: its view is at 2 > 1, so it answers at once;
//	23ms    ... and stores Parked()=0, over op4's pending +1
//	35ms    the tree takes op4: view at 2, parks it
//	36ms    a/x is committed at index 3: watching=0, so the tree is not told
//	45ms    ... the tree stores Parked()=1: too late, index 3 was missed
//
// op4 then slept until its deadline although "a/" changed at 36ms. With the
// adjusted count (production now) watching is still 1 at 36ms, and op4
// wakes at index 3.
func treeRaceScenario() Scenario {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	fixed := func(d time.Duration) [2]time.Duration { return [2]time.Duration{d, d} }
	return Scenario{
		Name: "tree-race",
		Options: Options{
			Log:          LogOptions{NetDelay: fixed(ms(1)), CommitDelay: fixed(ms(1))},
			MailboxDelay: fixed(ms(1)), ClientDelay: fixed(ms(1)), TreeRace: fixed(ms(10)),
		},
		Script: func(r *Run) {
			r.Do(0, &Op{Client: 1, Kind: Put, Key: "a/x"})
			r.Do(ms(8.6), &Op{Client: 1, Kind: Put, Key: "a/y"})
			r.Do(ms(10), &Op{Client: 2, Kind: Watch, Key: "a/", MinIndex: 1, Wait: ms(500)})
			r.Do(ms(10.7), &Op{Client: 3, Kind: Watch, Key: "a/", MinIndex: 2, Wait: ms(500)})
			r.Do(ms(33), &Op{Client: 1, Kind: Put, Key: "a/x"})
		},
	}
}

// TestTreeWatchingRace is the regression test of the prefix-watch count
// race testkit found in actors/kv (fixed there: the tree adapter adjusts
// Router.watching instead of storing Parked(), which erased the +1 that
// Router.Watch added for a watch still queued): in the scripted
// interleaving every watch must wake for the change under its prefix. The
// fixed delays make every seed take the same path (the seed only breaks
// ties); TestCheckersCatchSabotage shows the old protocol fails it.
func TestTreeWatchingRace(t *testing.T) {
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := treeRaceScenario().Run(seed)
		m := Replay(r.Cluster.Log().Entries())
		p := append(CheckLiveness(r), CheckBlocking(r, m)...)
		// Not only "no checker complains": the queued watch must have
		// parked and then been woken by the entry applied in the window.
		if op := r.History[3]; op.ID != 4 || !op.Done || op.Answer.Result.Index != 3 || !op.Answer.At.Before(op.Answer.Deadline) {
			p.add(op, "want the queued watch op4 woken at index 3 before its deadline")
		}
		return r, p
	})
}
