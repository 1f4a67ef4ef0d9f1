package dns

import (
	"context"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// Source is what the DNS server reads. The agent implements it over
// actors.Client: View is the catalog shard's state, Health is the
// precomputed health view held by the service's aggregate actor.
type Source interface {
	// Datacenter is the agent's datacenter (lower case).
	Datacenter() string
	// View returns the catalog state, after a read barrier unless stale.
	View(ctx context.Context, stale bool) (Catalog, error)
	// Health returns the health view of service name, after a read
	// barrier unless stale. A service that does not exist yields a Health
	// with no entries.
	Health(ctx context.Context, name string, stale bool) (*catalog.Health, error)
}

// Catalog is what DNS reads of the catalog besides service health: nodes
// (node lookups, PTR), service instances (PTR of service addresses) and
// service names (case-insensitive lookups). catalog.View satisfies it.
type Catalog interface {
	Node(name string) (*events.Node, bool)
	Nodes(fn func(*events.Node) bool)
	Services(fn func(*events.Service) bool)
	ServiceNames(fn func(string) bool)
}
