// Package cluster reconciles gossip membership with Raft membership and
// with the catalog, on the leader: Reconciler is the pure behaviour (one
// Tick in, the changes to make out), actor.go its protoactor adapter that
// gathers the inputs (gossip members, Raft voters, serfHealth statuses
// from the catalog) and performs the effects through interfaces the agent
// implements.
//
// Rules, as Consul's leader applies them:
//   - an alive server in the pool (same datacenter) that is not a voter is
//     added; a voter whose server left gracefully is removed; a voter
//     failed (or gone from the pool) for longer than DeadServerAfter is
//     removed, but only while the servers still alive form a quorum of
//     the smaller configuration and number at least bootstrap_expect
//     (autopilot's dead-server cleanup, which replaces dead servers and
//     never shrinks the cluster below its expected size); the
//     leader never removes itself; one membership change per tick, as
//     Raft applies them one at a time;
//   - every member's node carries a serfHealth check: passing while alive,
//     critical ("Agent not live or unreachable") once failed; a member
//     that left is deregistered from the catalog.
package cluster
