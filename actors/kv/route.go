package kv

import "github.com/consuld/consuld/events"

// Notify says which resident key actors an applied entry concerns.
type Notify uint8

const (
	NotifyNone   Notify = iota // no key actor
	NotifyKey                  // the actor of Routing.Key
	NotifyPrefix               // every actor whose key starts with Routing.Key
)

// Routing is what one applied kv entry means for the live side: the rules
// Router.Applied follows (and testkit's simulated router with it). The
// mechanics — locks, PIDs, the count of prefix watches — stay with the
// caller, which acts on a Routing in this order: key actors, then the
// prefix-watch actor, then the table index, then the applied index (which
// always moves to the entry's index).
type Routing struct {
	// Notify selects the resident key actors told Changed; a key actor
	// that is not resident hydrates from the state machine when next used.
	Notify  Notify
	Key     string // the key, or the prefix with NotifyPrefix
	Changed Changed

	// Table is true when the entry changed the table (OutcomeApplied): the
	// prefix-watch actor is told Tree, if a prefix watch is counted, and
	// the table index moves to the entry's index. Rejected and skipped
	// entries, and entries without an event, change neither.
	Table bool
	Tree  PrefixChanged
}

// Route returns the routing of the kv entry applied at index with outcome
// o. ev may be nil (an entry without an event).
//
// An applied event of a kind the kv shard does not know (fsm/kv never
// reports one) concerns no key actor, but still moves the table index and
// tells the prefix-watch actor a zero PrefixChanged (Key "", not a prefix,
// Index 0), exactly as Router.Applied always did; that only looks at
// watches on "", which a change to nothing cannot wake.
func Route(index uint64, ev events.Event, o events.Outcome) Routing {
	if o != events.OutcomeApplied {
		return Routing{}
	}
	rt := Routing{Table: true}
	switch ev := ev.(type) {
	case *events.KeyWritten:
		rt.Notify, rt.Key = NotifyKey, ev.Key
		rt.Tree = PrefixChanged{Key: ev.Key, Index: index}
	case *events.KeyDeleted:
		rt.Notify, rt.Key = NotifyKey, ev.Key
		rt.Tree = PrefixChanged{Key: ev.Key, Index: index}
	case *events.PrefixDeleted:
		rt.Notify, rt.Key = NotifyPrefix, ev.Prefix
		rt.Tree = PrefixChanged{Key: ev.Prefix, IsPrefix: true, Index: index}
	}
	if rt.Notify != NotifyNone {
		rt.Changed = Changed{Index: index}
	}
	return rt
}
