package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/connect"
	"github.com/consuld/consuld/events"
)

// caRootJSON is one root as Consul's /v1/connect/ca/roots shows it (field
// order as Consul's). The signing key is never shown.
type caRootJSON struct {
	ID                  string
	Name                string
	SerialNumber        uint64
	SigningKeyID        string
	ExternalTrustDomain string
	NotBefore           string
	NotAfter            string
	RootCert            string
	IntermediateCerts   []string // always null: the root signs directly
	Active              bool
	PrivateKeyType      string
	PrivateKeyBits      int32
	CreateIndex         uint64
	ModifyIndex         uint64
}

type caRootsJSON struct {
	ActiveRootID string
	TrustDomain  string
	Roots        []caRootJSON
}

// connectCARoots serves /v1/connect/ca/roots and /v1/agent/connect/ca/roots
// (the agent's copy is the same answer: a server answers from its own
// state). ?pem is not implemented: the JSON answer is always given.
func (a *API) connectCARoots(c echo.Context) (any, *actors.Meta, error) {
	q, err := parseQuery(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	v, m, err := a.c.ConnectCARoots(c.Request().Context(), q)
	if err != nil {
		return nil, nil, err
	}
	return caRootsAnswer(v), &m, nil
}

// caRootsAnswer renders the roots; before the CA is bootstrapped it is
// Consul's empty answer: no active root, no trust domain, no roots ([]).
func caRootsAnswer(v connect.View) caRootsJSON {
	out := caRootsJSON{ActiveRootID: v.ActiveRootID(), TrustDomain: v.TrustDomain(), Roots: []caRootJSON{}}
	v.Roots(func(r *events.CARoot) bool {
		out.Roots = append(out.Roots, caRootJSON{
			ID: r.Id, Name: r.Name, SerialNumber: r.SerialNumber, SigningKeyID: r.SigningKeyId,
			ExternalTrustDomain: r.ExternalTrustDomain, NotBefore: r.NotBefore, NotAfter: r.NotAfter,
			RootCert: r.RootCertPem, Active: r.Active, PrivateKeyType: r.PrivateKeyType,
			PrivateKeyBits: r.PrivateKeyBits, CreateIndex: r.CreateIndex, ModifyIndex: r.ModifyIndex,
		})
		return true
	})
	return out
}
