package agent

import (
	"context"
	"time"

	"github.com/consuld/consuld/actors"
)

// initCA bootstraps the Connect CA once the agent leads, as Consul's leader
// does when Connect is enabled and the CA has no root: the root is
// generated here and proposed through the Client; the connect shard keeps
// the first root it applies, so a restart (or a racing server) reuses the
// root already in Raft. Retries until it lands or the agent stops.
func (a *Agent) initCA(c *actors.Client) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		root, created, err := c.ConnectInitializeCA(ctx, a.cfg.ConnectClusterID)
		cancel()
		if err == nil {
			if created {
				a.log.Info("connect.ca: initialized primary datacenter CA with provider", "provider", "consul",
					"root_id", root.Id, "trust_domain", root.TrustDomain)
			} else {
				a.log.Debug("connect.ca: CA already initialized", "root_id", root.Id, "trust_domain", root.TrustDomain)
			}
			return
		}
		a.log.Warn("connect.ca: initializing the CA failed", "error", err)
		select {
		case <-a.done:
			return
		case <-time.After(time.Second):
		}
	}
}
