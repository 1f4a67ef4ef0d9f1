package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// defaultGetBody is what consuld (non -dev) answers for one bench key, used
// when the kv part did not run and no real body was captured.
func defaultGetBody() []byte {
	return []byte(`[{"LockIndex":0,"Key":"bench/get/1","Flags":0,"Value":"` +
		base64.StdEncoding.EncodeToString(valueBytes) + `","CreateIndex":6,"ModifyIndex":6}]`)
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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return srv.Serve(ln)
}

// startEcho runs the bare Echo server as a subprocess (a separate process,
// like the agent) and waits until it answers.
func startEcho(ctx context.Context, lc *loadClient, dir string, body []byte) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	p, err := startProc(self, []string{"-serve-echo", addr, "-serve-echo-body", base64.StdEncoding.EncodeToString(body)},
		filepath.Join(dir, "echo.log"))
	if err != nil {
		return nil, err
	}
	p.base = "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, _, st, err := httpDo(ctx, lc.c, http.MethodGet, p.base+"/v1/kv/ready", nil); err == nil && st == http.StatusOK {
			break
		}
		if p.exited() || time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("bare echo server not ready:\n%s", p.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	progress("bare echo server up (pid %d, %s, GET body %d bytes)", p.pid(), p.base, len(body))
	return p, nil
}
