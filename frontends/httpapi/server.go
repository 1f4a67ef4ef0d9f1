package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/consuld/consuld/actors"
)

// Options configure the API.
type Options struct {
	Pretty bool // indent JSON on every response (Consul does in -dev)
	Debug  bool // serve /debug/pprof (enable_debug)
	// Datacenter is this agent's datacenter (catalog answers, datacenters).
	Datacenter string
	Self       Self
	// Reload re-reads the agent's config files (/v1/agent/reload).
	Reload func() error
	// Gauges adds the agent's own gauges to /v1/agent/metrics.
	Gauges func() map[string]float64
	// Cluster is the gossip membership (nil: this agent alone).
	Cluster Cluster
	// Operator is the Raft administration (/v1/operator/raft/*).
	Operator Operator
	// Keyring runs gossip keyring operations (/v1/operator/keyring).
	Keyring Keyring
	// Stats fills /v1/agent/self's Stats (what `consul info` prints):
	// section -> key -> value.
	Stats func() map[string]map[string]string
	// UI serves the web UI at /ui/ (ui_config.enabled; on in -dev).
	UI bool
}

// API serves /v1 over an actors.Client.
type API struct {
	c     *actors.Client
	opts  Options
	cache *answerCache
	ui    uiMemo // the catalog summary the UI's list endpoints share
}

// New returns the Echo instance serving the API.
func New(c *actors.Client, o Options) *echo.Echo {
	a := &API{c: c, opts: o, cache: newAnswerCache(32 << 20)}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: 1400,
		// Only reads can be large; writes answer true/false.
		Skipper: func(c echo.Context) bool { return c.Request().Method != http.MethodGet },
	}))
	e.HTTPErrorHandler = a.echoError
	for _, r := range a.routes() {
		e.Add(r.method, r.path, a.wrap(r.handler))
	}
	if o.Debug {
		addDebug(e)
	}
	mountUI(e, o.UI)
	return e
}

// echoError answers routing failures the way Consul does.
func (a *API) echoError(err error, c echo.Context) {
	c.Response().Header().Set("X-Consul-Default-Acl-Policy", "allow")
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		writeError(c, http.StatusInternalServerError, err.Error())
		return
	}
	switch he.Code {
	case http.StatusMethodNotAllowed:
		writeError(c, he.Code, "method "+c.Request().Method+" not allowed") // compat
	case http.StatusNotFound:
		c.Response().Header().Set("Vary", "Accept-Encoding")
		c.NoContent(http.StatusNotFound)
	default:
		writeError(c, he.Code, http.StatusText(he.Code))
	}
}
