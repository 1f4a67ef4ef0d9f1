package events

import "google.golang.org/protobuf/proto"

// Type numbers are written into the log. Append only; never reuse a number.
type Type uint32

const (
	TypeKeyWritten    Type = 1
	TypeKeyDeleted    Type = 2
	TypePrefixDeleted Type = 3

	TypeCatalogRegistered   Type = 4
	TypeCatalogDeregistered Type = 5
	TypeCheckStatusUpdated  Type = 6

	TypeCARootsInitialized Type = 7
)

// Shard identifies a Raft group. Each shard has its own index space.
type Shard uint64

const (
	ShardKV      Shard = 1
	ShardCatalog Shard = 2
	ShardConnect Shard = 3
)

// Event is a past-tense fact carried in the log.
type Event interface {
	proto.Message
	EventType() Type
}

func (*KeyWritten) EventType() Type    { return TypeKeyWritten }
func (*KeyDeleted) EventType() Type    { return TypeKeyDeleted }
func (*PrefixDeleted) EventType() Type { return TypePrefixDeleted }

func (*CatalogRegistered) EventType() Type   { return TypeCatalogRegistered }
func (*CatalogDeregistered) EventType() Type { return TypeCatalogDeregistered }
func (*CheckStatusUpdated) EventType() Type  { return TypeCheckStatusUpdated }

func (*CARootsInitialized) EventType() Type { return TypeCARootsInitialized }

// Outcome is what applying an event decided. It is a value, never an error:
// domain refusals (a failed check-and-set) are ordinary results.
type Outcome uint8

const (
	OutcomeApplied  Outcome = 1 // the event changed state as asked
	OutcomeRejected Outcome = 2 // an apply-time precondition (CAS) failed
	OutcomeSkipped  Outcome = 3 // unknown ignorable event, or nothing to do
)

func (o Outcome) String() string {
	switch o {
	case OutcomeApplied:
		return "applied"
	case OutcomeRejected:
		return "rejected"
	case OutcomeSkipped:
		return "skipped"
	}
	return "unknown"
}
