package catalog

import (
	"sync"

	"github.com/consuld/consuld/events"
)

// Health statuses, worst last.
const (
	Passing  = "passing"
	Warning  = "warning"
	Critical = "critical"
)

// Entry is one instance of a service with what decides its health: its
// node, and its own checks plus its node's checks (node checks first,
// then by check ID, as the catalog orders them).
type Entry struct {
	Node    *events.Node
	Service *events.Service
	Checks  []*events.Check
	Status  string // the worst status among Checks; passing when none
}

// Health is the health view of one service name at one catalog index: the
// answer a service aggregate precomputes and hands to every reader until
// its index moves. Entries are ordered by node name, then service ID.
// A Health is immutable once published; Memo lets readers (the HTTP and DNS
// frontends) attach encodings derived from it, computed once per index.
type Health struct {
	Name    string
	Index   uint64 // the service's own index (0 if never registered)
	Entries []Entry
	mu      sync.Mutex
	memo    map[any]any
}

// memoCap bounds what readers may attach to one Health (distinct query
// strings are caller-controlled); past it, Memo computes without storing.
const memoCap = 64

// Memo returns the value stored under key, computing it with build the
// first time. build runs outside the lock: concurrent first callers may
// each run it; the first stored result wins and every caller gets it.
func (h *Health) Memo(key any, build func() any) any {
	h.mu.Lock()
	v, ok := h.memo[key]
	h.mu.Unlock()
	if ok {
		return v
	}
	v = build()
	h.mu.Lock()
	defer h.mu.Unlock()
	if old, ok := h.memo[key]; ok {
		return old
	}
	if len(h.memo) < memoCap {
		if h.memo == nil {
			h.memo = map[any]any{}
		}
		h.memo[key] = v
	}
	return v
}

// Healthy reports whether e should be offered to clients: no critical
// check, and with onlyPassing no warning check either.
func (e *Entry) Healthy(onlyPassing bool) bool {
	switch e.Status {
	case Critical:
		return false
	case Warning:
		return !onlyPassing
	}
	return true
}

// HasTag reports whether the instance carries tag (case-insensitive, as
// Consul's DNS and health ?tag= filters compare).
func (e *Entry) HasTag(tag string) bool {
	for _, t := range e.Service.Tags {
		if equalFold(t, tag) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// ComputeHealth builds the health view of service name from v.
func ComputeHealth(v View, name string) *Health {
	h := &Health{Name: name, Index: v.ServiceIndex(name)}
	v.Instances(name, func(s *events.Service) bool {
		n, ok := v.Node(s.Node)
		if !ok {
			return true
		}
		e := Entry{Node: n, Service: s, Status: Passing}
		v.NodeChecks(s.Node, func(c *events.Check) bool {
			if c.ServiceId == "" || c.ServiceId == s.Id {
				e.Checks = append(e.Checks, c)
				e.Status = worse(e.Status, c.Status)
			}
			return true
		})
		h.Entries = append(h.Entries, e)
		return true
	})
	return h
}

// worse returns the worse of two statuses (unknown strings count as
// critical, as Consul treats anything not passing or warning).
func worse(a, b string) string {
	rank := func(s string) int {
		switch s {
		case Passing:
			return 0
		case Warning:
			return 1
		}
		return 2
	}
	if rank(b) > rank(a) {
		if rank(b) == 2 {
			return Critical
		}
		return b
	}
	return a
}
