package testkit

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// Grace bounds how long a change may take to reach a parked query: a
// change applied more than Grace before a query's deadline must wake it
// before the deadline, and a deadline answer may come at most Grace late.
// The simulation's delivery delays are well under a millisecond per hop.
const Grace = 100 * time.Millisecond

// Problems collects checker findings.
type Problems []string

func (p *Problems) add(op *Op, format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if op != nil {
		s = op.String() + ": " + s
	}
	*p = append(*p, s)
}

// CheckLiveness: the simulation drained, the adapters saw no contract
// breach, and every operation got exactly one answer.
func CheckLiveness(r *Run) Problems {
	var p Problems
	if r.Err != nil {
		p.add(nil, "%v", r.Err)
	}
	for _, v := range r.Cluster.Violations() {
		p.add(nil, "adapter: %s", v)
	}
	for _, op := range r.History {
		if !op.Done {
			p.add(op, "never answered")
		}
	}
	return p
}

// CheckWrites: every acknowledged write is in the log at the index it was
// told, with its own event and the outcome it was told, committed after it
// was called and applied before it was acknowledged; no write is in the
// log twice; and the FSM decided every outcome as the model does.
func CheckWrites(r *Run, m *Model) Problems {
	p := Problems(slices.Clone(m.Problems))
	entries := r.Cluster.log.Entries()
	seen := map[string]int{}
	for _, e := range entries {
		if w, ok := e.Event.(*events.KeyWritten); ok {
			seen[string(w.Value)]++
		}
	}
	for _, op := range r.History {
		if !op.Kind.IsWrite() || !op.Done {
			continue
		}
		if op.Value != "" && seen[op.Value] > 1 {
			p.add(op, "applied %d times", seen[op.Value])
		}
		if op.Answer.Err != nil {
			continue // ambiguous: may or may not be in the log
		}
		res := op.Answer.Result
		if res.Index == 0 || res.Index > uint64(len(entries)) {
			p.add(op, "acknowledged, but index %d is not in the log (length %d)", res.Index, len(entries))
			continue
		}
		e := entries[res.Index-1]
		switch {
		case !proto.Equal(e.Event, op.Event()):
			p.add(op, "entry %d is %s, not this write", e.Index, describeEvent(e.Event))
		case op.Kind != DeleteTree && res.OK != (e.Outcome != events.OutcomeRejected):
			p.add(op, "told ok=%v, but entry %d was %s", res.OK, e.Index, e.Outcome)
		case e.Index <= op.CommitAtCall:
			p.add(op, "entry %d was committed before the call (commit index %d)", e.Index, op.CommitAtCall)
		case op.Answer.At.Before(e.At):
			p.add(op, "acknowledged at %s, before entry %d was applied at %s", stamp(op.Answer.At), e.Index, stamp(e.At))
		}
	}
	return p
}

// CheckReads: every answered Get matches the model at some log position
// between the commit index at its call (reads are linearizable) and the
// commit index when it was answered; every answered listing is a state in
// that window, with the listing and X-Consul-Index the model gives for it;
// and one client's successive indexes for one key or prefix never go back.
func CheckReads(r *Run, m *Model) Problems {
	var p Problems
	type stream struct {
		client int
		key    string
		list   bool
	}
	last := map[stream]uint64{}
	for _, op := range r.History {
		if !op.Done || op.Answer.Err != nil || op.Kind.IsWrite() {
			continue
		}
		lo, hi, res := op.CommitAtCall, op.Answer.Applied, op.Answer.Result
		switch op.Kind {
		case Get, BlockingGet:
			vs := m.Window(op.Key, lo, hi)
			if !slices.ContainsFunc(vs, func(v Version) bool { return matches(v, res, hi) }) {
				p.add(op, "matches no state of the key in log window [%d, %d]: %v", lo, hi, vs)
			}
		case List, Watch:
			checkListing(&p, op, m, lo, hi)
		}
		s := stream{op.Client, op.Key, op.Kind.OnPrefix()}
		if prev := last[s]; res.Index < prev {
			p.add(op, "index went back from %d to %d", prev, res.Index)
		}
		last[s] = max(last[s], res.Index)
	}
	return p
}

// matches reports whether a Get answer is key version v (read with the
// log applied up to hi).
func matches(v Version, res kv.Result, hi uint64) bool {
	if e := res.Entry; e != nil {
		return v.Exists && string(e.Value) == v.Value && e.Flags == v.Flags &&
			e.CreateIndex == v.CreateIndex && e.ModifyIndex == v.ModifyIndex && res.Index == e.ModifyIndex
	}
	return !v.Exists && res.Index >= max(v.Index, 1) && res.Index <= max(hi, 1)
}

func checkListing(p *Problems, op *Op, m *Model, lo, hi uint64) {
	res := op.Answer.Result
	if res.View == nil {
		p.add(op, "listing answered without a view")
		return
	}
	at := res.View.Applied()
	if at < lo || at > hi {
		p.add(op, "listed from the state at %d, outside the log window [%d, %d]", at, lo, hi)
	}
	if want := m.PrefixResultIndex(op.Key, at); res.Index != want {
		p.add(op, "index %d, model says %d at %d", res.Index, want, at)
	}
	want := m.Listing(op.Key, at)
	n := 0
	res.View.Walk(op.Key, func(e *events.Entry) bool {
		n++
		v, ok := want[e.Key]
		if !ok || string(e.Value) != v.Value || e.ModifyIndex != v.ModifyIndex || e.CreateIndex != v.CreateIndex {
			p.add(op, "listing at %d has %s=%q@%d, model has %v", at, e.Key, e.Value, e.ModifyIndex, v)
		}
		return true
	})
	if n != len(want) {
		p.add(op, "listing at %d has %d keys, model has %d", at, n, len(want))
	}
}

