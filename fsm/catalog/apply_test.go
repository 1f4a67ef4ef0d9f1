package catalog

import (
	"bytes"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
)

// at is the index table cases apply their event at; setup events take
// indexes 1, 2, ...
const at = 100

// Names every table case's index view covers, besides those in its states:
// so that an index moving for an unrelated name is noticed.
var (
	caseSvcs  = []string{"web", "db", "api", "cache"}
	caseNodes = []string{"n1", "n2", "n3", "n9"}
)

func mustNode(t *testing.T, s *State, name string) *events.Node {
	t.Helper()
	n, ok := s.Node(name)
	if !ok {
		t.Fatalf("node %q missing", name)
	}
	return n
}

func mustService(t *testing.T, s *State, node, id string) *events.Service {
	t.Helper()
	v, ok := s.Service(node, id)
	if !ok {
		t.Fatalf("service %s/%s missing", node, id)
	}
	return v
}

func mustCheck(t *testing.T, s *State, node, id string) *events.Check {
	t.Helper()
	c, ok := s.Check(node, id)
	if !ok {
		t.Fatalf("check %s/%s missing", node, id)
	}
	return c
}

func wantIndexes(t *testing.T, what string, create, modify, wantCreate, wantModify uint64) {
	t.Helper()
	if create != wantCreate || modify != wantModify {
		t.Errorf("%s: CreateIndex/ModifyIndex %d/%d, want %d/%d", what, create, modify, wantCreate, wantModify)
	}
}

func wantInstances(t *testing.T, s *State, name string, want ...string) {
	t.Helper()
	if got := keysOf(instancesOf(s, name)); !slices.Equal(got, want) {
		t.Errorf("Instances(%q) = %q, want %q", name, got, want)
	}
}

func wantNodeChecks(t *testing.T, s *State, node string, want ...string) {
	t.Helper()
	var got []string
	for _, c := range nodeChecksOf(s, node) {
		got = append(got, c.CheckId)
	}
	if !slices.Equal(got, want) {
		t.Errorf("NodeChecks(%q) = %q, want %q", node, got, want)
	}
}

func wantServiceNames(t *testing.T, s *State, want ...string) {
	t.Helper()
	if got := serviceNamesOf(s); !slices.Equal(got, want) {
		t.Errorf("ServiceNames = %q, want %q", got, want)
	}
}

type applyCase struct {
	name  string
	setup []events.Event // applied at 1, 2, ..., each must be Applied
	ev    events.Event   // applied at index at
	want  events.Outcome
	// moves lists exactly the indexes that must move (to at): "nodes",
	// "services", "checks", "svc:NAME", "node:NAME". Every other index of
	// caseSvcs, caseNodes and the names in either state must stay put.
	moves []string
	check func(t *testing.T, before, after *State)
}

// runApplyCases runs each case and checks what holds for every event: the
// outcome; Applied moves to at; exactly the listed indexes move, to at, and
// none goes backwards; an event that is not Applied changes nothing else;
// the base state and the event are not modified; the result keeps the
// invariants.
func runApplyCases(t *testing.T, cases []applyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := mustSeq(t, Empty(), 1, tc.setup...)
			beforeBytes := snapshotBytes(t, before)
			evCopy := proto.Clone(tc.ev)
			after, o := applyOne(before, at, tc.ev)
			if o != tc.want {
				t.Fatalf("outcome %v, want %v", o, tc.want)
			}
			if after.Applied() != at {
				t.Errorf("Applied %d, want %d", after.Applied(), at)
			}
			svcs, nodes := allNames([]*State{before, after}, caseSvcs, caseNodes)
			changed, backwards := moved(viewIndexes(before, svcs, nodes), viewIndexes(after, svcs, nodes))
			if len(backwards) > 0 {
				t.Errorf("indexes went backwards: %q", backwards)
			}
			want := slices.Clone(tc.moves)
			slices.Sort(want)
			if !slices.Equal(changed, want) {
				t.Errorf("indexes moved: %q, want exactly %q", changed, want)
			}
			av := viewIndexes(after, svcs, nodes)
			for _, k := range changed {
				if av[k] != at {
					t.Errorf("index %s moved to %d, want %d", k, av[k], at)
				}
			}
			if o != events.OutcomeApplied {
				if d := diffStates(after, before, true); d != "" {
					t.Errorf("a %v event changed the state:\n%s", o, d)
				}
			}
			if !bytes.Equal(snapshotBytes(t, before), beforeBytes) {
				t.Error("Apply modified the base state")
			}
			if !proto.Equal(tc.ev, evCopy) {
				t.Errorf("Apply modified the event: %v, was %v", tc.ev, evCopy)
			}
			if bad := invariants(after, caseSvcs...); len(bad) > 0 {
				t.Errorf("invariants broken:\n%s", bad)
			}
			if tc.check != nil {
				tc.check(t, before, after)
			}
		})
	}
}

