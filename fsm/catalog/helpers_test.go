package catalog

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/fsmtest"
)

// Event constructors keep the tables short. A node's address is always
// addr(node) unless a case changes it on purpose, so re-registering a node
// through regS or regC never changes it.

func addr(node string) string { return "addr-" + node }

func regN(node string) *events.CatalogRegistered {
	return &events.CatalogRegistered{Node: &events.Node{Node: node, Address: addr(node)}}
}

func regS(node string, s *events.Service, checks ...*events.Check) *events.CatalogRegistered {
	return &events.CatalogRegistered{Node: &events.Node{Node: node, Address: addr(node)}, Service: s, Checks: checks}
}

func regC(node string, checks ...*events.Check) *events.CatalogRegistered {
	return &events.CatalogRegistered{Node: &events.Node{Node: node, Address: addr(node)}, Checks: checks}
}

func svc(id, name string, tags ...string) *events.Service {
	return &events.Service{Id: id, Service: name, Tags: tags, Port: 8080}
}

func nchk(id string) *events.Check { return &events.Check{CheckId: id, Name: "check " + id} }

func schk(id, svcID string) *events.Check {
	return &events.Check{CheckId: id, Name: "check " + id, ServiceId: svcID}
}

func deregN(node string) *events.CatalogDeregistered { return &events.CatalogDeregistered{Node: node} }

func deregS(node, id string) *events.CatalogDeregistered {
	return &events.CatalogDeregistered{Node: node, ServiceId: id}
}

func deregC(node, id string) *events.CatalogDeregistered {
	return &events.CatalogDeregistered{Node: node, CheckId: id}
}

func upd(node, check, status, output string) *events.CheckStatusUpdated {
	return &events.CheckStatusUpdated{Node: node, CheckId: check, Status: status, Output: output}
}

// step is one event applied at an explicit Raft index.
type step struct {
	index uint64
	ev    events.Event // nil: Advance (a no-op entry)
}

// applyOne, applySeq and mustSeq apply events one Txn at a time
// (fsm/fsmtest, through Kind).
func applyOne(s *State, index uint64, ev events.Event) (*State, events.Outcome) {
	return fsmtest.ApplyOne(Kind, s, index, ev)
}

func applySeq(s *State, first uint64, evs ...events.Event) (*State, []events.Outcome) {
	return fsmtest.ApplySeq(Kind, s, first, evs...)
}

func mustSeq(t tb, s *State, first uint64, evs ...events.Event) *State {
	t.Helper()
	return fsmtest.MustSeq(t, Kind, s, first, evs...)
}

// replay applies steps each in its own Txn.
func replay(s *State, steps []step) (*State, []events.Outcome) {
	var outs []events.Outcome
	for _, st := range steps {
		var o events.Outcome
		s, o = applyOne(s, st.index, st.ev)
		outs = append(outs, o)
	}
	return s, outs
}

// replayBatch applies steps in one Txn.
func replayBatch(s *State, steps []step) (*State, []events.Outcome) {
	txn := s.Txn()
	var outs []events.Outcome
	for _, st := range steps {
		if st.ev == nil {
			txn.Advance(st.index)
			outs = append(outs, events.OutcomeSkipped)
			continue
		}
		outs = append(outs, txn.Apply(st.index, st.ev))
	}
	return txn.Commit(), outs
}

// Listings through the public iteration methods.

func nodesOf(s *State) []*events.Node {
	var out []*events.Node
	s.Nodes(func(n *events.Node) bool { out = append(out, n); return true })
	return out
}

func servicesOf(s *State) []*events.Service {
	var out []*events.Service
	s.Services(func(v *events.Service) bool { out = append(out, v); return true })
	return out
}

func checksOf(s *State) []*events.Check {
	var out []*events.Check
	s.Checks(func(c *events.Check) bool { out = append(out, c); return true })
	return out
}

func instancesOf(s *State, name string) []*events.Service {
	var out []*events.Service
	s.Instances(name, func(v *events.Service) bool { out = append(out, v); return true })
	return out
}

func nodeServicesOf(s *State, node string) []*events.Service {
	var out []*events.Service
	s.NodeServices(node, func(v *events.Service) bool { out = append(out, v); return true })
	return out
}

