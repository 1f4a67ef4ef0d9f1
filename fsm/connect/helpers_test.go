package connect

import (
	"bytes"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/events"
)

// root is a valid root whose fields are all derived from id.
func root(id string) *events.CARoot {
	const cluster = "11111111-2222-3333-4444-555555555555"
	return &events.CARoot{Id: id, Name: "Consul CA Primary Cert", SerialNumber: 7, SigningKeyId: "sk:" + id,
		NotBefore: "2026-01-01T00:00:00Z", NotAfter: "2036-01-01T00:00:00Z",
		RootCertPem:    "-----BEGIN CERTIFICATE-----\n" + id + "\n-----END CERTIFICATE-----\n",
		SigningKeyPem:  "-----BEGIN EC PRIVATE KEY-----\n" + id + "\n-----END EC PRIVATE KEY-----\n",
		PrivateKeyType: "ec", PrivateKeyBits: 256, TrustDomain: cluster + ".consul", ExternalTrustDomain: cluster}
}

func initEv(id string) *events.CARootsInitialized {
	r := root(id)
	return &events.CARootsInitialized{Root: r, ClusterId: r.ExternalTrustDomain}
}

// apply applies evs one per index from first (nil: an entry without event)
// and returns the outcomes and the new state.
func apply(s *State, first uint64, evs ...events.Event) ([]events.Outcome, *State) {
	t := s.Txn()
	var out []events.Outcome
	for i, ev := range evs {
		idx := first + uint64(i)
		if ev == nil {
			t.Advance(idx)
			out = append(out, events.OutcomeSkipped)
			continue
		}
		out = append(out, t.Apply(idx, ev))
	}
	return out, t.Commit()
}

// tb is what helpers need of *testing.T, *testing.F and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func snapshotBytes(t tb, s *State) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSnapshot(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func roundTrip(t tb, s *State) *State {
	t.Helper()
	r, err := ReadSnapshot(bytes.NewReader(snapshotBytes(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// diff describes how two states differ ("" if they are equal).
func diff(a, b *State) string {
	if a.applied != b.applied || a.rootsIndex != b.rootsIndex || a.active != b.active ||
		a.trustDomain != b.trustDomain || a.clusterID != b.clusterID || len(a.roots) != len(b.roots) {
		return fmt.Sprintf("%+v\nvs %+v", *a, *b)
	}
	for i := range a.roots {
		if !proto.Equal(a.roots[i], b.roots[i]) {
			return fmt.Sprintf("root %d: %v\nvs %v", i, a.roots[i], b.roots[i])
		}
	}
	return ""
}

func requireEqual(t tb, got, want *State) {
	t.Helper()
	if d := diff(got, want); d != "" {
		t.Fatal(d)
	}
}

// invariants lists what is wrong with s.
func invariants(s *State) []string {
	var bad []string
	if len(s.roots) > 1 {
		bad = append(bad, "more than one root")
	}
	_, ok := s.ActiveRoot()
	if ok != (len(s.roots) == 1) || (s.active == "") != (len(s.roots) == 0) {
		bad = append(bad, "active root does not match roots")
	}
	for _, r := range s.roots {
		if !r.Active || r.CreateIndex != s.rootsIndex || r.ModifyIndex != s.rootsIndex || r.TrustDomain != s.trustDomain {
			bad = append(bad, fmt.Sprintf("root %s: active %v, indexes %d/%d (table %d), trust domain %q vs %q",
				r.Id, r.Active, r.CreateIndex, r.ModifyIndex, s.rootsIndex, r.TrustDomain, s.trustDomain))
		}
	}
	if s.rootsIndex > s.applied {
		bad = append(bad, "roots index past applied")
	}
	return bad
}
