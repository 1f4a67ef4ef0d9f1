package catalog

import (
	"github.com/google/btree"

	"github.com/consuld/consuld/events"
)

const degree = 32

// named is an index entry: the last Raft index that changed what a name
// (service name or node name) answers.
type named struct {
	name  string
	index uint64
}

// State is one immutable version of the catalog shard.
type State struct {
	nodes    *btree.BTreeG[*events.Node]    // by node name
	services *btree.BTreeG[*events.Service] // by (node, service ID)
	byName   *btree.BTreeG[*events.Service] // by (service name, node, ID)
	checks   *btree.BTreeG[*events.Check]   // by (node, check ID)
	bySvc    *btree.BTreeG[named]           // service name -> last change
	byNode   *btree.BTreeG[named]           // node name -> last change
	applied  uint64
	tNodes   uint64  // Consul's "nodes" table index
	tSvcs    uint64  // "services"
	tChecks  uint64  // "checks"
	touched  []named // service names whose index the last batch moved, in apply order
}

func nodeLess(a, b *events.Node) bool { return a.Node < b.Node }
func svcLess(a, b *events.Service) bool {
	return a.Node < b.Node || (a.Node == b.Node && a.Id < b.Id)
}
func byNameLess(a, b *events.Service) bool {
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	return svcLess(a, b)
}
func checkLess(a, b *events.Check) bool {
	return a.Node < b.Node || (a.Node == b.Node && a.CheckId < b.CheckId)
}
func namedLess(a, b named) bool { return a.name < b.name }

// Empty returns the state of a new shard.
func Empty() *State {
	return &State{
		nodes: btree.NewG(degree, nodeLess), services: btree.NewG(degree, svcLess), byName: btree.NewG(degree, byNameLess),
		checks: btree.NewG(degree, checkLess), bySvc: btree.NewG(degree, namedLess), byNode: btree.NewG(degree, namedLess),
	}
}

// Applied is the Raft index this state includes.
func (s *State) Applied() uint64 { return s.applied }

// NodesIndex, ServicesIndex and ChecksIndex are Consul's table indexes.
func (s *State) NodesIndex() uint64    { return s.tNodes }
func (s *State) ServicesIndex() uint64 { return s.tSvcs }
func (s *State) ChecksIndex() uint64   { return s.tChecks }

// ServiceIndex is the last change to anything a query of service name
// answers (instances, their checks, their nodes and node checks), or 0.
func (s *State) ServiceIndex(name string) uint64 {
	n, _ := s.bySvc.Get(named{name: name})
	return n.index
}

// TouchedServices calls fn for every service name whose index the entry
// at index moved, if index belongs to the last applied batch (the Sink is
// called for each entry of a batch after that batch's state is published).
func (s *State) TouchedServices(index uint64, fn func(name string)) {
	for _, t := range s.touched {
		if t.index == index {
			fn(t.name)
		}
	}
}

// NodeIndex is the last change to node name or anything on it, or 0.
func (s *State) NodeIndex(name string) uint64 {
	n, _ := s.byNode.Get(named{name: name})
	return n.index
}

// Node returns a node by name.
func (s *State) Node(name string) (*events.Node, bool) {
	return s.nodes.Get(&events.Node{Node: name})
}

// Nodes calls fn for every node in name order until fn returns false.
func (s *State) Nodes(fn func(*events.Node) bool) { s.nodes.Ascend(fn) }

// NodeServices calls fn for every service instance on node, in ID order.
func (s *State) NodeServices(node string, fn func(*events.Service) bool) {
	s.services.AscendGreaterOrEqual(&events.Service{Node: node}, func(v *events.Service) bool {
		return v.Node == node && fn(v)
	})
}

// NodeChecks calls fn for every check on node (node and service checks).
func (s *State) NodeChecks(node string, fn func(*events.Check) bool) {
	s.checks.AscendGreaterOrEqual(&events.Check{Node: node}, func(c *events.Check) bool {
		return c.Node == node && fn(c)
	})
}

// Services calls fn for every service instance, ordered by node then ID.
func (s *State) Services(fn func(*events.Service) bool) { s.services.Ascend(fn) }

// Checks calls fn for every check, ordered by node then check ID.
func (s *State) Checks(fn func(*events.Check) bool) { s.checks.Ascend(fn) }

// Service returns one instance.
func (s *State) Service(node, id string) (*events.Service, bool) {
	return s.services.Get(&events.Service{Node: node, Id: id})
}

// Check returns one check.
func (s *State) Check(node, id string) (*events.Check, bool) {
	return s.checks.Get(&events.Check{Node: node, CheckId: id})
}

// Instances calls fn for every instance of service name, ordered by node
// then ID.
func (s *State) Instances(name string, fn func(*events.Service) bool) {
	s.byName.AscendGreaterOrEqual(&events.Service{Service: name}, func(v *events.Service) bool {
		return v.Service == name && fn(v)
	})
}

// ServiceNames calls fn once per registered service name, in order.
func (s *State) ServiceNames(fn func(name string) bool) {
	last, first := "", true
	s.byName.Ascend(func(v *events.Service) bool {
		if first || v.Service != last {
			first, last = false, v.Service
			return fn(v.Service)
		}
		return true
	})
}
