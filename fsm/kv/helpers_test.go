package kv

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/fsmtest"
)

// Event constructors keep the tables short.

func put(key, value string) *events.KeyWritten {
	return &events.KeyWritten{Key: key, Value: []byte(value)}
}

func putFlags(key, value string, flags uint64) *events.KeyWritten {
	return &events.KeyWritten{Key: key, Value: []byte(value), Flags: flags}
}

func cas(key, value string, index uint64) *events.KeyWritten {
	return &events.KeyWritten{Key: key, Value: []byte(value), Cas: true, CasIndex: index}
}

func del(key string) *events.KeyDeleted { return &events.KeyDeleted{Key: key} }

func delCAS(key string, index uint64) *events.KeyDeleted {
	return &events.KeyDeleted{Key: key, Cas: true, CasIndex: index}
}

func delTree(prefix string) *events.PrefixDeleted { return &events.PrefixDeleted{Prefix: prefix} }

// step is one event applied at an explicit Raft index.
type step struct {
	index uint64
	ev    events.Event // nil: Advance (a no-op entry)
}

// applyOne, applySeq and mustSeq apply events one Txn at a time
// (fsm/fsmtest, through Kind).
func applyOne(s *State, index uint64, ev events.Event) (*State, events.Outcome) {
	return fsmtest.ApplyOne(Kind, s, index, ev)
}

func applySeq(s *State, first uint64, evs ...events.Event) (*State, []events.Outcome) {
	return fsmtest.ApplySeq(Kind, s, first, evs...)
}

func mustSeq(t tb, s *State, first uint64, evs ...events.Event) *State {
	t.Helper()
	return fsmtest.MustSeq(t, Kind, s, first, evs...)
}

// replayBatch applies steps in one Txn.
func replayBatch(s *State, steps []step) (*State, []events.Outcome) {
	txn := s.Txn()
	var outs []events.Outcome
	for _, st := range steps {
		if st.ev == nil {
			txn.Advance(st.index)
			outs = append(outs, events.OutcomeSkipped)
			continue
		}
		outs = append(outs, txn.Apply(st.index, st.ev))
	}
	return txn.Commit(), outs
}

func entryEqual(a, b *events.Entry) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && a.Flags == b.Flags &&
		a.CreateIndex == b.CreateIndex && a.ModifyIndex == b.ModifyIndex &&
		a.LockIndex == b.LockIndex && a.Session == b.Session
}

func fmtEntry(e *events.Entry) string {
	if e == nil {
		return "<nil>"
	}
	return fmt.Sprintf("{%q v=%q f=%d c=%d m=%d l=%d s=%q}", e.Key, e.Value, e.Flags,
		e.CreateIndex, e.ModifyIndex, e.LockIndex, e.Session)
}

func entries(s *State) []*events.Entry {
	var out []*events.Entry
	s.Walk("", func(e *events.Entry) bool { out = append(out, e); return true })
	return out
}

// tombstones lists s's tombstones by decoding its snapshot with decodeV1,
// which does not depend on how State stores them.
func tombstones(s *State) map[string]uint64 {
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, s); err != nil {
		panic(err)
	}
	_, _, _, ts, err := decodeV1(buf.Bytes())
	if err != nil {
		panic(err)
	}
	out := map[string]uint64{}
	for _, t := range ts {
		out[t.key] = t.index
	}
	return out
}

// diffStates compares two states completely: Applied, TableIndex, Len,
// every live entry field by field, every tombstone (through Get), the index
// of every prefix of every key ever seen plus extra, and key listings. It
// returns "" when they are equal.
func diffStates(a, b *State, extra ...string) string {
	return diffStatesOpt(a, b, false, extra...)
}

