package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"

	"github.com/consuld/consuld/cmd/internal/benchkit"
	"github.com/labstack/echo/v4"
)

// serveEcho is the bare Echo server (run as `catalogbench -serve-echo ADDR
// -serve-echo-body FILE`): GET /v1/health/service/:service answers the
// captured body with the headers consuld sets; no middleware, no JSON
// encoding, same http.Server settings as kvbench's.
func serveEcho(addr string, body []byte) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/v1/health/service/:service", func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Consul-Default-Acl-Policy", "allow")
		h.Set("X-Consul-Effective-Consistency", "consistent")
		h.Set("X-Consul-Index", "105")
		h.Set("X-Consul-Knownleader", "true")
		h.Set("X-Consul-Lastcontact", "0")
		h.Set("X-Consul-Query-Backend", "blocking-query")
		return c.Blob(http.StatusOK, "application/json", body)
	})
	return benchkit.ServeBare(addr, e)
}

// startEcho runs the bare Echo server as a subprocess (a separate process,
// like the agent) serving body, and waits until it answers. The body goes
// through a file: 140 KB is more than one argv string may hold.
func startEcho(ctx context.Context, lc *benchkit.LoadClient, dir string, body []byte) (*benchkit.Proc, error) {
	bodyPath := filepath.Join(dir, "echo-body.json")
	if err := os.WriteFile(bodyPath, body, 0o644); err != nil {
		return nil, err
	}
	p, err := benchkit.StartEchoProc(ctx, dir, func(addr string) []string {
		return []string{"-serve-echo", addr, "-serve-echo-body", bodyPath}
	}, func(base string) bool {
		b, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodGet, base+"/v1/health/service/web", nil)
		return err == nil && st == http.StatusOK && len(b) == len(body)
	})
	if err != nil {
		return nil, err
	}
	benchkit.Progress("bare echo server up (pid %d, %s, body %d bytes)", p.PID(), p.Base, len(body))
	return p, nil
}
