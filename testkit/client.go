package testkit

import (
	"fmt"
	"time"
)

// Mix weighs the kinds of operation a client issues.
type Mix struct {
	Put, CASPut, Delete, CASDelete, DeleteTree, Get, BlockingGet, List, Watch int
}

func (m Mix) weights() []int {
	return []int{m.Put, m.CASPut, m.Delete, m.CASDelete, m.DeleteTree, m.Get, m.BlockingGet, m.List, m.Watch}
}

// ClientSpec is one simulated client: how many operations it issues, one
// at a time, and which.
type ClientSpec struct {
	Ops int
	Mix Mix
}

// Workload is what the simulated clients do. Clients run concurrently;
// each waits a seeded think time between its operations.
type Workload struct {
	Clients  []ClientSpec
	Keys     []string
	Prefixes []string
	Think    [2]time.Duration
	Wait     [2]time.Duration // ?wait of blocking queries
	// Backoff replaces the think time after an error; without it clients
	// hammer a leaderless cluster and pile up ambiguous writes.
	Backoff [2]time.Duration
}

func (w *Workload) defaults() {
	if w.Backoff == [2]time.Duration{} {
		w.Backoff = [2]time.Duration{100 * time.Millisecond, 300 * time.Millisecond}
	}
}

// client is one simulated HTTP client of the kv API.
type client struct {
	id   int
	spec ClientSpec
	run  *Run
	n    int
	last *Op

	index    map[string]uint64 // last X-Consul-Index seen per key or prefix
	modify   map[string]uint64 // last ModifyIndex seen per key (0: absent), for CAS
	seenKey  map[string]bool
	seenList map[string]bool
}

func newClient(r *Run, id int, spec ClientSpec) *client {
	return &client{id: id, spec: spec, run: r, index: map[string]uint64{}, modify: map[string]uint64{},
		seenKey: map[string]bool{}, seenList: map[string]bool{}}
}

func (cl *client) next() {
	if cl.n >= cl.spec.Ops {
		cl.run.clientDone()
		return
	}
	w, sim := cl.run.Scenario.Workload, cl.run.Sim
	think := sim.Jitter(w.Think[0], w.Think[1])
	if cl.last != nil && cl.last.Answer.Err != nil {
		think = sim.Jitter(w.Backoff[0], w.Backoff[1]) // as clients do during an election
	}
	sim.After(think, "", cl.issue)
}

func (cl *client) issue() {
	cl.n++
	op := cl.pick()
	cl.last = op
	cl.run.call(op, func() {
		cl.learn(op)
		cl.next()
	})
}

// pick draws the next operation. A blocking query needs an index from an
// earlier read of the same key or prefix; without one the client reads
// first, as real watchers do.
func (cl *client) pick() *Op {
	sim, w := cl.run.Sim, cl.run.Scenario.Workload
	op := &Op{Client: cl.id, Kind: cl.kind()}
	if op.Kind.OnPrefix() {
		op.Key = w.Prefixes[sim.Rand().IntN(len(w.Prefixes))]
	} else {
		op.Key = w.Keys[sim.Rand().IntN(len(w.Keys))]
	}
	switch op.Kind {
	case CASPut, CASDelete:
		op.CAS = cl.modify[op.Key]
		if sim.Chance(0.1) {
			op.CAS = uint64(sim.Rand().IntN(int(cl.run.Cluster.log.CommitIndex()) + 2)) // a guess, mostly wrong
		}
	case BlockingGet:
		if !cl.seenKey[op.Key] {
			op.Kind = Get
		}
	case Watch:
		if !cl.seenList[op.Key] {
			op.Kind = List
		}
	}
	if op.Kind == BlockingGet || op.Kind == Watch {
		op.MinIndex = cl.index[op.Key]
		op.Wait = sim.Jitter(w.Wait[0], w.Wait[1])
	}
	return op
}

func (cl *client) kind() Kind {
	ws := cl.spec.Mix.weights()
	total := 0
	for _, w := range ws {
		total += w
	}
	n := cl.run.Sim.Rand().IntN(total)
	for i, w := range ws {
		if n < w {
			return Kind(i + 1)
		}
		n -= w
	}
	panic("unreachable")
}

// learn remembers the indexes an answer carried, for later CAS and
// blocking queries.
func (cl *client) learn(op *Op) {
	a := op.Answer
	if a.Err != nil {
		return
	}
	switch op.Kind {
	case Get, BlockingGet:
		cl.seenKey[op.Key] = true
		cl.index[op.Key] = a.Result.Index
		cl.modify[op.Key] = 0
		if a.Result.Entry != nil {
			cl.modify[op.Key] = a.Result.Entry.ModifyIndex
		}
	case List, Watch:
		cl.seenList[op.Key] = true
		cl.index[op.Key] = a.Result.Index
	}
}

// dispatch sends op to the cluster's KV facade.
func dispatch(r *Run, op *Op, done func(Answer)) {
	c, id := r.Cluster, op.Name()
	switch op.Kind {
	case Put:
		c.KVPut(id, op.Key, []byte(op.Value), PutOptions{}, done)
	case CASPut:
		cas := op.CAS
		c.KVPut(id, op.Key, []byte(op.Value), PutOptions{CAS: &cas}, done)
	case Delete:
		c.KVDelete(id, op.Key, nil, done)
	case CASDelete:
		cas := op.CAS
		c.KVDelete(id, op.Key, &cas, done)
	case DeleteTree:
		c.KVDeleteTree(id, op.Key, done)
	case Get, BlockingGet:
		c.KVGet(id, op.Key, Query{MinIndex: op.MinIndex, Wait: op.Wait}, done)
	case List, Watch:
		c.KVList(id, op.Key, Query{MinIndex: op.MinIndex, Wait: op.Wait}, done)
	default:
		panic(fmt.Sprintf("testkit: cannot dispatch %v", op.Kind))
	}
}
