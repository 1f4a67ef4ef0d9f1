package catalog

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	sm "github.com/lni/dragonboat/v4/statemachine"
	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
	"github.com/consuld/consuld/fsm/fsmtest"
)

var _ sm.IConcurrentStateMachine = (*SM)(nil)

// The shared helpers (fsm/fsmtest) under the names these tests use.
type recordingSink = fsmtest.Recorder[*State]

func newRecorded() (*SM, *recordingSink) { return fsmtest.NewRecorded(Kind) }

var (
	enc        = fsmtest.Enc
	unknownCmd = fsmtest.UnknownCmd
	entriesOf  = fsmtest.EntriesOf
)

func TestSMUpdate(t *testing.T) {
	m, sink := newRecorded()
	if s := m.Current(); s.Applied() != 0 || len(nodesOf(s)) != 0 {
		t.Fatal("new SM is not empty")
	}
	batch := []sm.Entry{
		{Index: 1, Cmd: enc(t, regS("n1", svc("w1", "web"), schk("c1", "w1"), nchk("c0")))}, // applied
		{Index: 2, Cmd: enc(t, regC("n1", schk("c2", "missing")))},                          // rejected
		{Index: 3, Cmd: enc(t, deregN("n9"))},                                               // skipped
		{Index: 4},                                                                          // dragonboat no-op
		{Index: 5, Cmd: unknownCmd(true)},                                                   // unknown, ignorable
		{Index: 6, Cmd: enc(t, upd("n1", "c1", StatusPassing, "ok"))},                       // applied
		{Index: 7, Cmd: enc(t, &events.KeyWritten{Key: "k"})},                               // another shard's: skipped
		{Index: 8, Cmd: enc(t, deregC("n1", "c0"))},                                         // applied
	}
	want := []events.Outcome{events.OutcomeApplied, events.OutcomeRejected, events.OutcomeSkipped, events.OutcomeSkipped,
		events.OutcomeSkipped, events.OutcomeApplied, events.OutcomeSkipped, events.OutcomeApplied}
	out, err := m.Update(batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(batch) {
		t.Fatalf("Update returned %d entries, want %d", len(out), len(batch))
	}
	for i, e := range out {
		idx, o := fsm.Unpack(e.Result.Value)
		if idx != e.Index || o != want[i] {
			t.Errorf("entry %d: result %d/%v, want %d/%v", e.Index, idx, o, e.Index, want[i])
		}
	}
	if len(sink.Calls) != len(batch) {
		t.Fatalf("sink got %d calls, want %d", len(sink.Calls), len(batch))
	}
	for i, c := range sink.Calls {
		switch {
		case c.Restored || c.Shard != events.ShardCatalog:
			t.Errorf("call %d: %+v", i, c)
		case c.Index != batch[i].Index:
			t.Errorf("call %d: index %d, want %d (index order)", i, c.Index, batch[i].Index)
		case c.Outcome != want[i]:
			t.Errorf("call %d: outcome %v, want %v", i, c.Outcome, want[i])
		case c.Published != 8:
			// The whole batch is published before the sink hears of it.
			t.Errorf("call %d at index %d: published state at %d, want 8", i, c.Index, c.Published)
		}
	}
	for _, i := range []int{3, 4} {
		if sink.Calls[i].Ev != nil {
			t.Errorf("call %d: event %v, want nil", i, sink.Calls[i].Ev)
		}
	}
	if ev, ok := sink.Calls[5].Ev.(*events.CheckStatusUpdated); !ok || !proto.Equal(ev, upd("n1", "c1", StatusPassing, "ok")) {
		t.Errorf("call 5: event %v", sink.Calls[5].Ev)
	}
	s := m.Current()
	if s.Applied() != 8 || s.NodesIndex() != 1 || s.ServicesIndex() != 1 || s.ChecksIndex() != 8 {
		t.Fatalf("applied %d, table indexes %d/%d/%d", s.Applied(), s.NodesIndex(), s.ServicesIndex(), s.ChecksIndex())
	}
	if s.ServiceIndex("web") != 8 || s.NodeIndex("n1") != 8 {
		t.Fatalf("ServiceIndex(web) %d NodeIndex(n1) %d", s.ServiceIndex("web"), s.NodeIndex("n1"))
	}
	if c, _ := s.Check("n1", "c1"); c == nil || c.Status != StatusPassing || c.ModifyIndex != 6 {
		t.Fatalf("check c1 %v", c)
	}
	if got, _ := m.Lookup(nil); got != s {
		t.Fatalf("Lookup = %v, want the current state", got)
	}

	// A no-op alone still advances Applied and is reported without event.
	out, err = m.Update([]sm.Entry{{Index: 9, Cmd: []byte{}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Current().Applied() != 9 || m.Current().ChecksIndex() != 8 {
		t.Fatalf("after a no-op: applied %d checks %d", m.Current().Applied(), m.Current().ChecksIndex())
	}
	if idx, o := fsm.Unpack(out[0].Result.Value); idx != 9 || o != events.OutcomeSkipped {
		t.Fatalf("no-op result %d/%v", idx, o)
	}
	if c := sink.Calls[len(sink.Calls)-1]; c.Index != 9 || c.Ev != nil || c.Outcome != events.OutcomeSkipped || c.Published != 9 {
		t.Fatalf("no-op sink call %+v", c)
	}
}

// TestSMUpdateMatchesApply: the machine over any batching is the pure
// apply, one Txn per entry.
func TestSMUpdateMatchesApply(t *testing.T) {
	evs := []events.Event{
		regS("n1", svc("w1", "web"), schk("c1", "w1")), regS("n2", svc("w2", "web")), nil,
		upd("n1", "c1", StatusWarning, "slow"), regS("n1", svc("w1", "api")), regC("n2", schk("x", "nope")),
		deregS("n1", "w1"), regC("n2", nchk("c0")), deregN("n2"), regN("n3"),
	}
	want, _ := applySeq(Empty(), 1, evs...)
	entries := entriesOf(t, 1, evs...)
	for _, cuts := range [][]int{{}, {1}, {2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		m, _ := newRecorded()
		from := 0
		for _, c := range append(cuts, len(entries)) {
			if _, err := m.Update(entries[from:c]); err != nil {
				t.Fatal(err)
			}
			from = c
		}
		requireEqualStates(t, m.Current(), want)
	}
}

func TestSMUpdateErrors(t *testing.T) {
	good := enc(t, regN("n1"))
	corruptPayload := append(bytes.Clone(good[:3]), 0xff, 0xff, 0xff)
	futureVersion := bytes.Clone(good)
	futureVersion[0] = events.Version + 1
	for _, tc := range []struct {
		name string
		cmd  []byte
	}{
		{"unknown type", unknownCmd(false)},
		{"future envelope version", futureVersion},
		{"short envelope", []byte{events.Version}},
		{"corrupt payload", corruptPayload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, sink := newRecorded()
			if _, err := m.Update(entriesOf(t, 1, regN("n0"))); err != nil {
				t.Fatal(err)
			}
			before, calls := m.Current(), len(sink.Calls)
			batch := []sm.Entry{{Index: 2, Cmd: good}, {Index: 3, Cmd: tc.cmd}}
			if _, err := m.Update(batch); err == nil {
				t.Fatal("Update accepted an entry it cannot apply")
			}
			// A failed batch publishes nothing and tells the sink nothing.
			if m.Current() != before || len(sink.Calls) != calls {
				t.Fatalf("failed batch leaked: applied %d, %d new sink calls", m.Current().Applied(), len(sink.Calls)-calls)
			}
			if _, ok := m.Current().Node("n1"); ok {
				t.Fatal("the good entry of a failed batch was published")
			}
		})
	}
}

func TestSMSnapshotRoundTrip(t *testing.T) {
	m, _ := newRecorded()
	evs := []events.Event{
		regS("n1", svc("w1", "web", "t"), schk("c1", "w1"), nchk("c0")), regS("n2", svc("w2", "web")),
		upd("n1", "c0", StatusPassing, "alive"), regS("n2", svc("d1", "db")), deregS("n2", "w2"), nil,
	}
	if _, err := m.Update(entriesOf(t, 10, evs...)); err != nil {
		t.Fatal(err)
	}
	ctx, err := m.PrepareSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Updates after PrepareSnapshot do not leak into the saved snapshot.
	late := entriesOf(t, 16, regS("n3", svc("late", "late")))
	if _, err := m.Update(late); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.SaveSnapshot(ctx, &buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	m2, sink2 := newRecorded()
	if err := m2.RecoverFromSnapshot(bytes.NewReader(buf.Bytes()), nil, nil); err != nil {
		t.Fatal(err)
	}
	requireEqualStates(t, m2.Current(), ctx.(*State))
	if m2.Current().Applied() != 15 {
		t.Fatalf("restored applied %d, want 15", m2.Current().Applied())
	}
	if _, ok := m2.Current().Node("n3"); ok {
		t.Fatal("an update after PrepareSnapshot is in the snapshot")
	}
	if len(sink2.Calls) != 1 || !sink2.Calls[0].Restored || sink2.Calls[0].Index != 15 ||
		sink2.Calls[0].Shard != events.ShardCatalog || sink2.Calls[0].Published != 15 {
		t.Fatalf("sink calls %+v, want one Restored(catalog, 15) after publishing", sink2.Calls)
	}
	// The restored SM carries on applying, to the same state.
	if _, err := m2.Update(late); err != nil {
		t.Fatal(err)
	}
	requireEqualStates(t, m2.Current(), m.Current())
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSMRecoverFromCorruptSnapshot(t *testing.T) {
	m, sink := newRecorded()
	if _, err := m.Update(entriesOf(t, 1, regN("n1"))); err != nil {
		t.Fatal(err)
	}
	before := m.Current()
	good := snapshotBytes(t, mustSeq(t, Empty(), 1, regS("other", svc("w", "web"))))
	for _, b := range [][]byte{good[:len(good)-1], nil, append([]byte("csd-kv\x00\x00"), good[8:]...)} {
		if err := m.RecoverFromSnapshot(bytes.NewReader(b), nil, nil); err == nil {
			t.Fatalf("recovered from %q", b)
		}
	}
	if m.Current() != before || len(sink.Calls) != 1 {
		t.Fatalf("a failed recovery replaced state or told the sink: %+v", sink.Calls)
	}
}

// TestSMConcurrentReadersAndSnapshot reads and saves a published state on
// other goroutines while Update keeps applying on top of it (run with
// -race): the saved bytes and every read still describe the state as
// published.
func TestSMConcurrentReadersAndSnapshot(t *testing.T) {
	m := New(fsm.Discard{})
	var evs []events.Event
	for i := range 50 {
		node := fmt.Sprintf("n%02d", i)
		evs = append(evs, regS(node, svc("w", "web"), schk("c", "w"), nchk("serf")))
	}
	if _, err := m.Update(entriesOf(t, 1, evs...)); err != nil {
		t.Fatal(err)
	}
	ctx, err := m.PrepareSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	pinned := ctx.(*State)
	want := snapshotBytes(t, pinned)

	var wg sync.WaitGroup
	var saved bytes.Buffer
	var saveErr error
	readErrs := make(chan error, 1)
	wg.Add(2)
	go func() {
		defer wg.Done()
		saveErr = m.SaveSnapshot(ctx, &saved, nil, nil)
	}()
	go func() {
		defer wg.Done()
		for range 50 {
			if n := len(instancesOf(pinned, "web")); n != 50 || pinned.ServiceIndex("web") != 50 || len(checksOf(pinned)) != 100 {
				readErrs <- fmt.Errorf("published state changed under a reader: %d instances", n)
				return
			}
		}
	}()
	next := uint64(51)
	for i := range 50 {
		node := fmt.Sprintf("n%02d", i)
		b := entriesOf(t, next, upd(node, "c", StatusPassing, "ok"), regS(node, svc("w", "api")), deregC(node, "serf"), deregN(fmt.Sprintf("n%02d", 49-i)))
		next += uint64(len(b))
		if _, err := m.Update(b); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(readErrs)
	if err := <-readErrs; err != nil {
		t.Fatal(err)
	}
	if saveErr != nil {
		t.Fatal(saveErr)
	}
	if !bytes.Equal(saved.Bytes(), want) {
		t.Fatal("the snapshot saved concurrently with updates differs from the state prepared")
	}
	if got := snapshotBytes(t, pinned); !bytes.Equal(got, want) {
		t.Fatal("the prepared state changed")
	}
}
