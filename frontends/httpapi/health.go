package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

func (a *API) healthService(c echo.Context) (any, *actors.Meta, error) {
	lq, err := parseListQuery(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	res, m, err := a.readResult(c, catalog.Scope{Kind: catalog.ScopeService, Name: c.Param("service")})
	if err != nil {
		return nil, nil, err
	}
	// The service's aggregate hands out one Health per index; the encoded
	// answer for these parameters is computed once per Health.
	_, pretty := c.QueryParams()["pretty"]
	key := healthMemoKey{query: c.Request().URL.RawQuery, pretty: pretty || a.opts.Pretty}
	got := res.Health.Memo(key, func() any {
		out, err := healthServiceAnswer(res.Health, lq)
		if err != nil {
			return err
		}
		b, err := a.encode(c, out)
		if err != nil {
			return err
		}
		return encoded(b)
	})
	if err, ok := got.(error); ok {
		return nil, nil, err
	}
	return got, m, nil
}

// healthMemoKey names one encoding of a service's health view.
type healthMemoKey struct {
	query  string
	pretty bool
}

// healthServiceAnswer lists the instances of a service with their node and
// health checks: ?tag, ?node-meta and ?passing first, then ?filter over the
// whole entry (Node.*, Service.*, Checks).
func healthServiceAnswer(h *catalog.Health, lq listQuery) ([]healthEntryJSON, error) {
	out := newCollector[healthEntryJSON](lq.filter)
	for _, en := range h.Entries {
		if !hasTags(en.Service, lq.tags) || !matchNodeMeta(en.Node.Meta, lq.nodeMeta) {
			continue
		}
		if lq.passing && en.Status != catalog.Passing {
			continue
		}
		e := healthEntryJSON{Node: nodeWire(en.Node), Service: healthServiceWire(en.Service), Checks: make([]checkJSON, 0, len(en.Checks))}
		for _, ch := range en.Checks {
			e.Checks = append(e.Checks, checkWire(ch))
		}
		if !out.add(e) {
			break
		}
	}
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
