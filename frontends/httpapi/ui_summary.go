package httpapi

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// The web UI's list views read summaries of the whole catalog
// (/v1/internal/ui/services and /v1/internal/ui/nodes). One summary is
// computed per catalog index in one pass over the view and shared by every
// request at that index; filtering and paging run per request over it.

// uiServiceJSON is one row of /v1/internal/ui/services: Consul's
// ServiceListingSummary fields that consuld has (Name, Kind, Datacenter,
// Tags, InstanceCount, Checks*), plus instance health counts, the number
// of nodes, the worst status and the service's own index.
type uiServiceJSON struct {
	Name              string
	Kind              string
	Datacenter        string
	Tags              []string
	InstanceCount     int
	NodeCount         int
	ChecksPassing     int
	ChecksWarning     int
	ChecksCritical    int
	InstancesPassing  int
	InstancesWarning  int
	InstancesCritical int
	Status            string // the worst instance status
	ModifyIndex       uint64 // the service's index: moves when anything it answers changes
}

// uiCheckRef names one check that is not passing.
type uiCheckRef struct {
	CheckID     string
	Name        string
	Status      string
	ServiceName string
}

// uiNodeJSON is one row of /v1/internal/ui/nodes: Consul's node fields,
// then counts instead of Consul's full service and check lists.
type uiNodeJSON struct {
	ID              string
	Node            string
	Address         string
	Datacenter      string
	TaggedAddresses map[string]string
	Meta            map[string]string
	ServiceCount    int
	ChecksPassing   int
	ChecksWarning   int
	ChecksCritical  int
	Status          string       // the worst status of every check on the node
	FailingChecks   []uiCheckRef // up to maxFailing checks that are not passing, worst first
	ModifyIndex     uint64       // the node's index: moves when anything on it changes
}

// maxFailing bounds FailingChecks (the counts say how many there are).
const maxFailing = 8

// uiSummary is the catalog summarised at one index. Rows are immutable
// once built; byName and byHealth hold the same rows in two orders.
type uiSummary struct {
	index            uint64
	services         []uiServiceJSON // by name
	servicesByHealth []uiServiceJSON // critical, warning, passing; then by name
	nodes            []uiNodeJSON    // by name
	nodesByHealth    []uiNodeJSON
}

// statusRank orders statuses worst last; anything unknown counts as
// critical, as Consul treats it.
func statusRank(s string) int {
	switch s {
	case catalog.Passing:
		return 0
	case catalog.Warning:
		return 1
	}
	return 2
}

var rankStatus = [3]string{catalog.Passing, catalog.Warning, catalog.Critical}

// tally counts checks by status and keeps the worst.
type tally struct {
	passing, warning, critical int
	worst                      int // statusRank
}

func (t *tally) add(status string) {
	r := statusRank(status)
	switch r {
	case 0:
		t.passing++
	case 1:
		t.warning++
	default:
		t.critical++
	}
	t.worst = max(t.worst, r)
}

// serviceAcc accumulates one service's row during the pass.
type serviceAcc struct {
	row      uiServiceJSON
	tags     tagUnion
	lastNode string
}

// tagUnion is an ordered set of tags: a slice while small, plus a map
// once large (a service can have thousands of instances with their own tags).
type tagUnion struct {
	list []string
	set  map[string]struct{}
}

func (u *tagUnion) add(t string) {
	if u.set != nil {
		if _, ok := u.set[t]; ok {
			return
		}
		u.set[t] = struct{}{}
		u.list = append(u.list, t)
		return
	}
	if slices.Contains(u.list, t) {
		return
	}
	u.list = append(u.list, t)
	if len(u.list) > 16 {
		u.set = make(map[string]struct{}, 2*len(u.list))
		for _, x := range u.list {
			u.set[x] = struct{}{}
		}
	}
}

