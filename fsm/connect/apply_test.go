package connect

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
)

func TestApply(t *testing.T) {
	noID := initEv("x")
	noID.Root.Id = ""
	noCert := initEv("x")
	noCert.Root.RootCertPem = ""
	noKey := initEv("x")
	noKey.Root.SigningKeyPem = ""
	noTD := initEv("x")
	noTD.Root.TrustDomain = ""
	noCluster := initEv("x")
	noCluster.ClusterId = ""
	preset := initEv("p")
	preset.Root.Active, preset.Root.CreateIndex, preset.Root.ModifyIndex = false, 99, 99

	tests := []struct {
		name       string
		evs        []events.Event // applied at 1, 2, ...
		want       []events.Outcome
		active     string
		rootsIndex uint64
	}{
		{name: "empty"},
		{name: "first root", evs: []events.Event{initEv("a")}, want: []events.Outcome{events.OutcomeApplied},
			active: "a", rootsIndex: 1},
		{name: "second initializer is skipped: the first wins",
			evs:    []events.Event{nil, initEv("a"), initEv("b"), initEv("a")},
			want:   []events.Outcome{events.OutcomeSkipped, events.OutcomeApplied, events.OutcomeSkipped, events.OutcomeSkipped},
			active: "a", rootsIndex: 2},
		{name: "nil root", evs: []events.Event{&events.CARootsInitialized{ClusterId: "c"}},
			want: []events.Outcome{events.OutcomeRejected}},
		{name: "no id", evs: []events.Event{noID}, want: []events.Outcome{events.OutcomeRejected}},
		{name: "no cert", evs: []events.Event{noCert}, want: []events.Outcome{events.OutcomeRejected}},
		{name: "no key", evs: []events.Event{noKey}, want: []events.Outcome{events.OutcomeRejected}},
		{name: "no trust domain", evs: []events.Event{noTD}, want: []events.Outcome{events.OutcomeRejected}},
		{name: "no cluster id", evs: []events.Event{noCluster}, want: []events.Outcome{events.OutcomeRejected}},
		{name: "rejected then valid", evs: []events.Event{noID, initEv("b")},
			want: []events.Outcome{events.OutcomeRejected, events.OutcomeApplied}, active: "b", rootsIndex: 2},
		{name: "caller's indexes and active flag are overwritten", evs: []events.Event{preset},
			want: []events.Outcome{events.OutcomeApplied}, active: "p", rootsIndex: 1},
		{name: "other shards' events are skipped", evs: []events.Event{&events.KeyDeleted{Key: "k"}},
			want: []events.Outcome{events.OutcomeSkipped}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, s := apply(Empty(), 1, tt.evs...)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("outcomes %v, want %v", got, tt.want)
			}
			if s.Applied() != uint64(len(tt.evs)) || s.ActiveRootID() != tt.active || s.RootsIndex() != tt.rootsIndex {
				t.Fatalf("applied %d active %q roots index %d", s.Applied(), s.ActiveRootID(), s.RootsIndex())
			}
			if bad := invariants(s); len(bad) > 0 {
				t.Fatalf("invariants: %q", bad)
			}
			r, ok := s.ActiveRoot()
			if ok != (tt.active != "") {
				t.Fatalf("ActiveRoot ok=%v", ok)
			}
			if ok {
				want := root(tt.active)
				want.Active, want.CreateIndex, want.ModifyIndex = true, tt.rootsIndex, tt.rootsIndex
				if !proto.Equal(r, want) {
					t.Fatalf("root %v\nwant %v", r, want)
				}
				if s.TrustDomain() != want.TrustDomain || s.ClusterID() != want.ExternalTrustDomain {
					t.Fatalf("trust domain %q cluster %q", s.TrustDomain(), s.ClusterID())
				}
			} else if s.TrustDomain() != "" || s.ClusterID() != "" {
				t.Fatalf("trust domain %q cluster %q before bootstrap", s.TrustDomain(), s.ClusterID())
			}
		})
	}
}

// TestApplyLeavesBaseAndEventAlone: states are immutable and the event's
// root is copied, not kept.
func TestApplyLeavesBaseAndEventAlone(t *testing.T) {
	base := Empty()
	ev := initEv("a")
	orig := proto.Clone(ev).(*events.CARootsInitialized)
	_, s := apply(base, 5, ev)
	requireEqual(t, base, Empty())
	if !proto.Equal(ev, orig) {
		t.Fatalf("event modified: %v", ev)
	}
	ev.Root.Name = "changed later"
	if r, _ := s.ActiveRoot(); r.Name != "Consul CA Primary Cert" {
		t.Fatalf("state shares the event's root: %q", r.Name)
	}
	_, s2 := apply(s, 6, initEv("b"))
	if s.Applied() != 5 || s2.Applied() != 6 || s2.ActiveRootID() != "a" {
		t.Fatalf("applied %d/%d active %q", s.Applied(), s2.Applied(), s2.ActiveRootID())
	}
	var n int
	s2.Roots(func(*events.CARoot) bool { n++; return true })
	if n != 1 {
		t.Fatalf("%d roots", n)
	}
}
