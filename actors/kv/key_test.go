package kv_test

import (
	"errors"
	"testing"
	"time"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const idleAfter = 5 * time.Second

// baseView: "a" written at 3, "gone" written at 2 and deleted at 4,
// "other" written at 5. Applied and table index 5.
func baseView() *fakeView {
	return emptyView().put(2, "gone", "x").put(3, "a", "va").del(4, "gone", true).put(5, "other", "vo")
}

func TestKeyGet(t *testing.T) {
	deadline := t0.Add(time.Minute)
	cases := []struct {
		name      string
		key       string
		get       kv.Get // Reply and Now are filled in
		wantIndex uint64
		wantValue string // "" with wantNil
		wantNil   bool
		wantPark  bool
	}{
		{name: "no MinIndex answers at once", key: "a", get: kv.Get{TableIndex: 5}, wantIndex: 3, wantValue: "va"},
		{name: "no MinIndex ignores the table index", key: "a", get: kv.Get{TableIndex: 99}, wantIndex: 3, wantValue: "va"},
		{name: "missing key reports the table index", key: "never", get: kv.Get{TableIndex: 5}, wantIndex: 5, wantNil: true},
		{name: "missing key reports at least 1", key: "never", get: kv.Get{TableIndex: 0}, wantIndex: 1, wantNil: true},
		{name: "deleted key reports the higher table index", key: "gone", get: kv.Get{TableIndex: 5}, wantIndex: 5, wantNil: true},
		{name: "deleted key reports its deletion over a stale table index", key: "gone", get: kv.Get{TableIndex: 1},
			wantIndex: 4, wantNil: true},
		{name: "MinIndex below the key's index answers at once", key: "a",
			get: kv.Get{MinIndex: 2, Deadline: deadline, TableIndex: 5}, wantIndex: 3, wantValue: "va"},
		{name: "MinIndex at the key's index parks", key: "a",
			get: kv.Get{MinIndex: 3, Deadline: deadline, TableIndex: 5}, wantPark: true},
		{name: "MinIndex above the key's index parks", key: "a",
			get: kv.Get{MinIndex: 40, Deadline: deadline, TableIndex: 5}, wantPark: true},
		{name: "deadline already passed answers at once", key: "a",
			get: kv.Get{MinIndex: 3, Deadline: t0, TableIndex: 5}, wantIndex: 3, wantValue: "va"},
		{name: "deleted key parks at its deletion index", key: "gone",
			get: kv.Get{MinIndex: 5, Deadline: deadline, TableIndex: 5}, wantPark: true},
		{name: "deleted key below its deletion index answers", key: "gone",
			get: kv.Get{MinIndex: 3, Deadline: deadline, TableIndex: 5}, wantIndex: 5, wantNil: true},
		{name: "missing key parks", key: "never",
			get: kv.Get{MinIndex: 5, Deadline: deadline, TableIndex: 5}, wantPark: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := kv.NewKey(tc.key, baseView(), idleAfter, t0)
			if k.Name() != tc.key {
				t.Fatalf("Name() = %q", k.Name())
			}
			r := &recorder{}
			g := tc.get
			g.Reply, g.Now = r, t0
			fx := k.Handle(g)
			if tc.wantPark {
				if len(fx) != 1 {
					t.Fatalf("effects %#v, want one Timer", fx)
				}
				tm, ok := fx[0].(kv.Timer)
				if !ok || !tm.At.Equal(g.Deadline) || tm.Watch == nil || tm.Watch.Reply != r ||
					tm.Watch.MinIndex != g.MinIndex || tm.Watch.Table != g.TableIndex {
					t.Fatalf("effect %#v, want Timer at %v for the watch", fx[0], g.Deadline)
				}
				if k.Idle() {
					t.Fatal("Idle with a parked watch")
				}
				return
			}
			res := oneReply(t, fx, r)
			if res.Index != tc.wantIndex || res.OK || res.Err != nil || res.View != nil {
				t.Fatalf("result %+v, want index %d", res, tc.wantIndex)
			}
			switch {
			case tc.wantNil && res.Entry != nil:
				t.Fatalf("entry %+v, want none", res.Entry)
			case !tc.wantNil && (res.Entry == nil || string(res.Entry.Value) != tc.wantValue || res.Entry.Key != tc.key):
				t.Fatalf("entry %+v, want %s=%q", res.Entry, tc.key, tc.wantValue)
			}
			if !k.Idle() {
				t.Fatal("not Idle after answering")
			}
		})
	}
}

