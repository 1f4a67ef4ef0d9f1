package check

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// grpcServer serves grpc.health.v1 on loopback: the server as a whole
// and "svc" are SERVING, "down" is NOT_SERVING.
func grpcServer(t *testing.T, opts ...grpc.ServerOption) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(opts...)
	hs := health.NewServer()
	hs.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus("down", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return l.Addr().String()
}

func TestGRPC(t *testing.T) {
	addr := grpcServer(t)
	cases := []struct {
		name   string
		target string
		status Status
		output string
	}{
		{"whole server", addr, StatusPassing, "gRPC check " + addr + ": success"},
		{"one service", addr + "/svc", StatusPassing, "gRPC check " + addr + "/svc: success"},
		{"service not serving", addr + "/down", StatusCritical, "gRPC " + addr + "/down serving status: NOT_SERVING"},
		{"unknown service", addr + "/nope", StatusCritical, "rpc error: code = NotFound desc = unknown service"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantResult(t, probe(t, &GRPC{Target: tc.target, Timeout: 5 * time.Second}), tc.status, tc.output)
		})
	}
}

func TestGRPCUnreachable(t *testing.T) {
	got := probe(t, &GRPC{Target: closedAddr(t, "tcp"), Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "code = Unavailable", "connection refused")
}

func TestGRPCHangingServerTimesOut(t *testing.T) {
	got := probe(t, &GRPC{Target: silentListener(t), Timeout: 50 * time.Millisecond})
	wantContains(t, got, StatusCritical, "code = DeadlineExceeded")
}

func TestGRPCWithTLS(t *testing.T) {
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{testCert(t)}})
	addr := grpcServer(t, grpc.Creds(creds))

	got := probe(t, &GRPC{Target: addr + "/svc", UseTLS: true, TLSSkipVerify: true, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "gRPC check "+addr+"/svc: success")

	got = probe(t, &GRPC{Target: addr, UseTLS: true, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "certificate")

	// Plaintext against a TLS server fails rather than hangs.
	got = probe(t, &GRPC{Target: addr, Timeout: 200 * time.Millisecond})
	wantContains(t, got, StatusCritical, "rpc error")
}
