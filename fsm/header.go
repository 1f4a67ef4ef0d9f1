package fsm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Snapshot header: 8-byte magic naming the shard kind, 2-byte format
// version, 8-byte applied index. Everything after it is the kind's body.
const headerLen = 8 + 2 + 8

var ErrSnapshotHeader = errors.New("fsm: bad snapshot header")

// Header describes a snapshot stream.
type Header struct {
	Magic   [8]byte
	Version uint16
	Index   uint64
}

// WriteHeader writes h to w.
func WriteHeader(w io.Writer, h Header) error {
	var b [headerLen]byte
	copy(b[:8], h.Magic[:])
	binary.BigEndian.PutUint16(b[8:], h.Version)
	binary.BigEndian.PutUint64(b[10:], h.Index)
	_, err := w.Write(b[:])
	return err
}

// ReadHeader reads a header and checks its magic and that its version is at
// most maxVersion.
func ReadHeader(r io.Reader, magic [8]byte, maxVersion uint16) (Header, error) {
	var b [headerLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Header{}, fmt.Errorf("%w: %v", ErrSnapshotHeader, err)
	}
	var h Header
	copy(h.Magic[:], b[:8])
	h.Version = binary.BigEndian.Uint16(b[8:])
	h.Index = binary.BigEndian.Uint64(b[10:])
	if h.Magic != magic {
		return h, fmt.Errorf("%w: magic %q, want %q", ErrSnapshotHeader, h.Magic[:], magic[:])
	}
	if h.Version == 0 || h.Version > maxVersion {
		return h, fmt.Errorf("%w: version %d not supported (max %d)", ErrSnapshotHeader, h.Version, maxVersion)
	}
	return h, nil
}
