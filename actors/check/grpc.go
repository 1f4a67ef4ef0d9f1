package check

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// GRPC asks Target's grpc.health.v1.Health service whether it is SERVING.
// Target is "host:port" for the whole server or "host:port/service" for
// one service. SERVING is passing ("gRPC check <target>: success"); any
// other answer or error is critical.
type GRPC struct {
	Target        string
	UseTLS        bool
	TLSSkipVerify bool
	TLSServerName string
	Timeout       time.Duration // DefaultTimeout if zero
}

// Probe implements Prober.
func (p *GRPC) Probe(ctx context.Context) Result {
	ctx, cancel := withTimeout(ctx, p.Timeout, DefaultTimeout)
	defer cancel()
	server, service, _ := strings.Cut(p.Target, "/")
	creds := insecure.NewCredentials()
	if p.UseTLS {
		creds = credentials.NewTLS(tlsConfig(p.TLSSkipVerify, p.TLSServerName))
	}
	// passthrough: the address goes to the dialer as written, as with
	// Consul's grpc.Dial, instead of through grpc's DNS resolver.
	conn, err := grpc.NewClient("passthrough:///"+server, grpc.WithTransportCredentials(creds))
	if err != nil {
		return critical(err.Error())
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return critical(err.Error())
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return critical(fmt.Sprintf("gRPC %s serving status: %s", p.Target, resp.GetStatus())) // compat: Consul's text
	}
	return passing(fmt.Sprintf("gRPC check %s: success", p.Target)) // compat: Consul's text
}
