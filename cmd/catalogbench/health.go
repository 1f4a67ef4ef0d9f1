package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	healthConc      = 16
	webInstances    = 100
	webInstanceSize = 1400 // target JSON bytes per instance in the answer (~140 KB for 100)
)

// healthResult is part 1's setup: what the measured GET answers.
type healthResult struct {
	instances, bodyBytes int
	regTook              time.Duration
}

// webInstance is instance i of web, alone on node-<i> at 127.0.1.<i+1>.
func webInstance(i int) regBody {
	id := "web-" + strconv.Itoa(i)
	return instanceBody("node-"+strconv.Itoa(i), fmt.Sprintf("127.0.1.%d", i%250+1), "web", id, false)
}

// benchHealth registers the web instances, captures the agent's answer to
// GET /v1/health/service/web?passing, and measures, seconds apart, a bare
// Echo server answering those bytes and the agent (default consistency,
// then ?stale) at c=16.
func benchHealth(ctx context.Context, rep *report, lc *benchkit.LoadClient, a *benchkit.Agent, dir string, o options, warm time.Duration) error {
	h := healthResult{instances: o.size(webInstances)}
	benchkit.Progress("health: registering %d instances of web", h.instances)
	errs, first, took := benchkit.Fill(ctx, healthConc, h.instances, func(ctx context.Context, i int) error {
		return register(ctx, lc.C, a.Base, webInstance(i))
	})
	if errs > 0 {
		return fmt.Errorf("health: registering web: %d errors, first: %v", errs, first)
	}
	h.regTook = took
	url := a.Base + "/v1/health/service/web?passing"
	body, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodGet, url, nil)
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("health: GET %s: %d %v", url, st, err)
	}
	if err := checkWebBody(body, h.instances); err != nil {
		return err
	}
	h.bodyBytes = len(body)
	rep.health(h)

	echo, err := startEcho(ctx, lc, dir, body)
	if err != nil {
		return err
	}
	defer echo.Stop()
	run := func(name string, pid int, url string) {
		if ctx.Err() == nil {
			rep.add(benchkit.ClosedLoop(ctx, name, healthConc, warm, o.duration, pid, getLenOp(lc.C, url, len(body))))
		}
	}
	// Bare Echo runs before and after the agent; the summary divides by
	// the better of the two.
	c := strconv.Itoa(healthConc)
	run("BenchmarkEchoRaw/health-body/c="+c, echo.PID(), echo.Base+"/v1/health/service/web?passing")
	run("BenchmarkHealth/passing/c="+c, a.PID(), url)
	run("BenchmarkHealth/passing-stale/c="+c, a.PID(), url+"&stale")
	run("BenchmarkEchoRaw/health-body/c="+c, echo.PID(), echo.Base+"/v1/health/service/web?passing")
	return ctx.Err()
}

// checkWebBody: n entries, each instance of web with two passing checks.
func checkWebBody(body []byte, n int) error {
	es, err := decodeHealth(body)
	if err != nil {
		return fmt.Errorf("health: decoding the answer: %v", err)
	}
	if len(es) != n {
		return fmt.Errorf("health: %d entries, want %d", len(es), n)
	}
	for _, e := range es {
		if len(e.Checks) != 2 || e.Checks[0].Status != "passing" || e.Checks[1].Status != "passing" {
			return fmt.Errorf("health: entry %s/%s has checks %+v, want 2 passing", e.Node.Node, e.Service.ID, e.Checks)
		}
	}
	return nil
}

// getLenOp GETs url and expects a 200 with a body of want bytes (nothing
// changes the answer while the loop runs).
func getLenOp(c *http.Client, url string, want int) benchkit.OpFunc {
	return func(ctx context.Context, _, _ int) error {
		b, _, status, err := benchkit.HTTPDo(ctx, c, http.MethodGet, url, nil)
		if err == nil && (status != http.StatusOK || len(b) != want) {
			err = fmt.Errorf("GET %s: %d, %d bytes (want %d) %.100q", url, status, len(b), want, b)
		}
		return err
	}
}
