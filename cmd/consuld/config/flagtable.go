package config

// flagDef maps one implemented flag to the config key it sets.
type flagDef struct {
	name, key, usage string
	field            func(f *Flags) any // **string, **bool, **int or *[]string
}

// flagTable lists the implemented flags; Load applies them in this order,
// after every file.
var flagTable = []flagDef{
	{"server", "server", "Run the agent as a server.", func(f *Flags) any { return &f.Server }},
	{"bootstrap", "bootstrap", "Bootstrap a single-server cluster.", func(f *Flags) any { return &f.Bootstrap }},
	{"bootstrap-expect", "bootstrap_expect", "Number of servers to wait for before bootstrapping.", func(f *Flags) any { return &f.BootstrapExpect }},
	{"datacenter", "datacenter", "Datacenter of the agent.", func(f *Flags) any { return &f.Datacenter }},
	{"data-dir", "data_dir", "Directory for the agent's state.", func(f *Flags) any { return &f.DataDir }},
	{"node", "node_name", "Node name (default: the hostname).", func(f *Flags) any { return &f.NodeName }},
	{"node-id", "node_id", "Node ID, a UUID.", func(f *Flags) any { return &f.NodeID }},
	{"log-level", "log_level", "trace, debug, info, warn or error.", func(f *Flags) any { return &f.LogLevel }},
	{"log-json", "log_json", "Log in JSON.", func(f *Flags) any { return &f.LogJSON }},
	{"ui", "ui_config.enabled", "Serve the web UI.", func(f *Flags) any { return &f.UI }},
	{"bind", "bind_addr", "Address for cluster communication.", func(f *Flags) any { return &f.BindAddr }},
	{"advertise", "advertise_addr", "Address advertised to other nodes.", func(f *Flags) any { return &f.AdvertiseAddr }},
	{"client", "client_addr", "Address(es) for the HTTP and DNS listeners.", func(f *Flags) any { return &f.ClientAddr }},
	{"encrypt", "encrypt", "Gossip encryption key (base64, 16, 24 or 32 bytes; consuld keygen makes one).", func(f *Flags) any { return &f.Encrypt }},
	{"http-port", "ports.http", "HTTP API port (-1 disables).", func(f *Flags) any { return &f.HTTPPort }},
	{"https-port", "ports.https", "HTTPS API port (-1 disables).", func(f *Flags) any { return &f.HTTPSPort }},
	{"dns-port", "ports.dns", "DNS port (-1 disables).", func(f *Flags) any { return &f.DNSPort }},
	{"server-port", "ports.server", "Server RPC port.", func(f *Flags) any { return &f.ServerPort }},
	{"serf-lan-port", "ports.serf_lan", "LAN gossip port.", func(f *Flags) any { return &f.SerfLANPort }},
	{"serf-wan-port", "ports.serf_wan", "WAN gossip port.", func(f *Flags) any { return &f.SerfWANPort }},
	{"grpc-port", "ports.grpc", "gRPC port (-1 disables).", func(f *Flags) any { return &f.GRPCPort }},
	{"grpc-tls-port", "ports.grpc_tls", "gRPC TLS port (-1 disables).", func(f *Flags) any { return &f.GRPCTLSPort }},
	{"raft-port", "ports.raft", "consuld's Raft transport port.", func(f *Flags) any { return &f.RaftPort }},
	{"retry-interval", "retry_interval", "Time between -retry-join attempts, e.g. 30s.", func(f *Flags) any { return &f.RetryInterval }},
	{"retry-max", "retry_max", "Number of -retry-join attempts (0: forever).", func(f *Flags) any { return &f.RetryMax }},
	{"join", "start_join", "Address of an agent to join at start. Repeatable.", func(f *Flags) any { return &f.Join }},
	{"retry-join", "retry_join", "Address of an agent to join, retrying. Repeatable.", func(f *Flags) any { return &f.RetryJoin }},
	{"enable-script-checks", "enable_script_checks", "Allow script checks from config files and the HTTP API.", func(f *Flags) any { return &f.EnableScriptChecks }},
	{"domain", "domain", "DNS domain (default consul).", func(f *Flags) any { return &f.Domain }},
	{"alt-domain", "alt_domain", "Alternate DNS domain.", func(f *Flags) any { return &f.AltDomain }},
	{"recursor", "recursors", "Upstream DNS server for names outside the domain. Repeatable.", func(f *Flags) any { return &f.Recursors }},
	{"enable-local-script-checks", "enable_local_script_checks", "Allow script checks from config files only.", func(f *Flags) any { return &f.EnableLocalScriptChecks }},
}

// unsupportedDef is a Consul flag consuld accepts and ignores; key is the
// ignored config key it maps to, which names the warning.
type unsupportedDef struct {
	name, key string
	isBool    bool
}

var unsupportedFlags = []unsupportedDef{
	{name: "advertise-wan", key: "advertise_addr_wan"},
	{name: "auto-reload-config", key: "auto_reload_config", isBool: true},
	{name: "default-query-time", key: "default_query_time"},
	{name: "disable-host-node-id", key: "disable_host_node_id", isBool: true},
	{name: "disable-keyring-file", key: "disable_keyring_file", isBool: true},
	{name: "join-wan", key: "start_join_wan"},
	{name: "log-file", key: "log_file"},
	{name: "log-rotate-bytes", key: "log_rotate_bytes"},
	{name: "log-rotate-duration", key: "log_rotate_duration"},
	{name: "log-rotate-max-files", key: "log_rotate_max_files"},
	{name: "max-query-time", key: "max_query_time"},
	{name: "node-meta", key: "node_meta"},
	{name: "pid-file", key: "pid_file"},
	{name: "primary-gateway", key: "primary_gateways"},
	{name: "raft-protocol", key: "raft_protocol"},
	{name: "read-replica", key: "read_replica", isBool: true},
	{name: "rejoin", key: "rejoin_after_leave", isBool: true},
	{name: "retry-interval-wan", key: "retry_interval_wan"},
	{name: "retry-join-wan", key: "retry_join_wan"},
	{name: "retry-max-wan", key: "retry_max_wan"},
	{name: "segment", key: "segment"},
	{name: "serf-lan-allowed-cidrs", key: "serf_lan_allowed_cidrs"},
	{name: "serf-lan-bind", key: "serf_lan"},
	{name: "serf-wan-allowed-cidrs", key: "serf_wan_allowed_cidrs"},
	{name: "serf-wan-bind", key: "serf_wan"},
	{name: "syslog", key: "enable_syslog", isBool: true},
	{name: "ui-content-path", key: "ui_config.content_path"},
	{name: "ui-dir", key: "ui_config.dir"},
}

func unsupportedKey(name string) (string, bool) {
	for _, u := range unsupportedFlags {
		if u.name == name {
			return u.key, true
		}
	}
	return "", false
}
