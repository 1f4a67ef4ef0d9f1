package cluster

import (
	"reflect"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func srv(name string, id uint64, st Status) Member {
	return Member{Name: name, ID: name + "-id", Addr: "10.0.0.1", DC: "dc1", Server: true, ReplicaID: id, Raft: name + ":8300", Status: st, Since: t0}
}

func tick(now time.Time, voters map[uint64]string, health map[string]string, ms ...Member) Tick {
	return Tick{Now: now, Leader: true, Self: 1, DC: "dc1", Members: ms, Voters: voters, SerfHealth: health}
}

func allPassing(names ...string) map[string]string {
	h := map[string]string{}
	for _, n := range names {
		h[n] = "passing"
	}
	return h
}

func TestReconcileRaft(t *testing.T) {
	three := map[uint64]string{1: "a", 2: "b", 3: "c"}
	for _, tc := range []struct {
		name   string
		voters map[uint64]string
		ms     []Member
		after  time.Duration
		want   []Effect
	}{
		{"steady", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Alive)}, 0, nil},
		{"new server joins", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Alive), srv("d", 4, Alive)}, 0,
			[]Effect{AddVoter{ID: 4, Addr: "d:8300"}}},
		{"graceful leave is removed at once", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Left)}, 0,
			[]Effect{RemoveVoter{ID: 3}}},
		{"failed server waits", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Failed)}, time.Second, nil},
		{"failed server removed after the delay", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Failed)}, time.Hour,
			[]Effect{RemoveVoter{ID: 3}}},
		{"no removal without quorum", map[uint64]string{1: "a", 2: "b", 3: "c", 4: "d", 5: "e"},
			[]Member{srv("a", 1, Alive), srv("b", 2, Failed), srv("c", 3, Failed), srv("d", 4, Failed), srv("e", 5, Alive)}, time.Hour, nil},
		{"never shrinks below bootstrap_expect", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Failed)}, time.Hour, nil},
		{"replaced dead server removed", map[uint64]string{1: "a", 2: "b", 3: "c", 4: "d"},
			[]Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Failed), srv("d", 4, Alive)}, time.Hour, []Effect{RemoveVoter{ID: 3}}},
		{"never removes itself", map[uint64]string{1: "a"}, []Member{srv("a", 1, Left)}, time.Hour, nil},
		{"other datacenter ignored", three, []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Alive),
			{Name: "x", DC: "dc2", Server: true, ReplicaID: 9, Raft: "x:1", Status: Alive}}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReconciler(time.Minute)
			var names []string
			for _, m := range tc.ms {
				names = append(names, m.Name)
			}
			health := allPassing(names...)
			for _, m := range tc.ms {
				if m.Status == Failed {
					health[m.Name] = "critical"
				}
				if m.Status == Left {
					delete(health, m.Name)
				}
			}
			first, later := tick(t0, tc.voters, health, tc.ms...), tick(t0.Add(tc.after), tc.voters, health, tc.ms...)
			first.MinVoters, later.MinVoters = 3, 3
			if tc.name == "failed server removed after the delay" {
				first.MinVoters, later.MinVoters = 2, 2
			}
			r.Handle(first)
			got := r.Handle(later)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestReconcileKeepDead: with cleanup_dead_servers off, a dead server is
// never removed.
func TestReconcileKeepDead(t *testing.T) {
	r := NewReconciler(time.Minute)
	r.KeepDead = true
	voters := map[uint64]string{1: "a", 2: "b", 3: "c", 4: "d"}
	ms := []Member{srv("a", 1, Alive), srv("b", 2, Alive), srv("c", 3, Failed), srv("d", 4, Alive)}
	r.Handle(tick(t0, voters, nil, ms...))
	for _, f := range r.Handle(tick(t0.Add(time.Hour), voters, nil, ms...)) {
		if _, ok := f.(RemoveVoter); ok {
			t.Fatalf("removed a dead server with cleanup off: %v", f)
		}
	}
}

func TestReconcileCatalog(t *testing.T) {
	r := NewReconciler(time.Minute)
	client := Member{Name: "web-1", ID: "w", Addr: "10.0.0.9", DC: "dc1", Status: Alive}
	failed := Member{Name: "web-2", DC: "dc1", Status: Failed}
	left := Member{Name: "web-3", DC: "dc1", Status: Left}
	gone := Member{Name: "web-4", DC: "dc1", Status: Left}
	got := r.Handle(tick(t0, map[uint64]string{1: "a"}, map[string]string{"a": "passing", "web-2": "passing", "web-3": "critical"},
		srv("a", 1, Alive), client, failed, left, gone))
	want := []Effect{
		RegisterMember{Member: client, Status: "passing", Output: OutputAlive},
		RegisterMember{Member: failed, Status: "critical", Output: OutputFailed},
		DeregisterNode{Node: "web-3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	if fx := r.Handle(Tick{Leader: false, Members: []Member{client}}); fx != nil {
		t.Errorf("a follower acted: %v", fx)
	}
}
