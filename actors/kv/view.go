package kv

import "github.com/consuld/consuld/events"

// View is one immutable, snapshot-consistent version of the kv shard's state
// (fsm/kv.State satisfies it). Everything read from one View agrees.
type View interface {
	Applied() uint64
	TableIndex() uint64
	Get(key string) (*events.Entry, uint64)
	Walk(prefix string, fn func(*events.Entry) bool)
	PrefixIndex(prefix string) uint64
	Keys(prefix, sep string) []string
}