func TestApplyRegisterNode(t *testing.T) {
	fullNode := func() *events.Node {
		return &events.Node{Id: "dddccf28-9eb1-9e64-e677-80acc11fbe18", Node: "n1", Address: "10.0.0.1", Datacenter: "dc1",
			TaggedAddresses: map[string]string{"lan": "10.0.0.1", "wan": "1.2.3.4"}, Meta: map[string]string{"rack": "r1"}}
	}
	runApplyCases(t, []applyCase{
		{
			name: "register node only", ev: regN("n1"), want: events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, at, at)
				if n.Address != addr("n1") {
					t.Errorf("address %q", n.Address)
				}
				if len(servicesOf(s)) != 0 || len(checksOf(s)) != 0 || len(serviceNamesOf(s)) != 0 {
					t.Error("a node-only registration created services or checks")
				}
			},
		},
		{
			name:  "register a node with every field",
			ev:    &events.CatalogRegistered{Node: fullNode()},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				want := fullNode()
				want.CreateIndex, want.ModifyIndex = at, at
				if n := mustNode(t, s, "n1"); !proto.Equal(n, want) {
					t.Errorf("node %v, want %v", n, want)
				}
			},
		},
		{
			name:  "re-register identical node",
			setup: []events.Event{&events.CatalogRegistered{Node: fullNode()}},
			ev:    &events.CatalogRegistered{Node: fullNode()},
			want:  events.OutcomeSkipped,
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, 1)
			},
		},
		{
			name: "change node address moves every service on the node",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n1", svc("d1", "db")),
				regS("n2", svc("w2", "web")), regS("n3", svc("x1", "cache"))},
			ev:    &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "10.9.9.9"}},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1", "svc:web", "svc:db"},
			check: func(t *testing.T, before, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, at)
				if n.Address != "10.9.9.9" {
					t.Errorf("address %q", n.Address)
				}
				// The services themselves did not change.
				for _, id := range []string{"w1", "d1"} {
					if !proto.Equal(mustService(t, s, "n1", id), mustService(t, before, "n1", id)) {
						t.Errorf("service %s changed", id)
					}
				}
			},
		},
		{
			name:  "change node meta",
			setup: []events.Event{regN("n1"), regN("n2")},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: addr("n1"),
				Meta: map[string]string{"k": "v"}}},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
		},
		{
			name: "caller-supplied indexes are ignored on new records",
			ev: &events.CatalogRegistered{
				Node:    &events.Node{Node: "n1", Address: "a", CreateIndex: 7, ModifyIndex: 9},
				Service: &events.Service{Id: "w1", Service: "web", CreateIndex: 3, ModifyIndex: 4},
				Checks: []*events.Check{
					{CheckId: "c1", ServiceId: "w1", CreateIndex: 5, ModifyIndex: 6},
					{CheckId: "c0", CreateIndex: 1, ModifyIndex: 200},
				},
			},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, at, at)
				v := mustService(t, s, "n1", "w1")
				wantIndexes(t, "service", v.CreateIndex, v.ModifyIndex, at, at)
				for _, id := range []string{"c0", "c1"} {
					c := mustCheck(t, s, "n1", id)
					wantIndexes(t, "check "+id, c.CreateIndex, c.ModifyIndex, at, at)
				}
			},
		},
		{
			name:  "caller-supplied indexes are ignored on an identical re-register",
			setup: []events.Event{regS("n1", svc("w1", "web", "a"), schk("c1", "w1"), nchk("c0"))},
			ev: func() events.Event {
				ev := regS("n1", svc("w1", "web", "a"), schk("c1", "w1"), nchk("c0"))
				ev.Node.CreateIndex, ev.Node.ModifyIndex = 50, 60
				ev.Service.CreateIndex, ev.Service.ModifyIndex = 70, 80
				ev.Checks[0].CreateIndex, ev.Checks[0].ModifyIndex = 90, 95
				ev.Checks[1].ModifyIndex = 1
				return ev
			}(),
			want: events.OutcomeSkipped,
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, 1)
				v := mustService(t, s, "n1", "w1")
				wantIndexes(t, "service", v.CreateIndex, v.ModifyIndex, 1, 1)
				c := mustCheck(t, s, "n1", "c1")
				wantIndexes(t, "check", c.CreateIndex, c.ModifyIndex, 1, 1)
			},
		},
		{
			name:  "caller-supplied indexes are ignored on a change",
			setup: []events.Event{regN("n1")},
			ev:    &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "new", CreateIndex: 42, ModifyIndex: 43}},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, at)
			},
		},
		{
			name: "SkipNodeUpdate keeps an existing node's fields",
			setup: []events.Event{&events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: addr("n1"),
				Meta: map[string]string{"k": "v"}}}},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "changed", Meta: map[string]string{"k": "x"}},
				Service: svc("w1", "web"), SkipNodeUpdate: true},
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				n := mustNode(t, s, "n1")
				if n.Address != addr("n1") || n.Meta["k"] != "v" {
					t.Errorf("node updated despite SkipNodeUpdate: %v", n)
				}
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, 1)
				mustService(t, s, "n1", "w1")
			},
		},
		{
			name:  "SkipNodeUpdate alone on an existing node is skipped",
			setup: []events.Event{regN("n1")},
			ev:    &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "changed"}, SkipNodeUpdate: true},
			want:  events.OutcomeSkipped,
		},
		{
			name:  "SkipNodeUpdate still creates a missing node",
			ev:    &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "a"}, SkipNodeUpdate: true},
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if n := mustNode(t, s, "n1"); n.Address != "a" {
					t.Errorf("node %v", n)
				}
			},
		},
		{name: "nil node is rejected", ev: &events.CatalogRegistered{Service: svc("w1", "web")}, want: events.OutcomeRejected},
		{name: "node without a name is rejected", ev: &events.CatalogRegistered{Node: &events.Node{Address: "a"}},
			want: events.OutcomeRejected},
	})
}

