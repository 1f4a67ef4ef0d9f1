package httpapi

import (
	"net/http"

	"github.com/consuld/consuld/actors/check"
)

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
		{http.MethodGet, "/v1/catalog/node-services/:node", a.catalogNodeServices},
		{http.MethodGet, "/v1/health/service/:service", a.healthService},
		{http.MethodGet, "/v1/health/checks/:service", a.healthChecks},
		{http.MethodGet, "/v1/health/node/:node", a.healthNode},
		{http.MethodGet, "/v1/health/state/:state", a.healthState},
		{http.MethodGet, "/v1/agent/self", a.agentSelf},
		{http.MethodGet, "/v1/agent/members", a.agentMembers},
		{http.MethodGet, "/v1/agent/services", a.agentServices},
		{http.MethodGet, "/v1/agent/service/:id", a.agentService},
		{http.MethodGet, "/v1/agent/checks", a.agentChecks},
		{http.MethodPut, "/v1/agent/service/register", a.agentServiceRegister},
		{http.MethodPut, "/v1/agent/service/deregister/:id", a.agentServiceDeregister},
		{http.MethodPut, "/v1/agent/check/register", a.agentCheckRegister},
		{http.MethodPut, "/v1/agent/check/deregister/:id", a.agentCheckDeregister},
		{http.MethodPut, "/v1/agent/check/pass/:id", a.agentCheckTTL(check.StatusPassing)},
		{http.MethodPut, "/v1/agent/check/warn/:id", a.agentCheckTTL(check.StatusWarning)},
		{http.MethodPut, "/v1/agent/check/fail/:id", a.agentCheckTTL(check.StatusCritical)},
		{http.MethodPut, "/v1/agent/check/update/:id", a.agentCheckUpdate},
		{http.MethodPut, "/v1/agent/maintenance", a.agentMaintenance},
		{http.MethodPut, "/v1/agent/service/maintenance/:id", a.agentServiceMaintenance},
		{http.MethodPut, "/v1/agent/reload", a.agentReload},
		{http.MethodPut, "/v1/agent/join/:address", a.agentJoin},
		{http.MethodPut, "/v1/agent/leave", a.agentLeave},
		{http.MethodPut, "/v1/agent/force-leave/:node", a.agentForceLeave},
		{http.MethodGet, "/v1/operator/raft/configuration", a.operatorRaftConfiguration},
		{http.MethodGet, "/v1/operator/keyring", a.operatorKeyring},
		{http.MethodPost, "/v1/operator/keyring", a.operatorKeyring},
		{http.MethodPut, "/v1/operator/keyring", a.operatorKeyring},
		{http.MethodDelete, "/v1/operator/keyring", a.operatorKeyring},
		{http.MethodDelete, "/v1/operator/raft/peer", a.operatorRaftRemovePeer},
		{http.MethodPost, "/v1/operator/raft/transfer-leader", a.operatorRaftTransferLeader},
		{http.MethodGet, "/v1/agent/metrics", a.agentMetrics},
		{http.MethodGet, "/v1/agent/health/service/name/:key", a.agentHealth(false)},
		{http.MethodGet, "/v1/agent/health/service/id/:key", a.agentHealth(true)},
		{http.MethodGet, "/v1/agent/connect/ca/roots", a.connectCARoots},
		{http.MethodGet, "/v1/connect/ca/roots", a.connectCARoots},
		{http.MethodGet, "/v1/internal/ui/services", a.uiServices},
		{http.MethodGet, "/v1/internal/ui/nodes", a.uiNodes},
		{http.MethodGet, "/v1/internal/ui/node/:node", a.uiNode},
	}
}
