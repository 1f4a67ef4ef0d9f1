package testkit

import (
	"fmt"
	"time"
)

// Scenario is a reproducible simulation setup: a server configuration, a
// workload and the faults to inject. Run it with a seed.
type Scenario struct {
	Name     string
	Options  Options
	Workload Workload
	// LeaderChanges leader changes happen at seeded times within
	// LeaderChangeWindow (virtual time since the start).
	LeaderChanges      int
	LeaderChangeWindow [2]time.Duration
	// FinalReads: once every client is done and in-flight proposals have
	// settled, one more client reads every key, so lost writes show.
	FinalReads bool
	// Script, if set, is called before the run starts to schedule scripted
	// operations (Run.Do) and faults at fixed virtual times, for scenarios
	// that need one exact interleaving rather than a random workload.
	Script func(r *Run)
}

// LeaderChange records a leader change and the log committed before it.
type LeaderChange struct {
	At        time.Time
	Term      uint64 // the new term
	Committed []Entry
}

// Run is one seeded execution of a Scenario.
type Run struct {
	Seed          int64
	Scenario      Scenario
	Sim           *Sim
	Cluster       *Cluster
	History       []*Op // in call order
	LeaderChanges []LeaderChange
	Err           error // the simulation did not drain

	clientsLeft int
}

// Run executes the scenario with seed until nothing is left to happen.
func (sc Scenario) Run(seed int64) *Run {
	sc.Workload.defaults()
	sim := &Sim{Seed: seed}
	r := &Run{Seed: seed, Scenario: sc, Sim: sim, Cluster: NewCluster(sim, sc.Options)}
	sim.Tracef("scenario %q seed %d", sc.Name, seed)
	r.clientsLeft = len(sc.Workload.Clients)
	for i, spec := range sc.Workload.Clients {
		newClient(r, i+1, spec).next()
	}
	if sc.Script != nil {
		sc.Script(r)
	}
	for range sc.LeaderChanges {
		at := sim.Jitter(sc.LeaderChangeWindow[0], sc.LeaderChangeWindow[1])
		sim.After(at, "", r.changeLeader)
	}
	r.Err = sim.Run()
	sim.Tracef("done: %d events, %d ops, log at %d, %d dead letters", sim.Steps(), len(r.History), r.Cluster.log.CommitIndex(), r.Cluster.deadLetters)
	return r
}

func (r *Run) changeLeader() {
	l := r.Cluster.log
	if !l.HasLeader() {
		return
	}
	committed := append([]Entry(nil), l.Entries()...)
	l.ChangeLeader()
	r.LeaderChanges = append(r.LeaderChanges, LeaderChange{At: r.Sim.Now(), Term: l.Term(), Committed: committed})
}

// Do schedules op to be called at virtual time at since the start, by
// client op.Client (scripted clients may overlap: each Do is independent).
func (r *Run) Do(at time.Duration, op *Op) {
	r.Sim.At(Epoch.Add(at), "", func() { r.call(op, func() {}) })
}

// ChangeLeaderAt schedules a leader change at virtual time at.
func (r *Run) ChangeLeaderAt(at time.Duration) { r.Sim.At(Epoch.Add(at), "", r.changeLeader) }

// call starts op now and records it; then runs after its answer arrives.
func (r *Run) call(op *Op, then func()) {
	op.ID = len(r.History) + 1
	if op.Kind == Put || op.Kind == CASPut {
		op.Value = fmt.Sprintf("c%d-%d", op.Client, op.ID)
	}
	op.Call = r.Sim.Now()
	op.CommitAtCall = r.Cluster.log.CommitIndex()
	r.History = append(r.History, op)
	r.Sim.Tracef("call %s", op)
	dispatch(r, op, func(a Answer) {
		op.Return, op.Done, op.Answer = r.Sim.Now(), true, a
		r.Sim.Tracef("return %s", op)
		then()
	})
}

func (r *Run) clientDone() {
	r.clientsLeft--
	if r.clientsLeft > 0 || !r.Scenario.FinalReads {
		return
	}
	// Let every timed-out or delayed proposal land first.
	o := r.Cluster.o.Log
	settle := 2*o.ProposeTimeout + o.ElectionPause[1] + time.Second
	r.Sim.After(settle, "final reads", func() { r.finalRead(0) })
}

func (r *Run) finalRead(i int) {
	keys := r.Scenario.Workload.Keys
	if i == len(keys) {
		return
	}
	op := &Op{Client: len(r.Scenario.Workload.Clients) + 1, Kind: Get, Key: keys[i]}
	r.call(op, func() {
		if op.Answer.Err != nil { // no leader yet: try again
			r.Sim.After(100*time.Millisecond, "", func() { r.finalRead(i) })
			return
		}
		r.finalRead(i + 1)
	})
}
