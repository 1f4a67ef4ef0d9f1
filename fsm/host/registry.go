package host

import (
	sm "github.com/lni/dragonboat/v4/statemachine"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm"
	"github.com/consuld/consuld/fsm/catalog"
	"github.com/consuld/consuld/fsm/connect"
	"github.com/consuld/consuld/fsm/kv"
)

// Kind is one shard kind: a Raft group with its own state machine and
// index space. Shard IDs are part of the on-disk layout: never renumber.
type Kind struct {
	Name  string
	Shard events.Shard
	New   func(sink fsm.Sink) sm.IConcurrentStateMachine
}

// Kinds lists every shard kind a server runs.
var Kinds = []Kind{
	{Name: "kv", Shard: events.ShardKV, New: func(s fsm.Sink) sm.IConcurrentStateMachine { return kv.New(s) }},
	{Name: "catalog", Shard: events.ShardCatalog, New: func(s fsm.Sink) sm.IConcurrentStateMachine { return catalog.New(s) }},
	{Name: "connect", Shard: events.ShardConnect, New: func(s fsm.Sink) sm.IConcurrentStateMachine { return connect.New(s) }},
}
