package catalog

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/events"
)

// indexView is a View whose only content is service indexes (one service,
// "web", at a settable index); enough to drive aggregates' lifecycle.
type indexView struct{ web uint64 }

func (v *indexView) Applied() uint64       { return v.web }
func (v *indexView) NodesIndex() uint64    { return 1 }
func (v *indexView) ServicesIndex() uint64 { return 1 }
func (v *indexView) ChecksIndex() uint64   { return 1 }
func (v *indexView) ServiceIndex(name string) uint64 {
	return map[bool]uint64{true: v.web}[name == "web"]
}
func (v *indexView) NodeIndex(string) uint64                         { return 0 }
func (v *indexView) Node(string) (*events.Node, bool)                { return nil, false }
func (v *indexView) Nodes(func(*events.Node) bool)                   {}
func (v *indexView) NodeServices(string, func(*events.Service) bool) {}
func (v *indexView) NodeChecks(string, func(*events.Check) bool)     {}
func (v *indexView) Services(func(*events.Service) bool)             {}
func (v *indexView) Checks(func(*events.Check) bool)                 {}
func (v *indexView) Instances(string, func(*events.Service) bool)    {}
func (v *indexView) ServiceNames(func(string) bool)                  {}
func (v *indexView) TouchedServices(index uint64, fn func(string)) {
	if index == v.web {
		fn("web")
	}
}

type chanReply chan Result

func (r chanReply) Reply(res Result) { r <- res }

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(5 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestAggregateLifecycle: an aggregate is spawned by a query, stays while
// a query is parked, wakes it on a change routed to its service only,
// passivates when idle, and a later query spawns a fresh one.
func TestAggregateLifecycle(t *testing.T) {
	sys := actor.NewActorSystem()
	var cur atomic.Pointer[indexView]
	cur.Store(&indexView{web: 5})
	w := &Watcher{sys: sys, view: func() View { return cur.Load() }}
	w.aggs = newAggregates(sys, w.view, 20*time.Millisecond)
	w.pid = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &watchActor{w: w, b: NewWatches()} }))
	web := Scope{Kind: ScopeService, Name: "web"}

	r := make(chanReply, 1)
	w.Park(&Park{Reply: r, Scope: web, MinIndex: 5, Deadline: time.Now().Add(time.Minute)})
	eventually(t, "the aggregate to spawn", func() bool { return w.Aggregates() == 1 })
	// Outlive the idle time with the query parked: the aggregate stays.
	<-time.After(60 * time.Millisecond)
	if w.Aggregates() != 1 {
		t.Fatal("an aggregate with a parked query passivated")
	}
	select {
	case <-r:
		t.Fatal("woken without a change")
	default:
	}
	cur.Store(&indexView{web: 9})
	w.Applied(events.ShardCatalog, 9, nil, events.OutcomeApplied)
	if res := <-r; res.Index != 9 || res.Health == nil || res.Health.Index != 9 {
		t.Fatalf("woken with %+v", res)
	}
	eventually(t, "the idle aggregate to passivate", func() bool { return w.Aggregates() == 0 })

	r2 := make(chanReply, 1)
	w.Park(&Park{Reply: r2, Scope: web, MinIndex: 0, Deadline: time.Now().Add(time.Minute)})
	if res := <-r2; res.Index != 9 || res.Health.Name != "web" {
		t.Fatalf("fresh aggregate answered %+v", res)
	}
}

// TestAggregateCancel: a cancelled query is dropped and lets the
// aggregate passivate.
func TestAggregateCancel(t *testing.T) {
	sys := actor.NewActorSystem()
	v := &indexView{web: 3}
	w := &Watcher{sys: sys, view: func() View { return v }}
	w.aggs = newAggregates(sys, w.view, 20*time.Millisecond)
	web := Scope{Kind: ScopeService, Name: "web"}
	r := make(chanReply, 1)
	w.Park(&Park{Reply: r, Scope: web, MinIndex: 3, Deadline: time.Now().Add(time.Minute)})
	eventually(t, "the aggregate to spawn", func() bool { return w.Aggregates() == 1 })
	w.Cancel(web, r)
	eventually(t, "the aggregate to passivate", func() bool { return w.Aggregates() == 0 })
	select {
	case res := <-r:
		t.Fatalf("cancelled query answered: %+v", res)
	default:
	}
}
