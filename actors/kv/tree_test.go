package kv_test

import (
	"slices"
	"testing"
	"time"

	"github.com/consuld/consuld/actors/kv"
)

// treeView: a/b@2, a/b/c@3, a/c@4, b/x@5, a/x/y@6, c@7 (table 7).
func treeView() *fakeView {
	return emptyView().put(2, "a/b", "1").put(3, "a/b/c", "2").put(4, "a/c", "3").put(5, "b/x", "4").
		put(6, "a/x/y", "5").put(7, "c", "6")
}

// watchAt parks a watch on prefix at the prefix's current result index and
// returns it with its recorder.
func watchAt(t *testing.T, tr *kv.Tree, v kv.View, prefix string) (*kv.PrefixWatch, *recorder) {
	t.Helper()
	r := &recorder{name: prefix}
	w := &kv.PrefixWatch{Reply: r, Prefix: prefix, MinIndex: kv.PrefixResultIndex(v, prefix),
		Deadline: t0.Add(time.Minute), Now: t0, View: v}
	fx := tr.Handle(w)
	if len(fx) != 1 {
		t.Fatalf("watch %q: effects %#v, want a PrefixTimer", prefix, fx)
	}
	if tm, ok := fx[0].(kv.PrefixTimer); !ok || tm.Watch != w || !tm.At.Equal(w.Deadline) {
		t.Fatalf("watch %q: effect %#v, want a PrefixTimer at the deadline", prefix, fx[0])
	}
	return w, r
}

