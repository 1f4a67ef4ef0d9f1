package connect

import "github.com/consuld/consuld/events"

// State is one immutable version of the connect shard. Records it hands
// out are shared: callers must not modify them.
type State struct {
	roots       []*events.CARoot // in creation order; the slice is never written in place
	active      string           // ID of the active root, "" before bootstrap
	trustDomain string
	clusterID   string
	rootsIndex  uint64 // Consul's CA roots table index
	applied     uint64
}

// Empty returns the state of a new shard: no CA yet.
func Empty() *State { return &State{} }

// Applied is the Raft index this state includes.
func (s *State) Applied() uint64 { return s.applied }

// RootsIndex is the last index that changed the CA roots, or 0.
func (s *State) RootsIndex() uint64 { return s.rootsIndex }

// ActiveRootID is the ID of the active root ("" before bootstrap).
func (s *State) ActiveRootID() string { return s.active }

// TrustDomain is the SPIFFE trust domain ("<cluster id>.consul", "" before
// bootstrap).
func (s *State) TrustDomain() string { return s.trustDomain }

// ClusterID is the CA's cluster ID ("" before bootstrap).
func (s *State) ClusterID() string { return s.clusterID }

// ActiveRoot returns the active root, if the CA is bootstrapped.
func (s *State) ActiveRoot() (*events.CARoot, bool) {
	for _, r := range s.roots {
		if r.Id == s.active {
			return r, true
		}
	}
	return nil, false
}

// Roots calls fn for every trusted root in creation order until fn returns
// false.
func (s *State) Roots(fn func(*events.CARoot) bool) {
	for _, r := range s.roots {
		if !fn(r) {
			return
		}
	}
}
