package testkit

import (
	"container/heap"
	"time"
)

// event is one pending delivery: a message, a proposal completion, a timer.
type event struct {
	at   time.Time
	tie  uint64 // seeded: orders events due at the same instant
	seq  uint64 // scheduling order: makes the order total
	what string // trace label; "" for events that trace themselves
	fn   func()
}

// eventQueue is a min-heap by (at, tie, seq).
type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.seq < b.seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return e
}

func (q *eventQueue) push(e *event) { heap.Push(q, e) }
func (q *eventQueue) pop() *event   { return heap.Pop(q).(*event) }
func (q eventQueue) peek() *event   { return q[0] }
