package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/events"
)

// Self describes this agent for /v1/agent/self and /v1/agent/members.
type Self struct {
	NodeName, NodeID, Address, Version, Revision string
	Server                                       bool
	SerfLANPort, ServerPort                      int
}

type agentServiceJSON struct {
	ID                string
	Service           string
	Tags              []string
	Meta              map[string]string
	Port              int32
	Address           string
	Weights           weightsJSON
	EnableTagOverride bool
	Datacenter        string
}

func (a *API) agentServiceWire(s *events.Service) agentServiceJSON {
	meta := s.Meta
	if meta == nil {
		meta = map[string]string{}
	}
	return agentServiceJSON{ID: s.Id, Service: s.Service, Tags: strs(s.Tags), Meta: meta, Port: s.Port,
		Address: s.Address, Weights: weightsWire(s.Weights), EnableTagOverride: s.EnableTagOverride, Datacenter: a.opts.Datacenter}
}

// agentCheckWire is a check as the agent reports it (no Raft indexes).
func agentCheckWire(c *events.Check) checkJSON {
	w := checkWire(c)
	w.CreateIndex, w.ModifyIndex = 0, 0
	return w
}

type serviceRegistration struct {
	ID, Name, Address, Kind string
	Tags                    []string
	Port                    int32
	Meta                    map[string]string
	Weights                 *weightsJSON
	EnableTagOverride       bool
	Check                   map[string]any
	Checks                  []map[string]any
}

func (a *API) agentServiceRegister(c echo.Context) (any, *actors.Meta, error) {
	var r serviceRegistration
	if err := decodeBody(c, &r); err != nil {
		return nil, nil, err
	}
	if r.Name == "" {
		return nil, nil, badRequest("Missing service name") // compat
	}
	s := &events.Service{Id: r.ID, Service: r.Name, Tags: r.Tags, Address: r.Address, Port: r.Port, Meta: r.Meta,
		EnableTagOverride: r.EnableTagOverride, Kind: r.Kind}
	if r.Weights != nil {
		s.Weights = &events.ServiceWeights{Passing: r.Weights.Passing, Warning: r.Weights.Warning}
	}
	raw := r.Checks
	if r.Check != nil {
		raw = append([]map[string]any{r.Check}, raw...)
	}
	var defs []check.Definition
	for _, m := range raw {
		d, err := check.DecodeDefinition(m)
		if err != nil {
			return nil, nil, badRequest("Invalid check: " + err.Error())
		}
		defs = append(defs, d)
	}
	_, replace := c.QueryParams()["replace-existing-checks"]
	return nil, nil, agentErr(a.c.AgentRegisterService(c.Request().Context(), s, defs, replace))
}

func (a *API) agentServiceDeregister(c echo.Context) (any, *actors.Meta, error) {
	return nil, nil, agentErr(a.c.AgentDeregisterService(c.Request().Context(), c.Param("id")))
}

func (a *API) agentCheckRegister(c echo.Context) (any, *actors.Meta, error) {
	var m map[string]any
	if err := decodeBody(c, &m); err != nil {
		return nil, nil, err
	}
	d, err := check.DecodeDefinition(m)
	if err != nil {
		return nil, nil, badRequest("Invalid check: " + err.Error())
	}
	return nil, nil, agentErr(a.c.AgentRegisterCheck(c.Request().Context(), d))
}

func (a *API) agentCheckDeregister(c echo.Context) (any, *actors.Meta, error) {
	return nil, nil, agentErr(a.c.AgentDeregisterCheck(c.Request().Context(), c.Param("id")))
}

// agentCheckTTL serves /v1/agent/check/pass|warn|fail/:id?note=.
func (a *API) agentCheckTTL(st check.Status) handler {
	return func(c echo.Context) (any, *actors.Meta, error) {
		return nil, nil, agentErr(a.c.AgentCheckTTL(c.Request().Context(), c.Param("id"), st, c.QueryParam("note")))
	}
}

func (a *API) agentCheckUpdate(c echo.Context) (any, *actors.Meta, error) {
	var u struct{ Status, Output string }
	if err := decodeBody(c, &u); err != nil {
		return nil, nil, err
	}
	st := check.Status(u.Status)
	if !st.Valid() {
		return nil, nil, badRequest("Invalid check status: '" + u.Status + "'") // compat
	}
	return nil, nil, agentErr(a.c.AgentCheckTTL(c.Request().Context(), c.Param("id"), st, u.Output))
}