// wokenPrefixes lists the prefixes of the watches fx answered, checking each
// answer carries view and the prefix's result index in it.
func wokenPrefixes(t *testing.T, fx []kv.Effect, v kv.View) []string {
	t.Helper()
	var out []string
	for _, r := range replies(t, fx) {
		p := r.To.(*recorder).name
		if r.Result.View != v || r.Result.Index != kv.PrefixResultIndex(v, p) {
			t.Fatalf("watch %q answered %+v, want the change's view at index %d", p, r.Result, kv.PrefixResultIndex(v, p))
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func TestPrefixResultIndex(t *testing.T) {
	v := treeView().del(8, "a/c", true)
	for _, tc := range []struct {
		view   kv.View
		prefix string
		want   uint64
	}{
		{v, "", 8},
		{v, "a/", 8},
		{v, "a/b", 3},
		{v, "a/c", 8},
		{v, "b/", 5},
		{v, "nothing/", 8}, // never written: the table index
		{emptyView(), "", 1},
		{emptyView(), "x/", 1},
	} {
		if got := kv.PrefixResultIndex(tc.view, tc.prefix); got != tc.want {
			t.Errorf("PrefixResultIndex(%q) = %d, want %d", tc.prefix, got, tc.want)
		}
	}
}

func TestTreeWatchArrives(t *testing.T) {
	v := treeView()
	for _, tc := range []struct {
		name     string
		prefix   string
		minIndex uint64
		deadline time.Time
		wantPark bool
	}{
		{"index past MinIndex answers", "a/", 5, t0.Add(time.Minute), false},
		{"index equal to MinIndex parks", "a/", 6, t0.Add(time.Minute), true},
		{"MinIndex ahead of the state parks", "a/", 50, t0.Add(time.Minute), true},
		{"deadline passed answers", "a/", 6, t0, false},
		{"deadline passed long ago answers", "a/", 6, t0.Add(-time.Hour), false},
		{"unwritten prefix past MinIndex answers", "zz/", 6, t0.Add(time.Minute), false},
		{"unwritten prefix at the table index parks", "zz/", 7, t0.Add(time.Minute), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := kv.NewTree()
			r := &recorder{}
			w := &kv.PrefixWatch{Reply: r, Prefix: tc.prefix, MinIndex: tc.minIndex, Deadline: tc.deadline, Now: t0, View: v}
			fx := tr.Handle(w)
			if tc.wantPark {
				if len(fx) != 1 || tr.Parked() != 1 {
					t.Fatalf("effects %#v, parked %d: want one PrefixTimer", fx, tr.Parked())
				}
				if tm, ok := fx[0].(kv.PrefixTimer); !ok || tm.Watch != w || !tm.At.Equal(tc.deadline) {
					t.Fatalf("effect %#v, want PrefixTimer at %v", fx[0], tc.deadline)
				}
				return
			}
			res := oneReply(t, fx, r)
			if res.View != v || res.Index != kv.PrefixResultIndex(v, tc.prefix) {
				t.Fatalf("answered %+v, want the view at index %d", res, kv.PrefixResultIndex(v, tc.prefix))
			}
			if tr.Parked() != 0 {
				t.Fatalf("parked %d after answering", tr.Parked())
			}
		})
	}
}

func TestTreePrefixChanged(t *testing.T) {
	// Every case parks one watch per prefix (at the prefix's current index)
	// on treeView, applies a change and lists the watches that must wake.
	watched := []string{"", "a", "a/", "a/b", "a/b/", "a/b/c", "a/c", "a/x/", "b/", "c", "zz/"}
	base := treeView()
	for _, tc := range []struct {
		name   string
		change func(v *fakeView) (kv.PrefixChanged, *fakeView)
		want   []string
	}{
		{
			name: "write to a/b/c wakes its watched prefixes only",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.put(10, "a/b/c", "new")
				return kv.PrefixChanged{Key: "a/b/c", Index: 10, View: v}, v
			},
			want: []string{"", "a", "a/", "a/b", "a/b/", "a/b/c"},
		},
		{
			name: "new key a/b wakes prefixes of a/b, not a/b/",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.put(10, "a/b", "new")
				return kv.PrefixChanged{Key: "a/b", Index: 10, View: v}, v
			},
			want: []string{"", "a", "a/", "a/b"},
		},
		{
			name: "delete of a/c wakes through its tombstone",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.del(10, "a/c", true)
				return kv.PrefixChanged{Key: "a/c", Index: 10, View: v}, v
			},
			want: []string{"", "a", "a/", "a/c"},
		},
		{
			name: "prefix delete of a/ wakes prefixes above and below it",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.del(10, "a/", false)
				return kv.PrefixChanged{Key: "a/", IsPrefix: true, Index: 10, View: v}, v
			},
			want: []string{"", "a", "a/", "a/b", "a/b/", "a/b/c", "a/c", "a/x/"},
		},
		{
			name: "prefix delete of a/x/ wakes a/x/ and its parents",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.del(10, "a/x/", false)
				return kv.PrefixChanged{Key: "a/x/", IsPrefix: true, Index: 10, View: v}, v
			},
			want: []string{"", "a", "a/", "a/x/"},
		},
		{
			name: "restore (everything under \"\") wakes every prefix whose index moved",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.put(10, "a/b/c", "restored").put(11, "b/x", "restored")
				return kv.PrefixChanged{Key: "", IsPrefix: true, Index: 11, View: v}, v
			},
			// zz/ is unwritten: its index is the table index, which moved.
			want: []string{"", "a", "a/", "a/b", "a/b/", "a/b/c", "b/", "zz/"},
		},
		{
			name: "a touched prefix whose index did not move stays parked",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				// The change is reported for a/b/c, but the view is one
				// where nothing under it moved (e.g. already seen).
				v = v.advance(10)
				return kv.PrefixChanged{Key: "a/b/c", Index: 10, View: v}, v
			},
			want: nil,
		},
		{
			name: "change to an unwatched key",
			change: func(v *fakeView) (kv.PrefixChanged, *fakeView) {
				v = v.put(10, "d/e", "x")
				return kv.PrefixChanged{Key: "d/e", Index: 10, View: v}, v
			},
			want: []string{""},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := kv.NewTree()
			for _, p := range watched {
				watchAt(t, tr, base, p)
			}
			ch, v := tc.change(base)
			fx := tr.Handle(ch)
			if got := wokenPrefixes(t, fx, v); !slices.Equal(got, tc.want) {
				t.Fatalf("woke %q, want %q", got, tc.want)
			}
			if tr.Parked() != len(watched)-len(tc.want) {
				t.Fatalf("Parked() = %d, want %d", tr.Parked(), len(watched)-len(tc.want))
			}
			// The same change again wakes nobody: the woken are gone and the
			// rest did not pass their MinIndex.
			if fx := tr.Handle(ch); len(fx) != 0 {
				t.Fatalf("the same change twice answered %#v", fx)
			}
		})
	}
}

