package kv

import (
	"slices"
	"testing"

	"github.com/consuld/consuld/events"
)

// sameButApplied fails unless after is before with only Applied moved to
// index: what a Rejected or Skipped event must leave behind.
func sameButApplied(t *testing.T, before, after *State, index uint64) {
	t.Helper()
	if after.Applied() != index {
		t.Fatalf("Applied = %d, want %d", after.Applied(), index)
	}
	if d := diffStatesOpt(after, before, true); d != "" {
		t.Fatalf("a refused event changed state:\n%s", d)
	}
	if after.TableIndex() != before.TableIndex() {
		t.Fatalf("TableIndex moved from %d to %d", before.TableIndex(), after.TableIndex())
	}
}

func wantEntry(t *testing.T, s *State, key string, want *events.Entry) {
	t.Helper()
	got, idx := s.Get(key)
	if !entryEqual(got, want) {
		t.Fatalf("Get(%q) = %s, want %s", key, fmtEntry(got), fmtEntry(want))
	}
	if idx != want.ModifyIndex {
		t.Fatalf("Get(%q) index %d, want ModifyIndex %d", key, idx, want.ModifyIndex)
	}
}

func wantMissing(t *testing.T, s *State, key string, index uint64) {
	t.Helper()
	got, idx := s.Get(key)
	if got != nil || idx != index {
		t.Fatalf("Get(%q) = %s@%d, want <nil>@%d", key, fmtEntry(got), idx, index)
	}
}

