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
// # consuld-only keys
//
// `ports.raft` (flag -raft-port, default 8305) is the port of dragonboat's
// own Raft transport between servers. Consul multiplexes Raft over the
// server RPC port (ports.server); consuld keeps that port for RPC and needs a
// second one. -1 is not allowed for a server.
//
// # Errors
//
// Every problem is an [*Error] naming its source (a file or a flag) and the
// key, and unwrapping to one of the Err* sentinels, e.g.
//
//	config: file "a.json": unknown key "datacenterr"
//	config: file "a.hcl": key "ports.http": expected integer, got string
//
// Load does file I/O and reads the hostname for the default node name; the
// rest (decoding, merging, validation) is pure.
package config
