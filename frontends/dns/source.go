package dns

import (
	"context"

	"github.com/consuld/consuld/actors/catalog"
)

// Source is what the DNS server reads. The agent implements it over
// actors.Client: View is the catalog shard's state, Health is the
// precomputed health view held by the service's aggregate actor.
type Source interface {
	// Datacenter is the agent's datacenter (lower case).
	Datacenter() string
	// View returns the catalog state, after a read barrier unless stale.
	View(ctx context.Context, stale bool) (catalog.View, error)
	// Health returns the health view of service name, after a read
	// barrier unless stale. A service that does not exist yields a Health
	// with no entries.
	Health(ctx context.Context, name string, stale bool) (*catalog.Health, error)
}
