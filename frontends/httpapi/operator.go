package httpapi

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// RaftServer is one voter of the Raft configuration.
type RaftServer struct {
	ID      string // the server's node ID
	Node    string
	Address string // server RPC address
	Leader  bool
}

// Operator is the agent's Raft administration (a server's).
type Operator interface {
	RaftServers(ctx context.Context) ([]RaftServer, uint64, error)
	// RemovePeer removes the voter with node ID id, or at server address
	// addr (one of them is set).
	RemovePeer(ctx context.Context, id, addr string) error
	// TransferLeader hands leadership to the server with node ID id (any
	// other voter when id is empty).
	TransferLeader(ctx context.Context, id string) error
}

type raftConfigJSON struct {
	Servers []raftServerJSON
	Index   uint64
}

type raftServerJSON struct {
	ID              string
	Node            string
	Address         string
	Leader          bool
	ProtocolVersion string
	Voter           bool
}

func (a *API) operatorRaftConfiguration(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Operator == nil {
		return nil, nil, badRequest("raft operations need a server")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	servers, idx, err := a.opts.Operator.RaftServers(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := raftConfigJSON{Servers: []raftServerJSON{}, Index: idx}
	for _, s := range servers {
		out.Servers = append(out.Servers, raftServerJSON{ID: s.ID, Node: s.Node, Address: s.Address, Leader: s.Leader, ProtocolVersion: "3", Voter: true})
	}
	return out, nil, nil
}

func (a *API) operatorRaftRemovePeer(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Operator == nil {
		return nil, nil, badRequest("raft operations need a server")
	}
	id, addr := c.QueryParam("id"), c.QueryParam("address")
	if (id == "") == (addr == "") {
		return nil, nil, badRequest("Must specify either ?id with the server's ID or ?address with IP:port of peer to remove")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 10*time.Second)
	defer cancel()
	return nil, nil, a.opts.Operator.RemovePeer(ctx, id, addr)
}

func (a *API) operatorRaftTransferLeader(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Operator == nil {
		return nil, nil, badRequest("raft operations need a server")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 10*time.Second)
	defer cancel()
	if err := a.opts.Operator.TransferLeader(ctx, c.QueryParam("id")); err != nil {
		return nil, nil, err
	}
	return map[string]bool{"Success": true}, nil, nil
}
