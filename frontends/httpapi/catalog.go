package httpapi

import (
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/events"
)

// maxRegisterBody bounds catalog register/deregister bodies.
const maxRegisterBody = 1 << 20

type registerService struct {
	ID                string
	Service           string
	Tags              []string
	Address           string
	Meta              map[string]string
	Port              int32
	Weights           *weightsJSON
	EnableTagOverride bool
	Kind              string
}

type registerCheck struct {
	Node, CheckID, Name, Status, Notes, Output, ServiceID string
	Definition                                            struct{ Interval, Timeout string }
	Type                                                  string
}

type registerRequest struct {
	ID, Node, Address, Datacenter string
	TaggedAddresses, NodeMeta     map[string]string
	Service                       *registerService
	Check                         *registerCheck
	Checks                        []*registerCheck
	SkipNodeUpdate                bool
}

type deregisterRequest struct {
	Node, ServiceID, CheckID, Datacenter string
}

// decodeBody decodes a JSON request body with Consul's error text.
func decodeBody(c echo.Context, v any) error {
	b, err := io.ReadAll(io.LimitReader(c.Request().Body, maxRegisterBody+1))
	if err != nil {
		return badRequest("Request decode failed: " + err.Error())
	}
	if len(b) > maxRegisterBody {
		return badRequest("Request decode failed: body too large")
	}
	if err := json.Unmarshal(b, v); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "unexpected end of JSON input") {
			msg = "unexpected EOF" // compat: Consul's decoder says this
		}
		return badRequest("Request decode failed: " + msg) // compat
	}
	return nil
}

func (a *API) catalogRegister(c echo.Context) (any, *actors.Meta, error) {
	var r registerRequest
	if err := decodeBody(c, &r); err != nil {
		return nil, nil, err
	}
	switch {
	case r.Node == "":
		return nil, nil, badRequest("Must provide node") // compat
	case r.Address == "":
		return nil, nil, badRequest("Must provide address") // compat
	case r.Service != nil && r.Service.Service == "":
		return nil, nil, badRequest("Must provide service name") // compat
	}
	ev := &events.CatalogRegistered{SkipNodeUpdate: r.SkipNodeUpdate, Node: &events.Node{Id: r.ID, Node: r.Node,
		Address: r.Address, Datacenter: a.opts.Datacenter, TaggedAddresses: r.TaggedAddresses, Meta: r.NodeMeta}}
	if s := r.Service; s != nil {
		if s.ID == "" {
			s.ID = s.Service
		}
		ev.Service = &events.Service{Id: s.ID, Service: s.Service, Tags: s.Tags, Address: s.Address, Meta: s.Meta,
			Port: s.Port, EnableTagOverride: s.EnableTagOverride, Kind: s.Kind}
		if s.Weights != nil {
			ev.Service.Weights = &events.ServiceWeights{Passing: s.Weights.Passing, Warning: s.Weights.Warning}
		}
	}
	checks := r.Checks
	if r.Check != nil {
		checks = append([]*registerCheck{r.Check}, checks...)
	}
	for _, ch := range checks {
		if ch.CheckID == "" {
			ch.CheckID = ch.Name
		}
		if ch.CheckID == "" {
			return nil, nil, badRequest("Must provide check ID or name")
		}
		ev.Checks = append(ev.Checks, &events.Check{CheckId: ch.CheckID, Name: ch.Name, Status: ch.Status, Notes: ch.Notes,
			Output: ch.Output, ServiceId: ch.ServiceID, Type: ch.Type, Interval: ch.Definition.Interval, Timeout: ch.Definition.Timeout})
	}
	if err := a.c.CatalogRegister(c.Request().Context(), ev); err != nil {
		return nil, nil, err
	}
	return true, nil, nil
}

func (a *API) catalogDeregister(c echo.Context) (any, *actors.Meta, error) {
	var r deregisterRequest
	if err := decodeBody(c, &r); err != nil {
		return nil, nil, err
	}
	if r.Node == "" {
		return nil, nil, badRequest("Must provide node") // compat
	}
	ev := &events.CatalogDeregistered{Node: r.Node, ServiceId: r.ServiceID, CheckId: r.CheckID}
	if err := a.c.CatalogDeregister(c.Request().Context(), ev); err != nil {
		return nil, nil, err
	}
	return true, nil, nil
}

func (a *API) catalogDatacenters(c echo.Context) (any, *actors.Meta, error) {
	return []string{a.opts.Datacenter}, nil, nil
}

// read runs a catalog read over scope with the request's query options.
func (a *API) read(c echo.Context, scope catalog.Scope) (catalog.View, *actors.Meta, error) {
	res, m, err := a.readResult(c, scope)
	return res.View, m, err
}

// readResult is read with the whole Result (a service scope's Health).
func (a *API) readResult(c echo.Context, scope catalog.Scope) (catalog.Result, *actors.Meta, error) {
	q, err := parseQuery(c.QueryParams())
	if err != nil {
		return catalog.Result{}, nil, err
	}
	res, m, err := a.c.CatalogRead(c.Request().Context(), scope, q)
	if err != nil {
		return catalog.Result{}, nil, err
	}
	return res, &m, nil
}

// The list endpoints below take Consul's ?filter and ?node-meta=key:value
// (filter.go). ?near is accepted and ignored: with no network coordinates
// yet, answers keep their usual order. Each handler parses its parameters
// (a bad filter is a 400 before any read), reads a View and hands it to a
// pure ...Answer function.

