// Package kv is the state machine of the kv shard: Consul's key/value store.
//
// State is immutable (persistent radix trees); Apply builds the next state
// from the previous one and an event, deciding check-and-set with the Raft
// index as the only clock. Deleted keys leave tombstones so that the index
// of a prefix moves forward when a key under it disappears, which is what
// lets a blocking query on a prefix see deletions.
//
// Events applied: events.KeyWritten, events.KeyDeleted, events.PrefixDeleted.
// Outcomes: Applied, Rejected (CAS mismatch), Skipped (nothing to delete).
package kv
