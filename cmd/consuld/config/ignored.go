package config

import (
	"encoding/base64"
	"fmt"
)

// keepFunc records the raw value of an ignored key for later work; nil
// means the value is dropped. The value is never nil.
type keepFunc func(c *Config, v any) error

// ignoredKeys lists keys Consul accepts that consuld does not implement yet.
// Using one is not an error: it warns
// `config: key "x" is not supported yet and is ignored`. A key listed here
// swallows everything nested under it. To implement a key, delete it here
// and add it to schema.
var ignoredKeys = map[string]keepFunc{
	"dns_config.cache_max_age":                nil,
	"dns_config.prefer_namespace":             nil,
	"dns_config.use_cache":                    nil,
	"acl":                                     nil,
	"acl_agent_master_token":                  nil,
	"acl_agent_token":                         nil,
	"acl_datacenter":                          nil,
	"acl_default_policy":                      nil,
	"acl_down_policy":                         nil,
	"acl_enforce_version_8":                   nil,
	"acl_master_token":                        nil,
	"acl_replication_token":                   nil,
	"acl_token":                               nil,
	"acl_ttl":                                 nil,
	"addresses.grpc_tls":                      nil,
	"advertise_addr_ipv4":                     nil,
	"advertise_addr_ipv6":                     nil,
	"advertise_addr_wan":                      nil,
	"advertise_addr_wan_ipv4":                 nil,
	"advertise_addr_wan_ipv6":                 nil,
	"advertise_reconnect_timeout":             nil,
	"audit":                                   nil,
	"auto_config":                             nil,
	"auto_encrypt":                            nil,
	"auto_reload_config":                      nil,
	"autopilot":                               nil,
	"ca_file":                                 nil,
	"ca_path":                                 nil,
	"cert_file":                               nil,
	"check_output_max_size":                   nil,
	"check_update_interval":                   nil,
	"cloud":                                   nil,
	"config_entries":                          nil,
	"default_query_time":                      nil,
	"disable_anonymous_signature":             nil,
	"disable_coordinates":                     nil,
	"disable_host_node_id":                    nil,
	"disable_http_unprintable_char_filter":    nil,
	"disable_keyring_file":                    nil,
	"disable_remote_exec":                     nil,
	"disable_update_check":                    nil,
	"discard_check_output":                    nil,
	"discovery_max_stale":                     nil,
	"enable_acl_replication":                  nil,
	"enable_agent_tls_for_checks":             nil,
	"enable_central_service_config":           nil,
	"enable_syslog":                           nil,
	"encrypt":                                 keepEncrypt,
	"encrypt_verify_incoming":                 nil,
	"encrypt_verify_outgoing":                 nil,
	"experiments":                             nil,
	"gossip_lan":                              nil,
	"gossip_wan":                              nil,
	"http_config":                             nil,
	"key_file":                                nil,
	"leave_on_terminate":                      nil,
	"license_path":                            nil,
	"limits.https_handshake_timeout":          nil,
	"limits.request_limits":                   nil,
	"limits.rpc_client_timeout":               nil,
	"limits.rpc_handshake_timeout":            nil,
	"limits.rpc_max_burst":                    nil,
	"limits.rpc_max_conns_per_client":         nil,
	"limits.rpc_rate":                         nil,
	"locality":                                nil,
	"log_file":                                nil,
	"log_rotate_bytes":                        nil,
	"log_rotate_duration":                     nil,
	"log_rotate_max_files":                    nil,
	"max_query_time":                          nil,
	"node_meta":                               nil,
	"non_voting_server":                       nil,
	"partition":                               nil,
	"peering":                                 nil,
	"performance.grpc_keepalive_interval":     nil,
	"performance.grpc_keepalive_timeout":      nil,
	"performance.leave_drain_time":            nil,
	"performance.rpc_hold_timeout":            nil,
	"pid_file":                                nil,
	"ports.expose_max_port":                   nil,
	"ports.expose_min_port":                   nil,
	"ports.proxy_max_port":                    nil,
	"ports.proxy_min_port":                    nil,
	"ports.sidecar_max_port":                  nil,
	"ports.sidecar_min_port":                  nil,
	"primary_datacenter":                      nil,
	"primary_gateways":                        nil,
	"primary_gateways_interval":               nil,
	"protocol":                                nil,
	"raft_boltdb":                             nil,
	"raft_logstore":                           nil,
	"raft_protocol":                           nil,
	"raft_snapshot_interval":                  nil,
	"raft_snapshot_threshold":                 nil,
	"raft_trailing_logs":                      nil,
	"read_replica":                            nil,
	"reconnect_timeout":                       nil,
	"reconnect_timeout_wan":                   nil,
	"rejoin_after_leave":                      nil,
	"reporting":                               nil,
	"retry_interval_wan":                      nil,
	"retry_join_wan":                          nil,
	"retry_max_wan":                           nil,
	"rpc":                                     nil,
	"segment":                                 nil,
	"segments":                                nil,
	"serf_lan":                                nil,
	"serf_lan_allowed_cidrs":                  nil,
	"serf_wan":                                nil,
	"serf_wan_allowed_cidrs":                  nil,
	"server_name":                             nil,
	"server_rejoin_age_max":                   nil,
	"session_ttl_min":                         nil,
	"skip_leave_on_interrupt":                 nil,
	"start_join_wan":                          nil,
	"syslog_facility":                         nil,
	"telemetry":                               nil,
	"tls":                                     nil,
	"tls_cipher_suites":                       nil,
	"tls_min_version":                         nil,
	"tls_prefer_server_cipher_suites":         nil,
	"translate_wan_addrs":                     nil,
	"ui_config.content_path":                  nil,
	"ui_config.dashboard_url_templates":       nil,
	"ui_config.dir":                           nil,
	"ui_config.metrics_provider":              nil,
	"ui_config.metrics_provider_files":        nil,
	"ui_config.metrics_provider_options_json": nil,
	"ui_config.metrics_proxy":                 nil,
	"ui_content_path":                         nil,
	"ui_dir":                                  nil,
	"unix_sockets":                            nil,
	"use_streaming_backend":                   nil,
	"verify_incoming":                         nil,
	"verify_incoming_https":                   nil,
	"verify_incoming_rpc":                     nil,
	"verify_outgoing":                         nil,
	"verify_server_hostname":                  nil,
	"version":                                 nil, // written by consul/sdk/testutil
	"watches":                                 nil,
	"xds":                                     nil,

	// connect.enabled and connect.ca_config are implemented (schema).
	"connect.ca_provider":                        nil,
	"connect.enable_mesh_gateway_wan_federation": nil,
	"connect.enable_serverless_plugin":           nil,
}

func ignoredWarning(key string) string {
	return fmt.Sprintf("config: key %q is not supported yet and is ignored", key)
}

// keepEncrypt records the gossip key after checking it decodes to an
// AES-128/192/256 key, so a typo fails now rather than when gossip
// encryption lands.
func keepEncrypt(c *Config, v any) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	if s != "" {
		k, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return valueProblem("invalid key: not base64")
		}
		if n := len(k); n != 16 && n != 24 && n != 32 {
			return valueProblem("invalid key: decodes to %d bytes, want 16, 24 or 32", n)
		}
	}
	c.Encrypt = s
	return nil
}