func nodeChecksOf(s *State, node string) []*events.Check {
	var out []*events.Check
	s.NodeChecks(node, func(c *events.Check) bool { out = append(out, c); return true })
	return out
}

func serviceNamesOf(s *State) []string {
	var out []string
	s.ServiceNames(func(n string) bool { out = append(out, n); return true })
	return out
}

// keysOf renders instances as "node/id" for short failure messages.
func keysOf(vs []*events.Service) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Node+"/"+v.Id)
	}
	return out
}

func checkIDs(cs []*events.Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Node+"/"+c.CheckId)
	}
	return out
}

// allNames lists every service name and node name the states know of:
// from their records and from their per-name index trees (which keep the
// names of things since deleted), plus extra names.
func allNames(states []*State, extraSvcs, extraNodes []string) (svcs, nodes []string) {
	sv, nd := map[string]bool{}, map[string]bool{}
	for _, n := range extraSvcs {
		sv[n] = true
	}
	for _, n := range extraNodes {
		nd[n] = true
	}
	for _, s := range states {
		s.bySvc.Ascend(func(n named) bool { sv[n.name] = true; return true })
		s.byNode.Ascend(func(n named) bool { nd[n.name] = true; return true })
		for _, n := range nodesOf(s) {
			nd[n.Node] = true
		}
		for _, v := range servicesOf(s) {
			sv[v.Service] = true
			nd[v.Node] = true
		}
		for _, c := range checksOf(s) {
			nd[c.Node] = true
			if c.ServiceName != "" {
				sv[c.ServiceName] = true
			}
		}
	}
	for n := range sv {
		svcs = append(svcs, n)
	}
	for n := range nd {
		nodes = append(nodes, n)
	}
	sort.Strings(svcs)
	sort.Strings(nodes)
	return svcs, nodes
}

// indexView is every index a reader can wait on: "nodes", "services",
// "checks" (the table indexes), "svc:NAME" and "node:NAME".
type indexView map[string]uint64

func viewIndexes(s *State, svcs, nodes []string) indexView {
	v := indexView{"nodes": s.NodesIndex(), "services": s.ServicesIndex(), "checks": s.ChecksIndex()}
	for _, n := range svcs {
		v["svc:"+n] = s.ServiceIndex(n)
	}
	for _, n := range nodes {
		v["node:"+n] = s.NodeIndex(n)
	}
	return v
}

// moved lists the keys whose index differs, and those that went backwards.
func moved(before, after indexView) (changed, backwards []string) {
	for k, b := range before {
		a := after[k]
		if a != b {
			changed = append(changed, k)
		}
		if a < b {
			backwards = append(backwards, fmt.Sprintf("%s %d -> %d", k, b, a))
		}
	}
	sort.Strings(changed)
	sort.Strings(backwards)
	return changed, backwards
}

func listDiff[T proto.Message](what string, a, b []T) []string {
	var d []string
	if len(a) != len(b) {
		d = append(d, fmt.Sprintf("%s: %d != %d records", what, len(a), len(b)))
	}
	for i := 0; i < min(len(a), len(b)); i++ {
		if !proto.Equal(a[i], b[i]) {
			d = append(d, fmt.Sprintf("%s[%d]: %v != %v", what, i, a[i], b[i]))
		}
	}
	return d
}

func lookupDiff[T proto.Message](what string, a T, oka bool, b T, okb bool) []string {
	if oka != okb || (oka && !proto.Equal(a, b)) {
		return []string{fmt.Sprintf("%s: %v (%v) != %v (%v)", what, a, oka, b, okb)}
	}
	return nil
}

