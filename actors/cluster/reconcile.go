package cluster

import (
	"maps"
	"slices"
	"time"
)

// Status of a member in the gossip pool (gossip's numbering).
type Status int

// Member statuses.
const (
	Alive   Status = 1
	Leaving Status = 2
	Left    Status = 3
	Failed  Status = 4
)

// Member is one agent of the pool, as the reconciler needs it.
type Member struct {
	Name      string
	ID        string // node ID
	Addr      string // IP
	DC        string
	Server    bool
	ReplicaID uint64 // servers
	Raft      string // servers: Raft address
	Status    Status
	Since     time.Time
}

// Tick is one reconciliation round's inputs.
type Tick struct {
	Now     time.Time
	Leader  bool   // this server leads the cluster
	Self    uint64 // this server's replica ID
	DC      string
	Members []Member
	Voters  map[uint64]string // Raft voters: replica ID -> Raft address
	// MinVoters: dead servers are removed only while this many voters
	// stay alive (bootstrap_expect): cleanup replaces, never shrinks.
	MinVoters int
	// SerfHealth is each catalog node's serfHealth status ("" when the
	// node or its check is absent).
	SerfHealth map[string]string
}

// Effects of a round.
type (
	// AddVoter adds a server to every Raft shard.
	AddVoter struct {
		ID   uint64
		Addr string
	}
	// RemoveVoter removes a server from every Raft shard.
	RemoveVoter struct{ ID uint64 }
	// RegisterMember (re)registers a member's node with serfHealth in
	// Status, and Output.
	RegisterMember struct {
		Member Member
		Status string
		Output string
	}
	// DeregisterNode removes a node that left.
	DeregisterNode struct{ Node string }
)

// Effect is one of the effect types above.
type Effect any

// Output texts of serfHealth, Consul's.
const (
	OutputAlive  = "Agent alive and reachable"
	OutputFailed = "Agent not live or unreachable"
)

// Reconciler is the pure behaviour: it keeps, between ticks, when each
// voter was first seen missing from the pool.
type Reconciler struct {
	// DeadServerAfter: how long a voter may be failed or missing before
	// it is removed (autopilot's cleanup of dead servers).
	DeadServerAfter time.Duration
	// KeepDead disables dead-server cleanup (autopilot's
	// cleanup_dead_servers = false).
	KeepDead bool
	missing  map[uint64]time.Time
}

// NewReconciler returns a behaviour removing dead servers after deadAfter.
func NewReconciler(deadAfter time.Duration) *Reconciler {
	return &Reconciler{DeadServerAfter: deadAfter, missing: map[uint64]time.Time{}}
}

// Handle computes the changes for one round. Only the leader changes
// anything.
func (r *Reconciler) Handle(t Tick) []Effect {
	if !t.Leader {
		clear(r.missing)
		return nil
	}
	var out []Effect
	if e := r.raft(t); e != nil {
		out = append(out, e)
	}
	return append(out, catalogChanges(t)...)
}

// raft returns at most one voter change.
func (r *Reconciler) raft(t Tick) Effect {
	byID := map[uint64]Member{}
	for _, m := range t.Members {
		if m.Server && m.DC == t.DC && m.ReplicaID != 0 {
			if prev, ok := byID[m.ReplicaID]; !ok || m.Since.After(prev.Since) {
				byID[m.ReplicaID] = m
			}
		}
	}
	// A voter that left gracefully goes first: it asked to.
	ids := slices.Sorted(maps.Keys(t.Voters))
	for _, id := range ids {
		if m, ok := byID[id]; ok && m.Status == Left && id != t.Self {
			return RemoveVoter{ID: id}
		}
	}
	// Alive servers that are not voters join.
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		m := byID[id]
		if _, voter := t.Voters[id]; !voter && m.Status == Alive && m.Raft != "" {
			return AddVoter{ID: id, Addr: m.Raft}
		}
	}
	// Dead servers: failed or missing for DeadServerAfter, if the rest
	// stay a quorum of the smaller configuration.
	alive := 0
	for _, id := range ids {
		if m, ok := byID[id]; ok && m.Status == Alive || id == t.Self {
			alive++
			delete(r.missing, id)
		} else if _, seen := r.missing[id]; !seen {
			r.missing[id] = t.Now
		}
	}
	for id := range r.missing {
		if _, voter := t.Voters[id]; !voter {
			delete(r.missing, id)
		}
	}
	for _, id := range ids {
		since, dead := r.missing[id]
		if r.KeepDead || !dead || t.Now.Sub(since) < r.DeadServerAfter {
			continue
		}
		if remaining := len(t.Voters) - 1; alive >= remaining/2+1 && alive >= t.MinVoters {
			delete(r.missing, id)
			return RemoveVoter{ID: id}
		}
	}
	return nil
}

// catalogChanges keeps serfHealth in line with the pool.
func catalogChanges(t Tick) []Effect {
	var out []Effect
	for _, m := range t.Members {
		if m.DC != t.DC {
			continue
		}
		have := t.SerfHealth[m.Name]
		switch m.Status {
		case Alive, Leaving:
			if have != "passing" {
				out = append(out, RegisterMember{Member: m, Status: "passing", Output: OutputAlive})
			}
		case Failed:
			if have != "critical" {
				out = append(out, RegisterMember{Member: m, Status: "critical", Output: OutputFailed})
			}
		case Left:
			if _, registered := t.SerfHealth[m.Name]; registered {
				out = append(out, DeregisterNode{Node: m.Name})
			}
		}
	}
	return out
}
