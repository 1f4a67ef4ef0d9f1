package catalog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/google/btree"
	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// Snapshot body, version 1: the three table indexes (u64 each); then nodes,
// services and checks, each as a uvarint count and length-prefixed protobuf
// records; then the per-service and per-node indexes as a count and
// (length-prefixed name, uvarint index) pairs.
var magic = [8]byte{'c', 's', 'd', '-', 'c', 'a', 't', 0}

const snapshotVersion = 1

const maxRecord = 64 << 20

var ErrSnapshotCorrupt = errors.New("catalog: corrupt snapshot")

// WriteSnapshot writes s to w.
func WriteSnapshot(w io.Writer, s *State) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := fsm.WriteHeader(bw, fsm.Header{Magic: magic, Version: snapshotVersion, Index: s.applied}); err != nil {
		return err
	}
	var b [binary.MaxVarintLen64]byte
	putU := func(v uint64) { bw.Write(b[:binary.PutUvarint(b[:], v)]) }
	putB := func(p []byte) { putU(uint64(len(p))); bw.Write(p) }
	for _, v := range []uint64{s.tNodes, s.tSvcs, s.tChecks} {
		binary.BigEndian.PutUint64(b[:8], v)
		bw.Write(b[:8])
	}
	var err error
	var buf []byte
	put := func(m proto.Message) bool {
		buf, err = proto.MarshalOptions{Deterministic: true}.MarshalAppend(buf[:0], m)
		putB(buf)
		return err == nil
	}
	putU(uint64(s.nodes.Len()))
	s.nodes.Ascend(func(n *events.Node) bool { return put(n) })
	putU(uint64(s.services.Len()))
	s.services.Ascend(func(v *events.Service) bool { return put(v) })
	putU(uint64(s.checks.Len()))
	s.checks.Ascend(func(c *events.Check) bool { return put(c) })
	if err != nil {
		return fmt.Errorf("catalog: snapshot record: %w", err)
	}
	for _, t := range []*btree.BTreeG[named]{s.bySvc, s.byNode} {
		putU(uint64(t.Len()))
		t.Ascend(func(n named) bool { putB([]byte(n.name)); putU(n.index); return true })
	}
	return bw.Flush()
}

// ReadSnapshot reads a state written by WriteSnapshot.
func ReadSnapshot(r io.Reader) (*State, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := fsm.ReadHeader(br, magic, snapshotVersion)
	if err != nil {
		return nil, err
	}
	s := Empty()
	s.applied = h.Index
	var tb [24]byte
	if _, err := io.ReadFull(br, tb[:]); err != nil {
		return nil, corrupt(err)
	}
	s.tNodes, s.tSvcs, s.tChecks = binary.BigEndian.Uint64(tb[:]), binary.BigEndian.Uint64(tb[8:]), binary.BigEndian.Uint64(tb[16:])
	readB := func() ([]byte, error) {
		n, err := binary.ReadUvarint(br)
		if err != nil || n > maxRecord {
			return nil, corrupt(err)
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(br, p); err != nil {
			return nil, corrupt(err)
		}
		return p, nil
	}
	records := func(add func([]byte) error) error {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return corrupt(err)
		}
		for i := uint64(0); i < n; i++ {
			p, err := readB()
			if err != nil {
				return err
			}
			if err := add(p); err != nil {
				return corrupt(err)
			}
		}
		return nil
	}
	if err := records(func(p []byte) error {
		n := new(events.Node)
		if err := proto.Unmarshal(p, n); err != nil {
			return err
		}
		s.nodes.ReplaceOrInsert(n)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := records(func(p []byte) error {
		v := new(events.Service)
		if err := proto.Unmarshal(p, v); err != nil {
			return err
		}
		if _, dup := s.services.ReplaceOrInsert(v); dup {
			return errors.New("duplicate service record")
		}
		s.byName.ReplaceOrInsert(v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := records(func(p []byte) error {
		c := new(events.Check)
		if err := proto.Unmarshal(p, c); err != nil {
			return err
		}
		s.checks.ReplaceOrInsert(c)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, t := range []*btree.BTreeG[named]{s.bySvc, s.byNode} {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, corrupt(err)
		}
		for i := uint64(0); i < n; i++ {
			name, err := readB()
			if err != nil {
				return nil, err
			}
			idx, err := binary.ReadUvarint(br)
			if err != nil {
				return nil, corrupt(err)
			}
			t.ReplaceOrInsert(named{name: string(name), index: idx})
		}
	}
	return s, nil
}

func corrupt(err error) error {
	if err == nil {
		err = errors.New("record too large")
	}
	return fmt.Errorf("%w: %v", ErrSnapshotCorrupt, err)
}
