// Package connect is the state machine of the connect shard: the
// datacenter's Connect CA roots (Consul's built-in CA provider state).
//
// State is immutable. Apply decides with the Raft index as the only clock
// and never generates keys or reads the time: the live side generates a
// root and proposes it, and the log decides which proposal counts. The
// first events.CARootsInitialized wins; any later one is Skipped, so two
// servers racing to bootstrap the CA cannot diverge.
//
// Events applied: events.CARootsInitialized. Outcomes: Applied (the CA was
// bootstrapped), Rejected (the root lacks its ID, certificate, key, trust
// domain or cluster ID), Skipped (the CA already has a root).
package connect
