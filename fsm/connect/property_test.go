package connect

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/consuld/consuld/events"
)

// event draws a no-op entry, a valid initializer for one of a few roots,
// or an invalid one.
func event(t *rapid.T) events.Event {
	switch rapid.IntRange(0, 5).Draw(t, "kind") {
	case 0:
		return nil
	case 1:
		ev := initEv(rapid.SampledFrom([]string{"a", "b"}).Draw(t, "id"))
		ev.ClusterId = ""
		return ev
	case 2:
		return &events.CARootsInitialized{}
	}
	return initEv(rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "id"))
}

// TestPropertyFirstValidRootWins: whatever the log, the state holds exactly
// the first valid initializer's root (stamped with its index), every later
// initializer is Skipped, invariants hold, and the state survives a
// snapshot and any split of the log into batches.
func TestPropertyFirstValidRootWins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := rapid.SliceOfN(rapid.Custom(event), 0, 12).Draw(t, "events")
		first := rapid.Uint64Range(1, 1000).Draw(t, "first")
		outs, s := apply(Empty(), first, evs...)

		var winner string
		var winIdx uint64
		for i, ev := range evs {
			init, ok := ev.(*events.CARootsInitialized)
			valid := ok && init.Root != nil && init.ClusterId != ""
			want := events.OutcomeSkipped
			switch {
			case ok && !valid:
				want = events.OutcomeRejected
			case valid && winner == "":
				want, winner, winIdx = events.OutcomeApplied, init.Root.Id, first+uint64(i)
			}
			if outs[i] != want {
				t.Fatalf("entry %d (%v): outcome %v, want %v", i, ev, outs[i], want)
			}
		}
		if s.ActiveRootID() != winner || s.RootsIndex() != winIdx {
			t.Fatalf("active %q at %d, want %q at %d", s.ActiveRootID(), s.RootsIndex(), winner, winIdx)
		}
		if len(evs) > 0 && s.Applied() != first+uint64(len(evs))-1 {
			t.Fatalf("applied %d", s.Applied())
		}
		if bad := invariants(s); len(bad) > 0 {
			t.Fatalf("invariants: %q", bad)
		}
		requireEqual(t, roundTrip(t, s), s)

		// Any split into batches (each its own Txn) gives the same state.
		cur, i := Empty(), 0
		for i < len(evs) {
			n := rapid.IntRange(1, len(evs)-i).Draw(t, "batch")
			_, cur = apply(cur, first+uint64(i), evs[i:i+n]...)
			i += n
		}
		requireEqual(t, cur, s)
	})
}