// diffStatesOpt is diffStates, optionally ignoring the Applied index.
func diffStatesOpt(a, b *State, ignoreApplied bool, extra ...string) string {
	var d []string
	if !ignoreApplied && a.Applied() != b.Applied() {
		d = append(d, fmt.Sprintf("Applied %d != %d", a.Applied(), b.Applied()))
	}
	if a.TableIndex() != b.TableIndex() {
		d = append(d, fmt.Sprintf("TableIndex %d != %d", a.TableIndex(), b.TableIndex()))
	}
	if a.Len() != b.Len() {
		d = append(d, fmt.Sprintf("Len %d != %d", a.Len(), b.Len()))
	}
	ea, eb := entries(a), entries(b)
	if len(ea) != a.Len() || len(eb) != b.Len() {
		d = append(d, fmt.Sprintf("Walk yields %d/%d entries, Len says %d/%d", len(ea), len(eb), a.Len(), b.Len()))
	}
	for i := 0; i < max(len(ea), len(eb)); i++ {
		var x, y *events.Entry
		if i < len(ea) {
			x = ea[i]
		}
		if i < len(eb) {
			y = eb[i]
		}
		if !entryEqual(x, y) {
			d = append(d, fmt.Sprintf("entry %d: %s != %s", i, fmtEntry(x), fmtEntry(y)))
		}
	}
	ta, tb := tombstones(a), tombstones(b)
	keys := map[string]bool{}
	for k := range ta {
		keys[k] = true
	}
	for k := range tb {
		keys[k] = true
	}
	for _, e := range ea {
		keys[e.Key] = true
	}
	for _, e := range eb {
		keys[e.Key] = true
	}
	for k := range keys {
		xa, ia := a.Get(k)
		xb, ib := b.Get(k)
		if !entryEqual(xa, xb) || ia != ib {
			d = append(d, fmt.Sprintf("Get(%q): %s@%d != %s@%d", k, fmtEntry(xa), ia, fmtEntry(xb), ib))
		}
		if ta[k] != tb[k] {
			d = append(d, fmt.Sprintf("tombstone %q: %d != %d", k, ta[k], tb[k]))
		}
	}
	prefixes := map[string]bool{"": true}
	for k := range keys {
		for i := 0; i <= len(k); i++ {
			prefixes[k[:i]] = true
		}
	}
	for _, p := range extra {
		prefixes[p] = true
	}
	for p := range prefixes {
		if x, y := a.PrefixIndex(p), b.PrefixIndex(p); x != y {
			d = append(d, fmt.Sprintf("PrefixIndex(%q) %d != %d", p, x, y))
		}
		for _, sep := range []string{"", "/"} {
			if x, y := a.Keys(p, sep), b.Keys(p, sep); strings.Join(x, "\x00") != strings.Join(y, "\x00") {
				d = append(d, fmt.Sprintf("Keys(%q, %q) %q != %q", p, sep, x, y))
			}
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}

func requireEqualStates(t tb, got, want *State) {
	t.Helper()
	if d := diffStates(got, want); d != "" {
		t.Fatalf("states differ (got vs want):\n%s", d)
	}
}

// tomb is a tombstone for encodeV1.
type tomb struct {
	key   string
	index uint64
}

// encodeV1 writes snapshot format version 1 by hand, independently of
// WriteSnapshot: header (magic, u16 version, u64 applied), u64 table index,
// uvarint count + length-prefixed KVEntry protos, uvarint count + (length-
// prefixed key, uvarint index) tombstones. It builds states the events
// cannot (lock holders) and pins the format.
func encodeV1(t tb, applied, table uint64, es []*events.Entry, ts []tomb) []byte {
	t.Helper()
	var b []byte
	b = append(b, magic[:]...)
	b = binary.BigEndian.AppendUint16(b, 1)
	b = binary.BigEndian.AppendUint64(b, applied)
	b = binary.BigEndian.AppendUint64(b, table)
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		p, err := proto.Marshal(e.ToProto())
		if err != nil {
			t.Fatal(err)
		}
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	b = binary.AppendUvarint(b, uint64(len(ts)))
	for _, tm := range ts {
		b = binary.AppendUvarint(b, uint64(len(tm.key)))
		b = append(b, tm.key...)
		b = binary.AppendUvarint(b, tm.index)
	}
	return b
}

// decodeV1 is the inverse of encodeV1, written independently of ReadSnapshot.
func decodeV1(b []byte) (applied, table uint64, es []*events.Entry, ts []tomb, err error) {
	fail := func(what string) error { return fmt.Errorf("decodeV1: %s at byte %d", what, len(b)) }
	if len(b) < 26 || !bytes.Equal(b[:8], magic[:]) || binary.BigEndian.Uint16(b[8:]) != 1 {
		return 0, 0, nil, nil, fail("header")
	}
	applied, table, b = binary.BigEndian.Uint64(b[10:]), binary.BigEndian.Uint64(b[18:]), b[26:]
	uv := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	bs := func() ([]byte, bool) {
		n, ok := uv()
		if !ok || uint64(len(b)) < n {
			return nil, false
		}
		out := b[:n]
		b = b[n:]
		return out, true
	}
	n, ok := uv()
	if !ok {
		return 0, 0, nil, nil, fail("entry count")
	}
	for i := uint64(0); i < n; i++ {
		rec, ok := bs()
		var p events.KVEntry
		if !ok || proto.Unmarshal(rec, &p) != nil {
			return 0, 0, nil, nil, fail("entry")
		}
		es = append(es, events.EntryFromProto(&p))
	}
	if n, ok = uv(); !ok {
		return 0, 0, nil, nil, fail("tombstone count")
	}
	for i := uint64(0); i < n; i++ {
		k, ok := bs()
		if !ok {
			return 0, 0, nil, nil, fail("tombstone key")
		}
		idx, ok := uv()
		if !ok {
			return 0, 0, nil, nil, fail("tombstone index")
		}
		ts = append(ts, tomb{string(k), idx})
	}
	if len(b) != 0 {
		return 0, 0, nil, nil, fail("trailing bytes")
	}
	return applied, table, es, ts, nil
}

// stateFrom builds a State through the snapshot reader.
func stateFrom(t tb, applied, table uint64, es []*events.Entry, ts []tomb) *State {
	t.Helper()
	s, err := ReadSnapshot(bytes.NewReader(encodeV1(t, applied, table, es, ts)))
	if err != nil {
		t.Fatalf("ReadSnapshot of hand-built snapshot: %v", err)
	}
	return s
}

func snapshotBytes(t tb, s *State) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func roundTrip(t tb, s *State) *State {
	t.Helper()
	r, err := ReadSnapshot(bytes.NewReader(snapshotBytes(t, s)))
	if err != nil {
		t.Fatalf("ReadSnapshot(WriteSnapshot(s)): %v", err)
	}
	return r
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// tb is what the helpers need of *testing.T, *testing.B and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}
