package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

func TestCatalogAndHealthWithOfficialClient(t *testing.T) {
	a := startDev(t)
	c := a.client()
	host, _ := os.Hostname()

	// The agent registers its own node with a passing serfHealth check.
	deadline := time.Now().Add(10 * time.Second)
	for {
		checks, _, err := c.Health().Node(host, nil)
		if err == nil && len(checks) == 1 && checks[0].CheckID == "serfHealth" && checks[0].Status == "passing" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("own node not registered: %v %v", checks, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	reg := func(id string, port int, tags []string, status string) {
		t.Helper()
		_, err := c.Catalog().Register(&api.CatalogRegistration{Node: "ext-node-1", Address: "127.0.9.1",
			Service: &api.AgentService{ID: id, Service: "db", Tags: tags, Port: port},
			Check:   &api.AgentCheck{CheckID: "service:" + id, Name: "db check", Status: status, ServiceID: id}}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	reg("db1", 5432, []string{"primary"}, "passing")
	reg("db2", 5433, []string{"replica"}, "critical")

	svcs, meta, err := c.Catalog().Services(nil)
	if err != nil || len(svcs["db"]) != 2 || meta.LastIndex == 0 {
		t.Fatalf("services: %v %+v %v", svcs, meta, err)
	}
	inst, _, err := c.Catalog().Service("db", "primary", nil)
	if err != nil || len(inst) != 1 || inst[0].ServiceID != "db1" || inst[0].Address != "127.0.9.1" || inst[0].ServicePort != 5432 {
		t.Fatalf("service db?tag=primary: %+v %v", inst, err)
	}
	all, hm, err := c.Health().Service("db", "", false, nil)
	if err != nil || len(all) != 2 {
		t.Fatalf("health all: %+v %v", all, err)
	}
	passing, _, err := c.Health().Service("db", "", true, nil)
	if err != nil || len(passing) != 1 || passing[0].Service.ID != "db1" {
		t.Fatalf("health passing: %+v %v", passing, err)
	}
	crit, _, err := c.Health().State("critical", nil)
	if err != nil || len(crit) != 1 || crit[0].CheckID != "service:db2" {
		t.Fatalf("state critical: %+v %v", crit, err)
	}
	nodes, _, err := c.Catalog().Nodes(nil)
	if err != nil || len(nodes) != 2 {
		t.Fatalf("nodes: %+v %v", nodes, err)
	}

	// A blocking health watch wakes when a check of this service flips,
	// and not for changes elsewhere.
	woke := make(chan []*api.ServiceEntry, 1)
	go func() {
		e, _, _ := c.Health().Service("db", "", true, &api.QueryOptions{WaitIndex: hm.LastIndex, WaitTime: 30 * time.Second})
		woke <- e
	}()
	time.Sleep(200 * time.Millisecond)
	c.KV().Put(&api.KVPair{Key: "unrelated", Value: []byte("x")}, nil)
	_, err = c.Catalog().Register(&api.CatalogRegistration{Node: "other", Address: "127.0.9.2",
		Service: &api.AgentService{ID: "web", Service: "web"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-woke:
		t.Fatalf("health watch woke for a change to another service: %+v", e)
	case <-time.After(300 * time.Millisecond):
	}
	reg("db2", 5433, []string{"replica"}, "passing")
	select {
	case e := <-woke:
		if len(e) != 2 {
			t.Fatalf("after db2 turned passing: %d passing instances", len(e))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("health watch did not wake on a check change")
	}

	// Deregistering a service removes it and its checks.
	if _, err := c.Catalog().Deregister(&api.CatalogDeregistration{Node: "ext-node-1", ServiceID: "db2"}, nil); err != nil {
		t.Fatal(err)
	}
	all, _, _ = c.Health().Service("db", "", false, nil)
	if len(all) != 1 {
		t.Fatalf("after deregister: %d instances", len(all))
	}
	if checks, _, _ := c.Health().Checks("db", nil); len(checks) != 1 {
		t.Fatalf("checks after deregister: %+v", checks)
	}
	ns, _, err := c.Catalog().NodeServiceList("ext-node-1", nil)
	if err != nil || ns == nil || ns.Node.Address != "127.0.9.1" || len(ns.Services) != 1 || ns.Services[0].ID != "db1" {
		t.Fatalf("node-services: %+v %v", ns, err)
	}
	dcs, err := c.Catalog().Datacenters()
	if err != nil || len(dcs) != 1 || dcs[0] != "dc1" {
		t.Fatalf("datacenters: %v %v", dcs, err)
	}
}