func TestApply(t *testing.T) {
	// Every case starts from setup applied at indexes 1, 2, ... (all must
	// be Applied), then applies ev at index and checks the outcome.
	cases := []struct {
		name  string
		base  func(t *testing.T) *State // default: Empty
		setup []events.Event
		index uint64
		ev    events.Event
		want  events.Outcome
		check func(t *testing.T, before, after *State)
	}{
		{
			name: "put creates", index: 5, ev: putFlags("a/b", "v", 42), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "a/b", &events.Entry{Key: "a/b", Value: []byte("v"), Flags: 42, CreateIndex: 5, ModifyIndex: 5})
				if s.TableIndex() != 5 || s.Applied() != 5 || s.Len() != 1 {
					t.Fatalf("table %d applied %d len %d", s.TableIndex(), s.Applied(), s.Len())
				}
			},
		},
		{
			name: "put with empty value", index: 3, ev: &events.KeyWritten{Key: "k"}, want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", CreateIndex: 3, ModifyIndex: 3})
			},
		},
		{
			name: "update keeps CreateIndex, replaces value and flags", setup: []events.Event{putFlags("k", "old", 7), put("other", "x")},
			index: 9, ev: putFlags("k", "new", 8), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("new"), Flags: 8, CreateIndex: 1, ModifyIndex: 9})
				if s.TableIndex() != 9 || s.Len() != 2 {
					t.Fatalf("table %d len %d", s.TableIndex(), s.Len())
				}
			},
		},
		{
			name: "update without flags clears flags", setup: []events.Event{putFlags("k", "old", 7)},
			index: 2, ev: put("k", "new"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("new"), CreateIndex: 1, ModifyIndex: 2})
			},
		},
		{
			name: "update keeps lock holder",
			base: func(t *testing.T) *State {
				return stateFrom(t, 10, 10, []*events.Entry{
					{Key: "lock", Value: []byte("held"), Flags: 1, CreateIndex: 4, ModifyIndex: 10, LockIndex: 3, Session: "sess-1"},
				}, nil)
			},
			index: 11, ev: putFlags("lock", "v2", 2), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "lock", &events.Entry{Key: "lock", Value: []byte("v2"), Flags: 2,
					CreateIndex: 4, ModifyIndex: 11, LockIndex: 3, Session: "sess-1"})
			},
		},
		{
			name: "cas 0 creates an absent key", index: 4, ev: cas("k", "v", 0), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("v"), CreateIndex: 4, ModifyIndex: 4})
			},
		},
		{
			name: "cas 0 creates a deleted key", setup: []events.Event{put("k", "v"), del("k")},
			index: 3, ev: cas("k", "again", 0), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("again"), CreateIndex: 3, ModifyIndex: 3})
			},
		},
		{
			name: "cas 0 rejected when present", setup: []events.Event{put("k", "v")},
			index: 2, ev: cas("k", "new", 0), want: events.OutcomeRejected,
		},
		{
			name: "cas N applied when ModifyIndex is N", setup: []events.Event{put("k", "v1"), put("x", "x"), put("k", "v2")},
			index: 4, ev: cas("k", "v3", 3), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("v3"), CreateIndex: 1, ModifyIndex: 4})
			},
		},
		{
			name: "cas N rejected on an older index", setup: []events.Event{put("k", "v1"), put("k", "v2"), put("k", "v3")},
			index: 4, ev: cas("k", "v4", 2), want: events.OutcomeRejected,
		},
		{
			name: "cas N rejected on a newer index", setup: []events.Event{put("k", "v1")},
			index: 3, ev: cas("k", "v3", 2), want: events.OutcomeRejected,
		},
		{
			name: "cas N rejected on the CreateIndex", setup: []events.Event{put("k", "v1"), put("x", "x"), put("k", "v2")},
			index: 4, ev: cas("k", "v3", 1), want: events.OutcomeRejected,
		},
		{
			name: "cas N rejected when absent", setup: []events.Event{put("other", "v")},
			index: 2, ev: cas("k", "v", 1), want: events.OutcomeRejected,
		},
		{
			name: "cas N rejected when deleted at N", setup: []events.Event{put("k", "v"), del("k")},
			index: 3, ev: cas("k", "v", 2), want: events.OutcomeRejected,
		},
		{
			name: "delete leaves a tombstone", setup: []events.Event{put("a/b", "v"), put("a/c", "w"), put("z", "z")},
			index: 8, ev: del("a/b"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantMissing(t, s, "a/b", 8)
				if s.Len() != 2 || s.TableIndex() != 8 || s.Applied() != 8 {
					t.Fatalf("len %d table %d applied %d", s.Len(), s.TableIndex(), s.Applied())
				}
				for p, want := range map[string]uint64{"": 8, "a": 8, "a/": 8, "a/b": 8, "a/c": 2, "z": 3, "nothing": 0} {
					if got := s.PrefixIndex(p); got != want {
						t.Errorf("PrefixIndex(%q) = %d, want %d", p, got, want)
					}
				}
			},
		},
		{
			name: "delete missing key skipped", setup: []events.Event{put("a", "v")},
			index: 2, ev: del("b"), want: events.OutcomeSkipped,
		},
		{
			name: "delete deleted key skipped", setup: []events.Event{put("a", "v"), del("a")},
			index: 3, ev: del("a"), want: events.OutcomeSkipped,
			check: func(t *testing.T, _, s *State) { wantMissing(t, s, "a", 2) },
		},
		{
			name: "cas delete of missing key skipped", index: 1, ev: delCAS("k", 5), want: events.OutcomeSkipped,
		},
		{
			name: "cas delete mismatch rejected", setup: []events.Event{put("k", "v1"), put("k", "v2")},
			index: 3, ev: delCAS("k", 1), want: events.OutcomeRejected,
		},
		{
			name: "cas delete with 0 on a present key rejected", setup: []events.Event{put("k", "v1")},
			index: 2, ev: delCAS("k", 0), want: events.OutcomeRejected,
		},
		{
			name: "cas delete match applied", setup: []events.Event{put("k", "v1"), put("k", "v2")},
			index: 3, ev: delCAS("k", 2), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) { wantMissing(t, s, "k", 3) },
		},
		{
			name: "recreate after delete starts a new life", setup: []events.Event{put("k", "v1"), del("k")},
			index: 3, ev: put("k", "v2"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantEntry(t, s, "k", &events.Entry{Key: "k", Value: []byte("v2"), CreateIndex: 3, ModifyIndex: 3})
				if len(tombstones(s)) != 0 {
					t.Fatalf("tombstones %v survive the recreate", tombstones(s))
				}
			},
		},
		{
			name: "prefix delete removes exactly the keys under it",
			setup: []events.Event{put("a", "1"), put("a/b", "2"), put("a/c/d", "3"), put("ab", "4"), put("b/a", "5"),
				put("a/", "6")},
			index: 10, ev: delTree("a/"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				if got := s.Keys("", ""); !slices.Equal(got, []string{"a", "ab", "b/a"}) {
					t.Fatalf("keys left %q", got)
				}
				for _, k := range []string{"a/", "a/b", "a/c/d"} {
					wantMissing(t, s, k, 10)
				}
				if s.TableIndex() != 10 || s.PrefixIndex("a/") != 10 || s.PrefixIndex("a/c/") != 10 ||
					s.PrefixIndex("ab") != 4 || s.PrefixIndex("b") != 5 {
					t.Fatalf("table %d, prefix a/ %d a/c/ %d ab %d b %d", s.TableIndex(), s.PrefixIndex("a/"),
						s.PrefixIndex("a/c/"), s.PrefixIndex("ab"), s.PrefixIndex("b"))
				}
			},
		},
		{
			name: "prefix delete of a partial segment", setup: []events.Event{put("app1", "1"), put("app10/x", "2"), put("ap", "3")},
			index: 4, ev: delTree("app1"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				if got := s.Keys("", ""); !slices.Equal(got, []string{"ap"}) {
					t.Fatalf("keys left %q", got)
				}
			},
		},
		{
			name: "prefix delete of everything", setup: []events.Event{put("a", "1"), put("b/c", "2")},
			index: 3, ev: delTree(""), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				if s.Len() != 0 || s.TableIndex() != 3 || s.PrefixIndex("") != 3 {
					t.Fatalf("len %d table %d prefix %d", s.Len(), s.TableIndex(), s.PrefixIndex(""))
				}
				wantMissing(t, s, "a", 3)
				wantMissing(t, s, "b/c", 3)
			},
		},
		{
			name: "prefix delete of nothing skipped", setup: []events.Event{put("a/b", "1"), del("a/b")},
			index: 3, ev: delTree("a/"), want: events.OutcomeSkipped,
		},
		{
			name: "prefix delete on an empty store skipped", index: 1, ev: delTree(""), want: events.OutcomeSkipped,
		},
		{
			name: "prefix delete keeps older tombstones", setup: []events.Event{put("a/x", "1"), del("a/x"), put("a/y", "2")},
			index: 4, ev: delTree("a/"), want: events.OutcomeApplied,
			check: func(t *testing.T, _, s *State) {
				wantMissing(t, s, "a/x", 2)
				wantMissing(t, s, "a/y", 4)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := Empty()
			if tc.base != nil {
				base = tc.base(t)
			}
			before := mustSeq(t, base, base.Applied()+1, tc.setup...)
			if tc.index <= before.Applied() {
				t.Fatalf("bad case: index %d not after setup (%d)", tc.index, before.Applied())
			}
			snap := snapshotBytes(t, before)
			after, got := applyOne(before, tc.index, tc.ev)
			if got != tc.want {
				t.Fatalf("Apply(%v) at %d = %v, want %v", tc.ev, tc.index, got, tc.want)
			}
			if after.Applied() != tc.index {
				t.Fatalf("Applied = %d, want %d", after.Applied(), tc.index)
			}
			if tc.want != events.OutcomeApplied {
				sameButApplied(t, before, after, tc.index)
			} else if after.TableIndex() != tc.index {
				t.Fatalf("TableIndex = %d after an applied event at %d", after.TableIndex(), tc.index)
			}
			if tc.check != nil {
				tc.check(t, before, after)
			}
			// The old state is untouched.
			old, err := ReadSnapshot(bytesReader(snap))
			if err != nil {
				t.Fatal(err)
			}
			requireEqualStates(t, before, old)
		})
	}
}

