package httpapi

import "net/http"

type route struct {
	method  string
	path    string
	handler handler
}

// routes is every endpoint, one line each.
func (a *API) routes() []route {
	return []route{
		{http.MethodGet, "/v1/kv/*", a.kvGet},
		{http.MethodPut, "/v1/kv/*", a.kvPut},
		{http.MethodPost, "/v1/kv/*", a.kvPut},
		{http.MethodDelete, "/v1/kv/*", a.kvDelete},
		{http.MethodGet, "/v1/status/leader", a.statusLeader},
		{http.MethodGet, "/v1/status/peers", a.statusPeers},
		{http.MethodPut, "/v1/catalog/register", a.catalogRegister},
		{http.MethodPut, "/v1/catalog/deregister", a.catalogDeregister},
		{http.MethodGet, "/v1/catalog/datacenters", a.catalogDatacenters},
		{http.MethodGet, "/v1/catalog/nodes", a.catalogNodes},
		{http.MethodGet, "/v1/catalog/services", a.catalogServices},
		{http.MethodGet, "/v1/catalog/service/:service", a.catalogService},
		{http.MethodGet, "/v1/catalog/node/:node", a.catalogNode},
		{http.MethodGet, "/v1/health/service/:service", a.healthService},
		{http.MethodGet, "/v1/health/checks/:service", a.healthChecks},
		{http.MethodGet, "/v1/health/node/:node", a.healthNode},
		{http.MethodGet, "/v1/health/state/:state", a.healthState},
	}
}
