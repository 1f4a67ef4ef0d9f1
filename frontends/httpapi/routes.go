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
	}
}
