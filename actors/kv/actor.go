package kv

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// keyActor is the protoactor adapter of Key: it stamps time and the latest
// state into inputs, runs the behaviour and performs its effects.
type keyActor struct {
	r         *Router
	key       string
	b         *Key
	retired   bool
	idleArmed bool
}

func (a *keyActor) Receive(ctx actor.Context) {
	now := time.Now()
	var fx []Effect
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.b = NewKey(a.key, a.r.view(), a.r.idleAfter, now)
	case Changed:
		if a.retired {
			return // a fresh actor hydrates from the state machine
		}
		m.View = a.r.view()
		fx = a.b.Handle(m)
	case Get:
		if a.retired {
			a.r.send(a.key, m)
			return
		}
		m.Now = now
		fx = a.b.Handle(m)
	case Write:
		if a.retired {
			a.r.send(a.key, m)
			return
		}
		m.Now = now
		fx = a.b.Handle(m)
	case Proposed:
		m.Now = now
		fx = a.b.Handle(m)
	case Cancel:
		fx = a.b.Handle(m)
	case Expired:
		m.Now = now
		fx = a.b.Handle(m)
	case IdleCheck:
		a.idleArmed = false
		if a.retired {
			return
		}
		m.Now, m.Pressure = now, a.r.crowded()
		fx = a.b.Handle(m)
	default:
		return
	}
	a.perform(ctx, fx)
	if !a.retired && !a.idleArmed && a.b.Idle() {
		a.idleArmed = true
		self, root := ctx.Self(), ctx.ActorSystem().Root
		time.AfterFunc(a.r.idleDelay(), func() { root.Send(self, IdleCheck{}) })
	}
}

func (a *keyActor) perform(ctx actor.Context, fx []Effect) {
	for _, f := range fx {
		switch f := f.(type) {
		case Reply:
			f.To.Reply(f.Result)
		case Propose:
			a.r.propose(ctx.Self(), f)
		case Timer:
			self, root, w := ctx.Self(), ctx.ActorSystem().Root, f.Watch
			time.AfterFunc(time.Until(f.At), func() { root.Send(self, Expired{Watch: w}) })
		case Passivate:
			if a.r.retire(a.key, ctx.Self()) {
				a.retired = true
				ctx.Poison(ctx.Self()) // after everything already queued
			}
		}
	}
}

// treeActor is the protoactor adapter of Tree.
type treeActor struct {
	r *Router
	b *Tree
}

func (a *treeActor) Receive(ctx actor.Context) {
	var fx []Effect
	counted := a.b.Parked()
	switch m := ctx.Message().(type) {
	case *PrefixWatch:
		counted++ // Router.Watch counted it on the way in
		m.View, m.Now = a.r.view(), time.Now()
		fx = a.b.Handle(m)
	case PrefixChanged:
		m.View = a.r.view()
		fx = a.b.Handle(m)
	case PrefixExpired:
		m.View = a.r.view()
		fx = a.b.Handle(m)
	case Cancel:
		fx = a.b.Handle(m)
	default:
		return
	}
	// Adjust rather than overwrite: watches still queued in the mailbox
	// were counted by Router.Watch and must stay counted.
	a.r.watching.Add(int64(a.b.Parked() - counted))
	for _, f := range fx {
		switch f := f.(type) {
		case Reply:
			f.To.Reply(f.Result)
		case PrefixTimer:
			self, root, w := ctx.Self(), ctx.ActorSystem().Root, f.Watch
			time.AfterFunc(time.Until(f.At), func() { root.Send(self, PrefixExpired{Watch: w}) })
		}
	}
}
