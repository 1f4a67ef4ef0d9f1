package check

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// H2Ping opens an HTTP/2 connection to Addr (over TLS, or h2c when UseTLS
// is false) and sends one PING frame; an acknowledgement is passing
// ("HTTP2 ping was successful"). It speaks just enough HTTP/2 for that
// (RFC 9113: the preface, SETTINGS and PING frames), so a silent server
// costs no more than the timeout.
type H2Ping struct {
	Addr          string
	UseTLS        bool
	TLSSkipVerify bool
	TLSServerName string
	Timeout       time.Duration // DefaultTimeout if zero
}

// Probe implements Prober.
func (p *H2Ping) Probe(ctx context.Context) Result {
	ctx, cancel := withTimeout(ctx, p.Timeout, DefaultTimeout)
	defer cancel()
	var conn net.Conn
	var err error
	if p.UseTLS {
		cfg := tlsConfig(p.TLSSkipVerify, p.TLSServerName)
		cfg.NextProtos = []string{"h2"}
		conn, err = (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", p.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", p.Addr)
	}
	if err != nil {
		return critical(fmt.Sprintf("Failed to dial to %s: %s", p.Addr, err)) // compat: Consul's text
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	if err := h2ping(conn); err != nil {
		if ctxErr := contextErr(ctx); ctxErr != nil {
			err = ctxErr // Consul reports the context's error, not the socket's
		}
		return critical(fmt.Sprintf("HTTP2 ping failed: %s", err)) // compat: Consul's text
	}
	return passing("HTTP2 ping was successful") // compat: Consul's text
}

// HTTP/2 wire constants (RFC 9113 §3.4, §6).
const (
	h2Preface       = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	h2FrameSettings = 0x4
	h2FramePing     = 0x6
	h2FrameGoAway   = 0x7
	h2FlagAck       = 0x1
	h2MaxFrame      = 1 << 14 // SETTINGS_MAX_FRAME_SIZE, which we leave at its default
)

var errGoAway = errors.New("server sent GOAWAY")

// h2ping runs the client side of an HTTP/2 connection until the server
// acknowledges our PING, acknowledging the server's SETTINGS on the way.
func h2ping(conn net.Conn) error {
	var data [8]byte
	_, _ = rand.Read(data[:])
	out := append([]byte(h2Preface), h2Frame(h2FrameSettings, 0, nil)...)
	out = append(out, h2Frame(h2FramePing, 0, data[:])...)
	if _, err := conn.Write(out); err != nil {
		return err
	}
	var hdr [9]byte
	for {
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			return err
		}
		length := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags := hdr[3], hdr[4]
		if length > h2MaxFrame {
			return fmt.Errorf("frame of %d bytes exceeds the %d-byte maximum", length, h2MaxFrame)
		}
		payload := make([]byte, length)
		if _, err := io.ReadFull(conn, payload); err != nil {
			return err
		}
		switch {
		case typ == h2FrameSettings && flags&h2FlagAck == 0:
			if _, err := conn.Write(h2Frame(h2FrameSettings, h2FlagAck, nil)); err != nil {
				return err
			}
		case typ == h2FramePing && flags&h2FlagAck != 0 && string(payload) == string(data[:]):
			return nil
		case typ == h2FrameGoAway:
			code := uint32(0)
			if len(payload) >= 8 {
				code = binary.BigEndian.Uint32(payload[4:8])
			}
			return fmt.Errorf("%w (error code %d)", errGoAway, code)
		}
	}
}

// h2Frame encodes one frame on stream 0.
func h2Frame(typ, flags byte, payload []byte) []byte {
	n := len(payload)
	f := []byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags, 0, 0, 0, 0}
	return append(f, payload...)
}