// summarize builds the summary of v in one pass: node by node, that
// node's checks (grouped by service ID in a reused map), then its service
// instances, whose health is the worst of their own checks and the node's.
func summarize(v catalog.View, dc string, index uint64) *uiSummary {
	s := &uiSummary{index: index}
	accs := map[string]*serviceAcc{}
	bySvcID := map[string]tally{} // the current node's service checks, reused
	v.Nodes(func(n *events.Node) bool {
		var node tally // node-level checks only
		var all tally  // every check on the node
		var failing []uiCheckRef
		clear(bySvcID)
		v.NodeChecks(n.Node, func(ch *events.Check) bool {
			all.add(ch.Status)
			if r := statusRank(ch.Status); r > 0 {
				failing = append(failing, uiCheckRef{CheckID: ch.CheckId, Name: ch.Name, Status: rankStatus[r], ServiceName: ch.ServiceName})
			}
			if ch.ServiceId == "" {
				node.add(ch.Status)
				return true
			}
			t := bySvcID[ch.ServiceId]
			t.add(ch.Status)
			bySvcID[ch.ServiceId] = t
			return true
		})
		services := 0
		v.NodeServices(n.Node, func(in *events.Service) bool {
			services++
			acc := accs[in.Service]
			if acc == nil {
				acc = &serviceAcc{row: uiServiceJSON{Name: in.Service, Kind: in.Kind, Datacenter: dc}}
				accs[in.Service] = acc
			}
			r := &acc.row
			r.InstanceCount++
			if acc.lastNode != n.Node { // a node's instances are visited together
				r.NodeCount++
				acc.lastNode = n.Node
			}
			inst := node
			if own, ok := bySvcID[in.Id]; ok {
				inst.passing += own.passing
				inst.warning += own.warning
				inst.critical += own.critical
				inst.worst = max(inst.worst, own.worst)
			}
			r.ChecksPassing += inst.passing
			r.ChecksWarning += inst.warning
			r.ChecksCritical += inst.critical
			switch inst.worst {
			case 0:
				r.InstancesPassing++
			case 1:
				r.InstancesWarning++
			default:
				r.InstancesCritical++
			}
			for _, t := range in.Tags {
				acc.tags.add(t)
			}
			return true
		})
		slices.SortStableFunc(failing, func(a, b uiCheckRef) int { return statusRank(b.Status) - statusRank(a.Status) })
		if len(failing) > maxFailing {
			failing = failing[:maxFailing]
		} else if failing == nil {
			failing = []uiCheckRef{}
		}
		s.nodes = append(s.nodes, uiNodeJSON{ID: n.Id, Node: n.Node, Address: n.Address, Datacenter: dc,
			TaggedAddresses: n.TaggedAddresses, Meta: n.Meta, ServiceCount: services,
			ChecksPassing: all.passing, ChecksWarning: all.warning, ChecksCritical: all.critical,
			Status: rankStatus[all.worst], FailingChecks: failing, ModifyIndex: v.NodeIndex(n.Node)})
		return true
	})
	s.services = make([]uiServiceJSON, 0, len(accs))
	for _, acc := range accs {
		r := acc.row
		r.Tags = acc.tags.list
		if r.Tags == nil {
			r.Tags = []string{}
		}
		switch {
		case r.InstancesCritical > 0:
			r.Status = catalog.Critical
		case r.InstancesWarning > 0:
			r.Status = catalog.Warning
		default:
			r.Status = catalog.Passing
		}
		r.ModifyIndex = v.ServiceIndex(r.Name)
		s.services = append(s.services, r)
	}
	slices.SortFunc(s.services, func(a, b uiServiceJSON) int { return cmp.Compare(a.Name, b.Name) })
	s.servicesByHealth = slices.Clone(s.services)
	slices.SortStableFunc(s.servicesByHealth, func(a, b uiServiceJSON) int { return statusRank(b.Status) - statusRank(a.Status) })
	s.nodesByHealth = slices.Clone(s.nodes) // nodes come in name order
	slices.SortStableFunc(s.nodesByHealth, func(a, b uiNodeJSON) int { return statusRank(b.Status) - statusRank(a.Status) })
	return s
}

// uiMemo keeps the latest summary: every open UI tab wakes on the same
// change and reads the same summary, so it is built once (later callers
// wait for the first instead of building it again). Under constant churn
// a summary younger than uiReuse answers a query it is new enough for
// (its index passed the query's), so rebuilds stay a few per second
// however many tabs watch and however fast the catalog changes.
type uiMemo struct {
	mu   sync.Mutex
	last *uiSummary
	at   time.Time // when last was built
}

// uiReuse is how long a summary may answer for later indexes.
const uiReuse = 250 * time.Millisecond

// get returns a summary for a query that read v at index and asked for
// anything past minIndex: the one of index, or a recent one past minIndex.
// A summary for an older index (a stale read) does not replace a newer one.
func (m *uiMemo) get(v catalog.View, dc string, index, minIndex uint64, now time.Time) *uiSummary {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.last; l != nil && (l.index == index || (l.index > minIndex && l.index < index && now.Sub(m.at) < uiReuse)) {
		return l
	}
	s := summarize(v, dc, index)
	if m.last == nil || index > m.last.index {
		m.last, m.at = s, now
	}
	return s
}
