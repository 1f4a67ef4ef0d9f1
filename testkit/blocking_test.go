package testkit

import "testing"

// TestBlockingQueries parks blocking Gets on keys and blocking listings on
// prefixes while writers change some of them, and checks that a watcher
// wakes only for a change to its own key (or under its own prefix) past its
// index, answering with that change; that no change applied before a
// deadline is missed (no lost wake-up); and that deadlines are honoured.
func TestBlockingQueries(t *testing.T) {
	var all tally
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := WatchScenario().Run(seed)
		m := Replay(r.Cluster.Log().Entries())
		all.add(r.Stats())
		p := CheckLiveness(r)
		p = append(p, CheckReads(r, m)...)
		p = append(p, CheckBlocking(r, m)...)
		return r, p
	})
	t.Logf("%d runs: %v", all.runs, all.Stats)
	all.require(t, "a blocking query woken by a change", all.Woken)
	all.require(t, "a blocking query answered at its deadline", all.Deadline)
}
