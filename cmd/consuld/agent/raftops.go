package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/frontends/httpapi"
	"github.com/consuld/consuld/fsm/host"
	"github.com/consuld/consuld/transport/gossip"
)

// operator serves /v1/operator/raft/*: voters are replica IDs, named to
// the operator by the node IDs, names and RPC addresses gossip knows.
type operator struct{ a *Agent }

func (o operator) servers() map[uint64]gossip.Member {
	out := map[uint64]gossip.Member{}
	if o.a.pool != nil {
		for _, m := range o.a.pool.Members() {
			if m.Meta.IsServer() && m.Meta.ReplicaID != 0 {
				out[m.Meta.ReplicaID] = m
			}
		}
	}
	return out
}

func (o operator) RaftServers(ctx context.Context) ([]httpapi.RaftServer, uint64, error) {
	h := o.a.host
	voters, err := h.Members(ctx, events.ShardKV)
	if err != nil {
		return nil, 0, translate(err)
	}
	leader, _ := h.Leader(events.ShardKV)
	known := o.servers()
	var out []httpapi.RaftServer
	for _, id := range slices.Sorted(maps.Keys(voters)) {
		s := httpapi.RaftServer{ID: fmt.Sprint(id), Node: "(unknown)", Address: voters[id], Leader: id == leader}
		if m, ok := known[id]; ok {
			s.ID, s.Node, s.Address = m.Meta.ID, m.Name, hostPort(m.Addr.String(), m.Meta.Port)
		}
		out = append(out, s)
	}
	return out, h.KV().Current().Applied(), nil
}

// replica finds the voter with node ID id or server address addr.
func (o operator) replica(ctx context.Context, id, addr string) (uint64, error) {
	voters, err := o.a.host.Members(ctx, events.ShardKV)
	if err != nil {
		return 0, translate(err)
	}
	known := o.servers()
	for rid := range voters {
		m, ok := known[rid]
		switch {
		case ok && id != "" && m.Meta.ID == id, ok && addr != "" && hostPort(m.Addr.String(), m.Meta.Port) == addr,
			id != "" && fmt.Sprint(rid) == id:
			return rid, nil
		}
	}
	return 0, fmt.Errorf("id %q / address %q was not found in the Raft configuration", id, addr)
}

func (o operator) RemovePeer(ctx context.Context, id, addr string) error {
	rid, err := o.replica(ctx, id, addr)
	if err != nil {
		return err
	}
	if rid == o.a.host.ReplicaID() {
		return errors.New("cannot remove this server from the Raft configuration through itself; use leave")
	}
	return translate(o.a.host.RemoveReplica(ctx, rid))
}

func (o operator) TransferLeader(ctx context.Context, id string) error {
	h := o.a.host
	if leader, ok := h.Leader(events.ShardKV); !ok || leader != h.ReplicaID() {
		addr, known := (leadership{h: h, selfAddr: hostPort(advertiseIP(o.a.cfg), o.a.cfg.Ports.Server), servers: o.a.serverAddrs}).LeaderAddr()
		if !known || addr == "" {
			return errors.New("No cluster leader")
		}
		return o.forwardTransfer(ctx, addr, id)
	}
	var target uint64
	if id != "" {
		rid, err := o.replica(ctx, id, "")
		if err != nil {
			return err
		}
		target = rid
	} else {
		voters, err := h.Members(ctx, events.ShardKV)
		if err != nil {
			return translate(err)
		}
		for _, rid := range slices.Sorted(maps.Keys(voters)) {
			if rid != h.ReplicaID() {
				target = rid
				break
			}
		}
		if target == 0 {
			return errors.New("no other server to transfer leadership to")
		}
	}
	for _, k := range host.Kinds {
		if err := h.TransferLeader(k.Shard, target); err != nil {
			return translate(err)
		}
	}
	return nil
}

// forwardTransfer asks the leader, over its server RPC port, to transfer
// leadership (only the leader's NodeHost can).
func (o operator) forwardTransfer(ctx context.Context, leaderRPC, id string) error {
	r, err := newRPCClient(o.a)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.scheme+"://"+leaderRPC+"/v1/operator/raft/transfer-leader?id="+url.QueryEscape(id), nil)
	if err != nil {
		return err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return fmt.Errorf("forwarding to the leader %s: %w", leaderRPC, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("leader %s: %s", leaderRPC, strings.TrimSpace(string(b)))
	}
	return nil
}
