package actors

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/actors/connect"
	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/events"
)

// MaxKeyLen bounds KV key names (Consul has no explicit bound; Raft entries
// and URLs do, so consuld names one).
const MaxKeyLen = 2048

// Blocking-query bounds (Consul's).
const (
	DefaultWait = 5 * time.Minute
	MaxWait     = 10 * time.Minute
)

// Consistency is a read mode.
type Consistency int

const (
	Default    Consistency = iota // linearizable (stricter than Consul's default)
	Consistent                    // ?consistent: linearizable
	Stale                         // ?stale: local state, any server
)

// Query carries the options common to reads.
type Query struct {
	Consistency Consistency
	MinIndex    uint64        // ?index: block until the answer's index passes it
	Wait        time.Duration // ?wait: blocking bound (0: default)
}

// Meta describes an answer (the X-Consul-* headers).
type Meta struct {
	Index       uint64
	KnownLeader bool
	LastContact time.Duration
	Consistency string // effective: "consistent" or "stale"
}

// Cluster reports leadership; cmd implements it over the Raft host.
type Cluster interface {
	LeaderAddr() (string, bool)
	Peers(ctx context.Context) ([]string, error)
	LastContact() time.Duration
}

// Client is the facade frontends call.
type Client struct {
	kv       *kv.Router
	cat      *catalog.Watcher
	ca       *connect.Watcher // nil: Connect is disabled
	local    *local.Agent
	prop     consensus.Proposer
	cluster  Cluster
	maxValue int
}

// NewClient wires the facade.
func NewClient(r *kv.Router, prop consensus.Proposer, c Cluster, maxValue int) *Client {
	return &Client{kv: r, prop: prop, cluster: c, maxValue: maxValue}
}

// MaxValueSize is limits.kv_max_value_size.
func (c *Client) MaxValueSize() int { return c.maxValue }

// ValidateKey rejects key names consuld will not store.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return ErrMissingKey
	case len(key) > MaxKeyLen:
		return ErrKeyTooLong
	case strings.IndexByte(key, 0) >= 0:
		return ErrKeyNUL
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == ".." || seg == "." {
			return ErrKeyDotDot
		}
	}
	return nil
}

func (c *Client) meta(q Query, index uint64) Meta {
	_, known := c.cluster.LeaderAddr()
	m := Meta{Index: index, KnownLeader: known, Consistency: "consistent"}
	if q.Consistency == Stale {
		m.Consistency = "stale"
		m.LastContact = c.cluster.LastContact()
	}
	return m
}

// readPoint makes the following local read linearizable unless stale.
func (c *Client) readPoint(ctx context.Context, q Query) error {
	if q.Consistency == Stale {
		return nil
	}
	if err := c.prop.Barrier(ctx, events.ShardKV); err != nil {
		return mapErr(err)
	}
	return nil
}

func deadline(q Query) time.Time {
	w := q.Wait
	if w <= 0 {
		w = DefaultWait
	}
	w = min(w, MaxWait)
	if j := int64(w / 16); j > 0 {
		w += time.Duration(rand.Int64N(j))
	}
	return time.Now().Add(w)
}

// KVGet reads one key; a nil entry means the key does not exist.
func (c *Client) KVGet(ctx context.Context, key string, q Query) (*events.Entry, Meta, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Meta{}, err
	}
	if err := c.readPoint(ctx, q); err != nil {
		return nil, Meta{}, err
	}
	reply := newReply()
	g := kv.Get{Reply: reply, MinIndex: q.MinIndex, TableIndex: c.kv.TableIndex()}
	if q.MinIndex > 0 {
		g.Deadline = deadline(q)
	}
	c.kv.Get(key, g)
	res, err := reply.wait(ctx)
	if err != nil {
		if g.MinIndex > 0 {
			c.kv.CancelGet(key, reply)
		}
		return nil, Meta{}, err
	}
	return res.Entry, c.meta(q, res.Index), nil
}

// KVList reads every entry under prefix (?recurse).
func (c *Client) KVList(ctx context.Context, prefix string, q Query) ([]*events.Entry, Meta, error) {
	v, m, err := c.listView(ctx, prefix, q)
	if err != nil {
		return nil, m, err
	}
	var out []*events.Entry
	v.Walk(prefix, func(e *events.Entry) bool { out = append(out, e); return true })
	return out, m, nil
}