// park parks a blocking Get on k and returns its watch.
func park(t *testing.T, k *kv.Key, r kv.Replier, minIndex, table uint64, deadline time.Time) *kv.Watch {
	t.Helper()
	fx := k.Handle(kv.Get{Reply: r, MinIndex: minIndex, Deadline: deadline, TableIndex: table, Now: t0})
	if len(fx) != 1 {
		t.Fatalf("Get(MinIndex %d): effects %#v, want a Timer", minIndex, fx)
	}
	tm, ok := fx[0].(kv.Timer)
	if !ok {
		t.Fatalf("Get(MinIndex %d): effect %#v, want a Timer", minIndex, fx[0])
	}
	return tm.Watch
}

func TestKeyChangedWakesPassedWatches(t *testing.T) {
	v := baseView()
	k := kv.NewKey("a", v, idleAfter, t0)
	deadline := t0.Add(time.Minute)
	low, mid, high := &recorder{name: "low"}, &recorder{name: "mid"}, &recorder{name: "high"}
	park(t, k, low, 3, 5, deadline)
	park(t, k, mid, 6, 5, deadline)
	park(t, k, high, 9, 5, deadline)

	// Another key changes: the key's index stays 3, nobody wakes.
	v = v.put(6, "other", "x")
	if fx := k.Handle(kv.Changed{Index: 6, View: v}); len(fx) != 0 {
		t.Fatalf("a change that left the key's index at 3 answered: %#v", fx)
	}
	// The key changes at 7: watches at 3 and 6 wake, 9 stays.
	v = v.put(7, "a", "v7")
	fx := k.Handle(kv.Changed{Index: 7, View: v})
	rs := replies(t, fx)
	if len(rs) != 2 || rs[0].To != low || rs[1].To != mid {
		t.Fatalf("woke %#v, want low and mid in parking order", fx)
	}
	for _, r := range rs {
		if r.Result.Entry == nil || string(r.Result.Entry.Value) != "v7" || r.Result.Index != 7 {
			t.Fatalf("woken with %+v, want v7 at 7", r.Result)
		}
	}
	if k.Idle() {
		t.Fatal("Idle with the high watch parked")
	}
	// The key is deleted at 10: the last watch wakes with no entry and the
	// highest of its table, the state's table and the deletion index.
	v = v.del(10, "a", true).put(11, "other", "y")
	res := oneReply(t, k.Handle(kv.Changed{Index: 11, View: v}), high)
	if res.Entry != nil || res.Index != 11 {
		t.Fatalf("woken by a delete with %+v, want no entry at 11", res)
	}
	if !k.Idle() {
		t.Fatal("not Idle after every watch woke")
	}
}

func TestKeyChangedMissingKey(t *testing.T) {
	v := baseView()
	k := kv.NewKey("new", v, idleAfter, t0)
	r := &recorder{}
	park(t, k, r, 5, 5, t0.Add(time.Minute))
	v = v.put(6, "new", "hello")
	res := oneReply(t, k.Handle(kv.Changed{Index: 6, View: v}), r)
	if res.Entry == nil || string(res.Entry.Value) != "hello" || res.Index != 6 {
		t.Fatalf("creation answered %+v", res)
	}
}

func TestKeyChangedAlreadySeenIgnored(t *testing.T) {
	v := baseView().advance(8) // hydrated from a state at 8
	k := kv.NewKey("a", v, idleAfter, t0)
	r := &recorder{}
	park(t, k, r, 3, 5, t0.Add(time.Minute))
	// A change the key already reflects (at or below 8) is ignored, even if
	// the view passed along says otherwise.
	for _, idx := range []uint64{7, 8} {
		if fx := k.Handle(kv.Changed{Index: idx, View: v.put(idx+100, "a", "late")}); len(fx) != 0 {
			t.Fatalf("Changed at %d (seen 8) answered %#v", idx, fx)
		}
	}
	res := oneReply(t, k.Handle(kv.Get{Reply: r, TableIndex: 8, Now: t0}), r)
	if string(res.Entry.Value) != "va" || res.Index != 3 {
		t.Fatalf("an ignored change replaced the entry: %+v", res)
	}
	// A later index is taken.
	v = v.put(9, "a", "v9")
	res = oneReply(t, k.Handle(kv.Changed{Index: 9, View: v}), r)
	if string(res.Entry.Value) != "v9" {
		t.Fatalf("Changed at 9 answered %+v", res)
	}
	// And 9 is now seen.
	if fx := k.Handle(kv.Changed{Index: 9, View: v.put(50, "a", "x")}); len(fx) != 0 {
		t.Fatalf("Changed at 9 twice answered %#v", fx)
	}
}

