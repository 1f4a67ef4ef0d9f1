package connect

import (
	"context"
	"sync"
	"time"

	"github.com/consuld/consuld/events"
)

// Watcher is the connect shard's Sink: it publishes "the state changed" to
// blocking queries. The CA changes rarely (bootstrap, rotation), so a
// closed-channel broadcast is all the machinery it needs: no actor, no
// per-query bookkeeping.
type Watcher struct {
	view    func() View
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
}

// NewWatcher returns a watcher over view, which returns the latest
// published state.
func NewWatcher(view func() View) *Watcher {
	return &Watcher{view: view, changed: make(chan struct{})}
}

// View returns the latest published state.
func (w *Watcher) View() View { return w.view() }

func (w *Watcher) next() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

func (w *Watcher) notify() {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.changed)
	w.changed = make(chan struct{})
}

// Applied wakes waiters when an entry changed the state. State is
// published before the Sink is called, so a waiter that took the channel
// before reading the view either saw this change or is woken by it.
func (w *Watcher) Applied(_ events.Shard, _ uint64, _ events.Event, o events.Outcome) {
	if o == events.OutcomeApplied {
		w.notify()
	}
}

// Restored wakes every waiter: the state was replaced wholesale.
func (w *Watcher) Restored(events.Shard, uint64) { w.notify() }

// Wait returns the latest view once its Index passed minIndex, or at the
// deadline (with the view as it then is). A minIndex of 0 returns at once.
// It fails only if ctx ends first.
func (w *Watcher) Wait(ctx context.Context, minIndex uint64, deadline time.Time) (View, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		ch := w.next() // before reading the view: no lost wake-ups
		v := w.view()
		if minIndex == 0 || Index(v) > minIndex {
			return v, nil
		}
		if timer == nil {
			timer = time.NewTimer(time.Until(deadline))
		}
		select {
		case <-ch:
		case <-timer.C:
			return w.view(), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
