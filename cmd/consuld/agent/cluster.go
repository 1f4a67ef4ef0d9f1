package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/host"
)

// raft adapts host.Host to the actors' Proposer seam, translating errors.
type raft struct{ h *host.Host }

func (r raft) Propose(ctx context.Context, shard events.Shard, data []byte) (uint64, events.Outcome, error) {
	idx, o, err := r.h.Propose(ctx, shard, data)
	return idx, o, translate(err)
}

func (r raft) Barrier(ctx context.Context, shard events.Shard) error {
	return translate(r.h.Barrier(ctx, shard))
}

func translate(err error) error {
	if errors.Is(err, host.ErrNoLeader) || errors.Is(err, host.ErrClosed) {
		return fmt.Errorf("%w: %v", consensus.ErrNoLeader, err)
	}
	return err
}

// leadership answers leadership questions for the API: replica IDs map to
// servers' RPC addresses (Consul's leader format) through gossip.
type leadership struct {
	h        *host.Host
	selfAddr string                   // advertised server RPC address
	servers  func() map[uint64]string // replica ID -> server RPC address (nil: none)
}

func (c leadership) addr(id uint64) string {
	if id == c.h.ReplicaID() {
		return c.selfAddr
	}
	if c.servers != nil {
		return c.servers()[id]
	}
	return ""
}

func (c leadership) LeaderAddr() (string, bool) {
	id, ok := c.h.Leader(events.ShardKV)
	if !ok {
		return "", false
	}
	return c.addr(id), true
}

func (c leadership) Peers(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := c.h.Members(ctx, events.ShardKV)
	if err != nil {
		return nil, translate(err)
	}
	var out []string
	for id := range m {
		if a := c.addr(id); a != "" {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out, nil
}

// LastContact is 0 on the leader and on a single server.
func (c leadership) LastContact() time.Duration { return 0 }
