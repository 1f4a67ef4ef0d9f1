package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"

	"github.com/consuld/consuld/cmd/internal/benchkit"
	"github.com/labstack/echo/v4"
)

// defaultGetBody is what consuld (non -dev) answers for one bench key, used
// when the kv part did not run and no real body was captured.
func defaultGetBody() []byte {
	return []byte(`[{"LockIndex":0,"Key":"bench/get/1","Flags":0,"Value":"` +
		base64.StdEncoding.EncodeToString(benchkit.ValueBytes) + `","CreateIndex":6,"ModifyIndex":6}]`)
}

// serveEcho is the bare Echo server (run as `kvbench -serve-echo ADDR`): GET
// answers body, PUT reads the request body and answers `true`, both with
// the headers consuld sets, no middleware, same http.Server settings.
func serveEcho(addr string, body []byte) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	common := func(h http.Header) {
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Consul-Default-Acl-Policy", "allow")
	}
	e.GET("/v1/kv/*", func(c echo.Context) error {
		h := c.Response().Header()
		common(h)
		h.Set("X-Consul-Index", "6")
		h.Set("X-Consul-Knownleader", "true")
		h.Set("X-Consul-Lastcontact", "0")
		h.Set("X-Consul-Query-Backend", "blocking-query")
		h.Set("X-Consul-Effective-Consistency", "consistent")
		return c.Blob(http.StatusOK, "application/json", body)
	})
	ok := []byte("true")
	e.PUT("/v1/kv/*", func(c echo.Context) error {
		if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
			return err
		}
		common(c.Response().Header())
		return c.Blob(http.StatusOK, "application/json", ok)
	})
	return benchkit.ServeBare(addr, e)
}

// startEcho runs the bare Echo server as a subprocess (a separate process,
// like the agent) and waits until it answers.
func startEcho(ctx context.Context, lc *benchkit.LoadClient, dir string, body []byte) (*benchkit.Proc, error) {
	p, err := benchkit.StartEchoProc(ctx, dir, func(addr string) []string {
		return []string{"-serve-echo", addr, "-serve-echo-body", base64.StdEncoding.EncodeToString(body)}
	}, func(base string) bool {
		_, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodGet, base+"/v1/kv/ready", nil)
		return err == nil && st == http.StatusOK
	})
	if err != nil {
		return nil, err
	}
	benchkit.Progress("bare echo server up (pid %d, %s, GET body %d bytes)", p.PID(), p.Base, len(body))
	return p, nil
}
