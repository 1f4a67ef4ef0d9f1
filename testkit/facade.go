package testkit

import (
	"context"
	"errors"
	"time"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// The KV calls below mirror actors.Client (actors/client.go) step for step —
// read barrier, table-index stamping, blocking deadline with jitter, writes
// through the key actor, tree deletes proposed directly — but answer through
// a callback, since the simulation runs on one goroutine. Keep them in step.

// Query is the part of actors.Query the simulation uses (reads are always
// linearizable: Default consistency).
type Query struct {
	MinIndex uint64
	Wait     time.Duration
}

// PutOptions are actors.PutOptions.
type PutOptions struct {
	Flags uint64
	CAS   *uint64
}

// Answer is what a KV call delivers to its caller.
type Answer struct {
	Result   kv.Result
	Err      error     // as actors.Client would return it
	At       time.Time // when the server produced the answer
	Applied  uint64    // the log's commit index at that moment
	Deadline time.Time // blocking calls: the deadline the server chose
}

// replier is the simulated client's end of a request: the kv.Replier the
// behaviours answer to (a channel in production).
type replier struct {
	c        *Cluster
	seq      uint64 // creation order (see inReplyOrder)
	id       string
	done     func(Answer)
	deadline time.Time
	write    bool
	n        int
}

func (c *Cluster) newReplier(id string, done func(Answer)) *replier {
	c.repliers++
	return &replier{c: c, seq: c.repliers, id: id, done: done}
}

func (r *replier) Reply(res kv.Result) {
	r.n++
	if r.n > 1 {
		r.c.violation("%s answered twice (a channel of one would block the actor)", r.id)
		return
	}
	a := Answer{Result: res, At: r.c.sim.Now(), Applied: r.c.log.CommitIndex(), Deadline: r.deadline}
	if r.write && res.Err != nil {
		a.Err = mapErr(res.Err)
	}
	r.c.sim.Tracef("%s answered %s", r.id, describeResult(res))
	r.c.toClient(r.done, a)
}

func (c *Cluster) toClient(done func(Answer), a Answer) {
	c.sim.After(c.sim.Jitter(c.o.ClientDelay[0], c.o.ClientDelay[1]), "", func() { done(a) })
}

func (c *Cluster) fail(done func(Answer), err error) {
	c.toClient(done, Answer{Err: mapErr(err), At: c.sim.Now(), Applied: c.log.CommitIndex()})
}

// KVGet reads one key (actors.Client.KVGet).
func (c *Cluster) KVGet(id, key string, q Query, done func(Answer)) {
	if c.o.StaleReadLag > 0 {
		c.staleGet(id, key, done)
		return
	}
	c.log.Barrier(func(err error) {
		if err != nil {
			c.fail(done, err)
			return
		}
		r := c.newReplier(id, done)
		g := kv.Get{Reply: r, MinIndex: q.MinIndex, TableIndex: c.table}
		if c.o.sabotage == sabotageNoBlocking {
			g.MinIndex = 0
		}
		if q.MinIndex > 0 {
			g.Deadline = c.deadline(q.Wait)
			r.deadline = g.Deadline
		}
		c.routeGet(key, g)
	})
}

// KVList reads every entry under prefix, blocking like a ?recurse watch
// when MinIndex is set (actors.Client.listView). The answer's Result.View
// is the state to list from.
func (c *Cluster) KVList(id, prefix string, q Query, done func(Answer)) {
	c.log.Barrier(func(err error) {
		if err != nil {
			c.fail(done, err)
			return
		}
		v := c.view()
		idx := kv.PrefixResultIndex(v, prefix)
		if q.MinIndex == 0 || idx > q.MinIndex {
			c.sim.Tracef("%s answered at once index=%d", id, idx)
			c.toClient(done, Answer{Result: kv.Result{View: v, Index: idx}, At: c.sim.Now(), Applied: c.log.CommitIndex()})
			return
		}
		r := c.newReplier(id, done)
		r.deadline = c.deadline(q.Wait)
		c.routeWatch(&kv.PrefixWatch{Reply: r, Prefix: prefix, MinIndex: q.MinIndex, Deadline: r.deadline})
	})
}

// KVPut writes a key (actors.Client.KVPut); Result.OK false means a
// check-and-set did not match.
func (c *Cluster) KVPut(id, key string, value []byte, o PutOptions, done func(Answer)) {
	ev := &events.KeyWritten{Key: key, Value: value, Flags: o.Flags}
	if o.CAS != nil {
		ev.Cas, ev.CasIndex = true, *o.CAS
	}
	c.write(id, key, ev, done)
}

// KVDelete deletes one key (actors.Client.KVDelete).
func (c *Cluster) KVDelete(id, key string, cas *uint64, done func(Answer)) {
	ev := &events.KeyDeleted{Key: key}
	if cas != nil {
		ev.Cas, ev.CasIndex = true, *cas
	}
	c.write(id, key, ev, done)
}

// KVDeleteTree deletes every key under prefix, proposed directly
// (actors.Client.KVDeleteTree). Result.Index is the entry's index, which
// the real facade drops.
func (c *Cluster) KVDeleteTree(id, prefix string, done func(Answer)) {
	data, err := events.Encode(&events.PrefixDeleted{Prefix: prefix})
	if err != nil {
		c.fail(done, err)
		return
	}
	c.log.Propose(data, func(idx uint64, o events.Outcome, err error) {
		if err != nil {
			c.fail(done, err)
			return
		}
		c.sim.Tracef("%s answered index=%d", id, idx)
		c.toClient(done, Answer{Result: kv.Result{OK: true, Index: idx}, At: c.sim.Now(), Applied: c.log.CommitIndex()})
	})
}

func (c *Cluster) write(id, key string, ev events.Event, done func(Answer)) {
	data, err := events.Encode(ev)
	if err != nil {
		c.fail(done, err)
		return
	}
	r := c.newReplier(id, done)
	r.write = true
	c.routeWrite(key, kv.Write{Reply: r, Data: data})
}

// deadline is actors.deadline on virtual time and the seeded source.
func (c *Cluster) deadline(wait time.Duration) time.Time {
	w := wait
	if w <= 0 {
		w = actors.DefaultWait
	}
	w = min(w, actors.MaxWait)
	if j := int64(w / 16); j > 0 {
		w += time.Duration(c.sim.Rand().Int64N(j))
	}
	return c.sim.Now().Add(w)
}

// staleGet is the deliberately broken read path of Options.StaleReadLag.
func (c *Cluster) staleGet(id, key string, done func(Answer)) {
	now := c.sim.Now()
	v := c.log.StateAt(now.Add(-c.o.StaleReadLag))
	// A throwaway key behaviour hydrated from the old state answers as a
	// resident key actor would (the entry, or kv.Key's missing-key index).
	fx := kv.NewKey(key, v, c.o.IdleAfter, now).Handle(kv.Get{TableIndex: v.TableIndex(), Now: now})
	res := fx[0].(kv.Reply).Result
	c.sim.Tracef("%s answered from a stale copy at %d: %s", id, v.Applied(), describeResult(res))
	c.toClient(done, Answer{Result: res, At: c.sim.Now(), Applied: c.log.CommitIndex()})
}

// mapErr is actors.mapErr.
func mapErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return actors.ErrTimeout
	}
	if errors.Is(err, consensus.ErrNoLeader) {
		return actors.ErrNoLeader
	}
	return err
}
