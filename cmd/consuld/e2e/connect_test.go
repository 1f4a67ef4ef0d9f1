package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// waitRoots polls the agent's CA roots until the CA is bootstrapped.
func waitRoots(t *testing.T, c *api.Client) *api.CARootList {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		l, _, err := c.Agent().ConnectCARoots(nil)
		if err == nil && l.ActiveRootID != "" {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("no active CA root: %+v, %v", l, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var colonHex = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){19}$`)

// checkRoots checks the shape of a bootstrapped CA and returns its root.
func checkRoots(t *testing.T, l *api.CARootList, trustDomain *regexp.Regexp) *api.CARoot {
	t.Helper()
	if !trustDomain.MatchString(l.TrustDomain) || !colonHex.MatchString(l.ActiveRootID) || len(l.Roots) != 1 {
		t.Fatalf("roots %+v", l)
	}
	r := l.Roots[0]
	if r.ID != l.ActiveRootID || !r.Active || r.Name != "Consul CA Primary Cert" || r.CreateIndex == 0 ||
		r.NotBefore == nil || r.NotAfter == nil || r.NotAfter.Sub(*r.NotBefore) < 9*365*24*time.Hour {
		t.Fatalf("root %+v", r)
	}
	b, _ := pem.Decode([]byte(r.RootCertPEM))
	if b == nil {
		t.Fatalf("root cert %q", r.RootCertPEM)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || len(cert.URIs) != 1 || cert.URIs[0].String() != "spiffe://"+l.TrustDomain ||
		!cert.NotAfter.Equal(*r.NotAfter) {
		t.Fatalf("cert: IsCA %v URIs %v NotAfter %v", cert.IsCA, cert.URIs, cert.NotAfter)
	}
	return r
}

func TestConnectCARootsDev(t *testing.T) {
	a := startDev(t)
	c := a.client()
	l := waitRoots(t, c)
	r := checkRoots(t, l, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.consul$`))

	// The datacenter endpoint gives the same answer.
	l2, qm, err := c.Connect().CARoots(nil)
	if err != nil || l2.ActiveRootID != l.ActiveRootID || l2.TrustDomain != l.TrustDomain || qm.LastIndex != r.CreateIndex {
		t.Fatalf("connect/ca/roots: %+v %+v %v (root created at %d)", l2, qm, err, r.CreateIndex)
	}

	// The raw answer: Consul's fields, never the private key.
	code, hdr, body := a.do("GET", "/v1/connect/ca/roots", nil)
	if code != 200 || hdr.Get("X-Consul-Index") != strconv.FormatUint(r.CreateIndex, 10) ||
		hdr.Get("X-Consul-Knownleader") != "true" || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", code, hdr)
	}
	for _, want := range []string{`"PrivateKeyType": "ec"`, `"PrivateKeyBits": 256`, `"IntermediateCerts": null`,
		`"SigningKeyID": "`, `"ExternalTrustDomain": "`, `"SerialNumber": `} {
		if !contains(body, want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
	if contains(body, "PRIVATE KEY") || contains(body, "SigningKeyPem") {
		t.Fatalf("the private key is served:\n%s", body)
	}

	// A blocking query on the current index waits for its wait time.
	start := time.Now()
	_, qm, err = c.Agent().ConnectCARoots(&api.QueryOptions{WaitIndex: qm.LastIndex, WaitTime: 200 * time.Millisecond})
	if err != nil || time.Since(start) < 200*time.Millisecond || qm.LastIndex != r.CreateIndex {
		t.Fatalf("blocking query: %v after %v, index %d", err, time.Since(start), qm.LastIndex)
	}
}

func TestConnectClusterIDFromConfig(t *testing.T) {
	const id = "11111111-2222-3333-4444-555555555555"
	a := startDev(t, "-hcl", fmt.Sprintf(`connect { ca_config { cluster_id = %q } }`, id))
	l := waitRoots(t, a.client())
	checkRoots(t, l, regexp.MustCompile(`^`+id+`\.consul$`))
	_, _, body := a.do("GET", "/v1/agent/connect/ca/roots", nil)
	if !contains(body, `"ExternalTrustDomain": "`+id+`"`) {
		t.Fatalf("ExternalTrustDomain: %s", body)
	}
}

// startDurableWith is startDurable with extra agent arguments.
func startDurableWith(t *testing.T, dataDir string, extra ...string) *agent {
	args, hp, sp, _ := portArgs(t)
	a := &agent{t: t, args: append(append([]string{"agent", "-server", "-bootstrap-expect", "1", "-data-dir", dataDir,
		"-node", "n1", "-bind", "127.0.0.1"}, args...), extra...), HTTP: fmt.Sprintf("127.0.0.1:%d", hp), Server: sp, dataDir: dataDir}
	a.start()
	return a
}

// TestConnectCARootSurvivesKill9: the root is in Raft, so a durable server
// SIGKILLed and restarted serves the same root instead of making a new one.
func TestConnectCARootSurvivesKill9(t *testing.T) {
	a := startDurableWith(t, t.TempDir(), "-hcl", `connect { enabled = true }`)
	before := checkRoots(t, waitRoots(t, a.client()), regexp.MustCompile(`\.consul$`))
	a.restart()
	after := waitRoots(t, a.client())
	r := checkRoots(t, after, regexp.MustCompile(`\.consul$`))
	if r.ID != before.ID || r.RootCertPEM != before.RootCertPEM || r.CreateIndex != before.CreateIndex {
		t.Fatalf("root changed across kill -9:\nbefore %+v\nafter  %+v", before, r)
	}
}

// TestConnectDisabled: a server without connect.enabled answers Consul's
// error on the CA endpoints.
func TestConnectDisabled(t *testing.T) {
	a := startDurable(t, t.TempDir())
	for _, path := range []string{"/v1/agent/connect/ca/roots", "/v1/connect/ca/roots"} {
		code, _, body := a.do("GET", path, nil)
		if code != http.StatusInternalServerError || body != "Connect must be enabled in order to use this endpoint" {
			t.Fatalf("%s: %d %q", path, code, body)
		}
	}
}