func TestKeys(t *testing.T) {
	s := mustSeq(t, Empty(), 1, put("a/b", "1"), put("a/c/d", "2"), put("a/c/e", "3"), put("b", "4"))
	more := mustSeq(t, s, 5, put("a/c", "5"), put("a/c-x", "6"), put("a/c0", "7"), put("a/", "8"),
		put("x::y::z", "9"), put("x::w", "10"), put("x:", "11"))
	for _, tc := range []struct {
		name        string
		s           *State
		prefix, sep string
		want        []string
	}{
		{"root folded", s, "", "/", []string{"a/", "b"}},
		{"prefix folded", s, "a/", "/", []string{"a/b", "a/c/"}},
		{"deeper prefix folded", s, "a/c/", "/", []string{"a/c/d", "a/c/e"}},
		{"no separator lists all", s, "", "", []string{"a/b", "a/c/d", "a/c/e", "b"}},
		{"prefix without separator", s, "a/c", "", []string{"a/c/d", "a/c/e"}},
		{"partial segment prefix", s, "a/c", "/", []string{"a/c/"}},
		{"no match", s, "zz", "/", nil},
		{"exact key as prefix", s, "b", "/", []string{"b"}},
		{"siblings around the separator stay apart", more, "a/", "/",
			[]string{"a/", "a/b", "a/c", "a/c-x", "a/c/", "a/c0"}},
		{"multi-byte separator", more, "x", "::", []string{"x:", "x::"}},
		{"multi-byte separator deeper", more, "x::", "::", []string{"x::w", "x::y::"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Keys(tc.prefix, tc.sep); !slices.Equal(got, tc.want) {
				t.Fatalf("Keys(%q, %q) = %q, want %q", tc.prefix, tc.sep, got, tc.want)
			}
		})
	}
}

