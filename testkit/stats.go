package testkit

import (
	"fmt"

	"github.com/consuld/consuld/events"
)

// Stats summarise what a run exercised, so tests can tell a quiet run
// from one that covered the interesting paths.
type Stats struct {
	Ops, Errors, Ambiguous int // answered ops; with an error; writes with an error
	Rejected               int // CAS writes refused
	Woken, Deadline        int // blocking queries answered before / at their deadline
	Spawns, DeadLetters    int // key actors hydrated; messages to stopped actors
	Entries, LeaderChanges int // log length; leader changes
}

// Stats computes the run's Stats.
func (r *Run) Stats() Stats {
	var s Stats
	for _, op := range r.History {
		if !op.Done {
			continue
		}
		s.Ops++
		a := op.Answer
		switch {
		case a.Err != nil:
			s.Errors++
			if op.Kind.IsWrite() {
				s.Ambiguous++
			}
		case op.Blocking() && !a.Deadline.IsZero() && !a.At.Before(a.Deadline):
			s.Deadline++
		case op.Blocking():
			s.Woken++
		}
	}
	for _, e := range r.Cluster.log.Entries() {
		if e.Outcome == events.OutcomeRejected {
			s.Rejected++
		}
	}
	for _, n := range r.Cluster.spawned {
		s.Spawns += n
	}
	s.DeadLetters = r.Cluster.deadLetters
	s.Entries = int(r.Cluster.log.CommitIndex())
	s.LeaderChanges = len(r.LeaderChanges)
	return s
}

func (s Stats) String() string {
	return fmt.Sprintf("%d ops (%d errors, %d ambiguous writes), %d entries (%d CAS rejected), blocking: %d woken / %d at deadline, %d key actors hydrated, %d dead letters, %d leader changes",
		s.Ops, s.Errors, s.Ambiguous, s.Entries, s.Rejected, s.Woken, s.Deadline, s.Spawns, s.DeadLetters, s.LeaderChanges)
}
