package connect

import (
	"bytes"
	"testing"

	sm "github.com/lni/dragonboat/v4/statemachine"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
	"github.com/consuld/consuld/fsm/fsmtest"
)

var _ sm.IConcurrentStateMachine = (*SM)(nil)

// The shared helpers (fsm/fsmtest).
func newRecorded() (*SM, *fsmtest.Recorder[*State]) { return fsmtest.NewRecorded(Kind) }

var enc = fsmtest.Enc

// TestMachineRacingInitializers: two servers' initializers land in one
// batch; the first wins, the result values say so, and the sink hears of
// each entry after the state including it was published.
func TestMachineRacingInitializers(t *testing.T) {
	m, rec := newRecorded()
	entries := []sm.Entry{{Index: 1}, {Index: 2, Cmd: enc(t, initEv("a"))}, {Index: 3, Cmd: enc(t, initEv("b"))}}
	out, err := m.Update(entries)
	if err != nil {
		t.Fatal(err)
	}
	wantOut := []events.Outcome{events.OutcomeSkipped, events.OutcomeApplied, events.OutcomeSkipped}
	for i, e := range out {
		idx, o := fsm.Unpack(e.Result.Value)
		if idx != e.Index || o != wantOut[i] {
			t.Fatalf("entry %d: result (%d, %v), want (%d, %v)", i, idx, o, e.Index, wantOut[i])
		}
	}
	if s := m.Current(); s.ActiveRootID() != "a" || s.Applied() != 3 {
		t.Fatalf("active %q applied %d", s.ActiveRootID(), s.Applied())
	}
	if len(rec.Calls) != 3 {
		t.Fatalf("sink calls %+v", rec.Calls)
	}
	for i, c := range rec.Calls {
		if c.Shard != events.ShardConnect || c.Index != uint64(i+1) || c.Outcome != wantOut[i] || c.Published != 3 {
			t.Fatalf("sink call %d: %+v", i, c)
		}
	}
	q, _ := m.Lookup(nil)
	if q.(*State) != m.Current() {
		t.Fatal("Lookup does not return the current state")
	}
}

func TestMachineSnapshotRecover(t *testing.T) {
	m, _ := newRecorded()
	if _, err := m.Update([]sm.Entry{{Index: 7, Cmd: enc(t, initEv("a"))}}); err != nil {
		t.Fatal(err)
	}
	ctx, err := m.PrepareSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.SaveSnapshot(ctx, &b, nil, nil); err != nil {
		t.Fatal(err)
	}
	m2, rec := newRecorded()
	if err := m2.RecoverFromSnapshot(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	requireEqual(t, m2.Current(), m.Current())
	if len(rec.Calls) != 1 || !rec.Calls[0].Restored || rec.Calls[0].Index != 7 || rec.Calls[0].Shard != events.ShardConnect {
		t.Fatalf("sink calls %+v", rec.Calls)
	}
}

// TestMachineUnknownEvent: an unknown non-ignorable event halts the replica
// and publishes nothing; an unknown ignorable one is skipped.
func TestMachineUnknownEvent(t *testing.T) {
	m, _ := newRecorded()
	unknown := enc(t, initEv("a"))
	unknown[1] = 120
	if _, err := m.Update([]sm.Entry{{Index: 1, Cmd: enc(t, initEv("a"))}, {Index: 2, Cmd: unknown}}); err == nil {
		t.Fatal("unknown event applied")
	}
	if m.Current().Applied() != 0 {
		t.Fatal("a failed batch was published")
	}
	unknown[2] = 1 // ignorable
	if _, err := m.Update([]sm.Entry{{Index: 1, Cmd: unknown}}); err != nil || m.Current().Applied() != 1 {
		t.Fatalf("ignorable: %v, applied %d", err, m.Current().Applied())
	}
}
