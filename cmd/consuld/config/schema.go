package config

import (
	"maps"
	"regexp"
	"slices"
	"time"
)

// spec says how one implemented key is decoded into the Config.
type spec struct {
	object bool                         // a block whose keys are looked up as "parent.child"
	set    func(c *Config, v any) error // for leaves; v is never nil
	warn   string                       // emitted once if the key is used
	// defs decodes service or check definitions (definitions.go), which
	// need the loader for the source file and warnings; v is never nil.
	defs func(l *loader, src, key string, v any) error
}

var object = spec{object: true}

// schema lists every key consuld implements. Keys Consul has but consuld
// ignores are in ignoredKeys; anything else is an unknown key.
var schema = map[string]spec{
	"datacenter":   str(func(c *Config) *string { return &c.Datacenter }, checkDatacenter),
	"data_dir":     str(func(c *Config) *string { return &c.DataDir }, nil),
	"node_name":    str(func(c *Config) *string { return &c.NodeName }, nil),
	"node_id":      str(func(c *Config) *string { return &c.NodeID }, checkNodeID),
	"log_level":    str(func(c *Config) *string { return &c.LogLevel }, checkLogLevel),
	"log_json":     boolean(func(c *Config) *bool { return &c.LogJSON }),
	"enable_debug": boolean(func(c *Config) *bool { return &c.EnableDebug }),

	"enable_script_checks":       boolean(func(c *Config) *bool { return &c.EnableScriptChecks }),
	"enable_local_script_checks": boolean(func(c *Config) *bool { return &c.EnableLocalScriptChecks }),
	"server":                     boolean(func(c *Config) *bool { return &c.Server }),
	"bootstrap":                  boolean(func(c *Config) *bool { return &c.Bootstrap }),
	"bootstrap_expect":           integer(func(c *Config) *int { return &c.BootstrapExpect }, checkNonNegative),
	"bind_addr":                  str(func(c *Config) *string { return &c.BindAddr }, nil),
	"advertise_addr":             str(func(c *Config) *string { return &c.AdvertiseAddr }, nil),
	"client_addr":                str(func(c *Config) *string { return &c.ClientAddr }, nil),
	"retry_join":                 strList(func(c *Config) *[]string { return &c.RetryJoin }),
	"start_join":                 strList(func(c *Config) *[]string { return &c.StartJoin }),
	"retry_interval":             duration(func(c *Config) *time.Duration { return &c.RetryInterval }),
	"retry_max":                  integer(func(c *Config) *int { return &c.RetryMax }, checkNonNegative),

	"addresses":       object,
	"addresses.http":  str(func(c *Config) *string { return &c.Addresses.HTTP }, nil),
	"addresses.https": str(func(c *Config) *string { return &c.Addresses.HTTPS }, nil),
	"addresses.dns":   str(func(c *Config) *string { return &c.Addresses.DNS }, nil),
	"addresses.grpc":  str(func(c *Config) *string { return &c.Addresses.GRPC }, nil),

	"ports":          object,
	"ports.http":     integer(func(c *Config) *int { return &c.Ports.HTTP }, checkPort),
	"ports.https":    integer(func(c *Config) *int { return &c.Ports.HTTPS }, checkPort),
	"ports.dns":      integer(func(c *Config) *int { return &c.Ports.DNS }, checkPort),
	"ports.server":   integer(func(c *Config) *int { return &c.Ports.Server }, checkPort),
	"ports.serf_lan": integer(func(c *Config) *int { return &c.Ports.SerfLAN }, checkPort),
	"ports.serf_wan": integer(func(c *Config) *int { return &c.Ports.SerfWAN }, checkPort),
	"ports.grpc":     integer(func(c *Config) *int { return &c.Ports.GRPC }, checkPort),
	"ports.grpc_tls": integer(func(c *Config) *int { return &c.Ports.GRPCTLS }, checkPort),
	"ports.raft":     integer(func(c *Config) *int { return &c.Ports.Raft }, checkPort), // consuld-only

	"limits":                           object,
	"limits.kv_max_value_size":         integer(func(c *Config) *int { return &c.Limits.KVMaxValueSize }, checkPositive),
	"limits.txn_max_req_len":           integer(func(c *Config) *int { return &c.Limits.TxnMaxReqLen }, checkPositive),
	"limits.http_max_conns_per_client": integer(func(c *Config) *int { return &c.Limits.HTTPMaxConnsPerClient }, checkNonNegative),

	"autopilot":                      object,
	"autopilot.cleanup_dead_servers": boolean(func(c *Config) *bool { return &c.Autopilot.CleanupDeadServers }),
	"autopilot.min_quorum":           integer(func(c *Config) *int { return &c.Autopilot.MinQuorum }, checkNonNegative),
	// consuld-only: how long a server must be failed before it is replaced.
	"autopilot.dead_server_cleanup_after": duration(func(c *Config) *time.Duration { return &c.Autopilot.DeadServerAfter }),

	"performance":                 object,
	"performance.raft_multiplier": integer(func(c *Config) *int { return &c.RaftMultiplier }, checkRaftMultiplier),

	"ui_config":         object,
	"ui_config.enabled": boolean(func(c *Config) *bool { return &c.UI }),
	"ui": withWarning(boolean(func(c *Config) *bool { return &c.UI }),
		`config: key "ui" is deprecated, use "ui_config.enabled" instead`),

	"connect":         object,
	"connect.enabled": boolean(func(c *Config) *bool { return &c.ConnectEnabled }),
	// Provider-specific and free-form in Consul: cluster_id is read, every
	// other key warns (see caConfig).
	"connect.ca_config": {defs: (*loader).caConfig},

	// One object or an HCL block (`service`), or a list (`services`); each
	// key accepts either shape, and definitions append across sources.
	"service":  {defs: (*loader).services},
	"services": {defs: (*loader).services},
	"check":    {defs: (*loader).checks},
	"checks":   {defs: (*loader).checks},
}