func TestKeyExpired(t *testing.T) {
	v := baseView()
	k := kv.NewKey("a", v, idleAfter, t0)
	r, other := &recorder{}, &recorder{}
	w := park(t, k, r, 3, 5, t0.Add(time.Minute))
	park(t, k, other, 3, 5, t0.Add(2*time.Minute))

	res := oneReply(t, k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Minute)}), r)
	if res.Entry == nil || string(res.Entry.Value) != "va" || res.Index != 3 {
		t.Fatalf("expired with %+v, want the current value at 3", res)
	}
	// Expiring again (a duplicate timer) answers nothing.
	if fx := k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Minute)}); len(fx) != 0 {
		t.Fatalf("second expiry answered %#v", fx)
	}
	// A later change wakes only the watch still parked.
	v = v.put(6, "a", "v6")
	oneReply(t, k.Handle(kv.Changed{Index: 6, View: v}), other)
	if !k.Idle() {
		t.Fatal("not Idle")
	}
}

func TestKeyExpiredAfterWake(t *testing.T) {
	v := baseView()
	k := kv.NewKey("a", v, idleAfter, t0)
	r := &recorder{}
	w := park(t, k, r, 3, 5, t0.Add(time.Minute))
	v = v.put(6, "a", "v6")
	oneReply(t, k.Handle(kv.Changed{Index: 6, View: v}), r)
	// The timer of a woken watch fires later: nothing more is sent.
	if fx := k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Minute)}); len(fx) != 0 {
		t.Fatalf("expiry of a woken watch answered %#v", fx)
	}
}

func TestKeyExpiredMissingKey(t *testing.T) {
	v := baseView()
	k := kv.NewKey("gone", v, idleAfter, t0)
	r := &recorder{}
	w := park(t, k, r, 5, 5, t0.Add(time.Minute))
	res := oneReply(t, k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Minute)}), r)
	if res.Entry != nil || res.Index != 5 {
		t.Fatalf("expired on a deleted key with %+v, want no entry at 5", res)
	}
}

func TestKeyWrite(t *testing.T) {
	errLeader := errors.New("no leader")
	for _, tc := range []struct {
		name    string
		outcome events.Outcome
		err     error
		wantOK  bool
	}{
		{"applied", events.OutcomeApplied, nil, true},
		{"rejected", events.OutcomeRejected, nil, false},
		{"skipped (delete of a missing key)", events.OutcomeSkipped, nil, true},
		{"error", 0, errLeader, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kv.NewKey("a", baseView(), idleAfter, t0)
			r := &recorder{}
			data := []byte("encoded event")
			fx := k.Handle(kv.Write{Reply: r, Data: data})
			if len(fx) != 1 {
				t.Fatalf("Write: effects %#v, want one Propose", fx)
			}
			p, ok := fx[0].(kv.Propose)
			if !ok || p.Reply != r || string(p.Data) != string(data) {
				t.Fatalf("Write: effect %#v, want Propose of the data", fx[0])
			}
			if k.Idle() {
				t.Fatal("Idle with a write in flight")
			}
			res := oneReply(t, k.Handle(kv.Proposed{Reply: r, Index: 9, Outcome: tc.outcome, Err: tc.err}), r)
			if res.Index != 9 || !errors.Is(res.Err, tc.err) || (tc.err == nil && res.Err != nil) {
				t.Fatalf("Proposed answered %+v", res)
			}
			// The client reads Err first; OK only matters without one.
			if tc.err == nil && res.OK != tc.wantOK {
				t.Fatalf("OK = %v for %v, want %v", res.OK, tc.outcome, tc.wantOK)
			}
			if !k.Idle() {
				t.Fatal("not Idle after the proposal came back")
			}
		})
	}
}

func TestKeyConcurrentWrites(t *testing.T) {
	k := kv.NewKey("a", baseView(), idleAfter, t0)
	r1, r2 := &recorder{}, &recorder{}
	k.Handle(kv.Write{Reply: r1, Data: []byte("1")})
	k.Handle(kv.Write{Reply: r2, Data: []byte("2")})
	// Outcomes come back in any order and go to their own writer.
	if res := oneReply(t, k.Handle(kv.Proposed{Reply: r2, Index: 7, Outcome: events.OutcomeRejected}), r2); res.OK {
		t.Fatal("rejected write answered OK")
	}
	if k.Idle() {
		t.Fatal("Idle with one write still in flight")
	}
	if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour)}); len(fx) != 0 {
		t.Fatalf("passivates with a write in flight: %#v", fx)
	}
	if res := oneReply(t, k.Handle(kv.Proposed{Reply: r1, Index: 6, Outcome: events.OutcomeApplied}), r1); !res.OK {
		t.Fatal("applied write answered !OK")
	}
	if !k.Idle() {
		t.Fatal("not Idle")
	}
}

