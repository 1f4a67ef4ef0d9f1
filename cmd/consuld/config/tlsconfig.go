package config

// Wire security: gossip encryption (encrypt, encrypt_verify_*) and TLS.
//
// TLS settings come from the `tls` block (Consul 1.12+: tls.defaults,
// tls.internal_rpc, tls.https) and from the legacy top-level keys, which
// map onto it as Consul maps them, with a deprecation warning:
//
//	ca_file, ca_path, cert_file, key_file, verify_incoming,
//	verify_outgoing, tls_min_version  → tls.defaults.*
//	verify_incoming_rpc               → tls.internal_rpc.verify_incoming
//	verify_incoming_https             → tls.https.verify_incoming
//	verify_server_hostname            → tls.internal_rpc.verify_server_hostname
//
// A legacy key and its block key set the same setting, so the later source
// wins as for any key (within one file keys apply in sorted order, and
// "tls" sorts after every legacy key, so the block wins there as in
// Consul). After all sources, each listener takes its own setting where
// one is set and tls.defaults' otherwise; resolveTLS then applies the
// rules and fills Config.TLS.

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/consuld/consuld/transport/tlsutil"
)

// opt is a setting with the key that set it ("" while unset), so that a
// rule broken after merging names the key the user wrote.
type opt[T any] struct {
	val T
	key string
}

// tlsScope is one of tls.defaults, tls.internal_rpc and tls.https as
// written, before defaults are applied.
type tlsScope struct {
	caFile, caPath, certFile, keyFile                    opt[string]
	minVersion                                           opt[uint16]
	verifyIncoming, verifyOutgoing, verifyServerHostname opt[bool]
}

// tlsInput is what the sources said about TLS.
type tlsInput struct {
	defaults, internalRPC, https tlsScope
}

// tlsScopeName names a tlsInput scope for the schema.
type tlsScopeName int

const (
	scopeDefaults tlsScopeName = iota
	scopeInternalRPC
	scopeHTTPS
)

func (in *tlsInput) scope(s tlsScopeName) *tlsScope {
	switch s {
	case scopeInternalRPC:
		return &in.internalRPC
	case scopeHTTPS:
		return &in.https
	}
	return &in.defaults
}

// tlsString and tlsBool are schema entries for a setting of one scope;
// key is the config key, recorded for error messages.
func tlsString(scope tlsScopeName, key string, field func(*tlsScope) *opt[string]) spec {
	return spec{set: func(c *Config, v any) error {
		s, err := asString(v)
		if err != nil {
			return err
		}
		*field(c.tlsIn.scope(scope)) = opt[string]{s, key}
		return nil
	}}
}

func tlsBool(scope tlsScopeName, key string, field func(*tlsScope) *opt[bool]) spec {
	return spec{set: func(c *Config, v any) error {
		b, err := asBool(v)
		if err != nil {
			return err
		}
		*field(c.tlsIn.scope(scope)) = opt[bool]{b, key}
		return nil
	}}
}

// tlsMinVersion takes Consul's names: "TLSv1_2" in the tls block, "tls12"
// for the legacy top-level key.
func tlsMinVersion(scope tlsScopeName, key string, names map[string]uint16) spec {
	return spec{set: func(c *Config, v any) error {
		s, err := asString(v)
		if err != nil {
			return err
		}
		ver, ok := names[s]
		if !ok {
			return valueProblem("invalid TLS version %q: want one of %s", s, quotedKeys(names))
		}
		c.tlsIn.scope(scope).minVersion = opt[uint16]{ver, key}
		return nil
	}}
}

var legacyVersions = map[string]uint16{
	"tls10": tls.VersionTLS10, "tls11": tls.VersionTLS11, "tls12": tls.VersionTLS12, "tls13": tls.VersionTLS13,
}

func deprecated(s spec, key, replacement string) spec {
	return withWarning(s, fmt.Sprintf("config: key %q is deprecated, use %q instead", key, replacement))
}

// checkGossipKey checks that the encrypt key decodes to an AES-128, -192
// or -256 key.
func checkGossipKey(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", valueProblem("invalid key: not base64")
	}
	if n := len(k); n != 16 && n != 24 && n != 32 {
		return "", valueProblem("invalid key: decodes to %d bytes, want 16, 24 or 32", n)
	}
	return s, nil
}