func withWarning(s spec, warn string) spec {
	s.warn = warn
	return s
}

func str(field func(*Config) *string, check func(string) (string, error)) spec {
	return spec{set: func(c *Config, v any) error {
		s, err := asString(v)
		if err != nil {
			return err
		}
		if check != nil {
			if s, err = check(s); err != nil {
				return err
			}
		}
		*field(c) = s
		return nil
	}}
}

func boolean(field func(*Config) *bool) spec {
	return spec{set: func(c *Config, v any) error {
		b, err := asBool(v)
		if err != nil {
			return err
		}
		*field(c) = b
		return nil
	}}
}

func integer(field func(*Config) *int, check func(int) error) spec {
	return spec{set: func(c *Config, v any) error {
		n, err := asInt(v)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(n); err != nil {
				return err
			}
		}
		*field(c) = n
		return nil
	}}
}

func duration(field func(*Config) *time.Duration) spec {
	return spec{set: func(c *Config, v any) error {
		d, err := asDuration(v)
		if err != nil {
			return err
		}
		*field(c) = d
		return nil
	}}
}

// strList appends: lists from later sources add to earlier ones, as in
// Consul.
func strList(field func(*Config) *[]string) spec {
	return spec{set: func(c *Config, v any) error {
		l, err := asStrings(v)
		if err != nil {
			return err
		}
		*field(c) = append(*field(c), l...)
		return nil
	}}
}

// validClusterID accepts what can be a DNS label of the SPIFFE trust domain
// "<cluster_id>.consul" (Consul's own cluster IDs are UUIDs).
var validClusterID = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

// caConfig reads connect.ca_config: cluster_id is implemented; every other
// key (private_key, root_cert, leaf_cert_ttl, provider settings, ...) is
// ignored with the usual warning, naming the full key.
func (l *loader) caConfig(src, key string, v any) error {
	objs, err := asObjects(v)
	if err != nil {
		return keyError(src, key, err)
	}
	for _, o := range objs {
		for _, k := range slices.Sorted(maps.Keys(o)) {
			full := key + "." + k
			if o[k] == nil {
				continue // null is "not set"
			}
			if k != "cluster_id" {
				l.warn(full, ignoredWarning(full))
				continue
			}
			id, err := asString(o[k])
			if err == nil && id != "" && !validClusterID.MatchString(id) {
				err = valueProblem("invalid cluster ID %q: must be a UUID like 12345678-9abc-def0-1234-56789abcdef0", id)
			}
			if err != nil {
				return keyError(src, full, err)
			}
			l.cfg.ConnectClusterID = id
		}
	}
	return nil
}
