package consensus

import (
	"context"
	"errors"

	"github.com/consuld/consuld/events"
)

// Proposer appends events to a shard's log.
type Proposer interface {
	// Propose appends the encoded event to shard and returns once it is
	// committed and applied locally, with its index and the outcome the
	// state machine decided. It may be called from any goroutine.
	Propose(ctx context.Context, shard events.Shard, data []byte) (uint64, events.Outcome, error)
	// Barrier returns once local state includes every entry committed before
	// the call (a linearizable read point).
	Barrier(ctx context.Context, shard events.Shard) error
}

// ErrNoLeader is returned (wrapped) when no leader could be reached.
var ErrNoLeader = errors.New("consensus: no cluster leader")
