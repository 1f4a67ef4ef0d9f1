package catalog

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
)

// Health statuses (Consul's strings).
const (
	StatusPassing  = "passing"
	StatusWarning  = "warning"
	StatusCritical = "critical"
)

// Txn applies a batch of events to a State and yields the next State,
// without modifying the base state (its trees are cloned copy-on-write).
type Txn struct {
	s State
}

// Txn starts a batch on top of s. Only one goroutine may start batches on
// a given State at a time.
func (s *State) Txn() *Txn {
	return &Txn{s: State{
		nodes: s.nodes.Clone(), services: s.services.Clone(), byName: s.byName.Clone(), checks: s.checks.Clone(),
		bySvc: s.bySvc.Clone(), byNode: s.byNode.Clone(),
		applied: s.applied, tNodes: s.tNodes, tSvcs: s.tSvcs, tChecks: s.tChecks,
	}}
}

// Commit returns the new state; the Txn must not be used afterwards.
func (t *Txn) Commit() *State { s := t.s; return &s }

// Advance records that index was applied without an event.
func (t *Txn) Advance(index uint64) { t.s.applied = index }

// Apply applies ev at index and returns what it decided.
func (t *Txn) Apply(index uint64, ev events.Event) events.Outcome {
	t.s.applied = index
	switch ev := ev.(type) {
	case *events.CatalogRegistered:
		return t.register(index, ev)
	case *events.CatalogDeregistered:
		return t.deregister(index, ev)
	case *events.CheckStatusUpdated:
		return t.updateStatus(index, ev)
	}
	return events.OutcomeSkipped
}

func (t *Txn) register(idx uint64, ev *events.CatalogRegistered) events.Outcome {
	if ev.Node == nil || ev.Node.Node == "" || (ev.Service != nil && (ev.Service.Service == "" || ev.Service.Id == "")) {
		return events.OutcomeRejected
	}
	name := ev.Node.Node
	// Validate every check before changing anything: a register is atomic.
	seen := map[string]bool{}
	for _, c := range ev.Checks {
		if c.CheckId == "" || seen[c.CheckId] {
			return events.OutcomeRejected
		}
		seen[c.CheckId] = true
		if c.ServiceId != "" && (ev.Service == nil || ev.Service.Id != c.ServiceId) {
			if _, ok := t.s.Service(name, c.ServiceId); !ok {
				return events.OutcomeRejected
			}
		}
	}
	changed := false
	if old, ok := t.s.Node(name); !ok || !ev.SkipNodeUpdate {
		n := proto.Clone(ev.Node).(*events.Node)
		if keep(old, n, idx) {
			t.s.nodes.ReplaceOrInsert(n)
			t.s.tNodes = idx
			t.touchNodeServices(name, idx)
			changed = true
		}
	}
	if ev.Service != nil {
		v := proto.Clone(ev.Service).(*events.Service)
		v.Node = name
		if v.Weights == nil {
			v.Weights = &events.ServiceWeights{Passing: 1, Warning: 1}
		}
		old, ok := t.s.Service(name, v.Id)
		if keep(old, v, idx) {
			if ok {
				t.s.byName.Delete(old)
				t.touchService(old.Service, idx)
			}
			t.s.services.ReplaceOrInsert(v)
			t.s.byName.ReplaceOrInsert(v)
			t.s.tSvcs = idx
			t.touchService(v.Service, idx)
			if ok && (old.Service != v.Service || !slices.Equal(old.Tags, v.Tags)) {
				t.refreshChecks(v, idx)
			}
			changed = true
		}
	}
	for _, c := range ev.Checks {
		if t.putCheck(idx, name, c) {
			changed = true
		}
	}
	if !changed {
		return events.OutcomeSkipped
	}
	t.touchNode(name, idx)
	return events.OutcomeApplied
}

// putCheck upserts one check; it reports whether anything changed.
func (t *Txn) putCheck(idx uint64, node string, in *events.Check) bool {
	c := proto.Clone(in).(*events.Check)
	c.Node = node
	if c.Status == "" {
		c.Status = StatusCritical // Consul's initial status
	}
	if c.ServiceId != "" {
		v, _ := t.s.Service(node, c.ServiceId)
		c.ServiceName, c.ServiceTags = v.Service, v.Tags
	} else {
		c.ServiceName, c.ServiceTags = "", nil
	}
	old, _ := t.s.Check(node, c.CheckId)
	if !keep(old, c, idx) {
		return false
	}
	t.s.checks.ReplaceOrInsert(c)
	t.s.tChecks = idx
	t.touchCheck(c, idx)
	if old != nil && old.ServiceName != c.ServiceName {
		t.touchCheck(old, idx)
	}
	return true
}

// refreshChecks rewrites the checks of a renamed or retagged service so
// they carry its current name and tags (and move that name's index).
func (t *Txn) refreshChecks(v *events.Service, idx uint64) {
	var mine []*events.Check
	t.s.NodeChecks(v.Node, func(c *events.Check) bool {
		if c.ServiceId == v.Id {
			mine = append(mine, c)
		}
		return true
	})
	for _, c := range mine {
		n := proto.Clone(c).(*events.Check)
		n.ServiceName, n.ServiceTags, n.ModifyIndex = v.Service, v.Tags, idx
		t.s.checks.ReplaceOrInsert(n)
		t.s.tChecks = idx
	}
}

