package events

import (
	"encoding/binary"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"
)

// Version is the envelope version this build writes.
const Version uint8 = 1

const flagIgnorable = 1

var (
	ErrShort       = errors.New("events: envelope too short")
	ErrVersion     = errors.New("events: unsupported envelope version")
	ErrUnknownType = errors.New("events: unknown non-ignorable event type")
	// ErrIgnored is returned by Decode for an unknown event marked ignorable;
	// callers skip the entry.
	ErrIgnored = errors.New("events: unknown ignorable event skipped")
)

// Encode wraps ev in a current-version envelope.
func Encode(ev Event) ([]byte, error) { return encode(ev, false) }

// EncodeIgnorable marks the event as safe to skip for servers that do not
// know its type (use only for facts whose absence cannot change outcomes).
func EncodeIgnorable(ev Event) ([]byte, error) { return encode(ev, true) }

func encode(ev Event, ignorable bool) ([]byte, error) {
	var hdr [1 + binary.MaxVarintLen32 + 1]byte
	hdr[0] = Version
	n := 1 + binary.PutUvarint(hdr[1:], uint64(ev.EventType()))
	if ignorable {
		hdr[n] = flagIgnorable
	}
	n++
	buf := make([]byte, n, n+proto.Size(ev))
	copy(buf, hdr[:n])
	out, err := proto.MarshalOptions{}.MarshalAppend(buf, ev)
	if err != nil {
		return nil, fmt.Errorf("events: encode %s: %w", Name(ev.EventType()), err)
	}
	return out, nil
}

// Header is the decoded envelope header.
type Header struct {
	Version   uint8
	Type      Type
	Ignorable bool
}

// DecodeHeader reads the envelope header and returns it with the payload.
func DecodeHeader(b []byte) (Header, []byte, error) {
	if len(b) < 3 {
		return Header{}, nil, ErrShort
	}
	h := Header{Version: b[0]}
	t, n := binary.Uvarint(b[1:])
	if n <= 0 || t > 1<<32-1 || len(b) < 1+n+1 {
		return Header{}, nil, ErrShort
	}
	h.Type = Type(t)
	h.Ignorable = b[1+n]&flagIgnorable != 0
	return h, b[1+n+1:], nil
}

// Decode returns the event in b. Unknown ignorable events give ErrIgnored;
// unknown others give ErrUnknownType, which a state machine must treat as
// fatal rather than diverge from servers that understood it.
func Decode(b []byte) (Event, error) {
	h, payload, err := DecodeHeader(b)
	if err != nil {
		return nil, err
	}
	if h.Version != Version {
		if up, ok := upcasters[h.Version][h.Type]; ok {
			return up(payload)
		}
		if h.Ignorable {
			return nil, ErrIgnored
		}
		return nil, fmt.Errorf("%w %d (type %d)", ErrVersion, h.Version, h.Type)
	}
	k, ok := kinds[h.Type]
	if !ok {
		if h.Ignorable {
			return nil, ErrIgnored
		}
		return nil, fmt.Errorf("%w %d", ErrUnknownType, h.Type)
	}
	ev := k.new()
	if err := proto.Unmarshal(payload, ev); err != nil {
		return nil, fmt.Errorf("events: decode %s: %w", k.name, err)
	}
	return ev, nil
}
