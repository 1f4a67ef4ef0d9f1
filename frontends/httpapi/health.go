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
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeService, Name: name}, func(v catalog.View, lq listQuery) (any, error) { return healthServiceAnswer(v, name, lq) })
}

// healthServiceAnswer lists the instances of a service with their node and
// health checks: ?tag, ?node-meta and ?passing first, then ?filter over the
// whole entry (Node.*, Service.*, Checks).
func healthServiceAnswer(v catalog.View, name string, lq listQuery) ([]healthEntryJSON, error) {
	out := newCollector[healthEntryJSON](lq.filter)
	v.Instances(name, func(s *events.Service) bool {
		n, ok := v.Node(s.Node)
		if !ok || !hasTags(s, lq.tags) || !matchNodeMeta(n.Meta, lq.nodeMeta) {
			return true
		}
		e := healthEntryJSON{Node: nodeWire(n), Service: healthServiceWire(s), Checks: []checkJSON{}}
		for _, ch := range serviceHealth(v, s) {
			if lq.passing && ch.Status != "passing" {
				return true
			}
			e.Checks = append(e.Checks, checkWire(ch))
		}
		return out.add(e)
	})
	return out.result()
}

// checkNodeMatches reports whether ch is on a node matching ?node-meta
// (always, when none was given).
func checkNodeMatches(v catalog.View, ch *events.Check, meta map[string]string) bool {
	return meta == nil || nodeMatches(v, ch.Node, meta)
}

func (a *API) healthChecks(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("service")
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeService, Name: name}, func(v catalog.View, lq listQuery) (any, error) { return healthChecksAnswer(v, name, lq) })
}

// healthChecksAnswer lists a service's checks on nodes matching ?node-meta,
// narrowed by ?filter.
func healthChecksAnswer(v catalog.View, name string, lq listQuery) ([]checkJSON, error) {
	out := newCollector[checkJSON](lq.filter)
	v.Checks(func(ch *events.Check) bool {
		if ch.ServiceName != name || !checkNodeMatches(v, ch, lq.nodeMeta) {
			return true
		}
		return out.add(checkWire(ch))
	})
	return out.result()
}

func (a *API) healthNode(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("node")
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeNode, Name: name}, func(v catalog.View, lq listQuery) (any, error) { return healthNodeAnswer(v, name, lq) })
}

// healthNodeAnswer lists a node's checks narrowed by ?filter.
func healthNodeAnswer(v catalog.View, name string, lq listQuery) ([]checkJSON, error) {
	out := newCollector[checkJSON](lq.filter)
	v.NodeChecks(name, func(ch *events.Check) bool { return out.add(checkWire(ch)) })
	return out.result()
}

func (a *API) healthState(c echo.Context) (any, *actors.Meta, error) {
	state := c.Param("state")
	switch state {
	case "any", "passing", "warning", "critical":
	default:
		return nil, nil, badRequest("Invalid state") // compat
	}
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeChecks}, func(v catalog.View, lq listQuery) (any, error) { return healthStateAnswer(v, state, lq) })
}

// healthStateAnswer lists the checks in state ("any" for all) on nodes
// matching ?node-meta, narrowed by ?filter.
func healthStateAnswer(v catalog.View, state string, lq listQuery) ([]checkJSON, error) {
	out := newCollector[checkJSON](lq.filter)
	v.Checks(func(ch *events.Check) bool {
		if (state != "any" && ch.Status != state) || !checkNodeMatches(v, ch, lq.nodeMeta) {
			return true
		}
		return out.add(checkWire(ch))
	})
	return out.result()
}
