package kv

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Tree is the pure behaviour of the kv shard's prefix-watch actor: it parks
// blocking ?recurse and ?keys queries by prefix and wakes exactly those whose
// prefix a change touched and whose index moved past their MinIndex.
type Tree struct {
	byPrefix map[string][]*PrefixWatch
	n        int
}

// NewTree returns an empty prefix-watch behaviour.
func NewTree() *Tree { return &Tree{byPrefix: map[string][]*PrefixWatch{}} }

// PrefixWatch parks a listing query until prefix's index passes MinIndex.
// View is stamped by the adapter with the latest state when it arrives.
type PrefixWatch struct {
	Reply    Replier
	Prefix   string
	MinIndex uint64
	Deadline time.Time
	Now      time.Time
	View     View
	done     bool
}

// PrefixChanged: Key (or, with IsPrefix, every key under Key) changed at
// Index; View includes the change.
type PrefixChanged struct {
	Key      string
	IsPrefix bool
	Index    uint64
	View     View
}

// PrefixExpired fires when a parked watch's deadline passes.
type PrefixExpired struct {
	Watch *PrefixWatch
	View  View
}

// PrefixTimer asks the adapter to deliver PrefixExpired at At.
type PrefixTimer struct {
	At    time.Time
	Watch *PrefixWatch
}

// Parked is the number of parked prefix watches.
func (t *Tree) Parked() int { return t.n }

// Handle applies one input and returns the effects to perform.
func (t *Tree) Handle(in any) []Effect {
	switch in := in.(type) {
	case *PrefixWatch:
		idx := PrefixResultIndex(in.View, in.Prefix)
		if idx > in.MinIndex || !in.Now.Before(in.Deadline) {
			return []Effect{Reply{in.Reply, Result{View: in.View, Index: idx}}}
		}
		t.byPrefix[in.Prefix] = append(t.byPrefix[in.Prefix], in)
		t.n++
		return []Effect{PrefixTimer{At: in.Deadline, Watch: in}}
	case PrefixChanged:
		var out []Effect
		for _, p := range t.touched(in.Key, in.IsPrefix) {
			out = t.wake(p, in.View, out)
		}
		return out
	case Cancel:
		for _, ws := range t.byPrefix {
			for _, w := range ws {
				if w.Reply == in.Reply {
					t.remove(w)
					return nil
				}
			}
		}
	case PrefixExpired:
		w := in.Watch
		if w.done {
			return nil
		}
		t.remove(w)
		return []Effect{Reply{w.Reply, Result{View: in.View, Index: PrefixResultIndex(in.View, w.Prefix)}}}
	}
	return nil
}

// touched lists the watched prefixes a change to key (or prefix) affects:
// every watched prefix of key, and for a prefix deletion also every watched
// prefix under it.
func (t *Tree) touched(key string, isPrefix bool) []string {
	var out []string
	for i := 0; i <= len(key); i++ {
		if _, ok := t.byPrefix[key[:i]]; ok {
			out = append(out, key[:i])
		}
	}
	if isPrefix {
		// Sorted: reply order must not depend on map iteration order.
		for _, p := range slices.Sorted(maps.Keys(t.byPrefix)) {
			if len(p) > len(key) && strings.HasPrefix(p, key) {
				out = append(out, p)
			}
		}
	}
	return out
}

func (t *Tree) wake(prefix string, v View, out []Effect) []Effect {
	idx := PrefixResultIndex(v, prefix)
	ws := t.byPrefix[prefix]
	kept := ws[:0]
	for _, w := range ws {
		if idx > w.MinIndex {
			w.done = true
			t.n--
			out = append(out, Reply{w.Reply, Result{View: v, Index: idx}})
			continue
		}
		kept = append(kept, w)
	}
	clear(ws[len(kept):])
	if len(kept) == 0 {
		delete(t.byPrefix, prefix)
	} else {
		t.byPrefix[prefix] = kept
	}
	return out
}

func (t *Tree) remove(w *PrefixWatch) {
	w.done = true
	ws := t.byPrefix[w.Prefix]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			t.n--
			break
		}
	}
	if len(ws) == 0 {
		delete(t.byPrefix, w.Prefix)
	} else {
		t.byPrefix[w.Prefix] = ws
	}
}

// PrefixResultIndex is the X-Consul-Index of a listing of prefix: the last
// change under it, or the table index if nothing under it was ever written.
func PrefixResultIndex(v View, prefix string) uint64 {
	if idx := v.PrefixIndex(prefix); idx > 0 {
		return idx
	}
	return max(v.TableIndex(), 1)
}
