// Package catalog holds the catalog shard's live side.
//
// Aggregate (aggregate.go) is the pure behaviour of a service aggregate
// actor, one per service name, spawned on first use and passivated after
// AggregateIdle without work (aggregates.go is the registry and the
// protoactor adapter). It owns the service's health view (Health, built by
// ComputeHealth and rebuilt only when the service's index moves) and parks
// every blocking query that reads one service. Applied entries reach an
// aggregate only if they moved its service's index (State.TouchedServices),
// so a change to one service never touches another's watchers.
//
// Watches (watch.go) is the pure behaviour of the catalog watch actor for
// the remaining scopes — one node, or a whole table — answering a query
// only when that thing's index passed the caller's. Inputs of both: *Park,
// Changed, Expired, Cancel. Effects: Reply, Timer. Watcher (actor.go) is the
// catalog shard's Sink and routes queries and changes to them.
//
// Reads come from the state machine's snapshot-consistent state (View);
// writes are proposed by actors.Client.
package catalog