// KVKeys lists key names under prefix, folded at sep when sep is set (?keys).
func (c *Client) KVKeys(ctx context.Context, prefix, sep string, q Query) ([]string, Meta, error) {
	v, m, err := c.listView(ctx, prefix, q)
	if err != nil {
		return nil, m, err
	}
	return v.Keys(prefix, sep), m, nil
}

func (c *Client) listView(ctx context.Context, prefix string, q Query) (kv.View, Meta, error) {
	if err := c.readPoint(ctx, q); err != nil {
		return nil, Meta{}, err
	}
	v := c.kv.View()
	idx := kv.PrefixResultIndex(v, prefix)
	if q.MinIndex == 0 || idx > q.MinIndex {
		return v, c.meta(q, idx), nil
	}
	reply := newReply()
	c.kv.Watch(&kv.PrefixWatch{Reply: reply, Prefix: prefix, MinIndex: q.MinIndex, Deadline: deadline(q)})
	res, err := reply.wait(ctx)
	if err != nil {
		c.kv.CancelWatch(reply)
		return nil, Meta{}, err
	}
	return res.View, c.meta(q, res.Index), nil
}

// PutOptions are the optional parts of a KV write.
type PutOptions struct {
	Flags uint64
	CAS   *uint64 // check-and-set index; 0 means "only if absent"
}

// KVPut writes a key; false means a check-and-set did not match.
func (c *Client) KVPut(ctx context.Context, key string, value []byte, o PutOptions) (bool, error) {
	if err := ValidateKey(key); err != nil {
		return false, err
	}
	if len(value) > c.maxValue {
		return false, &ValueTooLargeError{Size: len(value), Max: c.maxValue}
	}
	ev := &events.KeyWritten{Key: key, Value: value, Flags: o.Flags}
	if o.CAS != nil {
		ev.Cas, ev.CasIndex = true, *o.CAS
	}
	return c.write(ctx, key, ev)
}

// KVDelete deletes one key; false means a check-and-set did not match.
func (c *Client) KVDelete(ctx context.Context, key string, cas *uint64) (bool, error) {
	if err := ValidateKey(key); err != nil {
		return false, err
	}
	ev := &events.KeyDeleted{Key: key}
	if cas != nil {
		ev.Cas, ev.CasIndex = true, *cas
	}
	return c.write(ctx, key, ev)
}

// KVDeleteTree deletes every key under prefix ("" deletes everything).
// It is proposed directly: no single key actor owns a prefix.
func (c *Client) KVDeleteTree(ctx context.Context, prefix string) (bool, error) {
	data, err := events.Encode(&events.PrefixDeleted{Prefix: prefix})
	if err != nil {
		return false, err
	}
	if _, _, err := c.prop.Propose(ctx, events.ShardKV, data); err != nil {
		return false, mapErr(err)
	}
	return true, nil
}

func (c *Client) write(ctx context.Context, key string, ev events.Event) (bool, error) {
	data, err := events.Encode(ev)
	if err != nil {
		return false, err
	}
	reply := newReply()
	c.kv.Write(key, kv.Write{Reply: reply, Data: data})
	res, err := reply.wait(ctx)
	if err != nil {
		return false, err
	}
	if res.Err != nil {
		return false, mapErr(res.Err)
	}
	return res.OK, nil
}

// Leader is the address of the current leader ("" if none).
func (c *Client) Leader() string {
	a, _ := c.cluster.LeaderAddr()
	return a
}

// Peers lists the voting servers' addresses.
func (c *Client) Peers(ctx context.Context) ([]string, error) { return c.cluster.Peers(ctx) }

func mapErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return ErrTimeout
	}
	if errors.Is(err, consensus.ErrNoLeader) {
		return ErrNoLeader
	}
	return err
}

// reply is a one-shot channel Replier.
type reply chan kv.Result

func newReply() reply { return make(reply, 1) }

func (r reply) Reply(res kv.Result) { r <- res }

func (r reply) wait(ctx context.Context) (kv.Result, error) {
	select {
	case res := <-r:
		return res, nil
	case <-ctx.Done():
		return kv.Result{}, ErrTimeout
	}
}
