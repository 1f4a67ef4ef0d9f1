package check

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestDefinitionKind(t *testing.T) {
	cases := []struct {
		name string
		d    Definition
		want Kind
		err  error
	}{
		{"http", Definition{HTTP: "http://x"}, KindHTTP, nil},
		{"tcp", Definition{TCP: "x:1"}, KindTCP, nil},
		{"udp", Definition{UDP: "x:1"}, KindUDP, nil},
		{"grpc", Definition{GRPC: "x:1/svc"}, KindGRPC, nil},
		{"h2ping", Definition{H2PING: "x:1"}, KindH2Ping, nil},
		{"ttl", Definition{TTL: time.Second}, KindTTL, nil},
		{"negative ttl is still a ttl check", Definition{TTL: -time.Second}, KindTTL, nil},
		{"script", Definition{Args: []string{"true"}}, KindScript, nil},
		{"alias service", Definition{AliasService: "web"}, KindAlias, nil},
		{"alias node", Definition{AliasNode: "n1"}, KindAlias, nil},
		{"alias node and service is one alias", Definition{AliasNode: "n1", AliasService: "web"}, KindAlias, nil},
		{"nothing", Definition{Name: "x", Interval: time.Second}, "", ErrNoKind},
		{"two kinds", Definition{HTTP: "http://x", TCP: "x:1"}, "", ErrManyKinds},
		{"ttl and script", Definition{TTL: time.Second, Args: []string{"true"}}, "", ErrManyKinds},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := tc.d.Kind()
			if !errors.Is(err, tc.err) || k != tc.want {
				t.Fatalf("Kind() = %q, %v; want %q, %v", k, err, tc.want, tc.err)
			}
			if got := tc.d.Type(); got != string(tc.want) {
				t.Fatalf("Type() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestManyKindsNamesThem(t *testing.T) {
	_, err := Definition{HTTP: "http://x", GRPC: "x:1"}.Kind()
	want := "check: only one of HTTP, TCP, UDP, GRPC, H2PING, TTL, Args and AliasNode/AliasService may be set; got http, grpc"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestDefinitionValidate(t *testing.T) {
	sec := time.Second
	cases := []struct {
		name string
		d    Definition
		err  error
	}{
		{"http", Definition{HTTP: "http://x", Interval: 10 * sec}, nil},
		{"interval below the minimum is raised, not refused", Definition{TCP: "x:1", Interval: time.Millisecond}, nil},
		{"ttl", Definition{TTL: 30 * sec}, nil},
		{"alias needs no interval", Definition{AliasService: "web"}, nil},
		{"initial status", Definition{TTL: sec, Status: StatusPassing}, nil},
		{"thresholds", Definition{HTTP: "http://x", Interval: sec, FailuresBeforeWarning: 1, FailuresBeforeCritical: 3}, nil},
		{"bad status", Definition{TTL: sec, Status: "fine"}, ErrBadStatus},
		{"maintenance is not a check status", Definition{TTL: sec, Status: StatusMaintenance}, ErrBadStatus},
		{"no kind", Definition{Interval: sec}, ErrNoKind},
		{"two kinds", Definition{TCP: "x:1", UDP: "x:1", Interval: sec}, ErrManyKinds},
		{"interval and ttl", Definition{TTL: sec, Interval: sec}, ErrIntervalTTL},
		{"http without interval", Definition{HTTP: "http://x"}, ErrNoInterval},
		{"script without interval", Definition{Args: []string{"true"}}, ErrNoInterval},
		{"grpc with a negative interval", Definition{GRPC: "x:1", Interval: -sec}, ErrNoInterval},
		{"negative ttl", Definition{TTL: -sec}, ErrBadTTL},
		{"negative output size", Definition{TTL: sec, OutputMaxSize: -1}, ErrOutputMaxSize},
		{"warning above critical", Definition{TTL: sec, FailuresBeforeWarning: 2, FailuresBeforeCritical: 1}, ErrWarningAbove},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.d.Validate(); !errors.Is(err, tc.err) {
				t.Fatalf("Validate() = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestDefinitionDefaults(t *testing.T) {
	sec := time.Second
	cases := []struct {
		name       string
		d          Definition
		interval   time.Duration
		timeout    time.Duration
		deregister time.Duration
	}{
		{"http defaults", Definition{HTTP: "h", Interval: 5 * sec}, 5 * sec, 10 * sec, 0},
		{"script defaults to 30s", Definition{Args: []string{"x"}, Interval: sec}, sec, 30 * sec, 0},
		{"interval floor", Definition{TCP: "t", Interval: 100 * time.Millisecond}, sec, 10 * sec, 0},
		{"explicit timeout", Definition{TCP: "t", Interval: sec, Timeout: 2 * sec}, sec, 2 * sec, 0},
		{"deregister floor", Definition{TTL: sec, DeregisterCriticalServiceAfter: 10 * sec}, sec, 10 * sec, time.Minute},
		{"deregister", Definition{TTL: sec, DeregisterCriticalServiceAfter: 90 * time.Minute}, sec, 10 * sec, 90 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.RunInterval(); got != tc.interval {
				t.Errorf("RunInterval = %v, want %v", got, tc.interval)
			}
			if got := tc.d.ProbeTimeout(); got != tc.timeout {
				t.Errorf("ProbeTimeout = %v, want %v", got, tc.timeout)
			}
			if got := tc.d.DeregisterAfter(); got != tc.deregister {
				t.Errorf("DeregisterAfter = %v, want %v", got, tc.deregister)
			}
		})
	}
}

func TestDefinitionSmallThings(t *testing.T) {
	if got := (Definition{Name: "n"}).CheckID(); got != "n" {
		t.Errorf("CheckID defaults to Name: %q", got)
	}
	if got := (Definition{Name: "n", ID: "i"}).CheckID(); got != "i" {
		t.Errorf("CheckID: %q", got)
	}
	if got := (Definition{}).InitialStatus(); got != StatusCritical {
		t.Errorf("InitialStatus default: %q", got)
	}
	if got := (Definition{Status: StatusWarning}).InitialStatus(); got != StatusWarning {
		t.Errorf("InitialStatus: %q", got)
	}
	th := Definition{FailuresBeforeCritical: 3, SuccessBeforePassing: 2}.Thresholds()
	if th != (Thresholds{SuccessBeforePassing: 2, FailuresBeforeCritical: 3, FailuresBeforeWarning: 3}) {
		t.Errorf("Thresholds: %+v", th)
	}
	for _, tc := range []struct{ own, agent, want int }{
		{0, 0, 4096}, {100, 0, 100}, {10000, 0, 4096}, {0, 8192, 8192}, {10000, 8192, 8192}, {100, 8192, 100},
	} {
		if got := (Definition{OutputMaxSize: tc.own}).OutputLimit(tc.agent); got != tc.want {
			t.Errorf("OutputLimit(own %d, agent %d) = %d, want %d", tc.own, tc.agent, got, tc.want)
		}
	}
}

func TestDefinitionProber(t *testing.T) {
	cases := []struct {
		d    Definition
		want any
		err  error
	}{
		{Definition{HTTP: "http://x", Interval: time.Second}, &HTTP{}, nil},
		{Definition{TCP: "x:1"}, &TCP{}, nil},
		{Definition{UDP: "x:1"}, &UDP{}, nil},
		{Definition{GRPC: "x:1"}, &GRPC{}, nil},
		{Definition{H2PING: "x:1"}, &H2Ping{}, nil},
		{Definition{Args: []string{"true"}}, &Script{}, nil},
		{Definition{TTL: time.Second}, nil, ErrNotProbed},
		{Definition{AliasService: "web"}, nil, ErrNotProbed},
		{Definition{}, nil, ErrNoKind},
	}
	for _, tc := range cases {
		p, err := tc.d.Prober(0)
		if !errors.Is(err, tc.err) {
			t.Fatalf("%+v: err %v, want %v", tc.d, err, tc.err)
		}
		if tc.want != nil && (p == nil || typeName(p) != typeName(tc.want)) {
			t.Fatalf("%+v: prober %T, want %T", tc.d, p, tc.want)
		}
	}
	p, _ := Definition{HTTP: "http://x", Timeout: 3 * time.Second, OutputMaxSize: 10}.Prober(0)
	if h := p.(*HTTP); h.Timeout != 3*time.Second || h.OutputMaxSize != 10 {
		t.Fatalf("HTTP prober settings: %v %v", h.Timeout, h.OutputMaxSize)
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
