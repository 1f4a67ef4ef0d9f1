package httpapi

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/consuld/consuld/events"
)

// In testView, web3's own check passes but its node n3 fails serfHealth,
// so the instance is critical; web2's check warns; db1's check fails.
func TestUISummaryServices(t *testing.T) {
	s := summarize(testView(), "dc1", 7)
	got := map[string]uiServiceJSON{}
	for _, r := range s.services {
		got[r.Name] = r
	}
	web := got["web"]
	want := uiServiceJSON{Name: "web", Datacenter: "dc1", Tags: []string{"v1", "primary", "v2"}, InstanceCount: 3, NodeCount: 3,
		ChecksPassing: 4, ChecksWarning: 1, ChecksCritical: 1, InstancesPassing: 1, InstancesWarning: 1, InstancesCritical: 1,
		Status: "critical", ModifyIndex: 1}
	if !reflect.DeepEqual(web, want) {
		t.Errorf("web:\n got %+v\nwant %+v", web, want)
	}
	db := got["db"]
	if db.InstanceCount != 1 || db.ChecksPassing != 1 || db.ChecksCritical != 1 || db.InstancesCritical != 1 || db.Status != "critical" {
		t.Errorf("db: %+v", db)
	}
	if names := ids(s.services, func(r uiServiceJSON) string { return r.Name }); names != "db,web" {
		t.Errorf("by name: %s", names)
	}
	if names := ids(s.servicesByHealth, func(r uiServiceJSON) string { return r.Name }); names != "db,web" {
		t.Errorf("by health: %s", names)
	}
}

func TestUISummaryNodes(t *testing.T) {
	s := summarize(testView(), "dc1", 7)
	if order := ids(s.nodesByHealth, func(r uiNodeJSON) string { return r.Node + ":" + r.Status }); order != "n1:critical,n3:critical,n2:warning" {
		t.Errorf("nodes by health: %s", order)
	}
	n1 := s.nodes[0]
	if n1.Node != "n1" || n1.ServiceCount != 2 || n1.ChecksPassing != 2 || n1.ChecksCritical != 1 || n1.Address != "10.0.0.1" ||
		n1.Meta["env"] != "prod" || len(n1.FailingChecks) != 1 || n1.FailingChecks[0] != (uiCheckRef{CheckID: "service:db1", Name: "service:db1", Status: "critical", ServiceName: "db"}) {
		t.Errorf("n1: %+v", n1)
	}
	if n2 := s.nodes[1]; n2.FailingChecks[0].Status != "warning" || n2.ChecksWarning != 1 {
		t.Errorf("n2: %+v", n2)
	}
}

// A node with more failing checks than maxFailing lists the worst first,
// and an unknown status counts as critical.
func TestUISummaryFailingCapped(t *testing.T) {
	v := &fakeView{nodes: []*events.Node{{Node: "n"}}}
	for i := range maxFailing + 3 {
		st := "warning"
		if i == maxFailing+2 {
			st = "bogus"
		}
		v.checks = append(v.checks, &events.Check{Node: "n", CheckId: fmt.Sprintf("c%02d", i), Status: st})
	}
	n := summarize(v, "dc1", 1).nodes[0]
	if len(n.FailingChecks) != maxFailing || n.FailingChecks[0].CheckID != "c10" || n.FailingChecks[0].Status != "critical" ||
		n.ChecksWarning != maxFailing+2 || n.ChecksCritical != 1 || n.Status != "critical" {
		t.Errorf("%+v", n)
	}
}

// Instances of one service on one node count one node; a service with
// no checks anywhere is passing with no check counts.
func TestUISummaryNodeCountAndNoChecks(t *testing.T) {
	v := &fakeView{nodes: []*events.Node{{Node: "a"}, {Node: "b"}}}
	for _, s := range []struct{ node, id string }{{"a", "x1"}, {"a", "x2"}, {"b", "x3"}} {
		v.services = append(v.services, &events.Service{Node: s.node, Id: s.id, Service: "x"})
	}
	r := summarize(v, "dc1", 1).services[0]
	if r.InstanceCount != 3 || r.NodeCount != 2 || r.InstancesPassing != 3 || r.Status != "passing" ||
		r.ChecksPassing+r.ChecksWarning+r.ChecksCritical != 0 || r.Tags == nil {
		t.Errorf("%+v", r)
	}
}

func TestUITagUnion(t *testing.T) {
	var u tagUnion
	var want []string
	for i := range 40 {
		tag := "t" + strconv.Itoa(i%25)
		u.add(tag)
		if i < 25 {
			want = append(want, tag)
		}
	}
	if !reflect.DeepEqual(u.list, want) {
		t.Errorf("got %v", u.list)
	}
}

func TestUIMemo(t *testing.T) {
	var m uiMemo
	v := testView()
	t0 := time.Unix(1000, 0)
	a := m.get(v, "dc1", 5, 0, t0)
	if b := m.get(v, "dc1", 5, 0, t0.Add(time.Hour)); a != b {
		t.Error("same index built twice")
	}
	if old := m.get(v, "dc1", 4, 0, t0); old == a || old.index != 4 || m.last != a {
		t.Error("an older index replaced the newer summary")
	}
	// A recent summary past the query's index answers for a newer index.
	if got := m.get(v, "dc1", 6, 4, t0.Add(uiReuse/2)); got != a {
		t.Error("a fresh enough summary was rebuilt")
	}
	// Not for a query that already saw it, and not once it is old.
	if got := m.get(v, "dc1", 6, 5, t0.Add(uiReuse/2)); got == a || got.index != 6 || m.last != got {
		t.Error("a query that saw index 5 got it again")
	}
	c := m.last
	if got := m.get(v, "dc1", 7, 0, t0.Add(uiReuse/2+uiReuse)); got == c || got.index != 7 {
		t.Error("an old summary answered for a newer index")
	}
}

func TestUINodeAnswer(t *testing.T) {
	v := testView()
	if uiNodeAnswer(v, "nope") != nil {
		t.Error("unknown node answered")
	}
	n := uiNodeAnswer(v, "n1")
	if n.Node != "n1" || len(n.Services) != 2 || len(n.Checks) != 3 || n.Services[0].ID != "web1" {
		t.Errorf("%+v", n)
	}
	if n := uiNodeAnswer(v, "n3"); len(n.Services) != 1 || n.Checks[0].Status != "critical" {
		t.Errorf("%+v", n)
	}
}
