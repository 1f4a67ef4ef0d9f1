package kv

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/events"
)

// propose runs a Propose effect on a pooled goroutine and feeds the result
// back to the key actor as Proposed.
func (r *Router) propose(self *actor.PID, f Propose) {
	r.workers.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), r.proposeTimeout)
		idx, o, err := r.prop.Propose(ctx, events.ShardKV, f.Data)
		cancel()
		r.sys.Root.Send(self, Proposed{Reply: f.Reply, Index: idx, Outcome: o, Err: err})
	})
}
