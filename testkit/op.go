package testkit

import (
	"fmt"
	"time"

	"github.com/consuld/consuld/events"
)

// Kind is what a simulated client asked for.
type Kind uint8

const (
	Put         Kind = iota + 1 // PUT /v1/kv/k
	CASPut                      // PUT /v1/kv/k?cas=i
	Delete                      // DELETE /v1/kv/k
	CASDelete                   // DELETE /v1/kv/k?cas=i
	DeleteTree                  // DELETE /v1/kv/p?recurse
	Get                         // GET /v1/kv/k
	BlockingGet                 // GET /v1/kv/k?index=i&wait=w
	List                        // GET /v1/kv/p?recurse
	Watch                       // GET /v1/kv/p?recurse&index=i&wait=w
)

var kindNames = [...]string{"?", "put", "cas-put", "delete", "cas-delete", "delete-tree", "get", "blocking-get", "list", "watch"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// IsWrite reports whether the op proposes an event.
func (k Kind) IsWrite() bool { return k >= Put && k <= DeleteTree }

// OnPrefix reports whether Op.Key is a prefix rather than a key.
func (k Kind) OnPrefix() bool { return k == DeleteTree || k == List || k == Watch }

// Op is one client operation, its call and return in virtual time and the
// answer it got.
type Op struct {
	ID       int
	Client   int
	Kind     Kind
	Key      string // the key, or the prefix for DeleteTree, List and Watch
	Value    string // Put, CASPut: unique per op, so the log shows which write won
	CAS      uint64
	MinIndex uint64
	Wait     time.Duration

	Call         time.Time
	Return       time.Time
	CommitAtCall uint64 // the log's commit index when the op was called
	Done         bool
	Answer       Answer
}

// Name is the op's trace name.
func (o *Op) Name() string { return fmt.Sprintf("op%d", o.ID) }

// Event is the event a write op proposes (nil for reads).
func (o *Op) Event() events.Event {
	switch o.Kind {
	case Put:
		return &events.KeyWritten{Key: o.Key, Value: []byte(o.Value)}
	case CASPut:
		return &events.KeyWritten{Key: o.Key, Value: []byte(o.Value), Cas: true, CasIndex: o.CAS}
	case Delete:
		return &events.KeyDeleted{Key: o.Key}
	case CASDelete:
		return &events.KeyDeleted{Key: o.Key, Cas: true, CasIndex: o.CAS}
	case DeleteTree:
		return &events.PrefixDeleted{Prefix: o.Key}
	}
	return nil
}

// Blocking reports whether the op was a blocking query.
func (o *Op) Blocking() bool { return (o.Kind == BlockingGet || o.Kind == Watch) && o.MinIndex > 0 }

func (o *Op) String() string {
	s := fmt.Sprintf("%s c%d %s %q", o.Name(), o.Client, o.Kind, o.Key)
	switch o.Kind {
	case Put:
		s += fmt.Sprintf(" = %q", o.Value)
	case CASPut:
		s += fmt.Sprintf(" = %q cas=%d", o.Value, o.CAS)
	case CASDelete:
		s += fmt.Sprintf(" cas=%d", o.CAS)
	case BlockingGet, Watch:
		s += fmt.Sprintf(" min=%d wait=%v", o.MinIndex, o.Wait)
	}
	s += fmt.Sprintf(" [%s..", stamp(o.Call))
	if o.Done {
		s += stamp(o.Return)
	}
	s += "]"
	if !o.Done {
		return s + " pending"
	}
	a := o.Answer
	if a.Err != nil {
		return s + fmt.Sprintf(" -> err %v", a.Err)
	}
	return s + " -> " + describeResult(a.Result) + fmt.Sprintf(" (answered %s at commit %d)", stamp(a.At), a.Applied)
}