// diffStates compares two states completely through the read API: Applied
// (unless ignoreApplied), the table indexes, every node, service and check
// (iterations and point lookups, with proto.Equal), ServiceIndex and
// Instances for every service name either state knows (plus extraSvcs),
// NodeIndex, NodeServices and NodeChecks for every node name either knows,
// and ServiceNames. It returns "" when they are equal.
func diffStates(a, b *State, ignoreApplied bool, extraSvcs ...string) string {
	var d []string
	if !ignoreApplied && a.Applied() != b.Applied() {
		d = append(d, fmt.Sprintf("Applied %d != %d", a.Applied(), b.Applied()))
	}
	for _, x := range []struct {
		what string
		a, b uint64
	}{
		{"NodesIndex", a.NodesIndex(), b.NodesIndex()},
		{"ServicesIndex", a.ServicesIndex(), b.ServicesIndex()},
		{"ChecksIndex", a.ChecksIndex(), b.ChecksIndex()},
	} {
		if x.a != x.b {
			d = append(d, fmt.Sprintf("%s %d != %d", x.what, x.a, x.b))
		}
	}
	na, nb := nodesOf(a), nodesOf(b)
	sa, sb := servicesOf(a), servicesOf(b)
	ca, cb := checksOf(a), checksOf(b)
	d = append(d, listDiff("Nodes", na, nb)...)
	d = append(d, listDiff("Services", sa, sb)...)
	d = append(d, listDiff("Checks", ca, cb)...)
	for _, v := range slices.Concat(sa, sb) {
		x, okx := a.Service(v.Node, v.Id)
		y, oky := b.Service(v.Node, v.Id)
		d = append(d, lookupDiff(fmt.Sprintf("Service(%q, %q)", v.Node, v.Id), x, okx, y, oky)...)
	}
	for _, c := range slices.Concat(ca, cb) {
		x, okx := a.Check(c.Node, c.CheckId)
		y, oky := b.Check(c.Node, c.CheckId)
		d = append(d, lookupDiff(fmt.Sprintf("Check(%q, %q)", c.Node, c.CheckId), x, okx, y, oky)...)
	}
	svcs, nodes := allNames([]*State{a, b}, extraSvcs, nil)
	for _, n := range svcs {
		if x, y := a.ServiceIndex(n), b.ServiceIndex(n); x != y {
			d = append(d, fmt.Sprintf("ServiceIndex(%q) %d != %d", n, x, y))
		}
		d = append(d, listDiff(fmt.Sprintf("Instances(%q)", n), instancesOf(a, n), instancesOf(b, n))...)
	}
	for _, n := range nodes {
		if x, y := a.NodeIndex(n), b.NodeIndex(n); x != y {
			d = append(d, fmt.Sprintf("NodeIndex(%q) %d != %d", n, x, y))
		}
		x, okx := a.Node(n)
		y, oky := b.Node(n)
		d = append(d, lookupDiff(fmt.Sprintf("Node(%q)", n), x, okx, y, oky)...)
		d = append(d, listDiff(fmt.Sprintf("NodeServices(%q)", n), nodeServicesOf(a, n), nodeServicesOf(b, n))...)
		d = append(d, listDiff(fmt.Sprintf("NodeChecks(%q)", n), nodeChecksOf(a, n), nodeChecksOf(b, n))...)
	}
	if x, y := serviceNamesOf(a), serviceNamesOf(b); !slices.Equal(x, y) {
		d = append(d, fmt.Sprintf("ServiceNames %q != %q", x, y))
	}
	sort.Strings(d)
	d = slices.Compact(d)
	return strings.Join(d, "\n")
}

func requireEqualStates(t tb, got, want *State) {
	t.Helper()
	if d := diffStates(got, want, false); d != "" {
		t.Fatalf("states differ (got vs want):\n%s", d)
	}
}

