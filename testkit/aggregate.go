package testkit

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	actorcat "github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/catalog"
)

// The service-aggregate simulation: a seeded stream of catalog events
// (registrations, renames, retags, node and service checks flipping,
// deregistrations) applied one batch at a time with fsm/catalog's pure
// Txn, and the production actors/catalog.Aggregate behaviours — one per
// service name — fed exactly as actors/catalog.Watcher.Applied feeds them:
// Changed goes only to the services State.TouchedServices names. Seeded
// watchers park blocking queries on the virtual clock, re-parking with the
// index they were answered at. The checkers:
//   - coverage: an apply that changed what a service's health view holds
//     moved (touched) that service — otherwise aggregates would keep a
//     stale view;
//   - wake-ups: after every apply, no parked query remains whose service
//     index passed its MinIndex (no lost wake-up), and every answer is
//     past its MinIndex or at its deadline (no spurious wake-up);
//   - answers equal a fresh ComputeHealth of the state they were given;
//   - replay == live: the aggregates' views at the end equal the views of a
//     state rebuilt by replaying the whole log in one batch.

var aggServices = []string{"web", "api", "db"}
var aggNodes = []string{"n1", "n2", "n3"}

// AggregateOptions configure a run.
type AggregateOptions struct {
	Steps    int
	Watchers int
	sabotage string // "first-touch-only": deliver Changed to one touched service only
}

type aggWatch struct {
	id       int
	service  string
	minIndex uint64
	deadline time.Time
	park     *actorcat.Park
	answered []actorcat.Result
}

func (w *aggWatch) Reply(r actorcat.Result) { w.answered = append(w.answered, r) }

// RunAggregates runs one seeded simulation and returns its trace and the
// problems found.
func RunAggregates(seed int64, o AggregateOptions) (trace []string, problems Problems) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xa66))
	now := time.Unix(1_700_000_000, 0)
	st := catalog.Empty()
	var log []events.Event
	aggs := map[string]*actorcat.Aggregate{}
	for _, s := range aggServices {
		aggs[s] = actorcat.NewAggregate(s)
	}
	logf := func(format string, args ...any) { trace = append(trace, fmt.Sprintf(format, args...)) }
	bad := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		logf("PROBLEM %s", s)
		problems = append(problems, s)
	}
	var watches []*aggWatch
	perform := func(v actorcat.View, fx []actorcat.Effect, why string) {
		for _, f := range fx {
			r, ok := f.(actorcat.Reply)
			if !ok {
				continue // Timer: deadlines are fired by the loop below
			}
			rw := r.To.(*aggWatch)
			rw.Reply(r.Result)
			own := v.ServiceIndex(rw.service)
			if why == "changed" && own <= rw.minIndex {
				bad("spurious wake-up: watch %d on %s min=%d, service index %d", rw.id, rw.service, rw.minIndex, own)
			}
			if !sameHealth(r.Result.Health, actorcat.ComputeHealth(v, rw.service)) {
				bad("watch %d on %s answered with a stale health view (index %d, state at %d)", rw.id, rw.service, r.Result.Health.Index, v.Applied())
			}
			logf("  answer watch %d (%s, %s) index=%d entries=%d", rw.id, rw.service, why, r.Result.Index, len(r.Result.Health.Entries))
			rw.minIndex = r.Result.Index
			rw.park = nil
		}
	}
	park := func(w *aggWatch) {
		w.deadline = now.Add(time.Duration(1+rng.IntN(10)) * time.Second)
		w.park = &actorcat.Park{Reply: w, Scope: actorcat.Scope{Kind: actorcat.ScopeService, Name: w.service}, MinIndex: w.minIndex, Deadline: w.deadline, Now: now, View: st}
		logf("  park watch %d on %s min=%d", w.id, w.service, w.minIndex)
		perform(st, aggs[w.service].Handle(w.park), "park")
	}
	for i := 0; i < o.Watchers; i++ {
		w := &aggWatch{id: i, service: aggServices[rng.IntN(len(aggServices))]}
		watches = append(watches, w)
		park(w)
	}
	for step := 1; step <= o.Steps; step++ {
		now = now.Add(time.Duration(rng.IntN(2000)) * time.Millisecond)
		for _, w := range watches { // deadlines first, in watch order
			if w.park != nil && !now.Before(w.deadline) {
				p := w.park
				perform(st, aggs[w.service].Handle(actorcat.Expired{Park: p, View: st}), "deadline")
			}
		}
		ev := randomCatalogEvent(rng, st)
		idx := uint64(step)
		before := map[string]*actorcat.Health{}
		for _, s := range aggServices {
			before[s] = actorcat.ComputeHealth(st, s)
		}
		txn := st.Txn()
		out := txn.Apply(idx, ev)
		st = txn.Commit()
		log = append(log, ev)
		logf("apply %d %T %s -> %v", idx, ev, compact(ev), out)
		var touched []string
		st.TouchedServices(idx, func(n string) { touched = append(touched, n) })
		for _, s := range aggServices {
			if !sameHealth(before[s], actorcat.ComputeHealth(st, s)) && !slices.Contains(touched, s) {
				bad("apply %d changed the health of %s without touching it", idx, s)
			}
		}
		if o.sabotage == "first-touch-only" && len(touched) > 1 {
			touched = touched[:1]
		}
		for _, s := range touched {
			if a := aggs[s]; a != nil {
				perform(st, a.Handle(actorcat.Changed{View: st}), "changed")
			}
		}
		for _, w := range watches {
			if w.park != nil && st.ServiceIndex(w.service) > w.minIndex {
				bad("lost wake-up: watch %d on %s min=%d still parked at service index %d", w.id, w.service, w.minIndex, st.ServiceIndex(w.service))
				w.park = nil // report once
			}
		}
		for _, w := range watches {
			if w.park == nil && rng.IntN(2) == 0 {
				park(w)
			}
		}
	}
	// Replay == live.
	txn := catalog.Empty().Txn()
	for i, ev := range log {
		txn.Apply(uint64(i+1), ev)
	}
	replayed := txn.Commit()
	for _, s := range aggServices {
		w := &aggWatch{id: -1, service: s}
		fx := aggs[s].Handle(&actorcat.Park{Reply: w, Scope: actorcat.Scope{Kind: actorcat.ScopeService, Name: s}, Now: now, Deadline: now, View: st})
		perform(st, fx, "final")
		if len(w.answered) != 1 || !sameHealth(w.answered[0].Health, actorcat.ComputeHealth(replayed, s)) {
			bad("live health of %s differs from replay", s)
		}
	}
	return trace, problems
}

