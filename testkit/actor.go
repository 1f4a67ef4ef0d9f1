package testkit

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// keyActor hosts one kv.Key behaviour the way actors/kv/actor.go's keyActor
// does: it stamps time and state into inputs, runs the pure behaviour and
// performs its effects — here against the simulation instead of
// protoactor, the real clock and dragonboat. Keep the two in step.
type keyActor struct {
	c         *Cluster
	key       string
	mb        *mailbox
	b         *kv.Key
	retired   bool
	idleArmed bool
}

func (a *keyActor) receive(msg any) func() {
	c := a.c
	now := c.sim.Now()
	var fx []kv.Effect
	switch m := msg.(type) {
	case started:
		a.b = kv.NewKey(a.key, c.view(), c.o.IdleAfter, now)
	case kv.Changed:
		if a.retired {
			return nil // a fresh actor hydrates from the state machine
		}
		m.View = c.view()
		fx = a.b.Handle(m)
	case kv.Get:
		if a.retired {
			c.send(a.key, m)
			return nil
		}
		m.Now = now
		fx = a.b.Handle(m)
	case kv.Write:
		if a.retired {
			c.send(a.key, m)
			return nil
		}
		m.Now = now
		fx = a.b.Handle(m)
	case kv.Proposed:
		m.Now = now
		fx = a.b.Handle(m)
	case kv.Cancel:
		fx = a.b.Handle(m)
	case kv.Expired:
		m.Now = now
		fx = a.b.Handle(m)
	case kv.IdleCheck:
		a.idleArmed = false
		if a.retired {
			return nil
		}
		m.Now = now
		fx = a.b.Handle(m)
	default:
		return nil
	}
	a.perform(fx)
	if !a.retired && !a.idleArmed && a.b.Idle() {
		a.idleArmed = true
		c.sim.After(c.o.IdleAfter, "", func() { a.mb.post(kv.IdleCheck{}) })
	}
	return nil
}

func (a *keyActor) perform(fx []kv.Effect) {
	c := a.c
	for _, f := range fx {
		switch f := f.(type) {
		case kv.Reply:
			f.To.Reply(f.Result)
		case kv.Propose:
			c.log.Propose(f.Data, func(idx uint64, o events.Outcome, err error) {
				a.mb.post(kv.Proposed{Reply: f.Reply, Index: idx, Outcome: o, Err: err})
			})
		case kv.Timer:
			w := f.Watch
			c.sim.At(f.At, "", func() { a.mb.post(kv.Expired{Watch: w}) })
		case kv.Passivate:
			if c.retire(a.key, a) {
				a.retired = true
				a.mb.post(poison{}) // after everything already queued
			}
		default:
			c.violation("%s: unknown effect %T", a.mb.name, f)
		}
	}
}

// treeActor hosts the kv.Tree behaviour like actors/kv/actor.go's treeActor.
type treeActor struct {
	c  *Cluster
	mb *mailbox
	b  *kv.Tree
}

func (a *treeActor) receive(msg any) func() {
	c := a.c
	var fx []kv.Effect
	counted := a.b.Parked()
	switch m := msg.(type) {
	case *kv.PrefixWatch:
		counted++ // routeWatch counted it on the way in
		m.View, m.Now = c.view(), c.sim.Now()
		fx = a.b.Handle(m)
	case kv.PrefixChanged:
		m.View = c.view()
		fx = inReplyOrder(a.b.Handle(m))
	case kv.PrefixExpired:
		m.View = c.view()
		fx = a.b.Handle(m)
	case kv.Cancel:
		fx = a.b.Handle(m)
	default:
		return nil
	}
	finish := func() {
		// Adjust rather than overwrite: watches still queued in the mailbox
		// were counted by routeWatch and must stay counted. The sabotage
		// restores the old protocol, which stored Parked() and so forgot
		// them (see TestTreeWatchingRace).
		if c.o.sabotage == sabotageStoreParked {
			c.watching = int64(a.b.Parked())
		} else {
			c.watching += int64(a.b.Parked() - counted)
		}
		c.sim.Tracef("tree: watching=%d parked=%d", c.watching, a.b.Parked())
		a.perform(fx)
	}
	if c.o.TreeRace[1] > 0 {
		return finish // the apply goroutine may run between view stamp and count update
	}
	finish()
	return nil
}

func (a *treeActor) perform(fx []kv.Effect) {
	c := a.c
	for _, f := range fx {
		switch f := f.(type) {
		case kv.Reply:
			f.To.Reply(f.Result)
		case kv.PrefixTimer:
			w := f.Watch
			c.sim.At(f.At, "", func() { a.mb.post(kv.PrefixExpired{Watch: w}) })
		default:
			c.violation("tree: unknown effect %T", f)
		}
	}
}

// inReplyOrder sorts the replies of one kv.Tree input by when their
// requests were made. For a prefix deletion kv.Tree wakes the watched
// prefixes under it in map order (Tree.touched ranges over its byPrefix
// map), so the same input can yield the same replies in different orders.
// The order means nothing in production (they go out at once, to
// different callers), but each reply here draws a seeded delay, and a seed
// must replay exactly.
func inReplyOrder(fx []kv.Effect) []kv.Effect {
	seq := func(f kv.Effect) uint64 {
		if r, ok := f.(kv.Reply); ok {
			if to, ok := r.To.(*replier); ok {
				return to.seq
			}
		}
		return 0
	}
	slices.SortStableFunc(fx, func(x, y kv.Effect) int { return cmp.Compare(seq(x), seq(y)) })
	return fx
}

func keyName(key string, incarnation int) string { return fmt.Sprintf("key[%s]#%d", key, incarnation) }
