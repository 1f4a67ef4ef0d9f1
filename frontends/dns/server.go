package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	mdns "github.com/miekg/dns"
)

// Logger is what the server logs through. *slog.Logger and hclog.Logger
// both satisfy it.
type Logger interface {
	Debug(msg string, args ...any)
	Warn(msg string, args ...any)
	Error(msg string, args ...any)
}

// Timeouts and bounds of the socket side.
const (
	tcpFirstRead   = 2 * time.Second // to read a connection's first query
	tcpIdle        = 8 * time.Second // to read each following query
	tcpWrite       = 2 * time.Second
	maxTCPConns    = 4096 // connections beyond are closed at once
	maxForwards    = 256  // UDP forwards in flight; beyond, SERVFAIL
	consistentWait = 2 * time.Second
)

// Server serves DNS over UDP and TCP. It is the only part of the package
// that touches sockets.
type Server struct {
	h   *handler
	log Logger

	ctx    context.Context // cancelled by Shutdown
	cancel context.CancelFunc
	queue  *backlog
	fwd    chan struct{} // forward slots
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
	pcs    []net.PacketConn
	lns    []net.Listener
	conns  map[net.Conn]struct{}
}

// New returns a server answering from src with cfg, logging to log (nil:
// no logs). It does not listen yet: see Listen and Serve.
func New(cfg Config, src Source, log Logger) (*Server, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = nopLogger{}
	}
	srv := &Server{
		h:     newHandler(s, src),
		log:   log,
		queue: newBacklog(s.queueLen, s.queueDelay),
		fwd:   make(chan struct{}, maxForwards),
		conns: map[net.Conn]struct{}{},
	}
	srv.ctx, srv.cancel = context.WithCancel(context.Background())
	return srv, nil
}

// Listen binds addr ("127.0.0.1:8600") on both UDP and TCP and serves on
// them in the background. It returns once both are bound, or the error
// naming the network that failed. With port 0, both use the same port,
// chosen by the system (see UDPAddr and TCPAddr).
func (s *Server) Listen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("dns: listen %q: %w", addr, err)
	}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("dns: %w", err)
		}
		p := port
		if p == "0" {
			p = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		}
		pc, err := net.ListenPacket("udp", net.JoinHostPort(host, p))
		if err != nil {
			ln.Close()
			if port == "0" && attempt < 10 {
				continue // that port is taken for UDP: try another
			}
			return fmt.Errorf("dns: %w", err)
		}
		return s.Serve(pc, ln)
	}
}

// Serve serves on pc (UDP) and ln (TCP) in the background; either may be
// nil. It returns at once. The server owns them from now on and closes
// them on Shutdown.
func (s *Server) Serve(pc net.PacketConn, ln net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("dns: server is shut down")
	}
	if pc != nil {
		if len(s.pcs) == 0 { // the workers serve every UDP socket
			s.wg.Add(s.h.cfg.workers)
			for i := range s.h.cfg.workers {
				go s.worker(uint64(i))
			}
		}
		s.pcs = append(s.pcs, pc)
		s.wg.Add(1)
		go s.readUDP(pc)
	}
	if ln != nil {
		s.lns = append(s.lns, ln)
		s.wg.Add(1)
		go s.acceptTCP(ln)
	}
	return nil
}

// UDPAddr is the address of the first UDP socket served, or nil.
func (s *Server) UDPAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pcs) == 0 {
		return nil
	}
	return s.pcs[0].LocalAddr()
}

// TCPAddr is the address of the first TCP listener served, or nil.
func (s *Server) TCPAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lns) == 0 {
		return nil
	}
	return s.lns[0].Addr()
}

// Shed counts the UDP requests dropped unanswered by the overload
// policy (see doc.go).
func (s *Server) Shed() uint64 { return s.queue.shed() }

