package agent

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A server's Raft replica ID is derived from its node ID and its
// incarnation, a counter kept in the data dir. dragonboat never re-adds a
// removed replica ID, so a server that leaves gracefully drops its Raft
// state and starts its next run as a new incarnation: a new replica that
// the leader adds and catches up, while its node ID (its identity in the
// catalog and gossip) stays.

func incarnationPath(dataDir string) string { return filepath.Join(dataDir, "raft-incarnation") }

// incarnation reads the server's incarnation (0 when never bumped).
func incarnation(dataDir string) uint64 {
	if dataDir == "" {
		return 0
	}
	b, err := os.ReadFile(incarnationPath(dataDir))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return n
}

// replicaID is a server's replica ID in every shard: a hash of its node ID
// and, after a leave, its incarnation. Servers learn each other's from
// gossip (Meta.ReplicaID).
func replicaID(nodeID string, inc uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(nodeID))
	if inc > 0 {
		fmt.Fprintf(h, "/%d", inc)
	}
	if id := h.Sum64(); id != 0 {
		return id
	}
	return 1
}

// retireRaftState drops the server's Raft state after a graceful leave and
// bumps its incarnation, so its next start joins as a new replica.
func retireRaftState(dataDir string) error {
	if dataDir == "" {
		return nil
	}
	if err := os.RemoveAll(filepath.Join(dataDir, "raft")); err != nil {
		return err
	}
	next := strconv.FormatUint(incarnation(dataDir)+1, 10)
	return os.WriteFile(incarnationPath(dataDir), []byte(next), 0o600)
}