func TestApplyRegisterService(t *testing.T) {
	runApplyCases(t, []applyCase{
		{
			name:  "register with service",
			setup: []events.Event{regN("n1"), regS("n2", svc("x1", "cache"))},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: addr("n1")},
				Service: &events.Service{Node: "elsewhere", Id: "w1", Service: "web", Tags: []string{"t"}, Port: 80}},
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				v := mustService(t, s, "n1", "w1")
				want := &events.Service{Node: "n1", Id: "w1", Service: "web", Tags: []string{"t"}, Port: 80,
					Weights: &events.ServiceWeights{Passing: 1, Warning: 1}, CreateIndex: at, ModifyIndex: at}
				if !proto.Equal(v, want) {
					t.Errorf("service %v, want %v", v, want)
				}
				if _, ok := s.Service("elsewhere", "w1"); ok {
					t.Error("service stored under the node named in the service record")
				}
				wantInstances(t, s, "web", "n1/w1")
				wantServiceNames(t, s, "cache", "web")
				if got := keysOf(nodeServicesOf(s, "n1")); !slices.Equal(got, []string{"n1/w1"}) {
					t.Errorf("NodeServices(n1) = %q", got)
				}
				n := mustNode(t, s, "n1")
				wantIndexes(t, "node", n.CreateIndex, n.ModifyIndex, 1, 1)
			},
		},
		{
			name:  "register node and service together",
			ev:    regS("n1", svc("w1", "web")),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "svc:web", "node:n1"},
		},
		{
			name:  "explicit weights are kept",
			setup: []events.Event{regN("n1")},
			ev: regS("n1", &events.Service{Id: "w1", Service: "web",
				Weights: &events.ServiceWeights{Passing: 10, Warning: 3}}),
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if w := mustService(t, s, "n1", "w1").Weights; w.Passing != 10 || w.Warning != 3 {
					t.Errorf("weights %v", w)
				}
			},
		},
		{
			name:  "re-register identical service",
			setup: []events.Event{regS("n1", svc("w1", "web", "a", "b"))},
			ev:    regS("n1", svc("w1", "web", "a", "b")),
			want:  events.OutcomeSkipped,
		},
		{
			name:  "re-register identical service spelling out the default weights",
			setup: []events.Event{regS("n1", svc("w1", "web"))},
			ev: regS("n1", &events.Service{Id: "w1", Service: "web", Port: 8080,
				Weights: &events.ServiceWeights{Passing: 1, Warning: 1}}),
			want: events.OutcomeSkipped,
		},
		{
			name:  "change a service's port",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n2", svc("w2", "web")), regS("n1", svc("d1", "db"))},
			ev:    regS("n1", &events.Service{Id: "w1", Service: "web", Port: 81}),
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				v := mustService(t, s, "n1", "w1")
				wantIndexes(t, "service", v.CreateIndex, v.ModifyIndex, 1, at)
				if v.Port != 81 {
					t.Errorf("port %d", v.Port)
				}
				wantInstances(t, s, "web", "n1/w1", "n2/w2")
			},
		},
		{
			name:  "change a service's name moves the old and the new name",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n2", svc("x1", "cache"))},
			ev:    regS("n1", svc("w1", "api")),
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "svc:api", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				wantInstances(t, s, "web")
				wantInstances(t, s, "api", "n1/w1")
				wantServiceNames(t, s, "api", "cache")
				v := mustService(t, s, "n1", "w1")
				wantIndexes(t, "service", v.CreateIndex, v.ModifyIndex, 1, at)
			},
		},
		{
			name:  "rename one of two instances",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n1", svc("w2", "web"))},
			ev:    regS("n1", svc("w2", "api")),
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "svc:api", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				wantInstances(t, s, "web", "n1/w1")
				wantInstances(t, s, "api", "n1/w2")
				wantServiceNames(t, s, "api", "web")
			},
		},
		{
			name:  "a second instance on another node",
			setup: []events.Event{regS("n1", svc("w1", "web"))},
			ev:    regS("n2", svc("w2", "web")),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "svc:web", "node:n2"},
			check: func(t *testing.T, _, s *State) {
				wantInstances(t, s, "web", "n1/w1", "n2/w2")
				wantServiceNames(t, s, "web")
			},
		},
		{
			name:  "the same service ID on two nodes is two instances",
			setup: []events.Event{regS("n1", svc("w", "web"))},
			ev:    regS("n2", svc("w", "web")),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "svc:web", "node:n2"},
			check: func(t *testing.T, _, s *State) { wantInstances(t, s, "web", "n1/w", "n2/w") },
		},
		{name: "service without an ID is rejected", setup: []events.Event{regN("n1")},
			ev: regS("n1", &events.Service{Service: "web"}), want: events.OutcomeRejected},
		{name: "service without a name is rejected", setup: []events.Event{regN("n1")},
			ev: regS("n1", &events.Service{Id: "w1"}), want: events.OutcomeRejected},
		{name: "a bad service rejects the node change too", setup: []events.Event{regN("n1")},
			ev:   &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "new"}, Service: &events.Service{Id: "w1"}},
			want: events.OutcomeRejected},
	})
}