func (a *API) agentServices(c echo.Context) (any, *actors.Meta, error) {
	snap, err := a.c.AgentServices(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	out := map[string]agentServiceJSON{}
	for _, s := range snap.Services {
		out[s.Id] = a.agentServiceWire(s)
	}
	return out, nil, nil
}

func (a *API) agentService(c echo.Context) (any, *actors.Meta, error) {
	snap, err := a.c.AgentServices(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	for _, s := range snap.Services {
		if s.Id == c.Param("id") {
			return a.agentServiceWire(s), nil, nil
		}
	}
	return nil, nil, notFoundErr("unknown service ID: " + c.Param("id")) // compat
}

func (a *API) agentChecks(c echo.Context) (any, *actors.Meta, error) {
	snap, err := a.c.AgentServices(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	out := map[string]checkJSON{}
	for _, ch := range snap.Checks {
		out[ch.CheckId] = agentCheckWire(ch)
	}
	return out, nil, nil
}

type agentHealthJSON struct {
	AggregatedStatus string
	Service          agentServiceJSON
	Checks           []checkJSON
}

// agentHealth answers /v1/agent/health/service/name/:s (list) and /id/:id
// with Consul's status codes: 200 passing, 429 warning, 503 critical.
func (a *API) agentHealth(byID bool) handler {
	return func(c echo.Context) (any, *actors.Meta, error) {
		snap, err := a.c.AgentServices(c.Request().Context())
		if err != nil {
			return nil, nil, err
		}
		key := c.Param("key")
		var out []agentHealthJSON
		worst := "passing"
		for _, s := range snap.Services {
			if (byID && s.Id != key) || (!byID && s.Service != key) {
				continue
			}
			h := agentHealthJSON{AggregatedStatus: "passing", Service: a.agentServiceWire(s), Checks: []checkJSON{}}
			for _, ch := range snap.Checks {
				if ch.ServiceId == s.Id || ch.ServiceId == "" {
					h.Checks = append(h.Checks, agentCheckWire(ch))
					h.AggregatedStatus = worse(h.AggregatedStatus, ch.Status)
				}
			}
			worst = worse(worst, h.AggregatedStatus)
			out = append(out, h)
		}
		if len(out) == 0 {
			if byID {
				return nil, nil, notFoundErr("ServiceId " + key + " not found") // compat
			}
			return nil, nil, notFoundErr("ServiceName " + key + " Not Found") // compat
		}
		status := map[string]int{"passing": http.StatusOK, "warning": http.StatusTooManyRequests, "critical": http.StatusServiceUnavailable}[worst]
		if byID {
			return withStatus{status, out[0]}, nil, nil
		}
		return withStatus{status, out}, nil, nil
	}
}

func worse(a, b string) string {
	rank := map[string]int{"passing": 0, "warning": 1, "critical": 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func (a *API) agentSelf(c echo.Context) (any, *actors.Meta, error) {
	s := a.opts.Self
	member := a.member()
	if a.opts.Cluster != nil {
		for _, m := range a.opts.Cluster.Members() {
			if m.Name == s.NodeName {
				member = a.memberJSON(m)
			}
		}
	}
	out := map[string]any{
		"Config": map[string]any{"Datacenter": a.opts.Datacenter, "PrimaryDatacenter": a.opts.Datacenter, "NodeName": s.NodeName,
			"NodeID": s.NodeID, "Server": s.Server, "Revision": s.Revision, "Version": s.Version},
		"Member": member,
		"Meta":   map[string]string{"consul-network-segment": "", "consul-version": s.Version},
	}
	if a.opts.Stats != nil {
		out["Stats"] = a.opts.Stats()
	}
	return out, nil, nil
}

// member is this agent as a LAN gossip member (gossip arrives with
// clustering; until then the agent is the only member).
func (a *API) member() map[string]any {
	s := a.opts.Self
	role := "node"
	if s.Server {
		role = "consul"
	}
	return map[string]any{"Name": s.NodeName, "Addr": s.Address, "Port": s.SerfLANPort, "Status": 1,
		"Tags": map[string]string{"dc": a.opts.Datacenter, "role": role, "id": s.NodeID, "build": s.Version + ":",
			"port": itoa(s.ServerPort), "vsn": "2", "vsn_min": "2", "vsn_max": "3", "segment": ""},
		"ProtocolMin": 1, "ProtocolMax": 5, "ProtocolCur": 2, "DelegateMin": 2, "DelegateMax": 5, "DelegateCur": 4}
}

// agentErr maps the agent-state actor's refusals to Consul's statuses.
func agentErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, local.ErrUnknownService), errors.Is(err, local.ErrUnknownCheck):
		return notFoundErr(err.Error())
	case errors.Is(err, check.ErrRemoteScriptsDisabled), errors.Is(err, check.ErrScriptsDisabled):
		return badRequest(err.Error())
	case strings.HasPrefix(err.Error(), "Invalid check"), strings.HasPrefix(err.Error(), "Missing check"),
		strings.Contains(err.Error(), "does not exist"):
		return badRequest(err.Error())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return badRequest(err.Error())
	}
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }
