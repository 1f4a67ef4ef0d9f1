package testkit

import "testing"

// TestFaults runs the KV workload against a log that loses proposals,
// applies some only after their proposer timed out, loses some answers,
// and changes leader mid-run. Acknowledged writes must be in the log where
// they were told and survive into the final state, the committed log must
// not change across the leader change, no answer may contradict log order,
// and the history must stay linearizable.
func TestFaults(t *testing.T) {
	var all tally
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := FaultScenario().Run(seed)
		m := Replay(r.Cluster.Log().Entries())
		all.add(r.Stats())
		p := CheckLiveness(r)
		p = append(p, CheckWrites(r, m)...)
		p = append(p, CheckReads(r, m)...)
		p = append(p, CheckBlocking(r, m)...)
		p = append(p, CheckDurability(r, m)...)
		p = append(p, checkPorcupine(r)...)
		return r, p
	})
	t.Logf("%d runs: %v", all.runs, all.Stats)
	all.require(t, "an ambiguous write", all.Ambiguous)
	all.require(t, "a leader change", all.LeaderChanges)
}
