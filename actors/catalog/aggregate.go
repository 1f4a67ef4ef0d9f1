package catalog

import "slices"

// Aggregate is the pure behaviour of one service name's aggregate actor.
// It owns the service's health view (recomputed only when the service's
// index moves) and parks the blocking queries that read the service
// (health and catalog service listings, service checks). Applied changes
// reach it only when they moved its service's index, so a change to one
// service never wakes, or costs anything for, the watchers of another.
// Inputs: *Park, Changed, Expired, Cancel. Effects: Reply, Timer.
type Aggregate struct {
	name   string
	health *Health
	parks  []*Park
}

// NewAggregate returns the behaviour for service name.
func NewAggregate(name string) *Aggregate { return &Aggregate{name: name} }

// Parked counts parked queries.
func (a *Aggregate) Parked() int { return len(a.parks) }

// current returns the health view as of v, recomputing it if the
// service's index moved since it was built.
func (a *Aggregate) current(v View) *Health {
	if a.health == nil || a.health.Index != v.ServiceIndex(a.name) {
		a.health = ComputeHealth(v, a.name)
	}
	return a.health
}

func (a *Aggregate) result(v View, s Scope) Result {
	return Result{View: v, Index: Index(v, s), Health: a.current(v)}
}

// Handle applies one input and returns the effects to perform.
func (a *Aggregate) Handle(in any) []Effect {
	switch in := in.(type) {
	case *Park:
		if Index(in.View, in.Scope) > in.MinIndex || !in.Now.Before(in.Deadline) {
			return []Effect{Reply{in.Reply, a.result(in.View, in.Scope)}}
		}
		a.parks = append(a.parks, in)
		return []Effect{Timer{At: in.Deadline, Park: in}}
	case Changed:
		if in.Reset {
			a.health = nil
		}
		idx := in.View.ServiceIndex(a.name)
		var out []Effect
		kept := a.parks[:0]
		for _, p := range a.parks {
			if idx > p.MinIndex {
				p.done = true
				out = append(out, Reply{p.Reply, a.result(in.View, p.Scope)})
				continue
			}
			kept = append(kept, p)
		}
		clear(a.parks[len(kept):])
		a.parks = kept
		return out
	case Expired:
		if in.Park.done {
			return nil
		}
		a.drop(in.Park)
		return []Effect{Reply{in.Park.Reply, a.result(in.View, in.Park.Scope)}}
	case Cancel:
		for _, p := range a.parks {
			if p.Reply == in.Reply {
				a.drop(p)
				return nil
			}
		}
	}
	return nil
}

func (a *Aggregate) drop(p *Park) {
	p.done = true
	if i := slices.Index(a.parks, p); i >= 0 {
		a.parks = slices.Delete(a.parks, i, i+1)
	}
}