// CheckBlocking: a blocking query answered before its deadline was woken
// by a change to its own key (or under its own prefix) past its index and
// answers with that change — never by a change elsewhere (no spurious
// wake-ups); once such a change is applied, the answer comes within Grace
// unless the deadline is nearer (no lost or late wake-ups); and no query is
// answered more than Grace after its deadline. (A listing of a prefix
// nothing was ever written under reports the table index, as Consul does,
// so any write may answer it.)
func CheckBlocking(r *Run, m *Model) Problems {
	var p Problems
	for _, op := range r.History {
		if !op.Blocking() || !op.Done || op.Answer.Err != nil {
			continue
		}
		a := op.Answer
		i, dl := op.MinIndex, a.Deadline
		early := !dl.IsZero() && a.At.Before(dl) || dl.IsZero() // dl zero: answered at once
		var first Version
		var changed bool
		if op.Kind == BlockingGet {
			vs := m.ChangesAfter(op.Key, i)
			if len(vs) > 0 {
				first, changed = vs[0], true
			}
			if early && !slices.ContainsFunc(vs, func(v Version) bool { return v.From <= a.Applied && matches(v, a.Result, a.Applied) }) {
				p.add(op, "answered before its deadline without a change to the key past %d (spurious wake-up); changes after: %v", i, vs)
			}
		} else {
			first, changed = m.FirstPrefixChangeAfter(op.Key, i)
			woke := changed && first.From <= a.Applied
			empty := a.Result.View != nil && m.PrefixIndex(op.Key, a.Result.View.Applied()) == 0 // index is the table's
			if early && !woke && !empty {
				p.add(op, "answered before its deadline without a change under the prefix past %d (spurious wake-up)", i)
			}
		}
		if changed {
			checkWakeup(&p, op, first)
		}
		if early {
			if a.Result.Index <= i {
				p.add(op, "answered before its deadline with index %d, not past %d", a.Result.Index, i)
			}
			continue
		}
		if late := a.At.Sub(dl); late > Grace {
			p.add(op, "answered %v after its deadline %s", late, stamp(dl))
		}
	}
	return p
}

// checkWakeup: once a change past the query's index is applied (or, if it
// was applied before the call, once the query arrives), the answer is due
// within Grace — unless the deadline comes first.
func checkWakeup(p *Problems, op *Op, first Version) {
	a := op.Answer
	due := first.At
	if op.Call.After(due) {
		due = op.Call
	}
	due = due.Add(Grace)
	if !a.Deadline.IsZero() && !due.Before(a.Deadline) {
		return
	}
	if a.At.After(due) {
		p.add(op, "lost wake-up: change at index %d applied at %s, answered only at %s (deadline %s)",
			first.From, stamp(first.At), stamp(a.At), stamp(a.Deadline))
	}
}

// CheckDurability: every acknowledged successful put is in the committed
// log (whatever index it was told), the committed log never changes across
// leader changes, and the final state — as the FSM holds it and as the
// final reads saw it — is the model's.
func CheckDurability(r *Run, m *Model) Problems {
	var p Problems
	entries := r.Cluster.log.Entries()
	inLog := map[string]bool{}
	for _, e := range entries {
		if w, ok := e.Event.(*events.KeyWritten); ok && e.Outcome == events.OutcomeApplied {
			inLog[string(w.Value)] = true
		}
	}
	for _, op := range r.History {
		if (op.Kind == Put || op.Kind == CASPut) && op.Done && op.Answer.Err == nil && op.Answer.Result.OK && !inLog[op.Value] {
			p.add(op, "acknowledged write lost: no applied entry carries %q", op.Value)
		}
	}
	for _, lc := range r.LeaderChanges {
		for _, e := range lc.Committed {
			if e.Index > uint64(len(entries)) || !bytes.Equal(entries[e.Index-1].Data, e.Data) || entries[e.Index-1].Term != e.Term {
				p.add(nil, "entry %d committed before the leader change at %s changed or vanished", e.Index, stamp(lc.At))
			}
		}
	}
	st, n := r.Cluster.log.State(), m.Len()
	for _, k := range m.Keys() {
		want := m.At(k, n)
		e, idx := st.Get(k)
		got := Version{Exists: e != nil, Index: idx}
		if e != nil {
			got.Value, got.Flags, got.CreateIndex, got.ModifyIndex = string(e.Value), e.Flags, e.CreateIndex, e.ModifyIndex
		}
		if got.Exists != want.Exists || got.Value != want.Value || got.ModifyIndex != want.ModifyIndex || got.Index != want.Index {
			p.add(nil, "final state of %q: fsm has %v, model %v", k, got, want)
		}
	}
	final := len(r.Scenario.Workload.Clients) + 1
	for _, op := range r.History {
		if op.Client != final || !op.Done || op.Answer.Err != nil {
			continue
		}
		if want := m.At(op.Key, n); !matches(want, op.Answer.Result, n) {
			p.add(op, "final read, model has %v", want)
		}
	}
	return p
}
