// Package actors is consuld's live side: a protoactor system in which every
// KV key (and later every node, service and check) is an actor, fed by the
// replicated log through a Sink and writing to it through a Proposer.
//
// Client is the facade the frontends call. It validates cheap things, picks
// the consistency mode, and hands work to the actors: single-key reads,
// writes and blocking queries go to the key's actor (actors/kv), listings
// are read from the state machine's snapshot-consistent state and park on
// the prefix-watch actor when they block.
//
// Invariants: a default or ?consistent read passes a Raft read barrier
// first and is therefore linearizable; a blocking query returns only when
// the data it reads has an index past the caller's, or at its deadline.
package actors
