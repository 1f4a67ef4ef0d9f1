package testkit

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Sim is a deterministic discrete-event simulator: a virtual clock, a
// seeded PCG random source and a queue of pending events ordered by virtual
// time, with seeded tie-breaking among events due at the same instant.
// Everything that happens in a simulation (message deliveries, proposal
// completions, timer firings, client think time) is an event scheduled
// through one Sim, so a seed fixes the whole interleaving: one seed replays
// exactly, different seeds explore different interleavings.
//
// The zero value with a Seed is ready to use. A Sim is single-threaded: it
// runs every event on the caller's goroutine, and nothing in it sleeps.
type Sim struct {
	Seed int64

	clock Clock
	rng   *rand.Rand
	queue eventQueue
	seq   uint64
	steps int
	trace Trace
	ready bool
}

// MaxSteps bounds Run: a simulation that has not drained after this many
// events is treated as livelocked.
const MaxSteps = 5_000_000

func (s *Sim) init() {
	if s.ready {
		return
	}
	s.ready = true
	s.clock.now = Epoch
	// The second PCG word is a fixed stream id, so seed N is the same
	// sequence everywhere.
	s.rng = rand.New(rand.NewPCG(uint64(s.Seed), 0x636f6e73756c64))
}

// Now is the current virtual time.
func (s *Sim) Now() time.Time { s.init(); return s.clock.Now() }

// Clock is the simulation's virtual clock.
func (s *Sim) Clock() *Clock { s.init(); return &s.clock }

// Rand is the simulation's seeded random source. Draw from it only inside
// the simulation (events, scenario setup), never from other goroutines.
func (s *Sim) Rand() *rand.Rand { s.init(); return s.rng }

// Trace is the transcript recorded so far.
func (s *Sim) Trace() *Trace { return &s.trace }

// Steps is the number of events run so far.
func (s *Sim) Steps() int { return s.steps }

// Pending is the number of events not yet run.
func (s *Sim) Pending() int { return len(s.queue) }

// Tracef appends a line to the trace, stamped with the current virtual time.
func (s *Sim) Tracef(format string, args ...any) {
	s.init()
	s.trace.add(stamp(s.clock.now), fmt.Sprintf(format, args...))
}

// At schedules fn at virtual time t (now, if t is in the past). what labels
// the event in the trace; pass "" when fn traces itself.
func (s *Sim) At(t time.Time, what string, fn func()) {
	s.init()
	if t.Before(s.clock.now) {
		t = s.clock.now
	}
	s.seq++
	s.queue.push(&event{at: t, tie: s.rng.Uint64(), seq: s.seq, what: what, fn: fn})
}

// After schedules fn d after now.
func (s *Sim) After(d time.Duration, what string, fn func()) {
	s.At(s.Now().Add(d), what, fn)
}

// Jitter draws a duration uniformly from [lo, hi].
func (s *Sim) Jitter(lo, hi time.Duration) time.Duration {
	s.init()
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)+1))
}

// Chance reports true with probability p.
func (s *Sim) Chance(p float64) bool {
	s.init()
	return p > 0 && s.rng.Float64() < p
}

// Step runs the next event and reports whether there was one.
func (s *Sim) Step() bool {
	s.init()
	if len(s.queue) == 0 {
		return false
	}
	e := s.queue.pop()
	s.clock.set(e.at)
	s.steps++
	if e.what != "" {
		s.trace.add(stamp(e.at), e.what)
	}
	e.fn()
	return true
}

// Run runs events until none is left. It fails if the simulation does not
// drain within MaxSteps events.
func (s *Sim) Run() error {
	for s.Step() {
		if s.steps >= MaxSteps {
			return fmt.Errorf("testkit: simulation did not drain after %d events (%d pending)", s.steps, len(s.queue))
		}
	}
	return nil
}

// RunUntil runs every event due at or before t, then sets the clock to t.
func (s *Sim) RunUntil(t time.Time) {
	s.init()
	for len(s.queue) > 0 && !s.queue.peek().at.After(t) {
		s.Step()
	}
	if t.After(s.clock.now) {
		s.clock.set(t)
	}
}

// Advance moves virtual time forward by d, running everything due on the way.
func (s *Sim) Advance(d time.Duration) { s.RunUntil(s.Now().Add(d)) }
