package catalog

import "github.com/consuld/consuld/events"

// View is one immutable version of the catalog shard's state
// (fsm/catalog.State satisfies it).
type View interface {
	Applied() uint64
	NodesIndex() uint64
	ServicesIndex() uint64
	ChecksIndex() uint64
	ServiceIndex(name string) uint64
	NodeIndex(name string) uint64
	Node(name string) (*events.Node, bool)
	Nodes(fn func(*events.Node) bool)
	NodeServices(node string, fn func(*events.Service) bool)
	NodeChecks(node string, fn func(*events.Check) bool)
	Services(fn func(*events.Service) bool)
	Checks(fn func(*events.Check) bool)
	Instances(name string, fn func(*events.Service) bool)
	ServiceNames(fn func(string) bool)
	// TouchedServices names the services whose index the entry at index
	// moved (entries of the last applied batch only).
	TouchedServices(index uint64, fn func(name string))
}

// Scope is what a query reads, and so what moves its X-Consul-Index.
type Scope struct {
	Kind ScopeKind
	Name string // service or node name for ScopeService / ScopeNode
}

// ScopeKind enumerates Scope kinds.
type ScopeKind uint8

const (
	ScopeService  ScopeKind = iota // one service: instances, their checks, nodes
	ScopeNode                      // one node and everything on it
	ScopeNodes                     // the nodes table
	ScopeServices                  // the services table
	ScopeChecks                    // the checks table (health state queries)
	ScopeCatalog                   // nodes, services and checks together (the UI's summaries)
)

// Index is the X-Consul-Index of a query over scope in v: the last change
// to what it reads, or (if that never changed) the relevant table index, as
// Consul reports for queries that match nothing. Never 0.
func Index(v View, s Scope) uint64 {
	var idx uint64
	switch s.Kind {
	case ScopeService:
		if idx = v.ServiceIndex(s.Name); idx == 0 {
			idx = max(v.ServicesIndex(), v.NodesIndex())
		}
	case ScopeNode:
		if idx = v.NodeIndex(s.Name); idx == 0 {
			idx = v.NodesIndex()
		}
	case ScopeNodes:
		idx = v.NodesIndex()
	case ScopeServices:
		idx = v.ServicesIndex()
	case ScopeChecks:
		// Check answers carry node data too (?node-meta filters on it).
		idx = max(v.ChecksIndex(), v.NodesIndex())
	case ScopeCatalog:
		idx = max(v.NodesIndex(), v.ServicesIndex(), v.ChecksIndex())
	}
	return max(idx, 1)
}

// own is the index that must move for a parked query to wake: the scope's
// own index, without the table fallback (which moves for unrelated changes).
func own(v View, s Scope) uint64 {
	switch s.Kind {
	case ScopeService:
		return v.ServiceIndex(s.Name)
	case ScopeNode:
		return v.NodeIndex(s.Name)
	}
	return Index(v, s)
}
