// Package fsmtest holds the test helpers every shard kind's tests share:
// a Sink that records what a Machine told it (and what it had published at
// that moment), event encoding into dragonboat entries, an envelope of an
// unassigned type, and applying events one Txn at a time through a Kind.
// Only _test.go files import it.
package fsmtest
