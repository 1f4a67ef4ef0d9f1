// Package events is the vocabulary of consuld's replicated log: every state
// change is an event appended to a Raft shard and replayed into state.
//
// An encoded event is an envelope: one version byte, the event type as an
// unsigned varint, one flags byte (bit 0: ignorable) and the protobuf
// payload. Type numbers are append-only and never reused. A server that meets
// an unknown type skips it when the ignorable flag is set and halts otherwise,
// so a newer leader can add optional facts without splitting the cluster.
// A change of meaning is a new type plus an upcaster for the old shape.
//
// testdata/corpus holds encoded events of every shape ever shipped; the
// corpus test decodes all of it and must keep passing forever.
package events
