package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// richState has every kind of record and index, a renamed and a removed
// service (names with an index and no instance), and a removed node.
func richState(t tb) *State {
	return mustSeq(t, Empty(), 1,
		&events.CatalogRegistered{
			Node: &events.Node{Id: "dddccf28-9eb1-9e64-e677-80acc11fbe18", Node: "n1", Address: "10.0.0.1", Datacenter: "dc1",
				TaggedAddresses: map[string]string{"lan": "10.0.0.1", "wan": "1.2.3.4"}, Meta: map[string]string{"a": "1", "b": "2"}},
			Service: &events.Service{Id: "w1", Service: "web", Tags: []string{"x", "y"}, Address: "10.0.0.5", Port: 80,
				Meta: map[string]string{"v": "1"}, Weights: &events.ServiceWeights{Passing: 3, Warning: 1}, EnableTagOverride: true,
				Kind: "connect-proxy"},
			Checks: []*events.Check{
				{CheckId: "c1", Name: "http", ServiceId: "w1", Notes: "n", Output: "o", Type: "http", Interval: "2s", Timeout: "1s"},
				{CheckId: "serfHealth", Name: "Serf", Status: StatusPassing},
			},
		},
		regS("n2", svc("w2", "web")),
		regS("n2", svc("d1", "db"), schk("c2", "d1")),
		regS("n2", svc("r1", "cache")),
		regS("n2", svc("r1", "api")), // renamed: cache keeps an index, no instance
		upd("n1", "c1", StatusWarning, "slow"),
		regS("n3", svc("gone", "gone")),
		deregN("n3"),
	)
}

// TestSnapshotFormat pins the version 1 layout: WriteSnapshot writes
// exactly what the hand-written encoder does for the same state.
func TestSnapshotFormat(t *testing.T) {
	s := mustSeq(t, Empty(), 1,
		&events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "a", Meta: map[string]string{"k": "v"}},
			Service: svc("w1", "web", "t"), Checks: []*events.Check{{CheckId: "c1", ServiceId: "w1"}}},
		&events.CatalogRegistered{Node: &events.Node{Node: "n1"}, SkipNodeUpdate: true, Checks: []*events.Check{{CheckId: "c0"}}},
		upd("n1", "c1", StatusPassing, ""),
	)
	want := encodeV1(t, snap{
		applied: 3, tNodes: 1, tSvcs: 1, tChecks: 3,
		nodes: []*events.Node{{Node: "n1", Address: "a", Meta: map[string]string{"k": "v"}, CreateIndex: 1, ModifyIndex: 1}},
		services: []*events.Service{{Node: "n1", Id: "w1", Service: "web", Tags: []string{"t"}, Port: 8080,
			Weights: &events.ServiceWeights{Passing: 1, Warning: 1}, CreateIndex: 1, ModifyIndex: 1}},
		checks: []*events.Check{
			{Node: "n1", CheckId: "c0", Status: StatusCritical, CreateIndex: 2, ModifyIndex: 2},
			{Node: "n1", CheckId: "c1", Status: StatusPassing, ServiceId: "w1", ServiceName: "web", ServiceTags: []string{"t"},
				CreateIndex: 1, ModifyIndex: 3},
		},
		bySvc:  []named{{"web", 3}},
		byNode: []named{{"n1", 3}},
	})
	if got := snapshotBytes(t, s); !bytes.Equal(got, want) {
		t.Fatalf("WriteSnapshot =\n%x\nwant\n%x", got, want)
	}
	r, err := ReadSnapshot(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	requireEqualStates(t, r, s)
	requireEqualStates(t, roundTrip(t, Empty()), Empty())
	if got, want := snapshotBytes(t, Empty()), encodeV1(t, snap{}); !bytes.Equal(got, want) {
		t.Fatalf("empty snapshot %x, want %x", got, want)
	}
}

func TestSnapshotRoundTripRich(t *testing.T) {
	s := richState(t)
	if bad := invariants(s); len(bad) > 0 {
		t.Fatalf("invariants: %q", bad)
	}
	// Indexes of names with no records left survive a snapshot.
	if s.ServiceIndex("gone") != 8 || s.NodeIndex("n3") != 8 || s.ServiceIndex("cache") != 5 {
		t.Fatalf("gone %d n3 %d cache %d", s.ServiceIndex("gone"), s.NodeIndex("n3"), s.ServiceIndex("cache"))
	}
	r := roundTrip(t, s)
	requireEqualStates(t, r, s)
	if r.ServiceIndex("gone") != 8 || r.NodeIndex("n3") != 8 || r.ServiceIndex("cache") != 5 {
		t.Fatal("per-name indexes of removed names lost")
	}
	// A restored state applies like the original.
	evs := []events.Event{upd("n1", "serfHealth", StatusCritical, "down"), deregS("n2", "d1"), regS("n3", svc("gone", "gone"))}
	a, _ := applySeq(s, 9, evs...)
	b, _ := applySeq(r, 9, evs...)
	requireEqualStates(t, b, a)
}

