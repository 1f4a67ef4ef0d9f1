package config

import (
	"time"

	"github.com/consuld/consuld/transport/tlsutil"
)

// Config is the merged, validated agent configuration.
type Config struct {
	Datacenter string
	DataDir    string // empty only in -dev mode: state is kept in memory
	NodeName   string // defaults to the hostname
	NodeID     string // a UUID, or empty to let the agent pick one
	LogLevel   string // lower case: trace, debug, info, warn or error

	LogJSON   bool
	Server    bool
	Bootstrap bool
	DevMode   bool
	UI        bool // ui_config.enabled (or the legacy top-level ui)
	// Script checks (args) run only when allowed: from config files with
	// either key, from the HTTP API only with enable_script_checks.
	EnableScriptChecks, EnableLocalScriptChecks bool
	// EnableDebug serves /debug/pprof on the HTTP API (enable_debug; on in -dev).
	EnableDebug bool

	BootstrapExpect int

	BindAddr      string
	AdvertiseAddr string
	// ClientAddr may hold several space-separated addresses or a go-sockaddr
	// template, as in Consul; the caller resolves it.
	ClientAddr string

	// Addresses override ClientAddr per listener.
	Addresses Addresses
	Ports     Ports
	Limits    Limits
	DNS       DNS

	RaftMultiplier int // performance.raft_multiplier, 1..10

	Autopilot Autopilot

	// ConnectEnabled is connect.enabled: the server bootstraps and serves
	// the Connect CA (the agent also enables it in -dev, as Consul does).
	ConnectEnabled bool
	// ConnectClusterID is connect.ca_config.cluster_id: the CA's cluster
	// ID and so its trust domain "<id>.consul"; empty means a random UUID
	// at bootstrap. Used only when the CA is first initialized.
	ConnectClusterID string

	RetryJoin     []string
	StartJoin     []string
	RetryInterval time.Duration
	RetryMax      int // 0 retries forever

	// Encrypt is the gossip key (base64, 16/24/32 bytes): it seeds the
	// keyring in data_dir/serf/local.keyring, which wins once it exists.
	Encrypt string
	// EncryptVerifyIncoming and EncryptVerifyOutgoing are Consul's
	// switches for turning gossip encryption on in a running cluster
	// (both true by default): off, the agent accepts, or sends,
	// unencrypted gossip.
	EncryptVerifyIncoming, EncryptVerifyOutgoing bool

	// TLS is the effective TLS of each listener (internal RPC and Raft,
	// HTTPS), from the tls block and the legacy top-level keys with
	// tls.defaults applied (tlsconfig.go).
	TLS tlsutil.Config
	// tlsIn is the TLS settings as the sources gave them; resolveTLS
	// turns it into TLS.
	tlsIn tlsInput

	// Services and Checks are the service definitions and the standalone
	// check definitions of every source, in load order (definitions
	// append; an ID defined twice is kept twice, with a warning, and the
	// later one wins when they are registered in order).
	Services []ServiceDef
	Checks   []CheckDef

	// Sources names every file and flag group that was applied, in order.
	Sources []string
}

// Addresses are per-listener bind addresses; empty means ClientAddr.
type Addresses struct {
	HTTP, HTTPS, DNS, GRPC string
}

// Ports of the agent's listeners; -1 disables a listener.
type Ports struct {
	HTTP, HTTPS, DNS, Server, SerfLAN, SerfWAN, GRPC, GRPCTLS int
	// Raft is consuld-only: dragonboat's Raft transport (ports.raft).
	Raft int
}

// Limits bound request sizes and connection counts.
type Limits struct {
	KVMaxValueSize        int // bytes
	TxnMaxReqLen          int // bytes
	HTTPMaxConnsPerClient int // 0 means unlimited
}

// Autopilot: the leader replaces dead servers (cleanup_dead_servers,
// default true) but never below min_quorum (or bootstrap_expect) voters.
type Autopilot struct {
	CleanupDeadServers bool
	MinQuorum          int
	// DeadServerAfter (consuld-only autopilot.dead_server_cleanup_after,
	// default 30s): how long a server is failed before it is replaced.
	DeadServerAfter time.Duration
}
