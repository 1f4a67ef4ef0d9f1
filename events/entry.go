package events

// Entry is one stored key as the live side reads it. It is immutable once
// published: writers build a new Entry instead of changing one.
type Entry struct {
	Key         string
	Value       []byte
	Flags       uint64
	CreateIndex uint64
	ModifyIndex uint64
	LockIndex   uint64
	Session     string
}

// ToProto is the snapshot encoding of e.
func (e *Entry) ToProto() *KVEntry {
	return &KVEntry{Key: e.Key, Value: e.Value, Flags: e.Flags, CreateIndex: e.CreateIndex,
		ModifyIndex: e.ModifyIndex, LockIndex: e.LockIndex, Session: e.Session}
}

// EntryFromProto is the inverse of ToProto.
func EntryFromProto(p *KVEntry) *Entry {
	return &Entry{Key: p.Key, Value: p.Value, Flags: p.Flags, CreateIndex: p.CreateIndex,
		ModifyIndex: p.ModifyIndex, LockIndex: p.LockIndex, Session: p.Session}
}
