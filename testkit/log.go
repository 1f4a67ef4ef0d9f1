package testkit

import (
	"context"
	"fmt"
	"time"

	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
	fsmkv "github.com/consuld/consuld/fsm/kv"
)

// LogOptions shape the in-memory log's timing and faults.
type LogOptions struct {
	NetDelay       [2]time.Duration // one way, proposer <-> leader
	CommitDelay    [2]time.Duration // append -> committed on a quorum
	ProposeTimeout time.Duration    // the proposer's context deadline
	ElectionPause  [2]time.Duration // no leader for this long after a leader change

	DropProb    float64 // lost before reaching the leader: caller times out, never applied
	LateProb    float64 // delayed past the caller's timeout, then applied: ambiguous
	LostAckProb float64 // applied, but the answer is lost: caller times out, ambiguous
	// KeepProb is the chance that an appended, uncommitted entry survives
	// a leader change (the new leader had it) and commits later; its
	// proposer is told ErrNoLeader either way, so survival is ambiguous.
	KeepProb float64

	forgetProb float64 // sabotage: acknowledge without appending
}

func (o *LogOptions) defaults() {
	if o.NetDelay == [2]time.Duration{} {
		o.NetDelay = [2]time.Duration{100 * time.Microsecond, 2 * time.Millisecond}
	}
	if o.CommitDelay == [2]time.Duration{} {
		o.CommitDelay = [2]time.Duration{500 * time.Microsecond, 5 * time.Millisecond}
	}
	if o.ProposeTimeout <= 0 {
		o.ProposeTimeout = 500 * time.Millisecond
	}
	if o.ElectionPause == [2]time.Duration{} {
		o.ElectionPause = [2]time.Duration{150 * time.Millisecond, 600 * time.Millisecond}
	}
}

// Entry is one committed, applied log entry.
type Entry struct {
	Index   uint64
	Data    []byte
	Event   events.Event // nil if Data did not decode to a known event
	Outcome events.Outcome
	Term    uint64
	At      time.Time // virtual time it was applied and published
}

// ErrProposalTimeout is what a proposer sees when its proposal was not
// answered within LogOptions.ProposeTimeout (lost, late, or answer lost):
// its context's deadline, as with dragonboat.
var ErrProposalTimeout = fmt.Errorf("testkit: proposal timed out: %w", context.DeadlineExceeded)

type proposal struct {
	id       int
	data     []byte
	done     func(uint64, events.Outcome, error)
	finished bool
	lostAck  bool
}

type published struct {
	at    time.Time
	state *fsmkv.State
}

// Log is an in-memory replicated log of the kv shard, playing the Proposer
// role. Proposals are appended in the order they reach the leader,
// committed in batches, applied with the real pure fsm/kv Txn.Apply at
// consecutive indexes, the new State is published, and only then is the
// Sink told about each entry in index order — the order fsm/kv.SM.Update
// follows. Committed entries are never lost or reordered; a leader change
// fails pending proposals and pauses commits for an election.
//
// Unlike consensus.Proposer its calls are asynchronous (a callback instead
// of a blocking return), because the simulation runs on one goroutine.
type Log struct {
	sim     *Sim
	o       LogOptions
	sink    fsm.Sink
	leader  bool
	term    uint64
	nextID  int
	pending []*proposal // appended, not committed
	entries []Entry
	state   *fsmkv.State
	history []published
}

// NewLog returns an empty log with a leader, reporting to sink.
func NewLog(sim *Sim, o LogOptions, sink fsm.Sink) *Log {
	o.defaults()
	l := &Log{sim: sim, o: o, sink: sink, leader: true, term: 1, state: fsmkv.Empty()}
	l.history = append(l.history, published{sim.Now(), l.state})
	return l
}

// State is the latest published state.
func (l *Log) State() *fsmkv.State { return l.state }

// StateAt is the state that was current at virtual time t.
func (l *Log) StateAt(t time.Time) *fsmkv.State {
	s := l.history[0].state
	for _, p := range l.history {
		if p.at.After(t) {
			break
		}
		s = p.state
	}
	return s
}

// CommitIndex is the index of the last committed (and applied) entry.
func (l *Log) CommitIndex() uint64 { return uint64(len(l.entries)) }

// Entries are the committed entries, index i at position i-1.
func (l *Log) Entries() []Entry { return l.entries }

// Term is the current leader term.
func (l *Log) Term() uint64 { return l.term }

// HasLeader reports whether a leader is serving.
func (l *Log) HasLeader() bool { return l.leader }

func (l *Log) net() time.Duration { return l.sim.Jitter(l.o.NetDelay[0], l.o.NetDelay[1]) }

