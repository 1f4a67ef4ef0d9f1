package fsmtest

import (
	"encoding/binary"
	"testing"

	sm "github.com/lni/dragonboat/v4/statemachine"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// SinkCall is one call a Recorder received.
type SinkCall struct {
	Restored bool
	Shard    events.Shard
	Index    uint64
	Ev       events.Event
	Outcome  events.Outcome
	// Published is the machine's Current().Applied() when the call arrived.
	Published uint64
}

// Recorder is a Sink that records every call, with what the machine had
// published at that moment.
type Recorder[S any] struct {
	m       *fsm.Machine[S]
	applied func(S) uint64
	Calls   []SinkCall
}

// NewRecorded returns a new machine of kind k reporting to a Recorder.
func NewRecorded[S any](k fsm.Kind[S]) (*fsm.Machine[S], *Recorder[S]) {
	r := &Recorder[S]{applied: k.Applied}
	r.m = fsm.NewMachine(k, r)
	return r.m, r
}

// Applied records an applied entry.
func (r *Recorder[S]) Applied(shard events.Shard, index uint64, ev events.Event, o events.Outcome) {
	r.Calls = append(r.Calls, SinkCall{Shard: shard, Index: index, Ev: ev, Outcome: o, Published: r.applied(r.m.Current())})
}

// Restored records a snapshot restore.
func (r *Recorder[S]) Restored(shard events.Shard, index uint64) {
	r.Calls = append(r.Calls, SinkCall{Restored: true, Shard: shard, Index: index, Published: r.applied(r.m.Current())})
}

// Enc encodes ev in its envelope, failing the test on error.
func Enc(t testing.TB, ev events.Event) []byte {
	t.Helper()
	b, err := events.Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// UnknownCmd is an envelope of a type nobody has assigned yet.
func UnknownCmd(ignorable bool) []byte {
	flags := byte(0)
	if ignorable {
		flags = 1
	}
	return append([]byte{events.Version}, append(binary.AppendUvarint(nil, 4000), flags, 0x0a, 0x01, 'k')...)
}

// EntriesOf turns evs into entries at first, first+1, ...; a nil event is
// an entry without a command.
func EntriesOf(t testing.TB, first uint64, evs ...events.Event) []sm.Entry {
	t.Helper()
	var out []sm.Entry
	for i, ev := range evs {
		var cmd []byte
		if ev != nil {
			cmd = Enc(t, ev)
		}
		out = append(out, sm.Entry{Index: first + uint64(i), Cmd: cmd})
	}
	return out
}

// ApplyOne applies ev at index in its own batch (nil: Advance).
func ApplyOne[S any](k fsm.Kind[S], s S, index uint64, ev events.Event) (S, events.Outcome) {
	b := k.Begin(s)
	if ev == nil {
		b.Advance(index)
		return b.Commit(), events.OutcomeSkipped
	}
	o := b.Apply(index, ev)
	return b.Commit(), o
}

// ApplySeq applies evs at indexes first, first+1, ... each in its own
// batch.
func ApplySeq[S any](k fsm.Kind[S], s S, first uint64, evs ...events.Event) (S, []events.Outcome) {
	var out []events.Outcome
	for i, ev := range evs {
		var o events.Outcome
		s, o = ApplyOne(k, s, first+uint64(i), ev)
		out = append(out, o)
	}
	return s, out
}

// TB is the part of testing.TB MustSeq needs (property tests pass rapid's T).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// MustSeq is ApplySeq for setup: every event must be applied.
func MustSeq[S any](t TB, k fsm.Kind[S], s S, first uint64, evs ...events.Event) S {
	t.Helper()
	s, outs := ApplySeq(k, s, first, evs...)
	for i, o := range outs {
		if o != events.OutcomeApplied {
			t.Fatalf("setup event %d (%v) at %d: %v", i, evs[i], first+uint64(i), o)
		}
	}
	return s
}
