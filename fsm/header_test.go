package fsm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

var testMagic = [8]byte{'t', 'e', 's', 't', '-', 'h', 'd', 'r'}

func TestHeaderRoundTrip(t *testing.T) {
	for _, h := range []Header{
		{Magic: testMagic, Version: 1, Index: 0},
		{Magic: testMagic, Version: 1, Index: 42},
		{Magic: testMagic, Version: 3, Index: 1<<64 - 1},
	} {
		var buf bytes.Buffer
		if err := WriteHeader(&buf, h); err != nil {
			t.Fatal(err)
		}
		if buf.Len() != headerLen {
			t.Fatalf("header is %d bytes, want %d", buf.Len(), headerLen)
		}
		buf.WriteString("body")
		got, err := ReadHeader(&buf, testMagic, 3)
		if err != nil {
			t.Fatalf("ReadHeader(%+v): %v", h, err)
		}
		if got != h {
			t.Fatalf("ReadHeader = %+v, want %+v", got, h)
		}
		if rest, _ := io.ReadAll(&buf); string(rest) != "body" {
			t.Fatalf("ReadHeader consumed the body: left %q", rest)
		}
	}
}

// TestHeaderLayout pins the on-disk layout: snapshots outlive builds.
func TestHeaderLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHeader(&buf, Header{Magic: testMagic, Version: 0x0102, Index: 0x0304050607080910}); err != nil {
		t.Fatal(err)
	}
	want := append(testMagic[:], 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10)
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("header bytes %x, want %x", buf.Bytes(), want)
	}
}

func TestReadHeaderRejects(t *testing.T) {
	encode := func(magic [8]byte, version uint16, index uint64) []byte {
		var buf bytes.Buffer
		if err := WriteHeader(&buf, Header{Magic: magic, Version: version, Index: index}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	good := encode(testMagic, 2, 7)
	otherMagic := testMagic
	otherMagic[7] = 'X'
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"truncated magic", good[:5]},
		{"truncated version", good[:9]},
		{"truncated index", good[:headerLen-1]},
		{"wrong magic", encode(otherMagic, 2, 7)},
		{"zero magic", encode([8]byte{}, 2, 7)},
		{"version 0", encode(testMagic, 0, 7)},
		{"version too new", encode(testMagic, 3, 7)},
		{"version max", encode(testMagic, 0xffff, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHeader(bytes.NewReader(tc.in), testMagic, 2)
			if !errors.Is(err, ErrSnapshotHeader) {
				t.Fatalf("ReadHeader: got %v, want ErrSnapshotHeader", err)
			}
		})
	}
	t.Run("max version accepted", func(t *testing.T) {
		h, err := ReadHeader(bytes.NewReader(good), testMagic, 2)
		if err != nil || h.Version != 2 || h.Index != 7 {
			t.Fatalf("ReadHeader = %+v, %v", h, err)
		}
	})
	t.Run("mismatch reports what it read", func(t *testing.T) {
		h, err := ReadHeader(bytes.NewReader(encode(testMagic, 9, 5)), testMagic, 2)
		if err == nil || h.Version != 9 || h.Index != 5 {
			t.Fatalf("ReadHeader = %+v, %v", h, err)
		}
	})
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteHeaderError(t *testing.T) {
	if err := WriteHeader(failWriter{}, Header{Magic: testMagic, Version: 1}); !errors.Is(err, errWrite) {
		t.Fatalf("WriteHeader to a failing writer: %v", err)
	}
}

func FuzzReadHeader(f *testing.F) {
	var buf bytes.Buffer
	_ = WriteHeader(&buf, Header{Magic: testMagic, Version: 1, Index: 3})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadHeader(bytes.NewReader(b), testMagic, 2)
		if err != nil {
			return
		}
		if h.Magic != testMagic || h.Version == 0 || h.Version > 2 || h.Index != binary.BigEndian.Uint64(b[10:18]) {
			t.Fatalf("accepted bad header %+v from %x", h, b)
		}
	})
}
