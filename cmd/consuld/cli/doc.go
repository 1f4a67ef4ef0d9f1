// Package cli runs consuld's non-agent commands so that scripts written for
// the `consul` binary work unchanged against consuld (a user may symlink
// consuld as consul). Run is the only entry point; the consuld main package
// starts the agent itself and hands every other command line to Run.
//
// Commands: version; kv get, kv put, kv delete; catalog datacenters,
// catalog nodes, catalog services; services register, services deregister;
// reload; validate (kv, catalog and services alone print their help). Each
// is a row in commandTable (run.go); add a command by adding a row and a
// runner. validate checks files through ValidateFunc, which the consuld
// main package sets; unset, validate reports that it is unavailable.
//
// What is matched, and why: output text, the stream it goes to and exit
// codes follow consul 1.22, because scripts parse them. Strings that
// scripts test for are marked `// compat:` in the code. Dispatch follows the
// mitchellh/cli library consul uses: -h/-help/--help anywhere shows help on
// stdout (exit 0); an unknown or missing command prints the command listing
// on stderr (exit 127); `kv` alone prints kv's help on stderr (exit 1); an
// unknown flag prints Go's "flag provided but not defined" and the flag list
// on stderr (exit 1). Help prose is consuld's own.
//
// The agent is reached with github.com/hashicorp/consul/api, configured only
// from flags and the env function given to Run (CONSUL_HTTP_ADDR,
// CONSUL_HTTP_TOKEN, CONSUL_HTTP_TOKEN_FILE, CONSUL_HTTP_SSL,
// CONSUL_HTTP_SSL_VERIFY, CONSUL_HTTP_AUTH, CONSUL_CACERT, CONSUL_CAPATH,
// CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY, CONSUL_TLS_SERVER_NAME). One
// exception: with no token from flags or env, api.NewClient still falls back
// to the process's CONSUL_HTTP_TOKEN(_FILE); in the binary the env function
// is os.Getenv, so this changes nothing there.
//
// Deliberate differences from consul: `kv put -base64` with undecodable
// data exits 1 without writing (consul reports the error, then stores the
// bytes decoded so far and exits 0); `kv put -release` failures print the
// error rather than the key. `services register/deregister` read service
// definitions with their own loader (servicefile.go) instead of a full
// agent config build: only `service`/`services` are read and other keys
// ignored; unknown keys inside a definition, files with other extensions
// and files without any service are errors (consul skips such files and
// exits 0); connect, proxy and sidecar_service are rejected. A failed
// deregistration names the ID it tried (consul quotes the service name,
// which is empty with -id). `validate` has -quiet but no -config-format,
// and prints no warnings. The catalog commands send -stale with their
// queries (consul's ignore it).
package cli
