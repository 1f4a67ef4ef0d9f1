// Package gossip is the LAN gossip pool: a memberlist instance per agent,
// with what each member advertises (Meta: role, datacenter, node ID, and
// for servers the Raft address, replica ID and bootstrap state), the
// member table with Consul's statuses (alive, leaving, left, failed), and
// membership events for the agent's actors.
//
// memberlist does the failure detection (SWIM probes, suspicion,
// dissemination); this package only keeps the table, encodes the meta and
// turns memberlist callbacks into Events. Events are delivered in order on
// one goroutine, so a receiver sees a member's join before its failure.
// Encryption: the keyring (primary key first) and the verify switches are
// memberlist's own.
package gossip
