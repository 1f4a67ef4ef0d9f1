// Package kv holds the actors of the kv shard.
//
// Key (key.go) is the pure behaviour of one key's actor: it holds the key's
// entry as last published by the state machine and the blocking queries
// parked on it. Inputs: Changed (from the Router, after an apply), Get,
// Write, Proposed, Expired, Cancel, IdleCheck. Effects: Reply, Propose,
// Timer, Passivate.
//
// Tree (tree.go) is the pure behaviour of the prefix-watch actor: it parks
// blocking listings (?recurse, ?keys) by prefix. Inputs: *PrefixWatch,
// PrefixChanged, PrefixExpired, Cancel. Effects: Reply, PrefixTimer.
//
// Router (router.go) spawns key actors on demand, feeds them applied changes
// (it has the fsm Sink's shape), and forgets them when they passivate.
// actor.go holds the thin protoactor adapters that stamp time and the latest
// published state into inputs and perform effects.
//
// Invariants: a parked query is answered only when the index of the data it
// reads passes its MinIndex, or at its deadline, or never if its caller
// cancels; a change is never missed, because state is published before the
// Router is told and adapters read the latest published state.
package kv
