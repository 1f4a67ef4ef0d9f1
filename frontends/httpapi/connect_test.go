package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/consuld/consuld/actors/connect"
	"github.com/consuld/consuld/events"
)

type fakeCA struct{ roots []*events.CARoot }

var _ connect.View = (*fakeCA)(nil)

func (v *fakeCA) Applied() uint64    { return 9 }
func (v *fakeCA) RootsIndex() uint64 { return 7 }
func (v *fakeCA) ActiveRootID() string {
	if len(v.roots) == 0 {
		return ""
	}
	return v.roots[0].Id
}
func (v *fakeCA) TrustDomain() string {
	if len(v.roots) == 0 {
		return ""
	}
	return v.roots[0].TrustDomain
}
func (v *fakeCA) ClusterID() string { return "" }
func (v *fakeCA) ActiveRoot() (*events.CARoot, bool) {
	if len(v.roots) == 0 {
		return nil, false
	}
	return v.roots[0], true
}
func (v *fakeCA) Roots(fn func(*events.CARoot) bool) {
	for _, r := range v.roots {
		if !fn(r) {
			return
		}
	}
}

func TestCARootsAnswer(t *testing.T) {
	b, _ := json.Marshal(caRootsAnswer(&fakeCA{}))
	if string(b) != `{"ActiveRootID":"","TrustDomain":"","Roots":[]}` {
		t.Fatalf("empty: %s", b)
	}
	root := &events.CARoot{Id: "c7:bd", Name: "Consul CA Primary Cert", SerialNumber: 7, SigningKeyId: "2d:09",
		NotBefore: "2026-01-01T00:00:00Z", NotAfter: "2036-01-01T00:00:00Z", RootCertPem: "-----BEGIN CERTIFICATE-----\n",
		SigningKeyPem: "-----BEGIN EC PRIVATE KEY-----\nSECRET\n", PrivateKeyType: "ec", PrivateKeyBits: 256,
		TrustDomain: "11111111-2222-3333-4444-555555555555.consul", ExternalTrustDomain: "11111111-2222-3333-4444-555555555555",
		Active: true, CreateIndex: 7, ModifyIndex: 7}
	b, _ = json.Marshal(caRootsAnswer(&fakeCA{roots: []*events.CARoot{root}}))
	want := `{"ActiveRootID":"c7:bd","TrustDomain":"11111111-2222-3333-4444-555555555555.consul","Roots":[` +
		`{"ID":"c7:bd","Name":"Consul CA Primary Cert","SerialNumber":7,"SigningKeyID":"2d:09",` +
		`"ExternalTrustDomain":"11111111-2222-3333-4444-555555555555","NotBefore":"2026-01-01T00:00:00Z",` +
		`"NotAfter":"2036-01-01T00:00:00Z","RootCert":"-----BEGIN CERTIFICATE-----\n","IntermediateCerts":null,` +
		`"Active":true,"PrivateKeyType":"ec","PrivateKeyBits":256,"CreateIndex":7,"ModifyIndex":7}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if strings.Contains(string(b), "SECRET") || strings.Contains(string(b), "PRIVATE KEY") {
		t.Fatal("the signing key leaked")
	}
}
