package httpapi

import (
	"net"
	"sync"
)

// tooMany is written to a connection over the per-client limit, as Consul
// answers past limits.http_max_conns_per_client.
const tooMany = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 81\r\nConnection: close\r\n\r\nYour IP is issuing too many concurrent connections, please rate limit your calls\n"

// LimitListener caps concurrent connections per client IP (0: no cap).
func LimitListener(ln net.Listener, perIP int) net.Listener {
	if perIP <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, max: perIP, n: map[string]int{}}
}

type limitListener struct {
	net.Listener
	max int
	mu  sync.Mutex
	n   map[string]int
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		l.mu.Lock()
		over := l.n[ip] >= l.max
		if !over {
			l.n[ip]++
		}
		l.mu.Unlock()
		if over {
			c.Write([]byte(tooMany))
			c.Close()
			continue
		}
		return &limitedConn{Conn: c, l: l, ip: ip}, nil
	}
}

type limitedConn struct {
	net.Conn
	l    *limitListener
	ip   string
	once sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		if c.l.n[c.ip]--; c.l.n[c.ip] <= 0 {
			delete(c.l.n, c.ip)
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
