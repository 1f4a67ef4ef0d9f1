// Package connect is the live side of the connect shard (the Connect CA):
// the read-only View of its state, a Watcher that wakes blocking queries
// when the state changes, and root generation (keys and certificates are
// made here, never in the state machine, which only decides which proposed
// root counts).
package connect
