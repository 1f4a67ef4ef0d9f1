package testkit

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

const porcupineTimeout = 20 * time.Second

var vizDir = flag.String("viz", "", "write porcupine's HTML visualization of non-linearizable histories to this directory")

func checkPorcupine(r *Run) Problems {
	var p Problems
	switch res, info := CheckLinearizable(r, porcupineTimeout); res {
	case porcupine.Illegal:
		p.add(nil, "porcupine: history is not linearizable")
		if *vizDir != "" {
			path := filepath.Join(*vizDir, fmt.Sprintf("%s-seed-%d.html", r.Scenario.Name, r.Seed))
			if err := porcupine.VisualizePath(RegisterModel, info, path); err != nil {
				p.add(nil, "porcupine visualization: %v", err)
			} else {
				p.add(nil, "porcupine visualization: %s", path)
			}
		}
	case porcupine.Unknown:
		p.add(nil, "porcupine: no verdict within %v (history too ambiguous?)", porcupineTimeout)
	}
	return p
}

// TestLinearizable records a concurrent history of puts, CAS puts,
// deletes, CAS deletes and (blocking) gets on a few keys, with ambiguous
// writes from a faulty log and a leader change, and checks it with
// porcupine against a per-key register model.
func TestLinearizable(t *testing.T) {
	var all tally
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := LinearScenario().Run(seed)
		all.add(r.Stats())
		return r, append(CheckLiveness(r), checkPorcupine(r)...)
	})
	t.Logf("%d runs: %v", all.runs, all.Stats)
	all.require(t, "an ambiguous write", all.Ambiguous)
}

// TestLinearizableCatchesStaleReads shows the checker can fail: the same
// workload against a read path that answers from a 300ms-old copy of the
// state must be reported Illegal for every seed.
func TestLinearizableCatchesStaleReads(t *testing.T) {
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := StaleReadScenario().Run(seed)
		var p Problems
		if res, _ := CheckLinearizable(r, porcupineTimeout); res != porcupine.Illegal {
			p.add(nil, "porcupine said %s for reads from a stale copy, want Illegal", res)
		}
		return r, p
	})
}

// TestRegisterModel pins the porcupine model down on small histories.
func TestRegisterModel(t *testing.T) {
	put := func(client int, v string, call, ret int64, idx uint64) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: lzInput{Kind: Put, Key: "k", Value: v},
			Output: lzOutput{OK: true, Index: idx}, Call: call, Return: ret}
	}
	ambiguous := func(client int, in lzInput, call int64) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: in, Output: lzOutput{Unknown: true}, Call: call, Return: math.MaxInt64}
	}
	get := func(client int, v string, idx uint64, call, ret int64) porcupine.Operation {
		out := lzOutput{Found: v != "", Value: v, Index: idx}
		return porcupine.Operation{ClientId: client, Input: lzInput{Kind: Get, Key: "k"}, Output: out, Call: call, Return: ret}
	}
	cas := func(client int, v string, casIdx uint64, ok bool, idx uint64, call, ret int64) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: lzInput{Kind: CASPut, Key: "k", Value: v, CAS: casIdx},
			Output: lzOutput{OK: ok, Index: idx}, Call: call, Return: ret}
	}
	cases := []struct {
		name string
		h    []porcupine.Operation
		want bool
	}{
		{"read your write", []porcupine.Operation{put(0, "a", 0, 10, 1), get(1, "a", 1, 11, 12)}, true},
		{"stale read after write", []porcupine.Operation{put(0, "a", 0, 10, 1), get(1, "", 0, 11, 12)}, false},
		{"concurrent read may miss", []porcupine.Operation{put(0, "a", 0, 10, 1), get(1, "", 0, 5, 12)}, true},
		{"ambiguous write may be seen", []porcupine.Operation{ambiguous(0, lzInput{Kind: Put, Key: "k", Value: "a"}, 0), get(1, "a", 7, 20, 30)}, true},
		{"ambiguous write may be missed", []porcupine.Operation{ambiguous(0, lzInput{Kind: Put, Key: "k", Value: "a"}, 0), get(1, "", 0, 20, 30)}, true},
		{"ambiguous write cannot be unseen", []porcupine.Operation{ambiguous(0, lzInput{Kind: Put, Key: "k", Value: "a"}, 0), get(1, "a", 7, 20, 30), get(1, "", 0, 40, 50)}, false},
		{"cas on the read index wins", []porcupine.Operation{put(0, "a", 0, 10, 1), get(1, "a", 1, 11, 12), cas(1, "b", 1, true, 3, 13, 14)}, true},
		{"cas on a stale index cannot win", []porcupine.Operation{put(0, "a", 0, 10, 1), put(0, "b", 11, 12, 2), cas(1, "c", 1, true, 3, 13, 14)}, false},
		{"cas learns an ambiguous write's index", []porcupine.Operation{ambiguous(0, lzInput{Kind: Put, Key: "k", Value: "a"}, 0), get(1, "a", 5, 20, 30), cas(1, "b", 4, true, 6, 31, 32)}, false},
		{"cas 0 creates only", []porcupine.Operation{put(0, "a", 0, 10, 1), cas(1, "b", 0, true, 2, 11, 12)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := porcupine.CheckOperations(RegisterModel, tc.h); got != tc.want {
				t.Fatalf("linearizable = %v, want %v", got, tc.want)
			}
		})
	}
}
