package testkit

import (
	"fmt"
	"time"

	"github.com/consuld/consuld/actors/kv"
)

// Options configure a simulated kv server.
type Options struct {
	Log          LogOptions
	IdleAfter    time.Duration    // key actors passivate after this long without work
	MailboxDelay [2]time.Duration // scheduling delay before an actor handles its next message
	ClientDelay  [2]time.Duration // a reply's trip back to the client

	// TreeRace, when set, splits the prefix-watch actor's handling of a
	// message into two events, a delay drawn from [TreeRace[0], TreeRace[1]]
	// apart: stamping the view and running the behaviour, then publishing
	// the parked-watch count and performing effects. In production these
	// run on the actor's goroutine while dragonboat's apply goroutine calls
	// Router.Applied concurrently; the split lets the log apply (and route)
	// an entry in between.
	TreeRace [2]time.Duration

	// StaleReadLag, when > 0, deliberately breaks the read path: single-key
	// reads skip the read barrier and the key actor and are answered from
	// the state as it was StaleReadLag ago (a lagging follower). Only the
	// "the checker can fail" tests set it.
	StaleReadLag time.Duration

	// sabotage breaks one rule on purpose, so tests can show that the
	// checkers notice (see sabotage_test.go).
	sabotage sabotage
}

type sabotage uint8

const (
	sabotageNone        sabotage = iota
	sabotageDropChanged          // the router forgets to tell key actors about changes
	sabotageNoBlocking           // the facade drops MinIndex: blocking Gets answer at once
	sabotageForgetWrite          // the log acknowledges some writes it never appends
	sabotageStoreParked          // the tree adapter stores Parked() as the watch count (the fixed race)
)

func (o *Options) defaults() {
	o.Log.defaults()
	if o.IdleAfter <= 0 {
		o.IdleAfter = 200 * time.Millisecond
	}
	if o.MailboxDelay == [2]time.Duration{} {
		o.MailboxDelay = [2]time.Duration{10 * time.Microsecond, 500 * time.Microsecond}
	}
	if o.ClientDelay == [2]time.Duration{} {
		o.ClientDelay = [2]time.Duration{50 * time.Microsecond, time.Millisecond}
	}
}

// Cluster is one simulated consuld server's kv slice: the in-memory log
// (in place of dragonboat) and the live side — key actors created on demand
// and passivated when idle, one prefix-watch actor, and the routing between
// them that actors/kv.Router does in production. The behaviours are the
// production ones (kv.Key, kv.Tree); only their hosting is simulated.
type Cluster struct {
	sim *Sim
	o   Options
	log *Log

	keys     map[string]*keyActor // resident key actors (Router.shards)
	spawned  map[string]int       // incarnations per key, for trace names
	tree     *treeActor
	watching int64  // Router.watching
	table    uint64 // Router.table
	applied  uint64 // Router.applied
	repliers uint64 // repliers made so far

	violations  []string
	deadLetters int
}

// NewCluster builds a server on sim.
func NewCluster(sim *Sim, o Options) *Cluster {
	o.defaults()
	if o.sabotage == sabotageForgetWrite {
		o.Log.forgetProb = 0.03
	}
	c := &Cluster{sim: sim, o: o, keys: map[string]*keyActor{}, spawned: map[string]int{}}
	c.log = NewLog(sim, o.Log, c)
	c.tree = &treeActor{c: c, b: kv.NewTree()}
	c.tree.mb = &mailbox{c: c, name: "tree", receive: c.tree.receive}
	v := c.view()
	c.table, c.applied = v.TableIndex(), v.Applied()
	return c
}

// Sim is the simulation the cluster runs in.
func (c *Cluster) Sim() *Sim { return c.sim }

// Log is the cluster's replicated log.
func (c *Cluster) Log() *Log { return c.log }

// Resident is the number of key actors alive.
func (c *Cluster) Resident() int { return len(c.keys) }

// Violations are adapter-level contract breaches seen so far: a behaviour
// replying twice to one request, a write's outcome sent to a stopped
// actor, an effect the adapter does not know.
func (c *Cluster) Violations() []string { return c.violations }

// DeadLetters is the number of messages sent to stopped actors.
func (c *Cluster) DeadLetters() int { return c.deadLetters }

func (c *Cluster) view() kv.View { return c.log.State() }

func (c *Cluster) violation(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.sim.Tracef("VIOLATION %s", msg)
	c.violations = append(c.violations, stamp(c.sim.Now())+" "+msg)
}

// deadLetter records a message sent to a stopped actor. A timer for a
// watch that was already answered is harmless; a lost proposal outcome
// means a client never hears about its write.
func (c *Cluster) deadLetter(to string, msg any) {
	c.deadLetters++
	c.sim.Tracef("dead letter to %s: %s", to, describeMsg(msg))
	if _, ok := msg.(kv.Proposed); ok {
		c.violation("write outcome sent to stopped %s", to)
	}
}
