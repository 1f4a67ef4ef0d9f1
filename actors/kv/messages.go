package kv

import (
	"time"

	"github.com/consuld/consuld/events"
)

// Replier is where a result goes. Adapters implement it with a channel; the
// pure behaviours only pass it along.
type Replier interface{ Reply(Result) }

// Result answers a Get, Watch or Put.
type Result struct {
	Entry *events.Entry // Get: the key's entry, nil if absent
	View  View          // Watch: the state to read the listing from
	Index uint64        // X-Consul-Index of the answer
	OK    bool          // Put/Delete: whether the write happened
	Err   error
}

// Inputs of the key behaviour (imperative: commands; nouns: queries).

// Changed tells a key actor that its key changed at Index; View includes it.
type Changed struct {
	Index uint64
	View  View
}

// Get asks for the key. With MinIndex > 0 it blocks until the key's index
// passes MinIndex or Deadline arrives. TableIndex is the shard's table index
// as delivered when the query was sent; a missing key reports it.
type Get struct {
	Reply      Replier
	MinIndex   uint64
	Deadline   time.Time
	TableIndex uint64
	Now        time.Time
}

// Write proposes an encoded event for this key.
type Write struct {
	Reply Replier
	Data  []byte
	Now   time.Time
}

// Proposed is the outcome of a Write's proposal.
type Proposed struct {
	Reply   Replier
	Index   uint64
	Outcome events.Outcome
	Err     error
	Now     time.Time
}

// Expired fires when a parked Get's deadline passes.
type Expired struct {
	Watch *Watch
	Now   time.Time
}

// Cancel withdraws the parked query answering to Reply (its caller went
// away); nothing is replied.
type Cancel struct{ Reply Replier }

// IdleCheck asks whether the actor may passivate. Under Pressure (too many
// resident actors) an idle actor passivates without waiting out its idle time.
type IdleCheck struct {
	Now      time.Time
	Pressure bool
}

// Effects the behaviours ask their adapter to perform.

// Reply sends Result to To.
type Reply struct {
	To     Replier
	Result Result
}

// Propose appends Data to the kv shard and feeds back a Proposed.
type Propose struct {
	Reply Replier
	Data  []byte
}

// Timer delivers Expired{Watch} at At.
type Timer struct {
	At    time.Time
	Watch *Watch
}

// Passivate: the actor is idle and may be stopped; it is hydrated again
// from the state machine on next use.
type Passivate struct{}

// Effect is one of Reply, Propose, Timer, Passivate.
type Effect any
