package config

import (
	"crypto/tls"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consuld/consuld/transport/tlsutil"
)

func loadFiles(t *testing.T, files map[string]string, args ...string) (*Config, []string, error) {
	t.Helper()
	dir := writeFiles(t, t.TempDir(), files)
	return Load(mustParse(t, append([]string{"-config-dir", dir}, args...)...))
}

func TestTLSDefaultsApplyPerListener(t *testing.T) {
	c, warns, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "datacenter": "east", "domain": "corp",
		"tls": {
			"defaults": {"ca_file": "/ca.pem", "cert_file": "/c.pem", "key_file": "/k.pem", "verify_incoming": true, "tls_min_version": "TLSv1_3"},
			"internal_rpc": {"verify_server_hostname": true, "ca_path": "/cas"},
			"https": {"verify_incoming": false, "cert_file": "/h.pem", "key_file": "/hk.pem", "tls_min_version": "TLSv1_2"}
		}}`})
	if err != nil {
		t.Fatal(err)
	}
	want := tlsutil.Config{
		InternalRPC: tlsutil.Settings{CAFile: "/ca.pem", CAPath: "/cas", CertFile: "/c.pem", KeyFile: "/k.pem",
			VerifyIncoming: true, VerifyOutgoing: true, VerifyServerHostname: true, MinVersion: tls.VersionTLS13},
		HTTPS:      tlsutil.Settings{CAFile: "/ca.pem", CertFile: "/h.pem", KeyFile: "/hk.pem", MinVersion: tls.VersionTLS12},
		ServerName: "server.east.corp",
	}
	if c.TLS != want {
		t.Errorf("TLS\n%+v\nwant\n%+v", c.TLS, want)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
}

func TestTLSLegacyKeys(t *testing.T) {
	c, warns, err := loadFiles(t, map[string]string{"a.hcl": `