func TestApplyRegisterChecks(t *testing.T) {
	runApplyCases(t, []applyCase{
		{
			name:  "check status defaults to critical",
			setup: []events.Event{regN("n1")},
			ev:    regC("n1", nchk("c1")),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				c := mustCheck(t, s, "n1", "c1")
				if c.Status != StatusCritical || c.Node != "n1" {
					t.Errorf("check %v", c)
				}
				wantIndexes(t, "check", c.CreateIndex, c.ModifyIndex, at, at)
			},
		},
		{
			name:  "a given status is kept",
			setup: []events.Event{regN("n1")},
			ev:    regC("n1", &events.Check{CheckId: "c1", Status: StatusPassing, Node: "other"}),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if c := mustCheck(t, s, "n1", "c1"); c.Status != StatusPassing || c.Node != "n1" {
					t.Errorf("check %v", c)
				}
				if _, ok := s.Check("other", "c1"); ok {
					t.Error("check stored under the node named in the check record")
				}
			},
		},
		{
			name:  "a service check gets its service's name and tags",
			setup: []events.Event{regS("n1", svc("w1", "web", "a", "b")), regS("n1", svc("d1", "db")), regS("n2", svc("w2", "web"))},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1"}, SkipNodeUpdate: true, Checks: []*events.Check{
				{CheckId: "c1", ServiceId: "w1", ServiceName: "bogus", ServiceTags: []string{"x"}}}},
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				c := mustCheck(t, s, "n1", "c1")
				if c.ServiceName != "web" || !slices.Equal(c.ServiceTags, []string{"a", "b"}) {
					t.Errorf("check %v: want ServiceName web, ServiceTags [a b]", c)
				}
			},
		},
		{
			name:  "node, service and checks in one event",
			ev:    regS("n1", svc("w1", "web", "t"), schk("c1", "w1"), nchk("c0")),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				c := mustCheck(t, s, "n1", "c1")
				if c.ServiceName != "web" || !slices.Equal(c.ServiceTags, []string{"t"}) || c.Status != StatusCritical {
					t.Errorf("service check %v", c)
				}
				if c := mustCheck(t, s, "n1", "c0"); c.ServiceName != "" || c.ServiceId != "" {
					t.Errorf("node check %v", c)
				}
				wantNodeChecks(t, s, "n1", "c0", "c1")
			},
		},
		{
			name:  "a check naming a service not on the node rejects the whole event",
			setup: []events.Event{regS("n2", svc("w9", "web"))},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "a"}, Service: svc("w1", "api"),
				Checks: []*events.Check{schk("c1", "w1"), nchk("c0"), schk("c2", "nope")}},
			want: events.OutcomeRejected,
			check: func(t *testing.T, _, s *State) {
				if _, ok := s.Node("n1"); ok {
					t.Error("the node of a rejected registration was created")
				}
				if _, ok := s.Service("n1", "w1"); ok {
					t.Error("the service of a rejected registration was created")
				}
			},
		},
		{
			name:  "a check naming a service on another node is rejected",
			setup: []events.Event{regS("n2", svc("w9", "web")), regN("n1")},
			ev:    regC("n1", schk("c1", "w9")),
			want:  events.OutcomeRejected,
		},
		{
			name:  "a rejected check leaves an existing node and service unchanged",
			setup: []events.Event{regS("n1", svc("w1", "web"))},
			ev: &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "new"}, Service: svc("w1", "api"),
				Checks: []*events.Check{schk("c1", "w9")}},
			want: events.OutcomeRejected,
		},
		{
			name:  "a check naming a service other than the event's",
			setup: []events.Event{regN("n1")},
			ev:    regS("n1", svc("w1", "web"), schk("c1", "w2")),
			want:  events.OutcomeRejected,
		},
		{
			name:  "a check without an ID is rejected",
			setup: []events.Event{regN("n1")},
			ev:    &events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "new"}, Checks: []*events.Check{{Name: "x"}}},
			want:  events.OutcomeRejected,
		},
		{
			name:  "a check of an existing service registered without the service",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n1", svc("d1", "db"))},
			ev:    regC("n1", schk("c1", "w1")),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
		},
		{
			name: "a node check change moves every service on that node and no other",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n1", svc("d1", "db")),
				regS("n2", svc("x1", "cache")), regC("n1", nchk("c0"))},
			ev:    regC("n1", &events.Check{CheckId: "c0", Name: "check c0", Notes: "changed"}),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "svc:db", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				c := mustCheck(t, s, "n1", "c0")
				wantIndexes(t, "check", c.CreateIndex, c.ModifyIndex, 4, at)
			},
		},
		{
			name:  "a new node check moves every service on that node and no other",
			setup: []events.Event{regS("n1", svc("w1", "web")), regS("n1", svc("d1", "db")), regS("n2", svc("x1", "cache"))},
			ev:    regC("n1", nchk("c0")),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "svc:db", "node:n1"},
		},
		{
			name: "a service check change moves only its service",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1")), regS("n1", svc("d1", "db")),
				regS("n2", svc("w2", "web"))},
			ev:    regC("n1", &events.Check{CheckId: "c1", ServiceId: "w1", Status: StatusPassing}),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
		},
		{
			name:  "moving a check from one service to another moves both",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1")), regS("n1", svc("d1", "db")), regS("n1", svc("x1", "cache"))},
			ev:    regC("n1", schk("c1", "d1")),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "svc:db", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if c := mustCheck(t, s, "n1", "c1"); c.ServiceName != "db" {
					t.Errorf("check %v", c)
				}
			},
		},
		{
			name:  "re-register identical checks",
			setup: []events.Event{regS("n1", svc("w1", "web", "t"), schk("c1", "w1"), nchk("c0"))},
			ev:    regS("n1", svc("w1", "web", "t"), schk("c1", "w1"), nchk("c0")),
			want:  events.OutcomeSkipped,
		},
		{
			name: "re-registering a check resets its status like Consul",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1")),
				upd("n1", "c1", StatusPassing, "ok")},
			ev:    regC("n1", schk("c1", "w1")),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if c := mustCheck(t, s, "n1", "c1"); c.Status != StatusCritical || c.Output != "" {
					t.Errorf("check %v", c)
				}
			},
		},
	})
}