func tlsSchema() map[string]spec {
	m := map[string]spec{
		"encrypt":                 str(func(c *Config) *string { return &c.Encrypt }, checkGossipKey),
		"encrypt_verify_incoming": boolean(func(c *Config) *bool { return &c.EncryptVerifyIncoming }),
		"encrypt_verify_outgoing": boolean(func(c *Config) *bool { return &c.EncryptVerifyOutgoing }),

		"tls":              object,
		"tls.defaults":     object,
		"tls.internal_rpc": object,
		"tls.https":        object,

		"tls.internal_rpc.verify_server_hostname": tlsBool(scopeInternalRPC, "tls.internal_rpc.verify_server_hostname",
			func(s *tlsScope) *opt[bool] { return &s.verifyServerHostname }),
	}
	scopes := []struct {
		name  tlsScopeName
		block string
	}{{scopeDefaults, "tls.defaults"}, {scopeInternalRPC, "tls.internal_rpc"}, {scopeHTTPS, "tls.https"}}
	strs := map[string]func(*tlsScope) *opt[string]{
		"ca_file":   func(s *tlsScope) *opt[string] { return &s.caFile },
		"ca_path":   func(s *tlsScope) *opt[string] { return &s.caPath },
		"cert_file": func(s *tlsScope) *opt[string] { return &s.certFile },
		"key_file":  func(s *tlsScope) *opt[string] { return &s.keyFile },
	}
	bools := map[string]func(*tlsScope) *opt[bool]{
		"verify_incoming": func(s *tlsScope) *opt[bool] { return &s.verifyIncoming },
		"verify_outgoing": func(s *tlsScope) *opt[bool] { return &s.verifyOutgoing },
	}
	for _, sc := range scopes {
		for name, f := range strs {
			key := sc.block + "." + name
			m[key] = tlsString(sc.name, key, f)
		}
		for name, f := range bools {
			key := sc.block + "." + name
			m[key] = tlsBool(sc.name, key, f)
		}
		key := sc.block + ".tls_min_version"
		m[key] = tlsMinVersion(sc.name, key, tlsutil.Versions)
	}
	// Legacy top-level keys: the same settings under their old names.
	for name, f := range strs {
		m[name] = deprecated(tlsString(scopeDefaults, name, f), name, "tls.defaults."+name)
	}
	for name, f := range bools {
		m[name] = deprecated(tlsBool(scopeDefaults, name, f), name, "tls.defaults."+name)
	}
	m["tls_min_version"] = deprecated(tlsMinVersion(scopeDefaults, "tls_min_version", legacyVersions),
		"tls_min_version", "tls.defaults.tls_min_version")
	m["verify_incoming_rpc"] = deprecated(tlsBool(scopeInternalRPC, "verify_incoming_rpc",
		func(s *tlsScope) *opt[bool] { return &s.verifyIncoming }), "verify_incoming_rpc", "tls.internal_rpc.verify_incoming")
	m["verify_incoming_https"] = deprecated(tlsBool(scopeHTTPS, "verify_incoming_https",
		func(s *tlsScope) *opt[bool] { return &s.verifyIncoming }), "verify_incoming_https", "tls.https.verify_incoming")
	m["verify_server_hostname"] = deprecated(tlsBool(scopeInternalRPC, "verify_server_hostname",
		func(s *tlsScope) *opt[bool] { return &s.verifyServerHostname }), "verify_server_hostname", "tls.internal_rpc.verify_server_hostname")
	return m
}

func init() { maps.Copy(schema, tlsSchema()) }

func quotedKeys(m map[string]uint16) string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", k)
	}
	return b.String()
}

// listener is one listener's settings after defaults, with the key behind
// each.
type listener struct {
	name string // for messages: "internal RPC" or "HTTPS"
	tlsScope
}

