package httpapi

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// parseEnable reads ?enable= with Consul's error texts.
func parseEnable(c echo.Context) (bool, error) {
	v := c.QueryParam("enable")
	if v == "" {
		return false, badRequest("Missing value for enable") // compat
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("Invalid value for enable: " + strconv.Quote(v)) // compat
	}
	return b, nil
}

func (a *API) agentMaintenance(c echo.Context) (any, *actors.Meta, error) {
	on, err := parseEnable(c)
	if err != nil {
		return nil, nil, err
	}
	return nil, nil, agentErr(a.c.AgentMaintenance(c.Request().Context(), "", on, c.QueryParam("reason")))
}

func (a *API) agentServiceMaintenance(c echo.Context) (any, *actors.Meta, error) {
	on, err := parseEnable(c)
	if err != nil {
		return nil, nil, err
	}
	return nil, nil, agentErr(a.c.AgentMaintenance(c.Request().Context(), c.Param("id"), on, c.QueryParam("reason")))
}

func (a *API) agentReload(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Reload == nil {
		return nil, nil, badRequest("reload is not available")
	}
	return nil, nil, a.opts.Reload()
}
