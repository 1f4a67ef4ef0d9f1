package kv

import "time"

// pool runs functions on warm goroutines. protoactor's default dispatcher
// starts a goroutine every time an idle mailbox gets a message, and
// dragonboat's SyncPropose grows a fresh goroutine's stack each call: both
// showed up as a large share of write CPU. Idle workers exit after a while,
// so the pool grows with load and shrinks without it.
type pool struct {
	jobs chan func()
	idle time.Duration
}

func newPool(idle time.Duration) *pool { return &pool{jobs: make(chan func()), idle: idle} }

// Go runs fn on an idle worker, or on a new one if none is idle.
func (p *pool) Go(fn func()) {
	select {
	case p.jobs <- fn:
	default:
		go p.work(fn)
	}
}

func (p *pool) work(fn func()) {
	t := time.NewTimer(p.idle)
	defer t.Stop()
	for {
		fn()
		t.Reset(p.idle)
		select {
		case fn = <-p.jobs:
		case <-t.C:
			return
		}
	}
}

// Schedule and Throughput make the pool a protoactor Dispatcher.
func (p *pool) Schedule(fn func()) { p.Go(fn) }

// Throughput is how many messages a mailbox handles before yielding.
func (p *pool) Throughput() int { return 300 }
