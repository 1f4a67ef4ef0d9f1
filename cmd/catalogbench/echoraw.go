package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return srv.Serve(ln)
}

// startEcho runs the bare Echo server as a subprocess (a separate process,
// like the agent) serving body, and waits until it answers. The body goes
// through a file: 140 KB is more than one argv string may hold.
func startEcho(ctx context.Context, lc *loadClient, dir string, body []byte) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	bodyPath := filepath.Join(dir, "echo-body.json")
	if err := os.WriteFile(bodyPath, body, 0o644); err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	p, err := startProc(self, []string{"-serve-echo", addr, "-serve-echo-body", bodyPath}, filepath.Join(dir, "echo.log"))
	if err != nil {
		return nil, err
	}
	p.base = "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, _, st, err := httpDo(ctx, lc.c, http.MethodGet, p.base+"/v1/health/service/web", nil)
		if err == nil && st == http.StatusOK && len(b) == len(body) {
			break
		}
		if p.exited() || time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("bare echo server not ready:\n%s", p.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	progress("bare echo server up (pid %d, %s, body %d bytes)", p.pid(), p.base, len(body))
	return p, nil
}
