package actors

import (
	"context"
	"errors"
	"fmt"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// ErrRegisterRejected: the catalog refused a registration at apply time
// (a check named a service that is not on its node).
var ErrRegisterRejected = errors.New("catalog: registration rejected")

// UnknownServiceError is a check naming a service not on its node.
type UnknownServiceError struct{ ServiceID, CheckID string }

func (e *UnknownServiceError) Error() string {
	return fmt.Sprintf("Unknown service ID %q for check ID %q", e.ServiceID, e.CheckID)
}

// AttachCatalog wires the catalog shard's watch actor.
func (c *Client) AttachCatalog(w *catalog.Watcher) { c.cat = w }

// CatalogRegister proposes a registration (node, optional service, checks).
func (c *Client) CatalogRegister(ctx context.Context, ev *events.CatalogRegistered) error {
	v := c.cat.View()
	for _, ch := range ev.Checks {
		if ch.ServiceId == "" || (ev.Service != nil && ev.Service.Id == ch.ServiceId) {
			continue
		}
		found := false
		v.NodeServices(ev.Node.Node, func(s *events.Service) bool {
			found = s.Id == ch.ServiceId
			return !found
		})
		if !found {
			return &UnknownServiceError{ServiceID: ch.ServiceId, CheckID: ch.CheckId}
		}
	}
	return c.proposeCatalog(ctx, ev)
}

// CatalogDeregister proposes a deregistration.
func (c *Client) CatalogDeregister(ctx context.Context, ev *events.CatalogDeregistered) error {
	return c.proposeCatalog(ctx, ev)
}

// CheckStatus proposes a check status change.
func (c *Client) CheckStatus(ctx context.Context, ev *events.CheckStatusUpdated) error {
	return c.proposeCatalog(ctx, ev)
}

func (c *Client) proposeCatalog(ctx context.Context, ev events.Event) error {
	data, err := events.Encode(ev)
	if err != nil {
		return err
	}
	_, o, err := c.prop.Propose(ctx, events.ShardCatalog, data)
	switch {
	case err != nil:
		return mapErr(err)
	case o == events.OutcomeRejected:
		return ErrRegisterRejected
	}
	return nil
}

// CatalogRead returns catalog state to answer a query over scope: after a
// read barrier unless stale, and, for a blocking query, once the scope's
// index passed q.MinIndex (or at the deadline). A service scope is read
// through the service's aggregate actor, and its Result carries the
// service's precomputed Health.
func (c *Client) CatalogRead(ctx context.Context, scope catalog.Scope, q Query) (catalog.Result, Meta, error) {
	if q.Consistency != Stale {
		if err := c.prop.Barrier(ctx, events.ShardCatalog); err != nil {
			return catalog.Result{}, Meta{}, mapErr(err)
		}
	}
	if scope.Kind != catalog.ScopeService {
		v := c.cat.View()
		if idx := catalog.Index(v, scope); q.MinIndex == 0 || idx > q.MinIndex {
			return catalog.Result{View: v, Index: idx}, c.meta(q, idx), nil
		}
	}
	r := make(catalogReply, 1)
	c.cat.Park(&catalog.Park{Reply: r, Scope: scope, MinIndex: q.MinIndex, Deadline: deadline(q)})
	select {
	case res := <-r:
		return res, c.meta(q, res.Index), nil
	case <-ctx.Done():
		c.cat.Cancel(scope, r)
		return catalog.Result{}, Meta{}, ErrTimeout
	}
}

type catalogReply chan catalog.Result

func (r catalogReply) Reply(res catalog.Result) { r <- res }

// ServiceHealth returns the health view of service name from its
// aggregate actor (after a read barrier unless stale), with the answer's
// metadata (LastContact lets a caller bound staleness).
func (c *Client) ServiceHealth(ctx context.Context, name string, stale bool) (*catalog.Health, Meta, error) {
	q := Query{Consistency: Default}
	if stale {
		q.Consistency = Stale
	}
	res, m, err := c.CatalogRead(ctx, catalog.Scope{Kind: catalog.ScopeService, Name: name}, q)
	return res.Health, m, err
}

// CatalogView returns the catalog state (after a read barrier unless
// stale), with the answer's metadata.
func (c *Client) CatalogView(ctx context.Context, stale bool) (catalog.View, Meta, error) {
	q := Query{Consistency: Default}
	if stale {
		q.Consistency = Stale
	}
	res, m, err := c.CatalogRead(ctx, catalog.Scope{Kind: catalog.ScopeNodes}, q)
	return res.View, m, err
}
