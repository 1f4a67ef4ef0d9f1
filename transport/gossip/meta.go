package gossip

import (
	"encoding/json"
	"fmt"
)

// Roles a member advertises, Consul's tag values.
const (
	RoleServer = "consul"
	RoleClient = "node"
)

// Meta is what a member advertises to the pool. It travels as memberlist
// node meta (at most 512 bytes), encoded as compact JSON.
type Meta struct {
	Role string `json:"r"`
	DC   string `json:"dc"`
	ID   string `json:"id"`          // node ID
	Port int    `json:"p,omitempty"` // server RPC port (Consul's "port" tag)
	// Servers only:
	Raft      string `json:"raft,omitempty"` // Raft transport address
	ReplicaID uint64 `json:"rid,omitempty"`
	Expect    int    `json:"e,omitempty"` // bootstrap_expect
	// Bootstrapped: this server runs Raft replicas (a cluster exists). A
	// new server that sees one joins it instead of bootstrapping.
	Bootstrapped bool `json:"b,omitempty"`
	// BootSet is the replica IDs a server bootstrapped the cluster with
	// (only on the servers that did): a server of that set that starts
	// late bootstraps with the same set instead of joining.
	BootSet []uint64 `json:"bs,omitempty"`
	Build   string   `json:"v,omitempty"`
}

// maxMeta is memberlist's limit on node meta.
const maxMeta = 512

func (m Meta) encode() ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > maxMeta {
		return nil, fmt.Errorf("gossip: member meta is %d bytes, over memberlist's %d", len(b), maxMeta)
	}
	return b, nil
}

// decodeMeta reads a member's meta; a member whose meta does not decode
// (another program on the port) is kept with an empty Meta.
func decodeMeta(b []byte) (Meta, bool) {
	var m Meta
	if len(b) == 0 || json.Unmarshal(b, &m) != nil {
		return Meta{}, false
	}
	return m, true
}

// IsServer reports whether the member is a server.
func (m Meta) IsServer() bool { return m.Role == RoleServer }