func TestApplyDeregister(t *testing.T) {
	runApplyCases(t, []applyCase{
		{
			name: "deregister a node removes its services and checks",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1"), nchk("c0")), regS("n1", svc("d1", "db")),
				regS("n2", svc("w2", "web"), nchk("c9"), schk("c8", "w2")), regS("n3", svc("x1", "cache"))},
			ev:    deregN("n1"),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "services", "checks", "svc:web", "svc:db", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				if _, ok := s.Node("n1"); ok {
					t.Error("node still there")
				}
				if vs := nodeServicesOf(s, "n1"); len(vs) != 0 {
					t.Errorf("services left on n1: %q", keysOf(vs))
				}
				wantNodeChecks(t, s, "n1")
				wantInstances(t, s, "web", "n2/w2")
				wantInstances(t, s, "db")
				wantServiceNames(t, s, "cache", "web")
				wantNodeChecks(t, s, "n2", "c8", "c9")
			},
		},
		{
			name:  "deregister a bare node",
			setup: []events.Event{regN("n1"), regS("n2", svc("w2", "web"))},
			ev:    deregN("n1"),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "node:n1"},
		},
		{
			name:  "deregister a node with only a node check",
			setup: []events.Event{regC("n1", nchk("c0")), regS("n2", svc("w2", "web"))},
			ev:    deregN("n1"),
			want:  events.OutcomeApplied,
			moves: []string{"nodes", "checks", "node:n1"},
		},
		{
			name: "deregister a service removes its checks only",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1"), schk("c2", "w1"), nchk("c0")),
				regS("n1", svc("d1", "db"), schk("c3", "d1")), regS("n2", svc("w2", "web"), schk("c1", "w2"))},
			ev:    deregS("n1", "w1"),
			want:  events.OutcomeApplied,
			moves: []string{"services", "checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				mustNode(t, s, "n1")
				wantNodeChecks(t, s, "n1", "c0", "c3")
				wantNodeChecks(t, s, "n2", "c1")
				wantInstances(t, s, "web", "n2/w2")
				mustService(t, s, "n1", "d1")
			},
		},
		{
			name:  "deregister a service without checks",
			setup: []events.Event{regS("n1", svc("w1", "web")), regC("n1", nchk("c0")), regS("n1", svc("d1", "db"))},
			ev:    deregS("n1", "w1"),
			want:  events.OutcomeApplied,
			moves: []string{"services", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				wantNodeChecks(t, s, "n1", "c0")
				wantServiceNames(t, s, "db")
			},
		},
		{
			name:  "deregister a service check",
			setup: []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1"), schk("c2", "w1")), regS("n1", svc("d1", "db"))},
			ev:    deregC("n1", "c1"),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				wantNodeChecks(t, s, "n1", "c2")
				mustService(t, s, "n1", "w1")
			},
		},
		{
			name: "deregister a node check",
			setup: []events.Event{regS("n1", svc("w1", "web"), nchk("c0")), regS("n1", svc("d1", "db")),
				regS("n2", svc("x1", "cache"), nchk("c0"))},
			ev:    deregC("n1", "c0"),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "svc:db", "node:n1"},
			check: func(t *testing.T, _, s *State) {
				wantNodeChecks(t, s, "n1")
				wantNodeChecks(t, s, "n2", "c0")
			},
		},
		{name: "deregister a missing node", setup: []events.Event{regN("n1")}, ev: deregN("n9"), want: events.OutcomeSkipped},
		{name: "deregister a missing service", setup: []events.Event{regS("n1", svc("w1", "web"))},
			ev: deregS("n1", "nope"), want: events.OutcomeSkipped},
		{name: "deregister a service on the wrong node", setup: []events.Event{regS("n1", svc("w1", "web")), regN("n2")},
			ev: deregS("n2", "w1"), want: events.OutcomeSkipped},
		{name: "deregister a service by its name, not its ID", setup: []events.Event{regS("n1", svc("w1", "web"))},
			ev: deregS("n1", "web"), want: events.OutcomeSkipped},
		{name: "deregister a missing check", setup: []events.Event{regS("n1", svc("w1", "web"), nchk("c0"))},
			ev: deregC("n1", "c1"), want: events.OutcomeSkipped},
		{name: "deregister a check on a missing node", setup: []events.Event{regC("n1", nchk("c0"))},
			ev: deregC("n9", "c0"), want: events.OutcomeSkipped},
		{name: "deregister with no node", setup: []events.Event{regN("n1")},
			ev: &events.CatalogDeregistered{}, want: events.OutcomeSkipped},
	})
}