func TestWalk(t *testing.T) {
	s := mustSeq(t, Empty(), 1, put("a/1", "1"), put("a/2", "2"), put("a/3", "3"), put("b", "4"))
	var got []string
	s.Walk("a/", func(e *events.Entry) bool {
		got = append(got, e.Key)
		return len(got) < 2
	})
	if !slices.Equal(got, []string{"a/1", "a/2"}) {
		t.Fatalf("Walk stopping after two = %q", got)
	}
	got = nil
	s.Walk("", func(e *events.Entry) bool { got = append(got, e.Key); return true })
	if !slices.Equal(got, []string{"a/1", "a/2", "a/3", "b"}) {
		t.Fatalf("Walk all = %q", got)
	}
}

func TestTableIndex(t *testing.T) {
	s := Empty()
	if s.TableIndex() != 0 || s.Applied() != 0 || s.Len() != 0 || s.PrefixIndex("") != 0 {
		t.Fatalf("empty state: table %d applied %d len %d", s.TableIndex(), s.Applied(), s.Len())
	}
	// index, event (nil: no-op), table index and applied index afterwards.
	for _, st := range []struct {
		index uint64
		ev    events.Event
		table uint64
	}{
		{1, put("a", "1"), 1},
		{2, nil, 1},                      // no-op entry
		{3, cas("a", "x", 0), 1},         // rejected
		{4, del("missing"), 1},           // skipped
		{5, delTree("missing/"), 1},      // skipped
		{6, delCAS("a", 99), 1},          // rejected
		{7, put("b", "2"), 7},            // applied
		{9, del("a"), 9},                 // applied, after a gap
		{10, &unknownEvent{}, 9},         // an event apply does not know
		{11, delTree(""), 11},            // applied
		{12, cas("c", "3", 0), 12},       // applied
		{13, cas("c", "3", 0), 12},       // rejected
		{14, put("c", "same value"), 14}, // applied
	} {
		var o events.Outcome
		s, o = applyOne(s, st.index, st.ev)
		if s.TableIndex() != st.table || s.Applied() != st.index {
			t.Fatalf("after %v at %d (%v): table %d applied %d, want table %d applied %d",
				st.ev, st.index, o, s.TableIndex(), s.Applied(), st.table, st.index)
		}
	}
}