func (a *API) catalogNodes(c echo.Context) (any, *actors.Meta, error) {
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeNodes}, func(v catalog.View, lq listQuery) (any, error) { return catalogNodesAnswer(v, lq) })
}

// catalogNodesAnswer lists the nodes matching ?node-meta and ?filter.
func catalogNodesAnswer(v catalog.View, lq listQuery) ([]nodeJSON, error) {
	out := newCollector[nodeJSON](lq.filter)
	v.Nodes(func(n *events.Node) bool {
		return !matchNodeMeta(n.Meta, lq.nodeMeta) || out.add(nodeWire(n))
	})
	return out.result()
}

func (a *API) catalogServices(c echo.Context) (any, *actors.Meta, error) {
	// Only ?node-meta here: ?filter on this endpoint is not implemented.
	lq := listQuery{nodeMeta: parseNodeMeta(c.QueryParams())}
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeServices})
	if err != nil {
		return nil, nil, err
	}
	return catalogServicesAnswer(v, lq), m, nil
}

// catalogServicesAnswer maps each service name to the union of its tags.
// With ?node-meta only instances on matching nodes count, and a service
// with none is left out.
func catalogServicesAnswer(v catalog.View, lq listQuery) map[string][]string {
	out := map[string][]string{}
	v.ServiceNames(func(name string) bool {
		tags, found := []string{}, false
		v.Instances(name, func(s *events.Service) bool {
			if lq.nodeMeta != nil && !nodeMatches(v, s.Node, lq.nodeMeta) {
				return true
			}
			found = true
			for _, t := range s.Tags {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			return true
		})
		if found || lq.nodeMeta == nil {
			out[name] = tags
		}
		return true
	})
	return out
}

// nodeMatches reports whether the node named node exists and its meta
// matches the ?node-meta pairs.
func nodeMatches(v catalog.View, node string, meta map[string]string) bool {
	n, ok := v.Node(node)
	return ok && matchNodeMeta(n.Meta, meta)
}

// listed runs the steps shared by catalog and health reads: parse the
// list options, read the catalog over scope (blocking if asked), answer.
func listed(a *API, c echo.Context, scope catalog.Scope, answer func(catalog.View, listQuery) (any, error)) (any, *actors.Meta, error) {
	lq, err := parseListQuery(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	v, m, err := a.read(c, scope)
	if err != nil {
		return nil, nil, err
	}
	// The answer is a function of the request and the scope's index.
	_, pretty := c.QueryParams()["pretty"]
	key := cacheKey(c.Request().URL.RequestURI(), m.Index, pretty || a.opts.Pretty)
	if b, ok := a.cache.get(key); ok {
		return b, m, nil
	}
	out, err := answer(v, lq)
	if err != nil {
		return nil, nil, err
	}
	b, err := a.encode(c, out)
	if err != nil {
		return nil, nil, err
	}
	a.cache.put(key, b)
	return encoded(b), m, nil
}

// hasTags reports whether s carries every tag asked for (?tag repeatable).
func hasTags(s *events.Service, tags []string) bool {
	for _, t := range tags {
		if !slices.Contains(s.Tags, t) {
			return false
		}
	}
	return true
}

func (a *API) catalogService(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("service")
	return listed(a, c, catalog.Scope{Kind: catalog.ScopeService, Name: name}, func(v catalog.View, lq listQuery) (any, error) { return catalogServiceAnswer(v, name, lq) })
}

// catalogServiceAnswer lists the instances of a service with ?tag, on
// nodes matching ?node-meta, then narrowed by ?filter.
func catalogServiceAnswer(v catalog.View, name string, lq listQuery) ([]catalogServiceJSON, error) {
	out := newCollector[catalogServiceJSON](lq.filter)
	v.Instances(name, func(s *events.Service) bool {
		n, ok := v.Node(s.Node)
		if !ok || !hasTags(s, lq.tags) || !matchNodeMeta(n.Meta, lq.nodeMeta) {
			return true
		}
		return out.add(catalogServiceWire(n, s))
	})
	return out.result()
}

type nodeServicesJSON struct {
	Node     nodeJSON
	Services map[string]healthServiceJSON
}

func (a *API) catalogNode(c echo.Context) (any, *actors.Meta, error) {
	name := c.Param("node")
	lq, err := parseListQuery(c.QueryParams())
	if err != nil {
		return nil, nil, err
	}
	v, m, err := a.read(c, catalog.Scope{Kind: catalog.ScopeNode, Name: name})
	if err != nil {
		return nil, nil, err
	}
	out, err := catalogNodeAnswer(v, name, lq)
	if err != nil {
		return nil, nil, err
	}
	// A nil *nodeServicesJSON encodes as null: Consul's answer for an
	// unknown node (a plain nil would be an empty body).
	return out, m, nil
}

// catalogNodeAnswer is a node and its services, ?filter selecting among the
// services; nil for an unknown node.
func catalogNodeAnswer(v catalog.View, name string, lq listQuery) (*nodeServicesJSON, error) {
	n, ok := v.Node(name)
	if !ok {
		return nil, nil
	}
	out := &nodeServicesJSON{Node: nodeWire(n), Services: map[string]healthServiceJSON{}}
	var err error
	v.NodeServices(name, func(s *events.Service) bool {
		w, keep := healthServiceWire(s), true
		if lq.filter != nil {
			keep, err = lq.filter.match(w)
		}
		if keep {
			out.Services[s.Id] = w
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