// Shutdown closes the sockets and waits, until ctx is done, for the
// requests in progress.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for _, pc := range s.pcs {
		pc.Close()
	}
	for _, ln := range s.lns {
		ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.cancel()
	s.queue.close()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// readUDP moves requests from the socket to the backlog as fast as it
// can, so that waiting happens where the overload policy applies rather
// than in the kernel's FIFO buffer.
func (s *Server) readUDP(pc net.PacketConn) {
	defer s.wg.Done()
	buf := make([]byte, maxUDPSize)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			s.log.Error("dns: reading UDP requests failed; no longer serving this socket", "error", err, "address", pc.LocalAddr().String())
			return
		}
		if n < 12 {
			continue // not even a header: nothing to answer
		}
		s.queue.push(packet{data: append([]byte(nil), buf[:n]...), pc: pc, from: from, at: time.Now()})
	}
}

func (s *Server) worker(id uint64) {
	defer s.wg.Done()
	rng := rand.New(rand.NewPCG(rand.Uint64(), id))
	for {
		p, ok := s.queue.next()
		if !ok {
			return
		}
		out, fwd := s.serve(p.data, udp, rng)
		switch {
		case fwd != nil:
			s.forwardUDP(p.pc, p.from, fwd, rng.Uint64())
		case out != nil:
			if _, err := p.pc.WriteTo(out, p.from); err != nil && !s.isClosed() {
				s.log.Debug("dns: writing a UDP response failed", "error", err, "client", p.from.String())
			}
		}
	}
}

// serve runs the request path, turning a panic into a dropped request.
func (s *Server) serve(wire []byte, tr transport, rng *rand.Rand) (out []byte, fwd *mdns.Msg) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("dns: answering a request panicked", "panic", fmt.Sprint(r), "network", tr.String())
			out, fwd = nil, nil
		}
	}()
	ctx := s.ctx
	if !s.h.cfg.stale {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, consistentWait)
		defer cancel()
	}
	return s.h.serve(ctx, wire, tr, rng, time.Now())
}

// forwardUDP asks the recursors off the worker, so that a slow upstream
// never holds a worker.
func (s *Server) forwardUDP(pc net.PacketConn, to net.Addr, req *mdns.Msg, seed uint64) {
	select {
	case s.fwd <- struct{}{}:
	default:
		s.log.Warn("dns: too many forwarded queries in flight", "limit", maxForwards)
		if out := s.h.forwarded(nil, errRecursors, udp, req); out != nil {
			pc.WriteTo(out, to)
		}
		return
	}
	s.wg.Add(1)
	go func() {
		defer func() { <-s.fwd; s.wg.Done() }()
		if out := s.forward(req, udp, rand.New(rand.NewPCG(seed, 0))); out != nil {
			pc.WriteTo(out, to)
		}
	}()
}

func (s *Server) forward(req *mdns.Msg, tr transport, rng *rand.Rand) []byte {
	resp, err := s.h.rec.exchange(s.ctx, req, tr, rng)
	if err != nil {
		s.log.Debug("dns: recursion failed", "question", req.Question[0].String(), "error", err)
	}
	return s.h.forwarded(resp, err, tr, req)
}

func (s *Server) acceptTCP(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("dns: accepting a TCP connection failed", "error", err)
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		s.mu.Lock()
		if s.closed || len(s.conns) >= maxTCPConns {
			s.mu.Unlock()
			c.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveTCP(c)
	}
}

// serveTCP answers the queries of one connection in turn (RFC 7766
// framing: a two-byte length before each message).
func (s *Server) serveTCP(c net.Conn) {
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.wg.Done()
	}()
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	wait := tcpFirstRead
	var size [2]byte
	for {
		c.SetReadDeadline(time.Now().Add(wait))
		if _, err := io.ReadFull(c, size[:]); err != nil {
			return
		}
		wire := make([]byte, binary.BigEndian.Uint16(size[:]))
		if _, err := io.ReadFull(c, wire); err != nil {
			return
		}
		out, fwd := s.serve(wire, tcp, rng)
		if fwd != nil {
			out = s.forward(fwd, tcp, rng)
		}
		if out != nil {
			c.SetWriteDeadline(time.Now().Add(tcpWrite))
			frame := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(out)), uint16(len(out)))
			if _, err := c.Write(append(frame, out...)); err != nil {
				return
			}
		}
		wait = tcpIdle
	}
}

type nopLogger struct{}

func (nopLogger) Debug(string, ...any) {}
func (nopLogger) Warn(string, ...any)  {}
func (nopLogger) Error(string, ...any) {}
