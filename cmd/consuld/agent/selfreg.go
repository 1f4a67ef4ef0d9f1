package agent

import (
	"context"
	"time"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/events"
)

// selfRegistration is the catalog entry of the agent's own node, with the
// serfHealth check Consul agents keep for themselves. (With gossip, the
// leader will set serfHealth from membership; a lone server is alive.)
func selfRegistration(id, node, dc, ip string, serverPort int) *events.CatalogRegistered {
	return &events.CatalogRegistered{
		// Servers appear as the "consul" service, as in Consul.
		Service: &events.Service{Id: "consul", Service: "consul", Port: int32(serverPort),
			Weights: &events.ServiceWeights{Passing: 1, Warning: 1}},
		Node: &events.Node{Id: id, Node: node, Address: ip, Datacenter: dc,
			TaggedAddresses: map[string]string{"lan": ip, "lan_ipv4": ip, "wan": ip, "wan_ipv4": ip},
			Meta:            map[string]string{"consul-network-segment": "", "consul-version": cli.ConsulVersion}},
		Checks: []*events.Check{{CheckId: "serfHealth", Name: "Serf Health Status", Status: "passing",
			Output: "Agent alive and reachable"}},
	}
}

// registerSelf puts the agent's node into the catalog, retrying until it
// lands or the agent stops.
func (a *Agent) registerSelf(c *actors.Client, ev *events.CatalogRegistered) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.CatalogRegister(ctx, ev)
		cancel()
		if err == nil {
			a.log.Info("agent: Synced node info")
			return
		}
		a.log.Warn("agent: syncing node info failed", "error", err)
		select {
		case <-a.done:
			return
		case <-time.After(time.Second):
		}
	}
}
