package events

// kind describes one event type: its name and a constructor for its payload.
type kind struct {
	name string
	new  func() Event
}

// kinds lists every event type this build understands.
var kinds = map[Type]kind{
	TypeKeyWritten:    {"KeyWritten", func() Event { return new(KeyWritten) }},
	TypeKeyDeleted:    {"KeyDeleted", func() Event { return new(KeyDeleted) }},
	TypePrefixDeleted: {"PrefixDeleted", func() Event { return new(PrefixDeleted) }},

	TypeCatalogRegistered:   {"CatalogRegistered", func() Event { return new(CatalogRegistered) }},
	TypeCatalogDeregistered: {"CatalogDeregistered", func() Event { return new(CatalogDeregistered) }},
	TypeCheckStatusUpdated:  {"CheckStatusUpdated", func() Event { return new(CheckStatusUpdated) }},

	TypeCARootsInitialized: {"CARootsInitialized", func() Event { return new(CARootsInitialized) }},
}

// upcaster turns an old envelope version's payload into a current event.
type upcaster func(payload []byte) (Event, error)

// upcasters maps (envelope version, type) of retired shapes to converters.
// Envelope version 1 is current, so nothing needs converting yet.
var upcasters = map[uint8]map[Type]upcaster{}

// Name returns the name of an event type, or "" if unknown.
func Name(t Type) string { return kinds[t].name }
