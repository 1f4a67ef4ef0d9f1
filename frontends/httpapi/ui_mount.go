package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/frontends/ui"
)

// uiDisabled is the answer to / when the UI is off, so that whoever opens
// the agent's address in a browser learns what it is and how to get a UI.
const uiDisabled = "consuld agent: the web UI is disabled. Enable it with ui_config.enabled = true (or -ui) and restart the agent.\n"

// mountUI serves the web UI under ui.Path when enabled and answers / as
// Consul does: a permanent redirect to the UI, or a line saying it is off.
func mountUI(e *echo.Echo, enabled bool) {
	if !enabled {
		e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, uiDisabled) })
		return
	}
	toUI := func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, ui.Path) }
	e.GET("/", toUI)
	e.GET(ui.Path[:len(ui.Path)-1], toUI)
	h := echo.WrapHandler(ui.Handler())
	e.GET(ui.Path+"*", h)
	e.HEAD(ui.Path+"*", h)
}
