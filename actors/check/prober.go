package check

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"
)

// Prober runs one probe of a check's target.
//
// Contract: Probe returns once the probe is done or ctx is done, whichever
// comes first (a hanging target costs at most the prober's own Timeout or
// ctx's deadline, plus a little cleanup); it never panics and reports every
// failure as a critical Result whose Output says why. Probers hold only
// their configuration, so one may serve concurrent probes; the check actor
// runs them off its mailbox goroutine and feeds the Result back to Next.
type Prober interface {
	Probe(ctx context.Context) Result
}

// Prober builds the prober for a periodic check. agentOutputMax is the
// agent's check_output_max_size (0 for Consul's 4 KB). It does not consult
// the script-check gate: call AllowScript before registering a script
// check. TTL and alias checks have no prober (ErrNotProbed).
func (d Definition) Prober(agentOutputMax int) (Prober, error) {
	k, err := d.Kind()
	if err != nil {
		return nil, err
	}
	timeout := d.ProbeTimeout()
	switch k {
	case KindHTTP:
		return &HTTP{
			URL: d.HTTP, Method: d.Method, Header: d.Header, Body: d.Body,
			DisableRedirects: d.DisableRedirects, TLSSkipVerify: d.TLSSkipVerify, TLSServerName: d.TLSServerName,
			Timeout: timeout, OutputMaxSize: d.OutputLimit(agentOutputMax),
		}, nil
	case KindTCP:
		return &TCP{Addr: d.TCP, UseTLS: d.TCPUseTLS, TLSSkipVerify: d.TLSSkipVerify, TLSServerName: d.TLSServerName, Timeout: timeout}, nil
	case KindUDP:
		return &UDP{Addr: d.UDP, Timeout: timeout}, nil
	case KindGRPC:
		return &GRPC{Target: d.GRPC, UseTLS: d.GRPCUseTLS, TLSSkipVerify: d.TLSSkipVerify, TLSServerName: d.TLSServerName, Timeout: timeout}, nil
	case KindH2Ping:
		return &H2Ping{Addr: d.H2PING, UseTLS: d.H2PingUseTLS, TLSSkipVerify: d.TLSSkipVerify, TLSServerName: d.TLSServerName, Timeout: timeout}, nil
	case KindScript:
		return &Script{Args: d.Args, Timeout: timeout, OutputMaxSize: d.OutputLimit(agentOutputMax)}, nil
	}
	return nil, fmt.Errorf("%w (%s)", ErrNotProbed, k)
}

// withTimeout narrows ctx to the prober's own timeout (def if unset).
func withTimeout(ctx context.Context, timeout, def time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		timeout = def
	}
	return context.WithTimeout(ctx, timeout)
}

// contextErr is ctx.Err(), or DeadlineExceeded once ctx's deadline has
// passed even if its timer has not fired yet (a socket deadline set to the
// same instant can expire first).
func contextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

func tlsConfig(skipVerify bool, serverName string) *tls.Config {
	return &tls.Config{InsecureSkipVerify: skipVerify, ServerName: serverName} //nolint:gosec // the check's own tls_skip_verify
}

func critical(output string) Result { return Result{Status: StatusCritical, Output: output} }
func passing(output string) Result  { return Result{Status: StatusPassing, Output: output} }
