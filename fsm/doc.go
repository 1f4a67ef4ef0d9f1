// Package fsm holds consuld's replicated state machines: one dragonboat state
// machine per shard kind (kv now; catalog, acl later), each a thin adapter
// around a pure apply function over immutable state.
//
// Contracts shared by every shard kind:
//   - apply is deterministic: no clock, no randomness, no I/O. Anything that
//     depends on log order (check-and-set, lock ownership, index bookkeeping)
//     is decided here, with the Raft index as the only clock.
//   - domain refusals are Outcomes; an error from Update means corruption and
//     halts the replica rather than letting it diverge.
//   - after a batch is applied its new state is published (readers see it),
//     and only then is the Sink told about each entry, in index order.
//   - snapshots start with a versioned header (header.go).
package fsm
