package catalog

import (
	"fmt"
	"testing"

	"github.com/consuld/consuld/events"
)

// BenchmarkRegister applies one registration per op, each in its own Txn
// (the cost of a one-entry dragonboat batch): a new node with one service
// instance, a service check and a node check.
func BenchmarkRegister(b *testing.B) {
	evs := make([]*events.CatalogRegistered, b.N)
	for i := range evs {
		node := fmt.Sprintf("node-%08d", i)
		evs[i] = &events.CatalogRegistered{
			Node: &events.Node{Node: node, Address: "10.0.0.1", Datacenter: "dc1",
				TaggedAddresses: map[string]string{"lan": "10.0.0.1"}, Meta: map[string]string{"rack": "r1"}},
			Service: &events.Service{Id: "web-8080", Service: fmt.Sprintf("web-%d", i%100), Tags: []string{"v1", "primary"}, Port: 8080},
			Checks: []*events.Check{
				{CheckId: "web-http", Name: "HTTP", ServiceId: "web-8080", Type: "http", Interval: "10s", Timeout: "1s"},
				{CheckId: "serfHealth", Name: "Serf Health Status", Status: StatusPassing},
			},
		}
	}
	s := Empty()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		txn := s.Txn()
		if o := txn.Apply(uint64(i+1), evs[i]); o != events.OutcomeApplied {
			b.Fatalf("register %d: %v", i, o)
		}
		s = txn.Commit()
	}
	b.StopTimer()
	if n := s.services.Len(); n != b.N {
		b.Fatalf("%d services, want %d", n, b.N)
	}
}

// BenchmarkInstances lists the 100 instances of one service in a catalog
// of 10,000 instances (1,000 nodes with 10 each) of many services.
func BenchmarkInstances(b *testing.B) {
	txn := Empty().Txn()
	idx := uint64(0)
	for n := range 1000 {
		node := fmt.Sprintf("node-%04d", n)
		for k := range 10 {
			name := fmt.Sprintf("svc-%04d", (n*10+k)%3000)
			if k == 0 && n%10 == 0 {
				name = "target"
			}
			idx++
			txn.Apply(idx, &events.CatalogRegistered{Node: &events.Node{Node: node, Address: "10.0.0.1"},
				Service: &events.Service{Id: fmt.Sprintf("i-%d", k), Service: name, Port: 80}})
		}
	}
	s := txn.Commit()
	if s.services.Len() != 10000 || len(instancesOf(s, "target")) != 100 {
		b.Fatalf("%d instances, %d of target", s.services.Len(), len(instancesOf(s, "target")))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count := 0
		s.Instances("target", func(*events.Service) bool { count++; return true })
		if count != 100 {
			b.Fatalf("%d instances", count)
		}
	}
}
