package connect

import "github.com/consuld/consuld/events"

// View is one immutable version of the connect shard's state
// (fsm/connect.State satisfies it). Records it hands out are shared:
// callers must not modify them.
type View interface {
	Applied() uint64
	RootsIndex() uint64
	ActiveRootID() string
	TrustDomain() string
	ClusterID() string
	ActiveRoot() (*events.CARoot, bool)
	Roots(fn func(*events.CARoot) bool)
}

// Index is the X-Consul-Index of a roots query: the last change to the
// roots, never 0.
func Index(v View) uint64 { return max(v.RootsIndex(), 1) }