// Propose appends data to the log. done is called exactly once, from a
// later event: with the entry's index and outcome once it is applied, or
// with an error (timeout, no leader) — an error does not mean the entry
// was not applied.
func (l *Log) Propose(data []byte, done func(uint64, events.Outcome, error)) {
	l.nextID++
	p := &proposal{id: l.nextID, data: data, done: done, lostAck: l.sim.Chance(l.o.LostAckProb)}
	l.sim.After(l.o.ProposeTimeout, "", func() {
		if !p.finished {
			l.sim.Tracef("log: p%d timed out", p.id)
			l.finish(p, 0, 0, ErrProposalTimeout)
		}
	})
	switch {
	case l.sim.Chance(l.o.forgetProb):
		idx := l.CommitIndex() + 1
		l.sim.Tracef("log: p%d SABOTAGE acknowledged as %d, never appended", p.id, idx)
		l.sim.After(l.net(), "", func() { l.finish(p, idx, events.OutcomeApplied, nil) })
	case l.sim.Chance(l.o.DropProb):
		l.sim.Tracef("log: p%d will be lost", p.id)
	case l.sim.Chance(l.o.LateProb):
		d := l.o.ProposeTimeout + l.sim.Jitter(time.Millisecond, l.o.ProposeTimeout/2)
		l.sim.Tracef("log: p%d delayed %v", p.id, d)
		l.sim.After(d, "", func() { l.arrive(p) })
	default:
		l.sim.After(l.net(), "", func() { l.arrive(p) })
	}
}

func (l *Log) arrive(p *proposal) {
	if !l.leader {
		l.sim.Tracef("log: p%d reached no leader", p.id)
		l.sim.After(l.net(), "", func() { l.finish(p, 0, 0, noLeader()) })
		return
	}
	l.sim.Tracef("log: p%d appended term=%d", p.id, l.term)
	l.pending = append(l.pending, p)
	l.sim.After(l.sim.Jitter(l.o.CommitDelay[0], l.o.CommitDelay[1]), "", func() { l.commit(p) })
}

// commit commits every pending entry up to and including p, like a Raft
// commit index moving past p.
func (l *Log) commit(p *proposal) {
	if !l.leader {
		return
	}
	n := -1
	for i, q := range l.pending {
		if q == p {
			n = i + 1
			break
		}
	}
	if n < 0 {
		return // committed with an earlier batch, or discarded
	}
	batch := l.pending[:n:n]
	l.pending = l.pending[n:]
	l.apply(batch)
}

// apply mirrors fsm/kv.SM.Update: apply the batch in one Txn, publish the
// new state, then report every entry to the sink in index order.
func (l *Log) apply(batch []*proposal) {
	txn := l.state.Txn()
	first := len(l.entries)
	for _, p := range batch {
		e := Entry{Index: uint64(len(l.entries)) + 1, Data: p.data, Term: l.term, At: l.sim.Now()}
		ev, err := events.Decode(p.data)
		if err != nil {
			txn.Advance(e.Index)
			e.Outcome = events.OutcomeSkipped
		} else {
			e.Event = ev
			e.Outcome = txn.Apply(e.Index, ev)
		}
		l.entries = append(l.entries, e)
		l.sim.Tracef("log: commit %d p%d %s -> %s", e.Index, p.id, describeEvent(e.Event), e.Outcome)
	}
	l.state = txn.Commit()
	l.history = append(l.history, published{l.sim.Now(), l.state})
	for _, e := range l.entries[first:] {
		l.sink.Applied(events.ShardKV, e.Index, e.Event, e.Outcome)
	}
	for i, p := range batch {
		e := l.entries[first+i]
		if p.lostAck {
			l.sim.Tracef("log: p%d answer lost", p.id)
			continue
		}
		l.sim.After(l.net(), "", func() { l.finish(p, e.Index, e.Outcome, nil) })
	}
}

func (l *Log) finish(p *proposal, idx uint64, o events.Outcome, err error) {
	if p.finished {
		return
	}
	p.finished = true
	p.done(idx, o, err)
}

// Barrier calls done once local state includes every entry committed
// before the call (a read index round trip to the leader), or with an
// error if there is no leader.
func (l *Log) Barrier(done func(error)) {
	l.sim.After(l.net(), "", func() {
		if !l.leader {
			l.sim.After(l.net(), "", func() { done(noLeader()) })
			return
		}
		// The local replica applies at commit, so the read index is
		// already applied here; the answer only travels back.
		l.sim.After(l.net(), "", func() { done(nil) })
	})
}

// ChangeLeader deposes the leader: every pending proposal fails with
// ErrNoLeader (each uncommitted entry survives into the next term with
// KeepProb, and then commits after the election), committed entries stay,
// and no leader serves for an election pause.
func (l *Log) ChangeLeader() {
	if !l.leader {
		return
	}
	l.leader = false
	l.term++
	pause := l.sim.Jitter(l.o.ElectionPause[0], l.o.ElectionPause[1])
	l.sim.Tracef("log: leader lost, election for term %d takes %v", l.term, pause)
	var kept []*proposal
	for _, p := range l.pending {
		if l.sim.Chance(l.o.KeepProb) {
			l.sim.Tracef("log: p%d survives into term %d", p.id, l.term)
			kept = append(kept, p)
		} else {
			l.sim.Tracef("log: p%d discarded", p.id)
		}
		l.sim.After(l.net(), "", func() { l.finish(p, 0, 0, noLeader()) })
	}
	l.pending = kept
	l.sim.After(pause, "", func() {
		l.leader = true
		l.sim.Tracef("log: leader elected, term %d", l.term)
		if n := len(l.pending); n > 0 {
			last := l.pending[n-1]
			l.sim.After(l.sim.Jitter(l.o.CommitDelay[0], l.o.CommitDelay[1]), "", func() { l.commit(last) })
		}
	})
}

func noLeader() error { return fmt.Errorf("testkit: %w", consensus.ErrNoLeader) }
