package connect

import (
	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
)

// Txn applies a batch of events to a State and yields the next State,
// without modifying the base state.
type Txn struct {
	s State
}

// Txn starts a batch on top of s.
func (s *State) Txn() *Txn { return &Txn{s: *s} }

// Commit returns the new state; the Txn must not be used afterwards.
func (t *Txn) Commit() *State { s := t.s; return &s }

// Advance records that index was applied without an event.
func (t *Txn) Advance(index uint64) { t.s.applied = index }

// Apply applies ev at index and returns what it decided.
func (t *Txn) Apply(index uint64, ev events.Event) events.Outcome {
	t.s.applied = index
	switch ev := ev.(type) {
	case *events.CARootsInitialized:
		return t.initialize(index, ev)
	}
	return events.OutcomeSkipped
}

func (t *Txn) initialize(idx uint64, ev *events.CARootsInitialized) events.Outcome {
	r := ev.Root
	if r == nil || r.Id == "" || r.RootCertPem == "" || r.SigningKeyPem == "" || r.TrustDomain == "" || ev.ClusterId == "" {
		return events.OutcomeRejected
	}
	if len(t.s.roots) > 0 {
		return events.OutcomeSkipped // bootstrapped already: the first root wins
	}
	root := proto.Clone(r).(*events.CARoot)
	root.Active = true
	root.CreateIndex, root.ModifyIndex = idx, idx
	t.s.roots = []*events.CARoot{root}
	t.s.active = root.Id
	t.s.trustDomain = root.TrustDomain
	t.s.clusterID = ev.ClusterId
	t.s.rootsIndex = idx
	return events.OutcomeApplied
}