func TestTreeMinIndexAhead(t *testing.T) {
	v := treeView()
	tr := kv.NewTree()
	r := &recorder{name: "a/"}
	// A client that asks for an index ahead of the prefix's (e.g. taken from
	// another listing) parks until the prefix passes it.
	tr.Handle(&kv.PrefixWatch{Reply: r, Prefix: "a/", MinIndex: 12, Deadline: t0.Add(time.Minute), Now: t0, View: v})
	_, same := watchAt(t, tr, v, "a/")
	v = v.put(10, "a/q", "x")
	woken := replies(t, tr.Handle(kv.PrefixChanged{Key: "a/q", Index: 10, View: v}))
	if len(woken) != 1 || woken[0].To != same {
		t.Fatalf("change to 10 woke %#v, want only the watch at 6", woken)
	}
	if tr.Parked() != 1 {
		t.Fatalf("Parked() = %d, want 1", tr.Parked())
	}
	v = v.put(13, "a/q", "y")
	res := oneReply(t, tr.Handle(kv.PrefixChanged{Key: "a/q", Index: 13, View: v}), r)
	if res.Index != 13 || tr.Parked() != 0 {
		t.Fatalf("answered %+v, parked %d", res, tr.Parked())
	}
}

func TestTreePrefixExpired(t *testing.T) {
	v := treeView()
	tr := kv.NewTree()
	w, r := watchAt(t, tr, v, "a/")
	w2, r2 := watchAt(t, tr, v, "a/")
	w3, r3 := watchAt(t, tr, v, "b/")
	if tr.Parked() != 3 {
		t.Fatalf("Parked() = %d, want 3", tr.Parked())
	}
	later := v.put(8, "c", "x") // nothing under a/ moved
	res := oneReply(t, tr.Handle(kv.PrefixExpired{Watch: w, View: later}), r)
	if res.View != later || res.Index != 6 {
		t.Fatalf("expired with %+v, want the latest view at 6", res)
	}
	if tr.Parked() != 2 {
		t.Fatalf("Parked() = %d after an expiry, want 2", tr.Parked())
	}
	// A duplicate expiry answers nothing and counts nothing.
	if fx := tr.Handle(kv.PrefixExpired{Watch: w, View: later}); len(fx) != 0 || tr.Parked() != 2 {
		t.Fatalf("second expiry: %#v, parked %d", fx, tr.Parked())
	}
	// A change under a/ wakes the other a/ watch, not the expired one.
	later = later.put(9, "a/new", "x")
	woken := replies(t, tr.Handle(kv.PrefixChanged{Key: "a/new", Index: 9, View: later}))
	if len(woken) != 1 || woken[0].To != r2 {
		t.Fatalf("woke %#v, want only the unexpired a/ watch", woken)
	}
	// Its timer firing afterwards answers nothing.
	if fx := tr.Handle(kv.PrefixExpired{Watch: w2, View: later}); len(fx) != 0 || tr.Parked() != 1 {
		t.Fatalf("expiry of a woken watch: %#v, parked %d", fx, tr.Parked())
	}
	if len(r.got)+len(r2.got)+len(r3.got) != 0 {
		t.Fatal("the behaviour called a Replier itself")
	}
	// Performed like the adapter does, the last expiry reaches its Replier.
	if rest := perform(tr.Handle(kv.PrefixExpired{Watch: w3, View: later})); len(rest) != 0 {
		t.Fatalf("left effects %#v", rest)
	}
	if len(r3.got) != 1 || r3.got[0].Index != 5 || tr.Parked() != 0 {
		t.Fatalf("b/ got %+v, parked %d", r3.got, tr.Parked())
	}
}

func TestTreeCancel(t *testing.T) {
	v := treeView()
	tr := kv.NewTree()
	w, r := watchAt(t, tr, v, "a/")
	_, r2 := watchAt(t, tr, v, "a/")
	if fx := tr.Handle(kv.Cancel{Reply: r}); len(fx) != 0 || tr.Parked() != 1 {
		t.Fatalf("Cancel: %#v, parked %d", fx, tr.Parked())
	}
	// Cancelling again, or something never parked, changes nothing.
	tr.Handle(kv.Cancel{Reply: r})
	tr.Handle(kv.Cancel{Reply: &recorder{}})
	if tr.Parked() != 1 {
		t.Fatalf("Parked() = %d, want 1", tr.Parked())
	}
	v = v.put(10, "a/z", "x")
	woken := replies(t, tr.Handle(kv.PrefixChanged{Key: "a/z", Index: 10, View: v}))
	if len(woken) != 1 || woken[0].To != r2 {
		t.Fatalf("woke %#v, want only the watch not cancelled", woken)
	}
	if fx := tr.Handle(kv.PrefixExpired{Watch: w, View: v}); len(fx) != 0 || tr.Parked() != 0 {
		t.Fatalf("expiry of a cancelled watch: %#v, parked %d", fx, tr.Parked())
	}
}