// over returns s with every unset setting taken from d.
func (s tlsScope) over(d tlsScope) tlsScope {
	inherit(&s.caFile, d.caFile)
	inherit(&s.caPath, d.caPath)
	inherit(&s.certFile, d.certFile)
	inherit(&s.keyFile, d.keyFile)
	inherit(&s.minVersion, d.minVersion)
	inherit(&s.verifyIncoming, d.verifyIncoming)
	inherit(&s.verifyOutgoing, d.verifyOutgoing)
	inherit(&s.verifyServerHostname, d.verifyServerHostname)
	return s
}

func inherit[T any](o *opt[T], d opt[T]) {
	if o.key == "" {
		*o = d
	}
}

// resolveTLS applies tls.defaults to each listener, checks the rules and
// fills c.TLS. It returns a warning for an HTTPS port without a
// certificate: Consul starts such an agent (consul/sdk/testutil writes
// ports.https without any TLS settings), so consuld does too, without
// the HTTPS listener.
func resolveTLS(c *Config) (string, error) {
	rpc := listener{"internal RPC", c.tlsIn.internalRPC.over(c.tlsIn.defaults)}
	https := listener{"HTTPS", c.tlsIn.https.over(c.tlsIn.defaults)}

	// verify_server_hostname implies verify_outgoing. Consul documented
	// this from 0.5.1, but up to 1.4.0 it did not apply it to
	// agent-to-agent RPC, so agents with only verify_server_hostname set
	// talked plaintext (CVE-2018-19653, fixed in 1.4.1). Here it can never
	// mean plaintext (tlsutil.Configurator.RPCClient enforces it too).
	if rpc.verifyServerHostname.val && !rpc.verifyOutgoing.val {
		rpc.verifyOutgoing = opt[bool]{true, rpc.verifyServerHostname.key}
	}
	for _, l := range []listener{rpc, https} {
		if err := l.check(); err != nil {
			return "", err
		}
	}
	warn := ""
	if c.Ports.HTTPS > 0 && https.certFile.val == "" {
		warn = fmt.Sprintf("config: ports.https is %d but there is no certificate (cert_file and key_file, or tls.https.*): the HTTPS listener is not started", c.Ports.HTTPS)
	}
	c.TLS = tlsutil.Config{
		InternalRPC: rpc.settings(),
		HTTPS:       https.settings(),
		ServerName:  tlsutil.ServerName(c.Datacenter, c.DNS.Domain),
	}
	return warn, nil
}

// check applies the rules of one listener; errors name the key that
// asked for what is missing.
func (l listener) check() error {
	hasCA := l.caFile.val != "" || l.caPath.val != ""
	switch {
	case l.certFile.val != "" && l.keyFile.val == "":
		return mergedError(l.certFile.key, "%s is set but no key_file for the %s listener: the certificate needs its key", l.certFile.key, l.name)
	case l.keyFile.val != "" && l.certFile.val == "":
		return mergedError(l.keyFile.key, "%s is set but no cert_file for the %s listener: the key needs its certificate", l.keyFile.key, l.name)
	case l.verifyIncoming.val && !hasCA:
		return mergedError(l.verifyIncoming.key, "%s is set for the %s listener but there is no CA to verify clients with: set ca_file or ca_path", l.verifyIncoming.key, l.name)
	case l.verifyIncoming.val && l.certFile.val == "":
		return mergedError(l.verifyIncoming.key, "%s is set for the %s listener but there is no certificate to serve TLS with: set cert_file and key_file", l.verifyIncoming.key, l.name)
	case l.verifyOutgoing.val && !hasCA:
		return mergedError(l.verifyOutgoing.key, "%s is set but there is no CA to verify servers with: set ca_file or ca_path", l.verifyOutgoing.key)
	}
	return nil
}

func (l listener) settings() tlsutil.Settings {
	return tlsutil.Settings{
		CAFile: l.caFile.val, CAPath: l.caPath.val, CertFile: l.certFile.val, KeyFile: l.keyFile.val,
		VerifyIncoming: l.verifyIncoming.val, VerifyOutgoing: l.verifyOutgoing.val,
		VerifyServerHostname: l.verifyServerHostname.val,
		MinVersion:           orTLS12(l.minVersion.val),
	}
}

func orTLS12(v uint16) uint16 {
	if v == 0 {
		return tls.VersionTLS12
	}
	return v
}
