package check

import (
	"fmt"
	"strings"
	"time"
)

// Definition is a check as registered through /v1/agent/check/register or
// a config file's check block, with durations already parsed. Build one by
// hand or with DecodeDefinition / json.Unmarshal.
type Definition struct {
	ID        string // CheckID; Consul defaults it to Name
	Name      string
	ServiceID string
	Notes     string
	Status    Status // initial status; empty means critical

	HTTP             string
	Method           string
	Header           map[string][]string
	Body             string
	DisableRedirects bool
	TLSServerName    string
	TLSSkipVerify    bool

	TCP          string
	TCPUseTLS    bool
	UDP          string
	GRPC         string // host:port, optionally followed by /service
	GRPCUseTLS   bool
	H2PING       string
	H2PingUseTLS bool // DecodeDefinition defaults it to true, as Consul does
	TTL          time.Duration
	Args         []string
	AliasNode    string
	AliasService string

	Interval                       time.Duration
	Timeout                        time.Duration
	DeregisterCriticalServiceAfter time.Duration

	SuccessBeforePassing   int
	FailuresBeforeCritical int
	FailuresBeforeWarning  int
	OutputMaxSize          int
}

// Kind is what a check does, spelled as Consul's Type field.
type Kind string

// The kinds of check consuld runs.
const (
	KindHTTP   Kind = "http"
	KindTCP    Kind = "tcp"
	KindUDP    Kind = "udp"
	KindGRPC   Kind = "grpc"
	KindH2Ping Kind = "h2ping"
	KindTTL    Kind = "ttl"
	KindScript Kind = "script"
	KindAlias  Kind = "alias"
)

// Periodic reports whether checks of kind k are probed every Interval.
func (k Kind) Periodic() bool { return k != KindTTL && k != KindAlias && k != "" }

// Consul's timing rules.
const (
	// MinInterval is the shortest interval Consul runs a check at; a
	// shorter one is raised to it (with a warning), not refused.
	MinInterval = time.Second
	// DefaultTimeout bounds every probe but a script's.
	DefaultTimeout = 10 * time.Second
	// DefaultScriptTimeout bounds a script check.
	DefaultScriptTimeout = 30 * time.Second
	// MinDeregisterAfter is the shortest deregister_critical_service_after.
	MinDeregisterAfter = time.Minute
)

// Kind reports which kind of check d is. Exactly one of HTTP, TCP, UDP,
// GRPC, H2PING, TTL, Args and AliasNode/AliasService must be set.
func (d Definition) Kind() (Kind, error) {
	var kinds []Kind
	add := func(set bool, k Kind) {
		if set {
			kinds = append(kinds, k)
		}
	}
	add(d.HTTP != "", KindHTTP)
	add(d.TCP != "", KindTCP)
	add(d.UDP != "", KindUDP)
	add(d.GRPC != "", KindGRPC)
	add(d.H2PING != "", KindH2Ping)
	add(d.TTL != 0, KindTTL)
	add(len(d.Args) > 0, KindScript)
	add(d.AliasNode != "" || d.AliasService != "", KindAlias)
	switch len(kinds) {
	case 0:
		return "", ErrNoKind
	case 1:
		return kinds[0], nil
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("%w; got %s", ErrManyKinds, strings.Join(names, ", "))
}

// Type is Consul's Type field for d ("http", "tcp", "udp", "grpc",
// "h2ping", "ttl", "script", "alias"), or "" if d has no single kind.
func (d Definition) Type() string {
	k, err := d.Kind()
	if err != nil {
		return ""
	}
	return string(k)
}

// Validate applies Consul's registration rules, in Consul's order, except
// the name check (service-embedded checks get a default name; the register
// endpoint refuses an empty one with ErrMissingName). An interval below
// MinInterval is not an error: RunInterval raises it.
func (d Definition) Validate() error {
	if d.Status != "" && !d.Status.Valid() {
		return ErrBadStatus
	}
	k, err := d.Kind()
	if err != nil {
		return err
	}
	switch {
	case d.Interval > 0 && d.TTL > 0:
		return ErrIntervalTTL
	case k.Periodic() && d.Interval <= 0:
		return ErrNoInterval
	case k == KindTTL && d.TTL <= 0:
		return ErrBadTTL
	case d.OutputMaxSize < 0:
		return ErrOutputMaxSize
	case d.FailuresBeforeWarning > d.FailuresBeforeCritical:
		return ErrWarningAbove
	}
	return nil
}

// CheckID is the check's ID: ID, or Name when ID is empty.
func (d Definition) CheckID() string {
	if d.ID != "" {
		return d.ID
	}
	return d.Name
}

// InitialStatus is the status a newly registered d starts with.
func (d Definition) InitialStatus() Status {
	if d.Status == "" {
		return StatusCritical
	}
	return d.Status
}

// Thresholds are d's flapping thresholds with Consul's default applied
// (failures_before_warning defaults to failures_before_critical).
func (d Definition) Thresholds() Thresholds {
	return Thresholds{
		SuccessBeforePassing:   d.SuccessBeforePassing,
		FailuresBeforeCritical: d.FailuresBeforeCritical,
		FailuresBeforeWarning:  d.FailuresBeforeWarning,
	}.withDefaults()
}

// RunInterval is how often a periodic check runs: Interval, raised to
// MinInterval.
func (d Definition) RunInterval() time.Duration {
	return max(d.Interval, MinInterval)
}

// ProbeTimeout bounds one probe: Timeout if positive, else 30s for a
// script and 10s for everything else.
func (d Definition) ProbeTimeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	if len(d.Args) > 0 {
		return DefaultScriptTimeout
	}
	return DefaultTimeout
}

// OutputLimit is the output cap for d on an agent whose
// check_output_max_size is agentMax (0 means DefaultOutputMaxSize): a
// check's own OutputMaxSize can only lower it.
func (d Definition) OutputLimit(agentMax int) int {
	limit := agentMax
	if limit <= 0 {
		limit = DefaultOutputMaxSize
	}
	if d.OutputMaxSize > 0 && d.OutputMaxSize < limit {
		limit = d.OutputMaxSize
	}
	return limit
}

// DeregisterAfter is how long d's service may stay critical before it is
// deregistered: 0 (never) or at least MinDeregisterAfter.
func (d Definition) DeregisterAfter() time.Duration {
	if d.DeregisterCriticalServiceAfter <= 0 {
		return 0
	}
	return max(d.DeregisterCriticalServiceAfter, MinDeregisterAfter)
}
