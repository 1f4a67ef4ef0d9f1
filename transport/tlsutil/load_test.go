package tlsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCAs(t *testing.T) {
	p := testPKI(t)
	dir := t.TempDir()
	copyFile(t, p.ca, filepath.Join(dir, "a.pem"))
	copyFile(t, p.otherCA, filepath.Join(dir, "sub", "b.crt"))

	pool, err := LoadCAs("", dir)
	if err != nil {
		t.Fatal(err)
	}
	// Both CAs from the directory (recursively) are trusted.
	for _, cert := range []string{p.server, p.otherServer} {
		data, _ := os.ReadFile(cert)
		c, _ := ParseCert(data)
		if _, err := c.Verify(verifyOpts(pool)); err != nil {
			t.Errorf("%s not trusted: %v", cert, err)
		}
	}
	if pool, _ := LoadCAs("", ""); pool != nil {
		t.Error("pool without sources")
	}
	// ca_file and ca_path together: the union.
	pool, err = LoadCAs(p.otherCA, filepath.Join(dir, "a.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cert := range []string{p.server, p.otherServer} {
		data, _ := os.ReadFile(cert)
		c, _ := ParseCert(data)
		if _, err := c.Verify(verifyOpts(pool)); err != nil {
			t.Errorf("union: %s not trusted: %v", cert, err)
		}
	}

	bad := t.TempDir()
	copyFile(t, p.ca, filepath.Join(bad, "ca.pem"))
	if err := os.WriteFile(filepath.Join(bad, "README"), []byte("not a cert"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCAs("", bad); !errors.Is(err, ErrNoCAInFile) {
		t.Errorf("stray file: %v", err)
	}
	if _, err := LoadCAs(filepath.Join(bad, "missing.pem"), ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing ca_file: %v", err)
	}
	if _, err := LoadCAs(p.serverKey, ""); !errors.Is(err, ErrNoCAInFile) {
		t.Errorf("key as ca_file: %v", err)
	}
}

func TestNewRules(t *testing.T) {
	p := testPKI(t)
	tests := []struct {
		name string
		s    Settings
		err  error
	}{
		{"nothing", Settings{}, nil},
		{"cert without key", Settings{CertFile: p.server}, ErrCertKey},
		{"key without cert", Settings{KeyFile: p.serverKey}, ErrCertKey},
		{"verify_incoming without CA", Settings{CertFile: p.server, KeyFile: p.serverKey, VerifyIncoming: true}, ErrNoCA},
		{"verify_outgoing without CA", Settings{VerifyOutgoing: true}, ErrNoCA},
		{"verify_server_hostname without CA", Settings{VerifyServerHostname: true}, ErrNoCA},
		{"verify_incoming without cert", Settings{CAFile: p.ca, VerifyIncoming: true}, ErrNoCert},
		{"missing cert file", Settings{CertFile: p.server + ".missing", KeyFile: p.serverKey}, fs.ErrNotExist},
		{"all good", Settings{CAFile: p.ca, CertFile: p.server, KeyFile: p.serverKey, VerifyIncoming: true, VerifyOutgoing: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []Config{{InternalRPC: tt.s}, {HTTPS: tt.s}} {
				_, err := New(c)
				if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
					t.Errorf("New: %v, want %v", err, tt.err)
				}
			}
		})
	}
	_, err := New(Config{HTTPS: Settings{CertFile: p.server}})
	if err == nil || err.Error()[:10] != "HTTPS TLS:" {
		t.Errorf("error does not name the listener: %v", err)
	}
}

func TestServerName(t *testing.T) {
	if got := ServerName("dc1", "consul."); got != "server.dc1.consul" {
		t.Error(got)
	}
	if got := ServerName("east", "corp.example"); got != "server.east.corp.example" {
		t.Error(got)
	}
}
