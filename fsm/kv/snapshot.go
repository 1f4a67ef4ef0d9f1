package kv

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
)

// Snapshot body, version 1: table index (u64), entry count (uvarint), then
// each entry as a length-prefixed events.KVEntry; tombstone count (uvarint),
// then each tombstone as length-prefixed key and uvarint index.
var magic = [8]byte{'c', 's', 'd', '-', 'k', 'v', 0, 0}

const snapshotVersion = 1

// maxRecord bounds one record so a corrupt length cannot allocate gigabytes.
const maxRecord = 64 << 20

var ErrSnapshotCorrupt = errors.New("kv: corrupt snapshot")

// WriteSnapshot writes s to w.
func WriteSnapshot(w io.Writer, s *State) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := fsm.WriteHeader(bw, fsm.Header{Magic: magic, Version: snapshotVersion, Index: s.applied}); err != nil {
		return err
	}
	var scratch [binary.MaxVarintLen64]byte
	putU := func(v uint64) { bw.Write(scratch[:binary.PutUvarint(scratch[:], v)]) }
	putB := func(b []byte) { putU(uint64(len(b))); bw.Write(b) }
	binary.BigEndian.PutUint64(scratch[:8], s.table)
	bw.Write(scratch[:8])
	putU(uint64(s.entries.Len()))
	var err error
	var buf []byte
	var p events.KVEntry // reused: a snapshot of a big state must not allocate per key
	s.entries.Ascend(func(e *events.Entry) bool {
		p.Key, p.Value, p.Flags, p.Session = e.Key, e.Value, e.Flags, e.Session
		p.CreateIndex, p.ModifyIndex, p.LockIndex = e.CreateIndex, e.ModifyIndex, e.LockIndex
		buf, err = proto.MarshalOptions{}.MarshalAppend(buf[:0], &p)
		if err != nil {
			return false
		}
		putB(buf)
		return true
	})
	if err != nil {
		return fmt.Errorf("kv: snapshot entry: %w", err)
	}
	putU(uint64(s.tombs.Len()))
	s.tombs.Ascend(func(t tombstone) bool {
		putB([]byte(t.key))
		putU(t.index)
		return true
	})
	return bw.Flush()
}

// ReadSnapshot reads a state written by WriteSnapshot.
func ReadSnapshot(r io.Reader) (*State, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := fsm.ReadHeader(br, magic, snapshotVersion)
	if err != nil {
		return nil, err
	}
	var tb [8]byte
	if _, err := io.ReadFull(br, tb[:]); err != nil {
		return nil, corrupt(err)
	}
	s := &State{applied: h.Index, table: binary.BigEndian.Uint64(tb[:])}
	readB := func() ([]byte, error) {
		n, err := binary.ReadUvarint(br)
		if err != nil || n > maxRecord {
			return nil, corrupt(err)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, corrupt(err)
		}
		return b, nil
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, corrupt(err)
	}
	s.entries, s.tombs = Empty().entries, Empty().tombs
	for i := uint64(0); i < n; i++ {
		b, err := readB()
		if err != nil {
			return nil, err
		}
		var p events.KVEntry
		if err := proto.Unmarshal(b, &p); err != nil {
			return nil, corrupt(err)
		}
		s.entries.ReplaceOrInsert(events.EntryFromProto(&p))
	}
	if n, err = binary.ReadUvarint(br); err != nil {
		return nil, corrupt(err)
	}
	for i := uint64(0); i < n; i++ {
		k, err := readB()
		if err != nil {
			return nil, err
		}
		idx, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, corrupt(err)
		}
		s.tombs.ReplaceOrInsert(tombstone{key: string(k), index: idx})
	}
	return s, nil
}

func corrupt(err error) error {
	if err == nil {
		err = errors.New("record too large")
	}
	return fmt.Errorf("%w: %v", ErrSnapshotCorrupt, err)
}
