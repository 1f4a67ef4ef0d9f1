package actors

import (
	"context"
	"fmt"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/events"
)

// AttachLocal wires the agent's own state (services and checks registered
// with this agent).
func (c *Client) AttachLocal(a *local.Agent) { c.local = a }

// CatalogSink lets the agent-state actor write to the catalog through this
// Client (local.Catalog).
func (c *Client) CatalogSink() local.Catalog { return catalogSink{c} }

type catalogSink struct{ c *Client }

func (s catalogSink) Apply(ctx context.Context, ev events.Event) error {
	switch ev := ev.(type) {
	case *events.CatalogRegistered:
		return s.c.CatalogRegister(ctx, ev)
	case *events.CatalogDeregistered:
		return s.c.CatalogDeregister(ctx, ev)
	case *events.CheckStatusUpdated:
		return s.c.CheckStatus(ctx, ev)
	}
	return fmt.Errorf("catalog: cannot apply %T", ev)
}

// AgentServices snapshots the agent's services and checks.
func (c *Client) AgentServices(ctx context.Context) (local.Reply, error) {
	return c.local.Do(ctx, func(r local.Answerer) any { return local.Snapshot{Reply: r} })
}

// AgentRegisterService registers a service (and its checks) with the agent.
func (c *Client) AgentRegisterService(ctx context.Context, s *events.Service, checks []check.Definition, replace bool) error {
	_, err := c.local.Do(ctx, func(r local.Answerer) any {
		return local.AddService{Reply: r, Service: s, Checks: checks, ReplaceChecks: replace}
	})
	return err
}

// AgentDeregisterService removes a service registered with the agent.
func (c *Client) AgentDeregisterService(ctx context.Context, id string) error {
	_, err := c.local.Do(ctx, func(r local.Answerer) any { return local.RemoveService{Reply: r, ID: id} })
	return err
}

// AgentRegisterCheck registers a check with the agent.
func (c *Client) AgentRegisterCheck(ctx context.Context, d check.Definition) error {
	_, err := c.local.Do(ctx, func(r local.Answerer) any { return local.AddCheck{Reply: r, Check: d} })
	return err
}

// AgentDeregisterCheck removes a check registered with the agent.
func (c *Client) AgentDeregisterCheck(ctx context.Context, id string) error {
	_, err := c.local.Do(ctx, func(r local.Answerer) any { return local.RemoveCheck{Reply: r, ID: id} })
	return err
}

// AgentCheckTTL reports a TTL check's status.
func (c *Client) AgentCheckTTL(ctx context.Context, id string, st check.Status, output string) error {
	return c.local.Report(ctx, id, st, output)
}

// AgentMaintenance toggles maintenance mode of the node (serviceID "") or
// of one service.
func (c *Client) AgentMaintenance(ctx context.Context, serviceID string, enable bool, reason string) error {
	_, err := c.local.Do(ctx, func(r local.Answerer) any {
		return local.Maintenance{Reply: r, ServiceID: serviceID, Enable: enable, Reason: reason}
	})
	return err
}
