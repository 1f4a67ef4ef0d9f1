package testkit

import "testing"

// TestKVSemantics runs concurrent clients doing puts, CAS puts, deletes,
// CAS deletes, tree deletes, gets and listings, then replays the committed
// log into a plain map model and checks every answer against the model at
// its log position: acknowledged writes sit at the index they were told,
// with the CAS outcome the model decides; reads and listings return a state
// from their linearizable window; indexes never go backwards per client.
func TestKVSemantics(t *testing.T) {
	var all tally
	forSeeds(t, func(t *testing.T, seed int64) (*Run, Problems) {
		r := KVScenario().Run(seed)
		m := Replay(r.Cluster.Log().Entries())
		all.add(r.Stats())
		p := CheckLiveness(r)
		p = append(p, CheckWrites(r, m)...)
		p = append(p, CheckReads(r, m)...)
		p = append(p, CheckDurability(r, m)...)
		return r, p
	})
	t.Logf("%d runs: %v", all.runs, all.Stats)
	all.require(t, "a rejected CAS", all.Rejected)
	all.require(t, "a key actor re-hydrated after passivating", all.Spawns-4*all.runs)
}
