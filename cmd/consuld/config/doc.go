// Package config turns the `consuld agent` command line and its JSON/HCL
// configuration files into one validated [Config], the way `consul agent`
// does.
//
// # Sources and precedence
//
// [Load] applies, in order (later wins for scalars, lists append):
//
//  1. built-in defaults (Consul's: datacenter "dc1", ports 8500/8600/8300/
//     8301/8302, gRPC disabled, ...);
//  2. the -dev defaults when -dev is given (server, bootstrap, loopback
//     binds, UI, in-memory data, debug logging, gRPC 8502 / gRPC-TLS 8503);
//  3. every -config-file in command-line order, then every *.json / *.hcl
//     file of each -config-dir in lexical order (other files and
//     sub-directories are skipped unless -config-format is set, which forces
//     one format for every file);
//  4. the command-line flags;
//  5. -hcl fragments, as Consul applies them after the flags.
//
// A file's keys are checked against one schema (schema.go). A
// key consuld does not know is an error; a key Consul knows but consuld does
// not implement yet is listed in one table (ignoredKeys in ignored.go) and
// only produces the warning `config: key "x" is not supported yet and is
// ignored`. Moving a key from that table into the schema is how a feature
// gets wired in.
//
// HCL v1 decodes a block (`ports { http = 1 }`) as a list of objects; the
// loader accepts a list of objects wherever an object is expected and applies
// them in order, so HCL and JSON files mean the same thing. JSON numbers are
// decoded exactly (json.Number).
//
// # Service and check definitions
//
// `service` (one object or HCL block) and `services` (a list) add
// [ServiceDef]s to Config.Services; `check` and `checks` add standalone
// [CheckDef]s to Config.Checks. Either key of a pair takes either shape, and
// definitions append across sources in load order; each keeps the file it
// came from (Source). They are decoded in definitions.go with Consul's
// leniency for these objects: field names match whatever their case and
// underscores ("CheckID", "check_id"; "ScriptArgs", "args"), and HCL blocks
// are accepted wherever an object is expected. Otherwise the rules are
// Consul's: a service needs a name (its ID defaults to it), ports are
// 0..65535, meta follows Consul's limits (64 keys, key 128 and value 512
// characters, letters, digits, - and _, no "consul-" prefix), weights
// default to {passing 1, warning 1}. A check has exactly one kind (http,
// tcp, udp, grpc, h2ping, ttl, args or alias_node/alias_service); periodic
// kinds need an interval, raised to 1s if lower, with a warning;
// deregister_critical_service_after is raised to 1m likewise. A service's
// check without an ID gets "service:<service-id>", or
// "service:<service-id>:<n>" (1-based, counting the service's `check` then
// its `checks`) when the service has several, and the name
// "Service '<name>' check". A standalone check needs a name, and its ID
// defaults to it. Unknown fields are errors; "script", Docker checks and
// OS service checks are refused with a specific message; namespace,
// partition, connect, proxy and locality are ignored with a warning.
//
// [Validate] and [ValidateFiles] load files and directories with the same
// rules, without flags, -dev or a required data_dir, for
// `consuld validate`.
//
// # consuld-only keys
//
// `ports.raft` (flag -raft-port) is the port of dragonboat's own Raft
// transport between servers. Consul multiplexes Raft over the server RPC
// port (ports.server); consuld keeps that port for RPC and needs a second
// one. Unset (0), the agent picks a free port on first start and keeps it in
// the data dir, so tools that start many agents (testutil) never collide.
// -1 is not allowed for a server.
//
// # Errors
//
// Every problem is an [*Error] naming its source (a file or a flag) and the
// key, and unwrapping to one of the Err* sentinels, e.g.
//
//	config: file "a.json": unknown key "datacenterr"
//	config: file "a.hcl": key "ports.http": expected integer, got string
//	config: file "web.json": service "web": check 0: interval "abc": time: invalid duration "abc"
//
// Load does file I/O and reads the hostname for the default node name; the
// rest (decoding, merging, validation) is pure.
package config