func TestApplyCheckStatusUpdated(t *testing.T) {
	setup := []events.Event{regS("n1", svc("w1", "web"), schk("c1", "w1"), nchk("c0")), regS("n1", svc("d1", "db")),
		regS("n2", svc("w2", "web"), schk("c1", "w2"))}
	runApplyCases(t, []applyCase{
		{
			name:  "status and output change",
			setup: setup,
			ev:    upd("n1", "c1", StatusPassing, "HTTP 200"),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
			check: func(t *testing.T, before, s *State) {
				c := mustCheck(t, s, "n1", "c1")
				if c.Status != StatusPassing || c.Output != "HTTP 200" {
					t.Errorf("check %v", c)
				}
				wantIndexes(t, "check", c.CreateIndex, c.ModifyIndex, 1, at)
				// Nothing else of the check changes.
				want := proto.Clone(mustCheck(t, before, "n1", "c1")).(*events.Check)
				want.Status, want.Output, want.ModifyIndex = StatusPassing, "HTTP 200", at
				if !proto.Equal(c, want) {
					t.Errorf("check %v, want %v", c, want)
				}
				if c := mustCheck(t, s, "n2", "c1"); c.Status != StatusCritical {
					t.Errorf("the check of the same ID on n2 changed: %v", c)
				}
			},
		},
		{
			name:  "output only",
			setup: setup,
			ev:    upd("n1", "c1", StatusCritical, "connection refused"),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "node:n1"},
		},
		{
			name:  "a node check's status moves every service on its node",
			setup: setup,
			ev:    upd("n1", "c0", StatusWarning, ""),
			want:  events.OutcomeApplied,
			moves: []string{"checks", "svc:web", "svc:db", "node:n1"},
		},
		{
			name:  "unchanged status and output",
			setup: setup,
			ev:    upd("n1", "c1", StatusCritical, ""),
			want:  events.OutcomeSkipped,
		},
		{
			name:  "unchanged after an update",
			setup: append(slices.Clone(setup), upd("n1", "c1", StatusPassing, "ok")),
			ev:    upd("n1", "c1", StatusPassing, "ok"),
			want:  events.OutcomeSkipped,
		},
		{name: "unknown check", setup: setup, ev: upd("n1", "nope", StatusPassing, ""), want: events.OutcomeSkipped},
		{name: "unknown node", setup: setup, ev: upd("n9", "c1", StatusPassing, ""), want: events.OutcomeSkipped},
		{name: "an event of another shard", setup: setup, ev: &events.KeyWritten{Key: "k"}, want: events.OutcomeSkipped},
	})
}

