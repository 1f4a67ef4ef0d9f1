package connect

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

// Snapshot body, version 1: the roots table index (u64); the cluster ID,
// the trust domain and the active root ID, each a length-prefixed string;
// then the roots as a uvarint count and length-prefixed protobuf records,
// in creation order.
var magic = [8]byte{'c', 's', 'd', '-', 'c', 'o', 'n', 0}

const snapshotVersion = 1

// maxRecord bounds one length-prefixed field (a root with its PEMs is a few
// KiB).
const maxRecord = 1 << 20

var ErrSnapshotCorrupt = errors.New("connect: corrupt snapshot")

// WriteSnapshot writes s to w.
func WriteSnapshot(w io.Writer, s *State) error {
	bw := bufio.NewWriter(w)
	if err := fsm.WriteHeader(bw, fsm.Header{Magic: magic, Version: snapshotVersion, Index: s.applied}); err != nil {
		return err
	}
	var b [binary.MaxVarintLen64]byte
	putU := func(v uint64) { bw.Write(b[:binary.PutUvarint(b[:], v)]) }
	putB := func(p []byte) { putU(uint64(len(p))); bw.Write(p) }
	binary.BigEndian.PutUint64(b[:8], s.rootsIndex)
	bw.Write(b[:8])
	putB([]byte(s.clusterID))
	putB([]byte(s.trustDomain))
	putB([]byte(s.active))
	putU(uint64(len(s.roots)))
	for _, r := range s.roots {
		p, err := proto.MarshalOptions{Deterministic: true}.Marshal(r)
		if err != nil {
			return fmt.Errorf("connect: snapshot record: %w", err)
		}
		putB(p)
	}
	return bw.Flush()
}

// ReadSnapshot reads a state written by WriteSnapshot.
func ReadSnapshot(r io.Reader) (*State, error) {
	br := bufio.NewReader(r)
	h, err := fsm.ReadHeader(br, magic, snapshotVersion)
	if err != nil {
		return nil, err
	}
	s := Empty()
	s.applied = h.Index
	var ib [8]byte
	if _, err := io.ReadFull(br, ib[:]); err != nil {
		return nil, corrupt(err)
	}
	s.rootsIndex = binary.BigEndian.Uint64(ib[:])
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
	for _, dst := range []*string{&s.clusterID, &s.trustDomain, &s.active} {
		p, err := readB()
		if err != nil {
			return nil, err
		}
		*dst = string(p)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, corrupt(err)
	}
	for i := uint64(0); i < n; i++ {
		p, err := readB()
		if err != nil {
			return nil, err
		}
		root := new(events.CARoot)
		if err := proto.Unmarshal(p, root); err != nil {
			return nil, corrupt(err)
		}
		s.roots = append(s.roots, root)
	}
	return s, nil
}

func corrupt(err error) error {
	if err == nil {
		err = errors.New("record too large")
	}
	return fmt.Errorf("%w: %v", ErrSnapshotCorrupt, err)
}