// unknownEvent is an event type the kv apply does not handle.
type unknownEvent struct{ events.KeyDeleted }

func (*unknownEvent) EventType() events.Type { return 999 }

func TestApplyUnknownEventSkipped(t *testing.T) {
	s := mustSeq(t, Empty(), 1, put("a", "1"))
	after, o := applyOne(s, 2, &unknownEvent{})
	if o != events.OutcomeSkipped {
		t.Fatalf("unknown event: %v", o)
	}
	sameButApplied(t, s, after, 2)
}

func TestPrefixIndex(t *testing.T) {
	s := mustSeq(t, Empty(), 1, put("a/b", "1"), put("a/c", "2"), put("b/a", "3"), put("a/b", "4"))
	s, _ = applyOne(s, 7, del("a/c"))
	for p, want := range map[string]uint64{
		"": 7, "a": 7, "a/": 7, "a/b": 4, "a/c": 7, "a/c/": 0, "b": 3, "b/a": 3, "c": 0,
	} {
		if got := s.PrefixIndex(p); got != want {
			t.Errorf("PrefixIndex(%q) = %d, want %d", p, got, want)
		}
	}
}

// TestPurity applies the same events to the same state twice and checks the
// results agree and that every earlier State is still what it was.
func TestPurity(t *testing.T) {
	evs := []events.Event{
		put("a/b", "1"), putFlags("a/c", "2", 3), cas("a/b", "x", 1), del("a/c"), cas("n", "y", 0),
		delCAS("a/b", 1), delTree("a/"), put("a/b", "again"), delCAS("n", 5), del("missing"),
	}
	var states []*State
	var snaps [][]byte
	s := Empty()
	for i, ev := range evs {
		states = append(states, s)
		snaps = append(snaps, snapshotBytes(t, s))
		s, _ = applyOne(s, uint64(i+1), ev)
	}
	final := s

	// Replaying from every intermediate state gives the same result.
	for i, base := range states {
		again := base
		for j := i; j < len(evs); j++ {
			again, _ = applyOne(again, uint64(j+1), evs[j])
		}
		requireEqualStates(t, again, final)
	}
	// Applying one event twice to the same base gives equal states.
	for i, base := range states {
		x, ox := applyOne(base, uint64(i+1), evs[i])
		y, oy := applyOne(base, uint64(i+1), evs[i])
		if ox != oy {
			t.Fatalf("event %d: outcomes %v then %v", i, ox, oy)
		}
		requireEqualStates(t, x, y)
	}
	// No old State changed, and entries handed out are not rewritten.
	for i, base := range states {
		old, err := ReadSnapshot(bytesReader(snaps[i]))
		if err != nil {
			t.Fatal(err)
		}
		requireEqualStates(t, base, old)
	}
}

func TestEntriesNotMutated(t *testing.T) {
	s := mustSeq(t, Empty(), 1, putFlags("k", "v1", 1))
	e1, _ := s.Get("k")
	kept := *e1
	kept.Value = append([]byte(nil), e1.Value...)
	s2 := mustSeq(t, s, 2, putFlags("k", "v2", 2), delTree(""), put("k", "v3"))
	if !entryEqual(e1, &kept) {
		t.Fatalf("an Entry read at index 1 became %s", fmtEntry(e1))
	}
	if e, _ := s.Get("k"); e != e1 {
		t.Fatal("old State returns a different Entry")
	}
	wantEntry(t, s2, "k", &events.Entry{Key: "k", Value: []byte("v3"), CreateIndex: 4, ModifyIndex: 4})
}