data_dir = "/d"
ca_file = "/ca.pem"
ca_path = "/cas"
cert_file = "/c.pem"
key_file = "/k.pem"
verify_outgoing = true
verify_incoming_rpc = true
verify_incoming_https = false
verify_server_hostname = true
tls_min_version = "tls13"
`})
	if err != nil {
		t.Fatal(err)
	}
	common := tlsutil.Settings{CAFile: "/ca.pem", CAPath: "/cas", CertFile: "/c.pem", KeyFile: "/k.pem", VerifyOutgoing: true, MinVersion: tls.VersionTLS13}
	rpc := common
	rpc.VerifyIncoming, rpc.VerifyServerHostname = true, true
	if c.TLS.InternalRPC != rpc || c.TLS.HTTPS != common {
		t.Errorf("rpc %+v\nhttps %+v", c.TLS.InternalRPC, c.TLS.HTTPS)
	}
	for _, w := range []string{
		`config: key "ca_file" is deprecated, use "tls.defaults.ca_file" instead`,
		`config: key "verify_incoming_rpc" is deprecated, use "tls.internal_rpc.verify_incoming" instead`,
		`config: key "verify_incoming_https" is deprecated, use "tls.https.verify_incoming" instead`,
		`config: key "verify_server_hostname" is deprecated, use "tls.internal_rpc.verify_server_hostname" instead`,
		`config: key "tls_min_version" is deprecated, use "tls.defaults.tls_min_version" instead`,
	} {
		if !slices.Contains(warns, w) {
			t.Errorf("missing warning %q in\n%s", w, strings.Join(warns, "\n"))
		}
	}
}

func TestTLSPrecedence(t *testing.T) {
	// Within one file the tls block wins over the legacy key (as in
	// Consul); across files the later source wins.
	c, _, err := loadFiles(t, map[string]string{
		"a.json": `{"data_dir": "/d", "ca_file": "/legacy.pem", "tls": {"defaults": {"ca_file": "/block.pem"}}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS.HTTPS.CAFile != "/block.pem" {
		t.Errorf("same file: %q", c.TLS.HTTPS.CAFile)
	}
	c, _, err = loadFiles(t, map[string]string{
		"a.json": `{"data_dir": "/d", "tls": {"defaults": {"ca_file": "/block.pem"}}}`,
		"b.json": `{"ca_file": "/legacy.pem"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS.HTTPS.CAFile != "/legacy.pem" {
		t.Errorf("later file: %q", c.TLS.HTTPS.CAFile)
	}
	// A listener's own false beats a default's true.
	c, _, err = loadFiles(t, map[string]string{
		"a.json": `{"data_dir": "/d", "ca_file": "/ca.pem", "cert_file": "/c", "key_file": "/k", "verify_incoming": true, "verify_incoming_https": false}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.TLS.InternalRPC.VerifyIncoming || c.TLS.HTTPS.VerifyIncoming {
		t.Errorf("verify_incoming rpc %v https %v", c.TLS.InternalRPC.VerifyIncoming, c.TLS.HTTPS.VerifyIncoming)
	}
}

func TestVerifyServerHostnameImpliesVerifyOutgoing(t *testing.T) {
	for _, body := range []string{
		`{"data_dir": "/d", "ca_file": "/ca.pem", "verify_server_hostname": true, "verify_outgoing": false}`,
		`{"data_dir": "/d", "tls": {"defaults": {"ca_file": "/ca.pem"}, "internal_rpc": {"verify_server_hostname": true}}}`,
	} {
		c, _, err := loadFiles(t, map[string]string{"a.json": body})
		if err != nil {
			t.Fatal(err)
		}
		if !c.TLS.InternalRPC.VerifyOutgoing || !c.TLS.InternalRPC.VerifyServerHostname {
			t.Errorf("%s: %+v", body, c.TLS.InternalRPC)
		}
	}
	// Without a CA, the error names the key that asked for verification.
	_, _, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "verify_server_hostname": true}`})
	var e *Error
	if !errors.As(err, &e) || e.Key != "verify_server_hostname" {
		t.Errorf("err %v", err)
	}
}

func TestTLSErrors(t *testing.T) {
	tests := []struct {
		name, json, key, detail string
	}{
		{"cert without key", `"cert_file": "/c"`, "cert_file", "no key_file"},
		{"key without cert", `"tls": {"https": {"key_file": "/k"}}`, "tls.https.key_file", "no cert_file"},
		{"verify_incoming without CA", `"cert_file": "/c", "key_file": "/k", "verify_incoming": true`, "verify_incoming", "no CA"},
		{"verify_incoming_rpc without cert", `"ca_file": "/ca", "verify_incoming_rpc": true`, "verify_incoming_rpc", "no certificate"},
		{"https verify_incoming without CA", `"tls": {"defaults": {"cert_file": "/c", "key_file": "/k"}, "https": {"verify_incoming": true}}`,
			"tls.https.verify_incoming", "HTTPS listener"},
		{"verify_outgoing without CA", `"verify_outgoing": true`, "verify_outgoing", "no CA"},
		{"block verify_outgoing without CA", `"tls": {"internal_rpc": {"verify_outgoing": true}}`, "tls.internal_rpc.verify_outgoing", "no CA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", ` + tt.json + `}`})
			var e *Error
			if !errors.As(err, &e) || e.Key != tt.key || !strings.Contains(err.Error(), tt.detail) || !errors.Is(err, ErrValue) {
				t.Errorf("got %v, want an error naming %s with %q", err, tt.key, tt.detail)
			}
		})
	}
}

func TestTLSValueErrors(t *testing.T) {
	for _, tc := range []struct{ json, key string }{
		{`{"tls_min_version": "TLSv1_2"}`, "tls_min_version"},
		{`{"tls": {"defaults": {"tls_min_version": "tls12"}}}`, "tls.defaults.tls_min_version"},
		{`{"tls": {"defaults": {"verify_incoming": "yes"}}}`, "tls.defaults.verify_incoming"},
		{`{"tls": {"https": {"ca_file": 1}}}`, "tls.https.ca_file"},
		{`{"tls": {"internal_rpc": {"bogus": 1}}}`, "tls.internal_rpc.bogus"},
		{`{"tls": {"defaults": {"verify_incoming_rpc": true}}}`, "tls.defaults.verify_incoming_rpc"},
		{`{"verify_outgoing": "true"}`, "verify_outgoing"},
		{`{"encrypt_verify_incoming": 1}`, "encrypt_verify_incoming"},
	} {
		err := loadJSONErr(t, `{"data_dir": "/tmp/x", `+strings.TrimPrefix(tc.json, "{"))
		var e *Error
		if !errors.As(err, &e) || e.Key != tc.key {
			t.Errorf("%s: got %v, want an error naming %s", tc.json, err, tc.key)
		}
	}
}