// invariants checks what must hold of any state Apply produces, and returns
// the violations:
//   - every service's and every check's node exists;
//   - a service check's service exists on its node and the check carries
//     its current name; a node check names no service;
//   - Instances(name) is exactly the Services with that name, and the two
//     service trees hold the same records; ServiceNames is their names;
//   - CreateIndex <= ModifyIndex <= Applied for every record, and no index
//     is beyond Applied;
//   - no missed wake-up: ServiceIndex(name) is at least the ModifyIndex of
//     everything a query of name returns (instances, their nodes, the
//     node's node checks and the instance's checks); NodeIndex(node) is at
//     least that of the node and everything on it; the table indexes are
//     at least that of every record in their table.
func invariants(s *State, extraSvcs ...string) []string {
	var bad []string
	fail := func(f string, args ...any) { bad = append(bad, fmt.Sprintf(f, args...)) }
	applied := s.Applied()
	for _, x := range []struct {
		what string
		v    uint64
	}{{"NodesIndex", s.NodesIndex()}, {"ServicesIndex", s.ServicesIndex()}, {"ChecksIndex", s.ChecksIndex()}} {
		if x.v > applied {
			fail("%s %d beyond Applied %d", x.what, x.v, applied)
		}
	}
	idx := func(what string, create, modify uint64) {
		if create == 0 || create > modify || modify > applied {
			fail("%s: CreateIndex %d, ModifyIndex %d, Applied %d", what, create, modify, applied)
		}
	}
	for _, n := range nodesOf(s) {
		idx("node "+n.Node, n.CreateIndex, n.ModifyIndex)
		if n.ModifyIndex > s.NodesIndex() {
			fail("node %s ModifyIndex %d > NodesIndex %d", n.Node, n.ModifyIndex, s.NodesIndex())
		}
		if n.ModifyIndex > s.NodeIndex(n.Node) {
			fail("node %s ModifyIndex %d > NodeIndex %d", n.Node, n.ModifyIndex, s.NodeIndex(n.Node))
		}
	}
	services := servicesOf(s)
	for _, v := range services {
		idx("service "+v.Node+"/"+v.Id, v.CreateIndex, v.ModifyIndex)
		n, ok := s.Node(v.Node)
		if !ok {
			fail("service %s/%s on missing node", v.Node, v.Id)
			continue
		}
		if v.ModifyIndex > s.ServicesIndex() {
			fail("service %s/%s ModifyIndex %d > ServicesIndex %d", v.Node, v.Id, v.ModifyIndex, s.ServicesIndex())
		}
		if v.ModifyIndex > s.NodeIndex(v.Node) {
			fail("service %s/%s ModifyIndex %d > NodeIndex %d", v.Node, v.Id, v.ModifyIndex, s.NodeIndex(v.Node))
		}
		si := s.ServiceIndex(v.Service)
		if v.ModifyIndex > si || n.ModifyIndex > si {
			fail("ServiceIndex(%q) %d < instance %s/%s at %d or its node at %d", v.Service, si, v.Node, v.Id, v.ModifyIndex, n.ModifyIndex)
		}
		for _, c := range nodeChecksOf(s, v.Node) {
			if (c.ServiceId == "" || c.ServiceId == v.Id) && c.ModifyIndex > si {
				fail("ServiceIndex(%q) %d < check %s/%s at %d (missed wake-up)", v.Service, si, c.Node, c.CheckId, c.ModifyIndex)
			}
		}
		if got, ok := s.Service(v.Node, v.Id); !ok || got != v {
			fail("Service(%q, %q) does not return the listed record", v.Node, v.Id)
		}
		if v.Weights == nil {
			fail("service %s/%s without weights", v.Node, v.Id)
		}
	}
	for _, c := range checksOf(s) {
		idx("check "+c.Node+"/"+c.CheckId, c.CreateIndex, c.ModifyIndex)
		if _, ok := s.Node(c.Node); !ok {
			fail("check %s/%s on missing node", c.Node, c.CheckId)
		}
		if c.ModifyIndex > s.ChecksIndex() {
			fail("check %s/%s ModifyIndex %d > ChecksIndex %d", c.Node, c.CheckId, c.ModifyIndex, s.ChecksIndex())
		}
		if c.ModifyIndex > s.NodeIndex(c.Node) {
			fail("check %s/%s ModifyIndex %d > NodeIndex %d", c.Node, c.CheckId, c.ModifyIndex, s.NodeIndex(c.Node))
		}
		if c.Status == "" {
			fail("check %s/%s without status", c.Node, c.CheckId)
		}
		if c.ServiceId == "" {
			if c.ServiceName != "" || len(c.ServiceTags) != 0 {
				fail("node check %s/%s names service %q %q", c.Node, c.CheckId, c.ServiceName, c.ServiceTags)
			}
			continue
		}
		v, ok := s.Service(c.Node, c.ServiceId)
		if !ok {
			fail("check %s/%s of missing service %q", c.Node, c.CheckId, c.ServiceId)
			continue
		}
		if c.ServiceName != v.Service {
			fail("check %s/%s has ServiceName %q, its service %s is now %q", c.Node, c.CheckId, c.ServiceName, v.Id, v.Service)
		}
	}
	// Instances and the byName tree against the services tree.
	names := map[string]bool{}
	for _, v := range services {
		names[v.Service] = true
	}
	var wantNames []string
	for n := range names {
		wantNames = append(wantNames, n)
	}
	sort.Strings(wantNames)
	if got := serviceNamesOf(s); !slices.Equal(got, wantNames) {
		fail("ServiceNames %q, services have %q", got, wantNames)
	}
	for _, n := range extraSvcs {
		names[n] = true
	}
	for n := range names {
		var want []*events.Service
		for _, v := range services {
			if v.Service == n {
				want = append(want, v)
			}
		}
		for _, d := range listDiff(fmt.Sprintf("Instances(%q) vs Services filtered", n), instancesOf(s, n), want) {
			fail("%s", d)
		}
	}
	if s.byName.Len() != s.services.Len() {
		fail("byName holds %d records, services %d", s.byName.Len(), s.services.Len())
	}
	s.byName.Ascend(func(v *events.Service) bool {
		if got, ok := s.services.Get(v); !ok || got != v {
			fail("byName record %s/%s (%q) is not in services", v.Node, v.Id, v.Service)
		}
		return true
	})
	s.bySvc.Ascend(func(n named) bool {
		if n.index > applied {
			fail("ServiceIndex(%q) %d beyond Applied %d", n.name, n.index, applied)
		}
		return true
	})
	s.byNode.Ascend(func(n named) bool {
		if n.index > applied {
			fail("NodeIndex(%q) %d beyond Applied %d", n.name, n.index, applied)
		}
		return true
	})
	sort.Strings(bad)
	return bad
}

