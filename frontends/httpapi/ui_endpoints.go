package httpapi

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// The web UI's aggregated endpoints, under Consul's /v1/internal/ui/
// paths. The list endpoints block on the whole catalog's index (any node,
// service or check change), take the list options of uiListQuery and
// report counts in X-Consuld-* headers; without ?per_page they answer
// the whole list, as Consul does.

// uiSummaryOf reads the catalog (blocking if asked) and returns a
// summary past the query's index, with X-Consul-Index set to its own.
func (a *API) uiSummaryOf(c echo.Context) (*uiSummary, *actors.Meta, error) {
	q, err := parseQuery(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeCatalog})
	if err != nil {
		return nil, nil, err
	}
	s := a.ui.get(v, a.opts.Datacenter, m.Index, q.MinIndex, time.Now())
	meta := *m
	meta.Index = s.index
	return s, &meta, nil
}

func (a *API) uiServices(c echo.Context) (any, *actors.Meta, error) {
	return uiList(a, c, func(s *uiSummary, byName bool) []uiServiceJSON {
		if byName {
			return s.services
		}
		return s.servicesByHealth
	}, uiListQuery.matchService, func(r *uiServiceJSON) string { return r.Status })
}

func (a *API) uiNodes(c echo.Context) (any, *actors.Meta, error) {
	return uiList(a, c, func(s *uiSummary, byName bool) []uiNodeJSON {
		if byName {
			return s.nodes
		}
		return s.nodesByHealth
	}, uiListQuery.matchNode, func(r *uiNodeJSON) string { return r.Status })
}

// uiList answers a list endpoint: the summary's rows in the asked order,
// filtered and paged, with the paging headers.
func uiList[T uiRow](a *API, c echo.Context, rows func(*uiSummary, bool) []T, match func(uiListQuery, *T) bool, status func(*T) string) (any, *actors.Meta, error) {
	q, err := parseUIList(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	s, m, err := a.uiSummaryOf(c)
	if err != nil {
		return nil, nil, err
	}
	out, p := pageRows(rows(s, q.byName), q, func(r *T) bool { return match(q, r) }, status)
	setPageHeaders(c.Response().Header(), p)
	return out, m, nil
}

// uiNodeInfoJSON is /v1/internal/ui/node/:node: Consul's NodeInfo (the
// node with its service instances and every check on it).
type uiNodeInfoJSON struct {
	ID              string
	Node            string
	Address         string
	Datacenter      string
	TaggedAddresses map[string]string
	Meta            map[string]string
	Services        []healthServiceJSON
	Checks          []checkJSON
	CreateIndex     uint64
	ModifyIndex     uint64
}

func (a *API) uiNode(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("node")
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeNode, Name: name})
	if err != nil {
		return nil, nil, err
	}
	out := uiNodeAnswer(v, name)
	if out == nil {
		return notFound{}, m, nil
	}
	return out, m, nil
}

// uiNodeAnswer is node name with its services and checks; nil if unknown.
func uiNodeAnswer(v catalog.View, name string) *uiNodeInfoJSON {
	n, ok := v.Node(name)
	if !ok {
		return nil
	}
	out := &uiNodeInfoJSON{ID: n.Id, Node: n.Node, Address: n.Address, Datacenter: n.Datacenter,
		TaggedAddresses: n.TaggedAddresses, Meta: n.Meta, Services: []healthServiceJSON{}, Checks: []checkJSON{},
		CreateIndex: n.CreateIndex, ModifyIndex: n.ModifyIndex}
	v.NodeServices(name, func(s *events.Service) bool {
		out.Services = append(out.Services, healthServiceWire(s))
		return true
	})
	v.NodeChecks(name, func(ch *events.Check) bool {
		out.Checks = append(out.Checks, checkWire(ch))
		return true
	})
	return out
}