func compact(ev events.Event) string { return fmt.Sprintf("%v", ev) }

// sameHealth compares two health views by content (not by index).
func sameHealth(a, b *actorcat.Health) bool {
	if len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		x, y := a.Entries[i], b.Entries[i]
		if x.Status != y.Status || !proto.Equal(x.Node, y.Node) || !proto.Equal(x.Service, y.Service) || len(x.Checks) != len(y.Checks) {
			return false
		}
		for j := range x.Checks {
			if !proto.Equal(x.Checks[j], y.Checks[j]) {
				return false
			}
		}
	}
	return true
}

var aggStatuses = []string{"passing", "warning", "critical"}

// randomCatalogEvent draws the next event: mostly check flips and
// re-registrations (with renames and retags), sometimes deregistrations.
func randomCatalogEvent(rng *rand.Rand, st *catalog.State) events.Event {
	node := aggNodes[rng.IntN(len(aggNodes))]
	sid := fmt.Sprintf("s%d", rng.IntN(3))
	switch r := rng.IntN(100); {
	case r < 35:
		ids := []string{"serfHealth", "svc:s0", "svc:s1", "svc:s2"}
		return &events.CheckStatusUpdated{Node: node, CheckId: ids[rng.IntN(len(ids))], Status: aggStatuses[rng.IntN(3)], Output: fmt.Sprint(rng.IntN(3))}
	case r < 50:
		return &events.CatalogRegistered{Node: &events.Node{Node: node, Address: fmt.Sprintf("10.0.0.%d", 1+rng.IntN(3)), Meta: map[string]string{"rack": fmt.Sprint(rng.IntN(2))}},
			Checks: []*events.Check{{CheckId: "serfHealth", Name: "Serf Health Status", Status: aggStatuses[rng.IntN(3)]}}}
	case r < 85:
		name := aggServices[rng.IntN(len(aggServices))]
		ev := &events.CatalogRegistered{Node: &events.Node{Node: node, Address: "10.0.0.1"}, SkipNodeUpdate: rng.IntN(2) == 0,
			Service: &events.Service{Id: sid, Service: name, Port: int32(8000 + rng.IntN(3)), Tags: [][]string{nil, {"primary"}, {"v2"}}[rng.IntN(3)]}}
		if rng.IntN(2) == 0 {
			ev.Checks = []*events.Check{{CheckId: "svc:" + sid, Name: "svc", ServiceId: sid, Status: aggStatuses[rng.IntN(3)]}}
		}
		return ev
	case r < 93:
		return &events.CatalogDeregistered{Node: node, ServiceId: sid}
	case r < 97:
		return &events.CatalogDeregistered{Node: node, CheckId: []string{"serfHealth", "svc:" + sid}[rng.IntN(2)]}
	}
	return &events.CatalogDeregistered{Node: node}
}