func (t *Txn) deregister(idx uint64, ev *events.CatalogDeregistered) events.Outcome {
	node := ev.Node
	switch {
	// A service ID wins over a check ID, as in Consul.
	case ev.ServiceId != "":
		v, ok := t.s.Service(node, ev.ServiceId)
		if !ok {
			return events.OutcomeSkipped
		}
		t.dropService(v, idx)
	case ev.CheckId != "":
		c, ok := t.s.Check(node, ev.CheckId)
		if !ok {
			return events.OutcomeSkipped
		}
		t.s.checks.Delete(c)
		t.s.tChecks = idx
		t.touchCheck(c, idx)
	default:
		n, ok := t.s.Node(node)
		if !ok {
			return events.OutcomeSkipped
		}
		var gone []*events.Service
		t.s.NodeServices(node, func(v *events.Service) bool { gone = append(gone, v); return true })
		for _, v := range gone {
			t.dropService(v, idx)
		}
		var checks []*events.Check
		t.s.NodeChecks(node, func(c *events.Check) bool { checks = append(checks, c); return true })
		for _, c := range checks {
			t.s.checks.Delete(c)
			t.s.tChecks = idx
		}
		t.s.nodes.Delete(n)
		t.s.tNodes = idx
	}
	t.touchNode(node, idx)
	return events.OutcomeApplied
}

func (t *Txn) dropService(v *events.Service, idx uint64) {
	var checks []*events.Check
	t.s.NodeChecks(v.Node, func(c *events.Check) bool {
		if c.ServiceId == v.Id {
			checks = append(checks, c)
		}
		return true
	})
	for _, c := range checks {
		t.s.checks.Delete(c)
		t.s.tChecks = idx
	}
	t.s.services.Delete(v)
	t.s.byName.Delete(v)
	t.s.tSvcs = idx
	t.touchService(v.Service, idx)
}

func (t *Txn) updateStatus(idx uint64, ev *events.CheckStatusUpdated) events.Outcome {
	old, ok := t.s.Check(ev.Node, ev.CheckId)
	if !ok || (old.Status == ev.Status && old.Output == ev.Output) {
		return events.OutcomeSkipped
	}
	c := proto.Clone(old).(*events.Check)
	c.Status, c.Output, c.ModifyIndex = ev.Status, ev.Output, idx
	t.s.checks.ReplaceOrInsert(c)
	t.s.tChecks = idx
	t.touchCheck(c, idx)
	t.touchNode(ev.Node, idx)
	return events.OutcomeApplied
}

// keep decides whether n replaces old (nil for a new record). Indexes
// are the catalog's, never the caller's: n gets old's CreateIndex (or idx)
// and, if it differs from old in anything else, ModifyIndex idx.
func keep[T proto.Message](old, n T, idx uint64) bool {
	create := idx
	if !isNil(old) {
		create, _ = indexes(old)
		_, mod := indexes(old)
		setIndexes(n, create, mod)
		if proto.Equal(old, n) {
			return false
		}
	}
	setIndexes(n, create, idx)
	return true
}

func isNil(m proto.Message) bool { return m == nil || !m.ProtoReflect().IsValid() }

func indexes(m proto.Message) (create, modify uint64) {
	switch r := m.(type) {
	case *events.Node:
		return r.CreateIndex, r.ModifyIndex
	case *events.Service:
		return r.CreateIndex, r.ModifyIndex
	case *events.Check:
		return r.CreateIndex, r.ModifyIndex
	}
	return 0, 0
}

func setIndexes(m proto.Message, create, modify uint64) {
	switch r := m.(type) {
	case *events.Node:
		r.CreateIndex, r.ModifyIndex = create, modify
	case *events.Service:
		r.CreateIndex, r.ModifyIndex = create, modify
	case *events.Check:
		r.CreateIndex, r.ModifyIndex = create, modify
	}
}

// touchCheck moves the indexes a check change affects: its service's, or
// for a node check every service on the node.
func (t *Txn) touchCheck(c *events.Check, idx uint64) {
	if c.ServiceName != "" {
		t.touchService(c.ServiceName, idx)
		return
	}
	t.touchNodeServices(c.Node, idx)
}

func (t *Txn) touchNodeServices(node string, idx uint64) {
	t.s.NodeServices(node, func(v *events.Service) bool {
		t.touchService(v.Service, idx)
		return true
	})
}

func (t *Txn) touchService(name string, idx uint64) {
	t.s.bySvc.ReplaceOrInsert(named{name: name, index: idx})
	for i := len(t.s.touched) - 1; i >= 0 && t.s.touched[i].index == idx; i-- {
		if t.s.touched[i].name == name {
			return
		}
	}
	t.s.touched = append(t.s.touched, named{name: name, index: idx})
}

func (t *Txn) touchNode(name string, idx uint64) {
	t.s.byNode.ReplaceOrInsert(named{name: name, index: idx})
}