// TestApplyNodeIndexIsPerNode: a long run of changes on n1 never moves
// the NodeIndex of n2, nor the ServiceIndex of a service only on n2, and
// every change moves n1's to its own index.
func TestApplyNodeIndexIsPerNode(t *testing.T) {
	s := mustSeq(t, Empty(), 1, regS("n2", svc("x1", "cache"), nchk("c0")))
	n2, cache := s.NodeIndex("n2"), s.ServiceIndex("cache")
	evs := []events.Event{
		regN("n1"),
		&events.CatalogRegistered{Node: &events.Node{Node: "n1", Address: "new"}},
		regS("n1", svc("w1", "web")),
		regS("n1", svc("w1", "web", "t")),
		regC("n1", nchk("c0")),
		regC("n1", schk("c1", "w1")),
		upd("n1", "c0", StatusPassing, ""),
		upd("n1", "c1", StatusPassing, ""),
		regS("n1", svc("w1", "api")),
		deregC("n1", "c1"),
		deregC("n1", "c0"),
		deregS("n1", "w1"),
		regS("n1", svc("d1", "db")),
		deregN("n1"),
	}
	for i, ev := range evs {
		idx := uint64(10 + i)
		var o events.Outcome
		s, o = applyOne(s, idx, ev)
		if o != events.OutcomeApplied {
			t.Fatalf("%v at %d: %v", ev, idx, o)
		}
		if got := s.NodeIndex("n1"); got != idx {
			t.Errorf("%v at %d: NodeIndex(n1) %d", ev, idx, got)
		}
		if s.NodeIndex("n2") != n2 || s.ServiceIndex("cache") != cache {
			t.Errorf("%v at %d: n2's indexes moved: node %d, cache %d", ev, idx, s.NodeIndex("n2"), s.ServiceIndex("cache"))
		}
	}
	if s.NodeIndex("never") != 0 || s.ServiceIndex("never") != 0 {
		t.Error("an unknown name has a nonzero index")
	}
}

// TestApplyRejectedStillAdvancesApplied: a rejected or skipped event is
// still a log entry the state includes.
func TestApplyRejectedStillAdvancesApplied(t *testing.T) {
	s := mustSeq(t, Empty(), 1, regN("n1"))
	s, o := applyOne(s, 5, regC("n1", schk("c1", "missing")))
	if o != events.OutcomeRejected || s.Applied() != 5 {
		t.Fatalf("outcome %v applied %d", o, s.Applied())
	}
	s, o = applyOne(s, 6, deregN("n9"))
	if o != events.OutcomeSkipped || s.Applied() != 6 {
		t.Fatalf("outcome %v applied %d", o, s.Applied())
	}
	s, _ = applyOne(s, 7, nil)
	if s.Applied() != 7 || s.NodesIndex() != 1 || s.NodeIndex("n1") != 1 {
		t.Fatalf("after a no-op: applied %d nodes %d", s.Applied(), s.NodesIndex())
	}
}

