package kv

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/events"
)

// proposal is one Propose effect waiting for a worker.
type proposal struct {
	self *actor.PID
	f    Propose
}

// propose runs a Propose effect on a pooled goroutine. Workers are kept
// warm (a fresh goroutine per write spent ~15% of CPU growing its stack
// inside dragonboat's SyncPropose); the pool grows with demand and shrinks
// after a second without work.
func (r *Router) propose(self *actor.PID, f Propose) {
	p := proposal{self, f}
	select {
	case r.jobs <- p:
	default:
		go r.proposer(p)
	}
}

func (r *Router) proposer(p proposal) {
	idle := time.NewTimer(time.Second)
	defer idle.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), r.proposeTimeout)
		idx, o, err := r.prop.Propose(ctx, events.ShardKV, p.f.Data)
		cancel()
		r.sys.Root.Send(p.self, Proposed{Reply: p.f.Reply, Index: idx, Outcome: o, Err: err})
		idle.Reset(time.Second)
		select {
		case p = <-r.jobs:
		case <-idle.C:
			return
		}
	}
}
