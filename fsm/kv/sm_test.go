package kv

import (
	"bytes"
	"encoding/binary"
	"errors"
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
)

func TestResultPacking(t *testing.T) {
	for _, o := range []events.Outcome{events.OutcomeApplied, events.OutcomeRejected, events.OutcomeSkipped} {
		for _, idx := range []uint64{0, 1, 12345, 1<<60 - 1} {
			gi, gotO := fsm.Unpack(fsm.Result(idx, o))
			if gi != idx || gotO != o {
				t.Fatalf("fsm.Unpack(Result(%d, %v)) = %d, %v", idx, o, gi, gotO)
			}
		}
	}
}

func TestSMUpdate(t *testing.T) {
	m, sink := newRecorded()
	if m.Current().Applied() != 0 || m.Current().Len() != 0 {
		t.Fatal("new SM is not empty")
	}
	batch := []sm.Entry{
		{Index: 1, Cmd: enc(t, put("a/b", "1"))},
		{Index: 2, Cmd: enc(t, cas("a/b", "2", 7))},  // rejected
		{Index: 3, Cmd: enc(t, del("missing"))},      // skipped
		{Index: 4},                                   // dragonboat no-op
		{Index: 5, Cmd: unknownCmd(true)},            // unknown, ignorable
		{Index: 6, Cmd: enc(t, cas("a/b", "3", 1))},  // applied
		{Index: 7, Cmd: enc(t, delTree("nothing/"))}, // skipped
	}
	want := []events.Outcome{events.OutcomeApplied, events.OutcomeRejected, events.OutcomeSkipped,
		events.OutcomeSkipped, events.OutcomeSkipped, events.OutcomeApplied, events.OutcomeSkipped}
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
		case c.Restored || c.Shard != events.ShardKV:
			t.Errorf("call %d: %+v", i, c)
		case c.Index != batch[i].Index:
			t.Errorf("call %d: index %d, want %d (index order)", i, c.Index, batch[i].Index)
		case c.Outcome != want[i]:
			t.Errorf("call %d: outcome %v, want %v", i, c.Outcome, want[i])
		case c.Published < c.Index:
			t.Errorf("call %d at index %d: published state only at %d", i, c.Index, c.Published)
		}
	}
	// Entries without an event carry nil; others carry the decoded event.
	for _, i := range []int{3, 4} {
		if sink.Calls[i].Ev != nil {
			t.Errorf("call %d: event %v, want nil", i, sink.Calls[i].Ev)
		}
	}
	if ev, ok := sink.Calls[5].Ev.(*events.KeyWritten); !ok || !proto.Equal(ev, cas("a/b", "3", 1)) {
		t.Errorf("call 5: event %v", sink.Calls[5].Ev)
	}
	s := m.Current()
	if s.Applied() != 7 || s.TableIndex() != 6 {
		t.Fatalf("applied %d table %d", s.Applied(), s.TableIndex())
	}
	wantEntry(t, s, "a/b", &events.Entry{Key: "a/b", Value: []byte("3"), CreateIndex: 1, ModifyIndex: 6})
	if got, _ := m.Lookup(nil); got != s {
		t.Fatalf("Lookup = %v, want the current state", got)
	}

	// Next batch: a no-op alone still advances Applied.
	out, err = m.Update([]sm.Entry{{Index: 8, Cmd: []byte{}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Current().Applied() != 8 || m.Current().TableIndex() != 6 {
		t.Fatalf("after a no-op: applied %d table %d", m.Current().Applied(), m.Current().TableIndex())
	}
	if idx, o := fsm.Unpack(out[0].Result.Value); idx != 8 || o != events.OutcomeSkipped {
		t.Fatalf("no-op result %d/%v", idx, o)
	}
	if c := sink.Calls[len(sink.Calls)-1]; c.Index != 8 || c.Ev != nil || c.Outcome != events.OutcomeSkipped {
		t.Fatalf("no-op sink call %+v", c)
	}
}

func TestSMUpdateMatchesApply(t *testing.T) {
	evs := []events.Event{put("a", "1"), put("b", "2"), cas("a", "x", 1), del("b"), delTree(""), put("c", "3")}
	m, _ := newRecorded()
	var batch []sm.Entry
	for i, ev := range evs {
		batch = append(batch, sm.Entry{Index: uint64(i + 1), Cmd: enc(t, ev)})
	}
	// Two batches.
	if _, err := m.Update(batch[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Update(batch[2:]); err != nil {
		t.Fatal(err)
	}
	want, _ := applySeq(Empty(), 1, evs...)
	requireEqualStates(t, m.Current(), want)
}

func TestSMUpdateErrors(t *testing.T) {
	corruptPayload := append(enc(t, put("k", "v"))[:3], 0xff, 0xff, 0xff)
	futureVersion := enc(t, put("k", "v"))
	futureVersion[0] = events.Version + 1
	futureIgnorable := bytes.Clone(futureVersion)
	futureIgnorable[2] = 1
	for _, tc := range []struct {
		name    string
		cmd     []byte
		wantErr bool
	}{
		{"unknown type", unknownCmd(false), true},
		{"unknown ignorable type", unknownCmd(true), false},
		{"future envelope version", futureVersion, true},
		{"future envelope version, ignorable", futureIgnorable, false},
		{"short envelope", []byte{events.Version}, true},
		{"corrupt payload", corruptPayload, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, sink := newRecorded()
			if _, err := m.Update([]sm.Entry{{Index: 1, Cmd: enc(t, put("k", "v"))}}); err != nil {
				t.Fatal(err)
			}
			before, calls := m.Current(), len(sink.Calls)
			batch := []sm.Entry{{Index: 2, Cmd: enc(t, put("x", "1"))}, {Index: 3, Cmd: tc.cmd}}
			out, err := m.Update(batch)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("Update: %v", err)
				}
				if idx, o := fsm.Unpack(out[1].Result.Value); idx != 3 || o != events.OutcomeSkipped {
					t.Fatalf("result %d/%v, want 3/skipped", idx, o)
				}
				if m.Current().Applied() != 3 || len(sink.Calls) != calls+2 || sink.Calls[calls+1].Ev != nil {
					t.Fatalf("applied %d, sink calls %d", m.Current().Applied(), len(sink.Calls)-calls)
				}
				return
			}
			if err == nil {
				t.Fatal("Update accepted an entry it cannot apply")
			}
			// A failed batch publishes nothing and tells the sink nothing:
			// the replica halts rather than diverge.
			if m.Current() != before || len(sink.Calls) != calls {
				t.Fatalf("failed batch leaked: applied %d, %d new sink calls", m.Current().Applied(), len(sink.Calls)-calls)
			}
		})
	}
}

func TestSMSnapshotRoundTrip(t *testing.T) {
	m, _ := newRecorded()
	var batch []sm.Entry
	for i, ev := range []events.Event{put("a/b", "1"), putFlags("a/c", "2", 9), del("a/b"), put("z", ""), nil} {
		var cmd []byte
		if ev != nil {
			cmd = enc(t, ev)
		}
		batch = append(batch, sm.Entry{Index: uint64(10 + i), Cmd: cmd})
	}
	if _, err := m.Update(batch); err != nil {
		t.Fatal(err)
	}
	ctx, err := m.PrepareSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Updates after PrepareSnapshot do not leak into the saved snapshot.
	if _, err := m.Update([]sm.Entry{{Index: 15, Cmd: enc(t, put("late", "x"))}}); err != nil {
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
	if m2.Current().Applied() != 14 {
		t.Fatalf("restored applied %d, want 14", m2.Current().Applied())
	}
	if e, _ := m2.Current().Get("late"); e != nil {
		t.Fatal("an update after PrepareSnapshot is in the snapshot")
	}
	if len(sink2.Calls) != 1 || !sink2.Calls[0].Restored || sink2.Calls[0].Index != 14 ||
		sink2.Calls[0].Shard != events.ShardKV || sink2.Calls[0].Published != 14 {
		t.Fatalf("sink calls %+v, want one Restored(kv, 14) after publishing", sink2.Calls)
	}
	// The restored SM carries on applying.
	if _, err := m2.Update([]sm.Entry{{Index: 15, Cmd: enc(t, put("late", "x"))}}); err != nil {
		t.Fatal(err)
	}
	requireEqualStates(t, m2.Current(), m.Current())
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSMConcurrentReadersAndSnapshot reads and saves a published state on
// other goroutines while Update keeps applying on top of it (run with -race):
// the saved bytes and every read still describe the state as published.
func TestSMConcurrentReadersAndSnapshot(t *testing.T) {
	m := New(fsm.Discard{})
	var batch []sm.Entry
	for i := range 200 {
		batch = append(batch, sm.Entry{Index: uint64(i + 1), Cmd: enc(t, put(fmt.Sprintf("k/%03d", i), "v"))})
	}
	if _, err := m.Update(batch); err != nil {
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
			if e, idx := pinned.Get("k/007"); e == nil || idx != 8 || pinned.Len() != 200 ||
				pinned.PrefixIndex("k/") != 200 || len(pinned.Keys("k/", "/")) != 200 {
				readErrs <- fmt.Errorf("published state changed under a reader: %v@%d len %d", e, idx, pinned.Len())
				return
			}
		}
	}()
	next := uint64(201)
	for i := range 50 {
		var b []sm.Entry
		for _, ev := range []events.Event{put(fmt.Sprintf("k/%03d", i), "changed"), del(fmt.Sprintf("k/%03d", 199-i)),
			put(fmt.Sprintf("new/%d", i), "x"), delTree(fmt.Sprintf("k/%03d", 100+i))} {
			b = append(b, sm.Entry{Index: next, Cmd: enc(t, ev)})
			next++
		}
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

func TestSMRecoverFromCorruptSnapshot(t *testing.T) {
	m, sink := newRecorded()
	if _, err := m.Update([]sm.Entry{{Index: 1, Cmd: enc(t, put("k", "v"))}}); err != nil {
		t.Fatal(err)
	}
	before := m.Current()
	good := snapshotBytes(t, mustSeq(t, Empty(), 1, put("other", "x")))
	if err := m.RecoverFromSnapshot(bytes.NewReader(good[:len(good)-1]), nil, nil); err == nil {
		t.Fatal("recovered from a truncated snapshot")
	}
	if m.Current() != before || len(sink.Calls) != 1 {
		t.Fatalf("a failed recovery replaced state or told the sink: %+v", sink.Calls)
	}
}

// TestSnapshotFormat pins the version 1 layout: WriteSnapshot must produce
// exactly what the hand-written encoder does.
func TestSnapshotFormat(t *testing.T) {
	s := stateFrom(t, 20, 18, []*events.Entry{
		{Key: "a", Value: []byte("1"), Flags: 3, CreateIndex: 2, ModifyIndex: 5},
		{Key: "lock", Value: []byte("held"), CreateIndex: 7, ModifyIndex: 18, LockIndex: 2, Session: "s1"},
	}, []tomb{{"a/gone", 9}, {"b", 11}})
	want := encodeV1(t, 20, 18, []*events.Entry{
		{Key: "a", Value: []byte("1"), Flags: 3, CreateIndex: 2, ModifyIndex: 5},
		{Key: "lock", Value: []byte("held"), CreateIndex: 7, ModifyIndex: 18, LockIndex: 2, Session: "s1"},
	}, []tomb{{"a/gone", 9}, {"b", 11}})
	if got := snapshotBytes(t, s); !bytes.Equal(got, want) {
		t.Fatalf("WriteSnapshot =\n%x\nwant\n%x", got, want)
	}
	if s.Applied() != 20 || s.TableIndex() != 18 || s.Len() != 2 {
		t.Fatalf("applied %d table %d len %d", s.Applied(), s.TableIndex(), s.Len())
	}
	wantMissing(t, s, "a/gone", 9)
	if s.PrefixIndex("a") != 9 || s.PrefixIndex("") != 18 {
		t.Fatalf("prefix index a %d, all %d", s.PrefixIndex("a"), s.PrefixIndex(""))
	}
	requireEqualStates(t, roundTrip(t, s), s)
	requireEqualStates(t, roundTrip(t, Empty()), Empty())
}

func TestReadSnapshotRejects(t *testing.T) {
	good := snapshotBytes(t, mustSeq(t, Empty(), 1, put("a/b", "1"), put("c", "2"), del("a/b")))
	withHeader := func(version uint16, m [8]byte) []byte {
		b := bytes.Clone(good)
		copy(b, m[:])
		binary.BigEndian.PutUint16(b[8:], version)
		return b
	}
	otherMagic := magic
	otherMagic[0] = 'X'
	body := func(parts ...[]byte) []byte {
		b := encodeV1(t, 1, 1, nil, nil)[:8+2+8+8] // header and table index
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	uv := func(v uint64) []byte { return binary.AppendUvarint(nil, v) }
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"wrong magic", withHeader(1, otherMagic)},
		{"version 0", withHeader(0, magic)},
		{"future version", withHeader(2, magic)},
		{"no table index", good[:8+2+8]},
		{"no entry count", body()},
		{"entry count beyond the data", body(uv(3), uv(0), uv(0))},
		{"entry length beyond the data", body(uv(1), uv(100), []byte("short"))},
		{"entry length above the record limit", body(uv(1), uv(maxRecord+1))},
		{"entry length varint overflow", body(uv(1), bytes.Repeat([]byte{0xff}, 11))},
		{"entry not a protobuf", body(uv(1), uv(3), []byte{0xff, 0xff, 0xff}, uv(0))},
		{"entry with invalid UTF-8 key", body(uv(1), uv(3), []byte{0x0a, 0x01, 0xff}, uv(0))},
		{"no tombstone count", body(uv(0))},
		{"tombstone without index", body(uv(0), uv(1), uv(1), []byte("k"))},
		{"tombstone key beyond the data", body(uv(0), uv(1), uv(9), []byte("k"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSnapshot(bytes.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ReadSnapshot accepted %x as %d keys", tc.in, s.Len())
			}
			if !errors.Is(err, ErrSnapshotCorrupt) && !errors.Is(err, fsm.ErrSnapshotHeader) {
				t.Fatalf("error %v is neither ErrSnapshotCorrupt nor ErrSnapshotHeader", err)
			}
		})
	}
	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(good); n++ {
			if _, err := ReadSnapshot(bytes.NewReader(good[:n])); err == nil {
				t.Fatalf("accepted the first %d of %d bytes", n, len(good))
			}
		}
	})
	t.Run("zero-length records are fine", func(t *testing.T) {
		s, err := ReadSnapshot(bytes.NewReader(body(uv(1), uv(0), uv(1), uv(0), uv(4))))
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Get(""); e == nil || s.Len() != 1 {
			t.Fatalf("empty entry record: %v", e)
		}
	})
}

// FuzzReadSnapshot: any input either fails cleanly or yields a state that
// writes back to a snapshot reading as the same state.
func FuzzReadSnapshot(f *testing.F) {
	states := []*State{
		Empty(),
		mustSeq(f, Empty(), 1, put("a", "1")),
		mustSeq(f, Empty(), 1, putFlags("a/b", "1", 4), put("a/c/d", "22"), put("b", ""), del("a/b"), delTree("a/c/")),
		stateFrom(f, 9, 8, []*events.Entry{{Key: "l", Value: []byte("v"), CreateIndex: 1, ModifyIndex: 8, LockIndex: 1, Session: "s"}},
			[]tomb{{"t", 3}}),
	}
	for _, s := range states {
		f.Add(snapshotBytes(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadSnapshot(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrSnapshotCorrupt) && !errors.Is(err, fsm.ErrSnapshotHeader) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		again, err := ReadSnapshot(bytes.NewReader(snapshotBytes(t, s)))
		if err != nil {
			t.Fatalf("re-reading a written snapshot: %v", err)
		}
		requireEqualStates(t, again, s)
	})
}