// TestApplyTxnIsolation: states are immutable versions; a Txn started on
// an old version does not see or disturb a newer one.
func TestApplyTxnIsolation(t *testing.T) {
	base := mustSeq(t, Empty(), 1, regS("n1", svc("w1", "web"), schk("c1", "w1")))
	baseBytes := snapshotBytes(t, base)
	a, _ := applyOne(base, 2, deregN("n1"))
	b, _ := applyOne(base, 2, upd("n1", "c1", StatusPassing, ""))
	if !bytes.Equal(snapshotBytes(t, base), baseBytes) {
		t.Fatal("base changed")
	}
	if _, ok := a.Node("n1"); ok {
		t.Fatal("deregistration lost")
	}
	if c := mustCheck(t, b, "n1", "c1"); c.Status != StatusPassing {
		t.Fatalf("branch b sees %v", c)
	}
	if c := mustCheck(t, base, "n1", "c1"); c.Status != StatusCritical {
		t.Fatalf("base sees %v", c)
	}
}

// TestDeregisterServiceIDTakesPrecedence: Consul's FSM (applyDeregister)
// deletes the service when a deregistration names both a ServiceID and a
// CheckID ("Either remove the service entry or the whole node. The
// precedence here is also baked into vetDeregisterWithACL()": ServiceID,
// else CheckID, else the node). The ACL check authorises by the same
// precedence, so deleting the check instead also deletes something other
// than what was authorised.
func TestDeregisterServiceIDTakesPrecedence(t *testing.T) {
	s := mustSeq(t, Empty(), 1, regS("n1", svc("w1", "web"), schk("c1", "w1"), nchk("c0")))
	s, o := applyOne(s, 2, &events.CatalogDeregistered{Node: "n1", ServiceId: "w1", CheckId: "c0"})
	if o != events.OutcomeApplied {
		t.Fatalf("outcome %v", o)
	}
	if _, ok := s.Service("n1", "w1"); ok {
		t.Error("service w1 still registered: with both ServiceID and CheckID, Consul deletes the service")
	}
	if _, ok := s.Check("n1", "c1"); ok {
		t.Error("check c1 of service w1 still registered")
	}
	if _, ok := s.Check("n1", "c0"); !ok {
		t.Error("node check c0 deleted: with both ServiceID and CheckID, Consul leaves the check alone")
	}
}

// TestServiceRenameKeepsChecksFollowing: a service check is the service's
// (its ServiceID), so after the service is renamed by a registration that
// does not repeat the check, the check must be reported and indexed under
// the new name. Consul's state store refreshes ServiceName and ServiceTags
// from the service on every write of a check (ensureCheckTxn) and moves
// the index of the service's current name; here the stale ServiceName
// stored on the check decides which ServiceIndex a status update moves, so
// watchers of the new name miss the change and watchers of the old name
// wake up for nothing.
func TestServiceRenameKeepsChecksFollowing(t *testing.T) {
	s := mustSeq(t, Empty(), 1,
		regS("n1", svc("w1", "web"), schk("c1", "w1")), // 1
		regS("n1", svc("w1", "api")),                   // 2: renamed, check not repeated
	)
	t.Run("status update moves the current name", func(t *testing.T) {
		s, o := applyOne(s, 3, upd("n1", "c1", StatusPassing, "ok"))
		if o != events.OutcomeApplied {
			t.Fatalf("outcome %v", o)
		}
		if got := s.ServiceIndex("api"); got != 3 {
			t.Errorf("ServiceIndex(api) = %d after a status change of its check at 3: a blocking query on api misses it", got)
		}
		if got := s.ServiceIndex("web"); got != 2 {
			t.Errorf("ServiceIndex(web) = %d, want 2: no instance of web is affected", got)
		}
		if c := mustCheck(t, s, "n1", "c1"); c.ServiceName != "api" {
			t.Errorf("check ServiceName %q after a write, want api (Consul refreshes it from the service)", c.ServiceName)
		}
	})
	t.Run("deregistering the check moves the current name", func(t *testing.T) {
		s, _ := applyOne(s, 3, deregC("n1", "c1"))
		if got := s.ServiceIndex("api"); got != 3 {
			t.Errorf("ServiceIndex(api) = %d after its check was removed at 3", got)
		}
	})
	t.Run("the check carries the new name", func(t *testing.T) {
		if c := mustCheck(t, s, "n1", "c1"); c.ServiceName != "api" {
			t.Errorf("check ServiceName %q, its service w1 is now api", c.ServiceName)
		}
		if bad := invariants(s); len(bad) > 0 {
			t.Errorf("invariants broken:\n%s", bad)
		}
	})
}
