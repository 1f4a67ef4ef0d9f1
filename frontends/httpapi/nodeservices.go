package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// nodeServiceListJSON is /v1/catalog/node-services/:n: the node and its
// services as a list (Consul's newer form of /catalog/node/:n).
type nodeServiceListJSON struct {
	Node     nodeJSON
	Services []healthServiceJSON
}

func (a *API) catalogNodeServices(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("node")
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeNode, Name: name}, func(v catalog.View, lq listQuery) (any, error) {
		n, ok := v.Node(name)
		if !ok {
			return (*nodeServiceListJSON)(nil), nil // null, as Consul answers
		}
		out := newCollector[healthServiceJSON](lq.filter)
		v.NodeServices(name, func(s *events.Service) bool { return out.add(healthServiceWire(s)) })
		list, err := out.result()
		if err != nil {
			return nil, err
		}
		return &nodeServiceListJSON{Node: nodeWire(n), Services: list}, nil
	})
}
