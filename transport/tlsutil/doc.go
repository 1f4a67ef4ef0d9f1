// Package tlsutil turns the agent's TLS settings into *tls.Config values for
// its three uses, and makes the CA and certificates `consuld tls` writes.
//
// The uses, as in Consul:
//
//   - HTTPS API server ([Configurator.HTTPSServer]): presents cert_file;
//     with verify_incoming every client must present a certificate that
//     chains to the CA (ca_file / ca_path).
//   - Internal RPC and Raft, server side ([Configurator.RPCServer]):
//     presents cert_file; with verify_incoming, mutual TLS is required and
//     plaintext is refused ([NewListener] tells TLS from plaintext on one
//     port and enforces that).
//   - Internal RPC and Raft, client side ([Configurator.RPCClient]): with
//     verify_outgoing the connection uses TLS and the server's chain must
//     verify against the CA; with verify_server_hostname its certificate
//     must also be valid for "server.<datacenter>.<domain>", so a client
//     agent's certificate (same CA, "client.<dc>.<domain>") cannot pose as
//     a server. Without verify_outgoing the client dials plaintext.
//
// Settings come resolved per listener ([Settings]): the config package maps
// Consul's `tls.defaults`, `tls.internal_rpc`, `tls.https` and the legacy
// top-level keys onto them. [New] loads every file once and checks the
// rules (a verifying side needs a CA, a TLS server needs a certificate and
// its key); a bad file is an error at start, never at the first handshake.
//
// CA certificates come from ca_file and every file under ca_path (both
// when both are set: Consul uses only ca_file then, consuld trusts the
// union). A file under ca_path without a PEM certificate is an error, as
// in Consul.
//
// Generation ([GenerateCA], [GenerateCert]) makes ECDSA P-256 keys,
// written as "EC PRIVATE KEY" PEM blocks, and certificates with random
// 128-bit serial numbers.
package tlsutil
