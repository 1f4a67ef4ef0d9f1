package connect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// encodeV1 writes the version 1 layout by hand.
func encodeV1(t tb, applied, rootsIndex uint64, cluster, td, active string, roots ...*events.CARoot) []byte {
	var b bytes.Buffer
	if err := fsm.WriteHeader(&b, fsm.Header{Magic: magic, Version: 1, Index: applied}); err != nil {
		t.Fatal(err)
	}
	b.Write(binary.BigEndian.AppendUint64(nil, rootsIndex))
	str := func(s string) { b.Write(binary.AppendUvarint(nil, uint64(len(s)))); b.WriteString(s) }
	str(cluster)
	str(td)
	str(active)
	b.Write(binary.AppendUvarint(nil, uint64(len(roots))))
	for _, r := range roots {
		p, err := proto.MarshalOptions{Deterministic: true}.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		str(string(p))
	}
	return b.Bytes()
}

// TestSnapshotFormat pins the version 1 layout.
func TestSnapshotFormat(t *testing.T) {
	_, s := apply(Empty(), 3, nil, initEv("a"), initEv("b"))
	r := root("a")
	r.Active, r.CreateIndex, r.ModifyIndex = true, 4, 4
	want := encodeV1(t, 5, 4, r.ExternalTrustDomain, r.TrustDomain, "a", r)
	if got := snapshotBytes(t, s); !bytes.Equal(got, want) {
		t.Fatalf("WriteSnapshot =\n%x\nwant\n%x", got, want)
	}
	got, err := ReadSnapshot(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	requireEqual(t, got, s)
	if got, want := snapshotBytes(t, Empty()), encodeV1(t, 0, 0, "", "", ""); !bytes.Equal(got, want) {
		t.Fatalf("empty snapshot %x, want %x", got, want)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, s := range []*State{
		Empty(),
		func() *State { _, s := apply(Empty(), 1, nil, nil); return s }(),
		func() *State { _, s := apply(Empty(), 10, initEv("a"), initEv("b"), nil); return s }(),
	} {
		r := roundTrip(t, s)
		requireEqual(t, r, s)
		// The restored state keeps applying like the original.
		_, a := apply(s, s.Applied()+1, initEv("z"))
		_, b := apply(r, r.Applied()+1, initEv("z"))
		requireEqual(t, b, a)
	}
}

func TestSnapshotRejectsGarbage(t *testing.T) {
	_, s := apply(Empty(), 1, initEv("a"))
	good := snapshotBytes(t, s)
	for n := 0; n < len(good); n++ {
		if _, err := ReadSnapshot(bytes.NewReader(good[:n])); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	otherKind := append([]byte(nil), good...)
	copy(otherKind, "csd-cat\x00")
	if _, err := ReadSnapshot(bytes.NewReader(otherKind)); !errors.Is(err, fsm.ErrSnapshotHeader) {
		t.Fatalf("catalog magic: %v", err)
	}
	future := append([]byte(nil), good...)
	binary.BigEndian.PutUint16(future[8:], snapshotVersion+1)
	if _, err := ReadSnapshot(bytes.NewReader(future)); !errors.Is(err, fsm.ErrSnapshotHeader) {
		t.Fatalf("future version: %v", err)
	}
	huge := encodeV1(t, 1, 1, "", "", "")
	huge = append(huge[:len(huge)-4], binary.AppendUvarint(nil, maxRecord+1)...) // the cluster ID's length
	if _, err := ReadSnapshot(bytes.NewReader(huge)); !errors.Is(err, ErrSnapshotCorrupt) {
		t.Fatalf("oversized record: %v", err)
	}
	badRecord := encodeV1(t, 1, 1, "c", "t", "a", &events.CARoot{Id: "a"})
	badRecord[len(badRecord)-4] = 0xff // inside the protobuf record
	if _, err := ReadSnapshot(bytes.NewReader(badRecord)); !errors.Is(err, ErrSnapshotCorrupt) {
		t.Fatalf("bad record: %v", err)
	}
}

func FuzzReadSnapshot(f *testing.F) {
	_, s := apply(Empty(), 1, nil, initEv("a"))
	f.Add(snapshotBytes(f, s))
	f.Add(snapshotBytes(f, Empty()))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadSnapshot(bytes.NewReader(b))
		if err != nil {
			return
		}
		// Whatever decoded writes back to something that decodes the same.
		requireEqual(t, roundTrip(t, s), s)
	})
}