func TestKeyIdleCheck(t *testing.T) {
	isPassivate := func(fx []kv.Effect) bool {
		if len(fx) == 0 {
			return false
		}
		_, ok := fx[0].(kv.Passivate)
		return len(fx) == 1 && ok
	}
	t.Run("idle long enough since hydration", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(idleAfter - time.Nanosecond)}); len(fx) != 0 {
			t.Fatalf("passivates early: %#v", fx)
		}
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(idleAfter)}); !isPassivate(fx) {
			t.Fatalf("IdleCheck after %v: %#v, want Passivate", idleAfter, fx)
		}
	})
	t.Run("a Get counts as activity", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		k.Handle(kv.Get{Reply: &recorder{}, TableIndex: 5, Now: t0.Add(3 * time.Second)})
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(6 * time.Second)}); len(fx) != 0 {
			t.Fatalf("passivates 3s after a Get: %#v", fx)
		}
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(8 * time.Second)}); !isPassivate(fx) {
			t.Fatalf("IdleCheck 5s after a Get: %#v, want Passivate", fx)
		}
	})
	t.Run("an IdleCheck is not activity", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		k.Handle(kv.IdleCheck{Now: t0.Add(4 * time.Second)})
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(idleAfter)}); !isPassivate(fx) {
			t.Fatalf("an earlier IdleCheck postponed passivation: %#v", fx)
		}
	})
	t.Run("pressure passivates an idle key at once", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		if fx := k.Handle(kv.IdleCheck{Now: t0, Pressure: true}); !isPassivate(fx) {
			t.Fatalf("IdleCheck under pressure: %#v, want Passivate", fx)
		}
		w := park(t, k, &recorder{}, 3, 5, t0.Add(time.Hour))
		if fx := k.Handle(kv.IdleCheck{Now: t0, Pressure: true}); len(fx) != 0 {
			t.Fatalf("pressure passivated a key with a parked watch: %#v", fx)
		}
		_ = w
	})
	t.Run("a parked watch keeps the key", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		w := park(t, k, &recorder{}, 3, 5, t0.Add(time.Hour))
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour)}); len(fx) != 0 {
			t.Fatalf("passivates with a parked watch: %#v", fx)
		}
		k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Hour)})
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour + idleAfter/2)}); len(fx) != 0 {
			t.Fatalf("passivates right after the expiry: %#v", fx)
		}
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour + idleAfter)}); !isPassivate(fx) {
			t.Fatalf("IdleCheck after the expiry: %#v, want Passivate", fx)
		}
	})
	t.Run("a write in flight keeps the key", func(t *testing.T) {
		k := kv.NewKey("a", baseView(), idleAfter, t0)
		r := &recorder{}
		k.Handle(kv.Write{Reply: r, Data: []byte("x")})
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour)}); len(fx) != 0 {
			t.Fatalf("passivates with a write in flight: %#v", fx)
		}
		k.Handle(kv.Proposed{Reply: r, Index: 6, Outcome: events.OutcomeApplied})
		if fx := k.Handle(kv.IdleCheck{Now: t0.Add(time.Hour)}); !isPassivate(fx) {
			t.Fatalf("IdleCheck after the write: %#v, want Passivate", fx)
		}
	})
}

// TestKeyReplierReceives runs effects the way the adapter does.
func TestKeyReplierReceives(t *testing.T) {
	v := baseView()
	k := kv.NewKey("a", v, idleAfter, t0)
	r := &recorder{}
	if rest := perform(k.Handle(kv.Get{Reply: r, TableIndex: 5, Now: t0})); len(rest) != 0 {
		t.Fatalf("left effects %#v", rest)
	}
	w := park(t, k, r, 3, 5, t0.Add(time.Second))
	perform(k.Handle(kv.Changed{Index: 6, View: v.put(6, "a", "b")}))
	perform(k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Second)}))
	if len(r.got) != 2 || r.got[0].Index != 3 || r.got[1].Index != 6 {
		t.Fatalf("replier got %+v, want answers at 3 then 6", r.got)
	}
}

func TestKeyCancel(t *testing.T) {
	v := baseView()
	k := kv.NewKey("a", v, idleAfter, t0)
	gone, stays := &recorder{}, &recorder{}
	w := park(t, k, gone, 3, 5, t0.Add(time.Minute))
	park(t, k, stays, 3, 5, t0.Add(time.Minute))
	if fx := k.Handle(kv.Cancel{Reply: gone}); len(fx) != 0 {
		t.Fatalf("Cancel answered %#v", fx)
	}
	// Cancelling again, or a query that is not parked, changes nothing.
	k.Handle(kv.Cancel{Reply: gone})
	k.Handle(kv.Cancel{Reply: &recorder{}})
	v = v.put(6, "a", "v6")
	oneReply(t, k.Handle(kv.Changed{Index: 6, View: v}), stays)
	if fx := k.Handle(kv.Expired{Watch: w, Now: t0.Add(time.Minute)}); len(fx) != 0 {
		t.Fatalf("expiry of a cancelled watch answered %#v", fx)
	}
	if !k.Idle() {
		t.Fatal("not Idle after the cancel and the wake")
	}
}
