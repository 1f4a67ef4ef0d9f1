package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// udpMessage is the datagram a UDP check sends; Consul's checks expect no
// particular reply, only its absence of an error.
var udpMessage = []byte("consuld health check")

// UDP sends one datagram to Addr and waits up to Timeout for a reply. A
// reply, or silence until the timeout, is passing ("UDP connect <addr>:
// Success"): UDP has no handshake, so only an error, typically the ICMP
// port-unreachable that surfaces as "connection refused", is critical.
type UDP struct {
	Addr    string
	Timeout time.Duration // DefaultTimeout if zero
}

// Probe implements Prober.
func (p *UDP) Probe(ctx context.Context) Result {
	ok := passing(fmt.Sprintf("UDP connect %s: Success", p.Addr)) // compat: Consul's text
	ctx, cancel := withTimeout(ctx, p.Timeout, DefaultTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "udp", p.Addr)
	if err != nil {
		if timedOut(ctx, err) {
			return ok
		}
		return critical(err.Error())
	}
	defer conn.Close()
	if deadline, set := ctx.Deadline(); set {
		_ = conn.SetDeadline(deadline)
	}
	// A cancel (not a deadline) unblocks the read too.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	if _, err := conn.Write(udpMessage); err != nil {
		return critical(err.Error())
	}
	if _, err := conn.Read(make([]byte, 512)); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return critical(ctx.Err().Error())
		}
		if timedOut(ctx, err) {
			return ok
		}
		return critical(err.Error())
	}
	return ok
}

func timedOut(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(contextErr(ctx), context.DeadlineExceeded)
}
