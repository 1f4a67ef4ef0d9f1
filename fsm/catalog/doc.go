// Package catalog is the state machine of the catalog shard: nodes, service
// instances and their health checks (Consul's catalog).
//
// State is immutable (copy-on-write B-trees). Apply decides everything that
// depends on log order with the Raft index as the only clock, and keeps the
// indexes that let blocking queries wake precisely: per service name (any
// change to an instance of the service, to its checks, or to its node and the
// node's checks) and per node (any change to the node or anything on it),
// besides Consul's per-table indexes.
//
// Events applied: events.CatalogRegistered, events.CatalogDeregistered,
// events.CheckStatusUpdated. Outcomes: Applied, Rejected (a check names a
// service that is not on its node, or a record lacks its name), Skipped
// (nothing to change).
package catalog
