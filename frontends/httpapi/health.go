package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// serviceHealth lists the checks that decide an instance's health: its own
// checks and its node's checks.
func serviceHealth(v catalog.View, s *events.Service) []*events.Check {
	var out []*events.Check
	v.NodeChecks(s.Node, func(c *events.Check) bool {
		if c.ServiceId == "" || c.ServiceId == s.Id {
			out = append(out, c)
		}
		return true
	})
	return out
}

func (a *API) healthService(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("service")
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeService, Name: name})
	if err != nil {
		return nil, nil, err
	}
	params := c.QueryParams()
	_, passing := params["passing"]
	tags := params["tag"]
	out := []healthEntryJSON{}
	v.Instances(name, func(s *events.Service) bool {
		n, ok := v.Node(s.Node)
		if !ok || !hasTags(s, tags) {
			return true
		}
		e := healthEntryJSON{Node: nodeWire(n), Service: healthServiceWire(s), Checks: []checkJSON{}}
		for _, ch := range serviceHealth(v, s) {
			if passing && ch.Status != "passing" {
				return true
			}
			e.Checks = append(e.Checks, checkWire(ch))
		}
		out = append(out, e)
		return true
	})
	return out, m, nil
}

func (a *API) healthChecks(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("service")
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeService, Name: name})
	if err != nil {
		return nil, nil, err
	}
	out := []checkJSON{}
	v.Checks(func(ch *events.Check) bool {
		if ch.ServiceName == name {
			out = append(out, checkWire(ch))
		}
		return true
	})
	return out, m, nil
}

func (a *API) healthNode(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("node")
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeNode, Name: name})
	if err != nil {
		return nil, nil, err
	}
	out := []checkJSON{}
	v.NodeChecks(name, func(ch *events.Check) bool { out = append(out, checkWire(ch)); return true })
	return out, m, nil
}

func (a *API) healthState(c echo.Context) (any, *actors.Meta, error) {
	state := c.Param("state")
	switch state {
	case "any", "passing", "warning", "critical":
	default:
		return nil, nil, badRequest("Invalid state") // compat
	}
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeChecks})
	if err != nil {
		return nil, nil, err
	}
	out := []checkJSON{}
	v.Checks(func(ch *events.Check) bool {
		if state == "any" || ch.Status == state {
			out = append(out, checkWire(ch))
		}
		return true
	})
	return out, m, nil
}