func TestTLSIgnoredParts(t *testing.T) {
	_, warns, err := loadFiles(t, map[string]string{"a.hcl": `
data_dir = "/d"
tls {
  grpc { use_auto_cert = true }
  defaults { tls_cipher_suites = "TLS_AES_128_GCM_SHA256" }
}
`})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"tls.grpc", "tls.defaults.tls_cipher_suites"} {
		if !containsSub(warns, `key "`+k+`" is not supported yet`) {
			t.Errorf("no warning for %s in %q", k, warns)
		}
	}
}

func TestHTTPSPortWithoutCertWarns(t *testing.T) {
	c, warns, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "ports": {"https": 8501}}`})
	if err != nil {
		t.Fatal(err)
	}
	if c.Ports.HTTPS != 8501 || !containsSub(warns, "the HTTPS listener is not started") {
		t.Errorf("warnings %q", warns)
	}
	_, warns, err = loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "ports": {"https": 8501}, "cert_file": "/c", "key_file": "/k"}`})
	if err != nil || containsSub(warns, "HTTPS listener") {
		t.Errorf("with a certificate: %v %q", err, warns)
	}
}

func TestGossipEncryptionKeys(t *testing.T) {
	const key = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="
	c, warns := mustLoad(t, "-data-dir", "/d")
	if !c.EncryptVerifyIncoming || !c.EncryptVerifyOutgoing || c.Encrypt != "" {
		t.Errorf("defaults %v %v %q", c.EncryptVerifyIncoming, c.EncryptVerifyOutgoing, c.Encrypt)
	}
	c, warns, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "encrypt": "` + key + `",
		"encrypt_verify_incoming": false, "encrypt_verify_outgoing": false}`})
	if err != nil {
		t.Fatal(err)
	}
	if c.Encrypt != key || c.EncryptVerifyIncoming || c.EncryptVerifyOutgoing || len(warns) != 0 {
		t.Errorf("%q %v %v %q", c.Encrypt, c.EncryptVerifyIncoming, c.EncryptVerifyOutgoing, warns)
	}
	for _, k := range []string{"AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", key} { // 16, 24, 32 bytes
		if _, _, err := Load(mustParse(t, "-dev", "-encrypt", k)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	_, _, err = Load(mustParse(t, "-dev", "-encrypt", "AAAA"))
	var e *Error
	if !errors.As(err, &e) || e.Source != "flag -encrypt" || e.Key != "encrypt" {
		t.Errorf("bad flag key: %v", err)
	}
}

func TestTLSFromHCLMatchesJSON(t *testing.T) {
	fromJSON, _, err := loadFiles(t, map[string]string{"a.json": `{"data_dir": "/d", "tls": {"defaults": {"ca_file": "/ca", "verify_outgoing": true}, "internal_rpc": {"verify_server_hostname": true}}}`})
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, t.TempDir(), map[string]string{"a.hcl": "data_dir = \"/d\"\ntls {\n  defaults {\n    ca_file = \"/ca\"\n    verify_outgoing = true\n  }\n  internal_rpc {\n    verify_server_hostname = true\n  }\n}\n"})
	fromHCL, _ := mustLoad(t, "-config-file", filepath.Join(dir, "a.hcl"))
	if fromJSON.TLS != fromHCL.TLS {
		t.Errorf("json %+v\nhcl %+v", fromJSON.TLS, fromHCL.TLS)
	}
}
