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

// cluster answers leadership questions for the API. With one server the
// replica-to-address map is this server; gossip fills it in for clusters.
type cluster struct {
	h        *host.Host
	selfAddr string // advertised server RPC address, Consul's leader format
}

func (c cluster) LeaderAddr() (string, bool) {
	id, ok := c.h.Leader(events.ShardKV)
	if !ok {
		return "", false
	}
	if id == c.h.ReplicaID() {
		return c.selfAddr, true
	}
	return "", true
}

func (c cluster) Peers(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := c.h.Members(ctx, events.ShardKV)
	if err != nil {
		return nil, translate(err)
	}
	var out []string
	for id := range m {
		if id == c.h.ReplicaID() {
			out = append(out, c.selfAddr)
		}
	}
	slices.Sort(out)
	return out, nil
}

// LastContact is 0 on the leader and on a single server.
func (c cluster) LastContact() time.Duration { return 0 }
