// Package host runs consuld's Raft shards on one dragonboat NodeHost: it
// opens the NodeHost (on disk with fsync, or on dragonboat's in-memory FS
// for -dev), starts a replica of every shard kind in the registry, and offers
// the three operations the live side needs: propose an encoded event, wait
// for a linearizable read barrier, and report leadership and membership.
//
// It is the only package besides cmd and testkit that touches dragonboat.
package host