func TestReadSnapshotRejects(t *testing.T) {
	good := snapshotBytes(t, richState(t))
	withHeader := func(version uint16, m [8]byte) []byte {
		b := bytes.Clone(good)
		copy(b, m[:])
		binary.BigEndian.PutUint16(b[8:], version)
		return b
	}
	otherMagic := magic
	otherMagic[0] = 'X'
	// body is a header, the three table indexes, then parts.
	body := func(parts ...[]byte) []byte {
		b := encodeV1(t, snap{applied: 1})[:8+2+8+24]
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
		{"no table indexes", good[:8+2+8]},
		{"short table indexes", good[:8+2+8+23]},
		{"no node count", body()},
		{"node count beyond the data", body(uv(3), uv(0))},
		{"node length beyond the data", body(uv(1), uv(100), []byte("short"))},
		{"node length above the record limit", body(uv(1), uv(maxRecord+1))},
		{"node length varint overflow", body(uv(1), bytes.Repeat([]byte{0xff}, 11))},
		{"node not a protobuf", body(uv(1), uv(3), []byte{0xff, 0xff, 0xff})},
		{"node name not UTF-8", body(uv(1), uv(3), []byte{0x12, 0x01, 0xff})},
		{"no service count", body(uv(0))},
		{"service not a protobuf", body(uv(0), uv(1), uv(2), []byte{0x08, 0xff})},
		{"no check count", body(uv(0), uv(0))},
		{"check not a protobuf", body(uv(0), uv(0), uv(1), uv(1), []byte{0x07})},
		{"no service index count", body(uv(0), uv(0), uv(0))},
		{"service index without index", body(uv(0), uv(0), uv(0), uv(1), uv(1), []byte("w"))},
		{"service index name beyond the data", body(uv(0), uv(0), uv(0), uv(1), uv(9), []byte("w"))},
		{"no node index count", body(uv(0), uv(0), uv(0), uv(0))},
		{"node index without index", body(uv(0), uv(0), uv(0), uv(0), uv(1), uv(2), []byte("n1"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSnapshot(bytes.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ReadSnapshot accepted %x as %d nodes", tc.in, len(nodesOf(s)))
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
	t.Run("empty tables are fine", func(t *testing.T) {
		s, err := ReadSnapshot(bytes.NewReader(body(uv(0), uv(0), uv(0), uv(0), uv(0))))
		if err != nil {
			t.Fatal(err)
		}
		requireEqualStates(t, s, func() *State { e := Empty(); e.applied = 1; return e }())
	})
}

// TestReadSnapshotDuplicateService: a snapshot listing the same instance
// (node, service ID) twice under two service names must not yield a state
// whose two service trees disagree. ReadSnapshot inserts each record into
// services (keyed by node and ID: the second replaces the first) and into
// byName (keyed by name, node and ID: both stay), so Instances("web") lists
// an instance Service("n1", "s1") says is "api"; writing that state and
// reading it back gives a different state. Such input should be rejected
// as ErrSnapshotCorrupt (records out of order or repeated).
func TestReadSnapshotDuplicateService(t *testing.T) {
	n1 := &events.Node{Node: "n1", CreateIndex: 1, ModifyIndex: 1}
	rec := func(name string) *events.Service {
		return &events.Service{Node: "n1", Id: "s1", Service: name, Weights: &events.ServiceWeights{Passing: 1, Warning: 1},
			CreateIndex: 1, ModifyIndex: 1}
	}
	b := encodeV1(t, snap{applied: 1, tNodes: 1, tSvcs: 1, nodes: []*events.Node{n1},
		services: []*events.Service{rec("web"), rec("api")},
		bySvc:    []named{{"api", 1}, {"web", 1}}, byNode: []named{{"n1", 1}}})
	s, err := ReadSnapshot(bytes.NewReader(b))
	if err != nil {
		if !errors.Is(err, ErrSnapshotCorrupt) {
			t.Fatalf("error %v is not ErrSnapshotCorrupt", err)
		}
		return // rejected: fine
	}
	if bad := invariants(s, "web", "api"); len(bad) > 0 {
		t.Errorf("accepted a snapshot into an inconsistent state:\n%q", bad)
	}
	if d := diffStates(roundTrip(t, s), s, false, "web", "api"); d != "" {
		t.Errorf("the accepted state does not survive a round trip:\n%s", d)
	}
}

// FuzzReadSnapshot: any input either fails cleanly or yields a state that
// writes a snapshot reading back as the same state (and the same bytes).
func FuzzReadSnapshot(f *testing.F) {
	seeds := []*State{
		Empty(),
		mustSeq(f, Empty(), 1, regN("n1")),
		mustSeq(f, Empty(), 1, regS("n1", svc("s1", "web", "t"), schk("c1", "s1"), nchk("c0")), regS("n1", svc("s2", "api"))),
		richState(f),
	}
	for _, s := range seeds {
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
		w := snapshotBytes(t, s)
		again, err := ReadSnapshot(bytes.NewReader(w))
		if err != nil {
			t.Fatalf("re-reading a written snapshot: %v", err)
		}
		requireEqualStates(t, again, s)
		if w2 := snapshotBytes(t, again); !bytes.Equal(w2, w) {
			t.Fatal("a re-read snapshot writes different bytes")
		}
	})
}
