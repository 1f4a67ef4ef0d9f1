package config

import "time"

// ServiceDef is one service definition of a config file (`service`, or an
// element of `services`), decoded, defaulted and validated as Consul does.
type ServiceDef struct {
	// Source is the file the definition came from (its path as given), or
	// "flag -hcl #N" for a -hcl fragment.
	Source string

	ID   string // defaults to Name
	Name string // required
	Kind string // "" (a typical service) or a Consul kind such as "connect-proxy"

	Tags              []string
	Address           string // empty means the agent's address
	TaggedAddresses   map[string]ServiceAddress
	Meta              map[string]string
	Port              int // 0..65535
	SocketPath        string
	EnableTagOverride bool
	Weights           Weights // {1, 1} unless set
	Token             string

	// Checks are the service's `check` then its `checks`, with IDs, names
	// and ServiceID filled in.
	Checks []CheckDef
}

// ServiceAddress is one entry of a service's tagged_addresses.
type ServiceAddress struct {
	Address string
	Port    int
}

// Weights are a service's DNS SRV weights by health.
type Weights struct {
	Passing int // >= 1
	Warning int // >= 0
}

// CheckKind says how a check gets its status.
type CheckKind string

// The check kinds. Exactly one is set on a valid CheckDef.
const (
	CheckHTTP   CheckKind = "http"
	CheckTCP    CheckKind = "tcp"
	CheckUDP    CheckKind = "udp"
	CheckGRPC   CheckKind = "grpc"
	CheckH2PING CheckKind = "h2ping"
	CheckTTL    CheckKind = "ttl"
	CheckScript CheckKind = "script" // args
	CheckAlias  CheckKind = "alias"  // alias_node and/or alias_service
)

// Periodic reports whether the kind runs every Interval (and so requires
// one).
func (k CheckKind) Periodic() bool {
	switch k {
	case CheckHTTP, CheckTCP, CheckUDP, CheckGRPC, CheckH2PING, CheckScript:
		return true
	}
	return false
}

// CheckDef is one check definition: a standalone `check`/`checks` entry of
// a config file, or a check of a [ServiceDef].
type CheckDef struct {
	// Source is the file the definition came from, as in ServiceDef.
	Source string

	Kind CheckKind

	// ID defaults, in a service, to "service:<service-id>" (with ":<n>",
	// 1-based, when the service has several checks); standalone, to Name.
	ID string
	// Name defaults, in a service, to "Service '<service-name>' check";
	// standalone it is required.
	Name      string
	Notes     string
	Status    string // initial status: "" (the agent's default, critical), passing, warning or critical
	ServiceID string // the owning service's ID for service checks
	Token     string

	// HTTP checks.
	HTTP             string
	Method           string
	Header           map[string][]string
	Body             string
	DisableRedirects bool
	// TLS settings for HTTP and gRPC checks.
	TLSServerName string
	TLSSkipVerify bool

	TCP string
	UDP string

	GRPC       string
	GRPCUseTLS bool

	H2PING       string
	H2PingUseTLS bool // true unless set to false, as in Consul

	TTL time.Duration

	Args []string // script checks

	AliasNode    string
	AliasService string

	// Interval is > 0 for periodic kinds, raised to 1s if set lower (with a
	// warning, as Consul does).
	Interval time.Duration
	Timeout  time.Duration // 0: the agent's default
	// DeregisterCriticalServiceAfter is 0 (never) or at least one minute.
	DeregisterCriticalServiceAfter time.Duration

	SuccessBeforePassing   int
	FailuresBeforeWarning  int
	FailuresBeforeCritical int
	OutputMaxSize          int // bytes; 0: the agent's default
}
