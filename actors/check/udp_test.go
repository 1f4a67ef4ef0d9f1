package check

import (
	"context"
	"net"
	"testing"
	"time"
)

// udpServer listens on loopback; echo makes it answer each datagram.
func udpServer(t *testing.T, echo bool) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			if echo {
				_, _ = c.WriteTo(buf[:n], from)
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return c.LocalAddr().String()
}

func TestUDP(t *testing.T) {
	echo := udpServer(t, true)
	wantResult(t, probe(t, &UDP{Addr: echo, Timeout: 5 * time.Second}), StatusPassing, "UDP connect "+echo+": Success")

	// Silence until the timeout is healthy: UDP cannot tell a quiet
	// server from a slow one.
	quiet := udpServer(t, false)
	wantResult(t, probe(t, &UDP{Addr: quiet, Timeout: 50 * time.Millisecond}), StatusPassing, "UDP connect "+quiet+": Success")

	// Nothing bound: the kernel's ICMP port-unreachable comes back as
	// "connection refused".
	closed := closedAddr(t, "udp")
	wantContains(t, probe(t, &UDP{Addr: closed, Timeout: 5 * time.Second}), StatusCritical, "connection refused")

	wantContains(t, probe(t, &UDP{Addr: "no-port"}), StatusCritical, "missing port")
}

func TestUDPCancelledIsCritical(t *testing.T) {
	quiet := udpServer(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wantContains(t, probeCtx(t, ctx, &UDP{Addr: quiet, Timeout: time.Hour}), StatusCritical, "cancel")
}
