package tlsutil

import (
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// recordTypeHandshake is the first byte of every TLS connection (a
// handshake record carrying the ClientHello).
const recordTypeHandshake = 0x16

// ListenerOptions say what a [NewListener] port accepts.
type ListenerOptions struct {
	// TLS serves connections that open with a TLS handshake; nil refuses
	// them.
	TLS *tls.Config
	// AllowPlaintext accepts connections that do not open with a TLS
	// handshake (internal RPC without verify_incoming).
	AllowPlaintext bool
	// SniffTimeout bounds the wait for a connection's first byte; 0 means
	// 10 s. A connection that sends nothing in time is closed.
	SniffTimeout time.Duration
	// Refused, if set, is told about every connection closed by the
	// listener, for the log.
	Refused func(remote net.Addr, reason string)
}

// NewListener wraps ln so that one port takes TLS and, if allowed,
// plaintext, as Consul's server RPC port does: the first byte of each
// connection decides. TLS connections are returned as *tls.Conn (the
// handshake runs on first use); refused ones are closed. Accept never
// waits on a slow client: connections are classified in their own
// goroutines.
func NewListener(ln net.Listener, o ListenerOptions) net.Listener {
	if o.SniffTimeout <= 0 {
		o.SniffTimeout = 10 * time.Second
	}
	l := &listener{Listener: ln, o: o, ready: make(chan net.Conn), done: make(chan struct{})}
	go l.acceptLoop()
	return l
}

type listener struct {
	net.Listener
	o     ListenerOptions
	ready chan net.Conn
	done  chan struct{}

	mu   sync.Mutex
	err  error // the inner listener's Accept error, once it failed
	once sync.Once
}

func (l *listener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
			l.close()
			return
		}
		go l.classify(c)
	}
}

func (l *listener) classify(c net.Conn) {
	var first [1]byte
	c.SetReadDeadline(time.Now().Add(l.o.SniffTimeout))
	_, err := c.Read(first[:])
	c.SetReadDeadline(time.Time{})
	var out net.Conn
	switch {
	case err != nil:
		l.refuse(c, "no data: "+err.Error())
		return
	case first[0] == recordTypeHandshake && l.o.TLS != nil:
		out = tls.Server(&prefixConn{Conn: c, first: first[:]}, l.o.TLS)
	case first[0] == recordTypeHandshake:
		l.refuse(c, "TLS connection, but TLS is not configured")
		return
	case l.o.AllowPlaintext:
		out = &prefixConn{Conn: c, first: first[:]}
	default:
		l.refuse(c, "non-TLS connection attempted with verify_incoming set")
		return
	}
	select {
	case l.ready <- out:
	case <-l.done:
		c.Close()
	}
}

func (l *listener) refuse(c net.Conn, reason string) {
	if l.o.Refused != nil {
		l.o.Refused(c.RemoteAddr(), reason)
	}
	c.Close()
}

// Accept returns the next classified connection.
func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.done:
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.err != nil {
			return nil, l.err
		}
		return nil, net.ErrClosed
	}
}

// Close closes the inner listener; connections still being classified
// are closed.
func (l *listener) Close() error {
	err := l.Listener.Close()
	l.close()
	return err
}

func (l *listener) close() { l.once.Do(func() { close(l.done) }) }

// prefixConn gives back the byte read to classify the connection.
type prefixConn struct {
	net.Conn
	first []byte
}

func (p *prefixConn) Read(b []byte) (int, error) {
	if len(p.first) > 0 && len(b) > 0 {
		n := copy(b, p.first)
		p.first = p.first[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}