func snapshotBytes(t tb, s *State) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func roundTrip(t tb, s *State) *State {
	t.Helper()
	r, err := ReadSnapshot(bytes.NewReader(snapshotBytes(t, s)))
	if err != nil {
		t.Fatalf("ReadSnapshot(WriteSnapshot(s)): %v", err)
	}
	return r
}

// snap is the content of a version 1 snapshot, for encodeV1.
type snap struct {
	applied, tNodes, tSvcs, tChecks uint64
	nodes                           []*events.Node
	services                        []*events.Service
	checks                          []*events.Check
	bySvc, byNode                   []named
}

// encodeV1 writes snapshot format version 1 by hand, independently of
// WriteSnapshot: header (magic, u16 version, u64 applied), the three table
// indexes as u64, then nodes, services and checks each as a uvarint count
// and length-prefixed protobufs, then the service and node indexes each as
// a uvarint count and (length-prefixed name, uvarint index) pairs. It pins
// the format and builds snapshots WriteSnapshot never would.
func encodeV1(t tb, sn snap) []byte {
	t.Helper()
	var b []byte
	b = append(b, magic[:]...)
	b = binary.BigEndian.AppendUint16(b, 1)
	b = binary.BigEndian.AppendUint64(b, sn.applied)
	b = binary.BigEndian.AppendUint64(b, sn.tNodes)
	b = binary.BigEndian.AppendUint64(b, sn.tSvcs)
	b = binary.BigEndian.AppendUint64(b, sn.tChecks)
	recs := func(ms []proto.Message) {
		b = binary.AppendUvarint(b, uint64(len(ms)))
		for _, m := range ms {
			p, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			b = binary.AppendUvarint(b, uint64(len(p)))
			b = append(b, p...)
		}
	}
	recs(msgs(sn.nodes))
	recs(msgs(sn.services))
	recs(msgs(sn.checks))
	for _, ns := range [][]named{sn.bySvc, sn.byNode} {
		b = binary.AppendUvarint(b, uint64(len(ns)))
		for _, n := range ns {
			b = binary.AppendUvarint(b, uint64(len(n.name)))
			b = append(b, n.name...)
			b = binary.AppendUvarint(b, n.index)
		}
	}
	return b
}

func msgs[T proto.Message](in []T) []proto.Message {
	out := make([]proto.Message, len(in))
	for i, m := range in {
		out[i] = m
	}
	return out
}

// tb is what the helpers need of *testing.T, *testing.B, *testing.F and
// *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}
