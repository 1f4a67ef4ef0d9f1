// Package catalog holds the catalog shard's live side.
//
// Watches (watch.go) is the pure behaviour of the catalog watch actor: it
// parks blocking catalog and health queries by what they read — one
// service's instances and health, one node, or a whole table — and answers a
// query only when that thing's index passed the caller's. Inputs: *Park,
// Changed, Expired, Cancel. Effects: Reply, Timer. actor.go is its protoactor
// adapter; Watcher (router.go) feeds it applied entries as the catalog
// shard's Sink.
//
// Reads themselves come from the state machine's snapshot-consistent state
// (View); writes are proposed by actors.Client.
package catalog
