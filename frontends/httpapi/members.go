package httpapi

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// Member is one LAN gossip member as /v1/agent/members reports it.
type Member struct {
	Name   string
	Addr   string
	Port   int
	Status int // Consul's: 1 alive, 2 leaving, 3 left, 4 failed
	Server bool
	DC     string
	ID     string
	// ServerPort is the member's server RPC port (servers).
	ServerPort int
}

// Cluster is the agent's membership side: gossip members and the
// operations the agent and operator endpoints need.
type Cluster interface {
	Members() []Member
	Join(addrs []string) (int, error)
	Leave() error
	ForceLeave(node string) bool
}

// memberJSON is one row of /v1/agent/members, Consul's shape.
func (a *API) memberJSON(m Member) map[string]any {
	role := "node"
	if m.Server {
		role = "consul"
	}
	tags := map[string]string{"dc": m.DC, "role": role, "id": m.ID, "build": a.opts.Self.Version + ":",
		"vsn": "2", "vsn_min": "2", "vsn_max": "3", "segment": ""}
	if m.Server {
		tags["port"] = itoa(m.ServerPort)
	}
	return map[string]any{"Name": m.Name, "Addr": m.Addr, "Port": m.Port, "Status": m.Status, "Tags": tags,
		"ProtocolMin": 1, "ProtocolMax": 5, "ProtocolCur": 2, "DelegateMin": 2, "DelegateMax": 5, "DelegateCur": 4}
}

func (a *API) agentMembers(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Cluster == nil {
		return []any{a.member()}, nil, nil
	}
	var out []any
	for _, m := range a.opts.Cluster.Members() {
		out = append(out, a.memberJSON(m))
	}
	return out, nil, nil
}

func (a *API) agentJoin(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Cluster == nil {
		return nil, nil, errors.New("gossip is disabled (ports.serf_lan = -1)")
	}
	if _, err := a.opts.Cluster.Join([]string{c.Param("address")}); err != nil {
		return nil, nil, badRequest(err.Error())
	}
	return nil, nil, nil
}

func (a *API) agentLeave(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Cluster == nil {
		return nil, nil, errors.New("gossip is disabled (ports.serf_lan = -1)")
	}
	if err := a.opts.Cluster.Leave(); err != nil {
		return nil, nil, err
	}
	return nil, nil, nil
}

func (a *API) agentForceLeave(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Cluster == nil || !a.opts.Cluster.ForceLeave(c.Param("node")) {
		return nil, nil, notFoundErr("agent: No node found with name '" + c.Param("node") + "'")
	}
	return nil, nil, nil
}
