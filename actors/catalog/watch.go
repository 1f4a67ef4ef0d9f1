package catalog

import (
	"slices"
	"time"
)

// Replier receives an answer.
type Replier interface{ Reply(Result) }

// Result answers a parked query: the state to read and its index, and for
// a service scope the service's health view as of View.
type Result struct {
	View   View
	Index  uint64
	Health *Health
}

// Park blocks a query over Scope until its index passes MinIndex or
// Deadline. View and Now are stamped by the adapter.
type Park struct {
	Reply    Replier
	Scope    Scope
	MinIndex uint64
	Deadline time.Time
	Now      time.Time
	View     View
	done     bool
}

// Changed: an entry was applied; View includes it. Reset (after a
// snapshot restore) drops anything derived from earlier states.
type Changed struct {
	View  View
	Reset bool
}

// Expired fires at a parked query's deadline.
type Expired struct {
	Park *Park
	View View
}

// Cancel withdraws the parked query answering to Reply.
type Cancel struct{ Reply Replier }

// Reply is the effect of answering To.
type Reply struct {
	To     Replier
	Result Result
}

// Timer asks the adapter to deliver Expired{Park} at At.
type Timer struct {
	At   time.Time
	Park *Park
}

// Effect is Reply or Timer.
type Effect any

// Watches is the pure behaviour of the catalog watch actor.
type Watches struct {
	byScope map[Scope][]*Park
	n       int
}

// NewWatches returns an empty behaviour.
func NewWatches() *Watches { return &Watches{byScope: map[Scope][]*Park{}} }

// Parked counts parked queries.
func (w *Watches) Parked() int { return w.n }

// Handle applies one input and returns the effects to perform.
func (w *Watches) Handle(in any) []Effect {
	switch in := in.(type) {
	case *Park:
		if Index(in.View, in.Scope) > in.MinIndex || !in.Now.Before(in.Deadline) {
			return []Effect{Reply{in.Reply, Result{View: in.View, Index: Index(in.View, in.Scope)}}}
		}
		w.byScope[in.Scope] = append(w.byScope[in.Scope], in)
		w.n++
		return []Effect{Timer{At: in.Deadline, Park: in}}
	case Changed:
		var out []Effect
		// Sorted so that reply order never depends on map iteration.
		scopes := make([]Scope, 0, len(w.byScope))
		for s := range w.byScope {
			scopes = append(scopes, s)
		}
		slices.SortFunc(scopes, func(a, b Scope) int {
			if a.Kind != b.Kind {
				return int(a.Kind) - int(b.Kind)
			}
			switch {
			case a.Name < b.Name:
				return -1
			case a.Name > b.Name:
				return 1
			}
			return 0
		})
		for _, s := range scopes {
			idx := own(in.View, s)
			ps := w.byScope[s]
			kept := ps[:0]
			for _, p := range ps {
				if idx > p.MinIndex {
					p.done = true
					w.n--
					out = append(out, Reply{p.Reply, Result{View: in.View, Index: Index(in.View, s)}})
					continue
				}
				kept = append(kept, p)
			}
			clear(ps[len(kept):])
			w.set(s, kept)
		}
		return out
	case Expired:
		if in.Park.done {
			return nil
		}
		w.remove(in.Park)
		return []Effect{Reply{in.Park.Reply, Result{View: in.View, Index: Index(in.View, in.Park.Scope)}}}
	case Cancel:
		for _, ps := range w.byScope {
			for _, p := range ps {
				if p.Reply == in.Reply {
					w.remove(p)
					return nil
				}
			}
		}
	}
	return nil
}

func (w *Watches) set(s Scope, ps []*Park) {
	if len(ps) == 0 {
		delete(w.byScope, s)
		return
	}
	w.byScope[s] = ps
}

func (w *Watches) remove(p *Park) {
	p.done = true
	ps := w.byScope[p.Scope]
	if i := slices.Index(ps, p); i >= 0 {
		ps = slices.Delete(ps, i, i+1)
		w.n--
	}
	w.set(p.Scope, ps)
}
