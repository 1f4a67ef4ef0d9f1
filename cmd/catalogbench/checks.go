package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

const (
	httpChecks    = 1000
	checksConc    = 16
	checksWarm    = 15 * time.Second
	checksWindow  = 30 * time.Second
	checksIdleWin = 5 * time.Second
)

// checksResult is part 4's figures.
type checksResult struct {
	checks           int
	regTook          time.Duration
	warm, window     time.Duration
	idle, load       benchkit.Usage // cores: agent (server), catalogbench (client: the target server), others
	rssIdle, rss     int64
	memIdle, mem     goMem
	threads          int64
	probes           int64 // requests the target server answered in the window
	passing, total   int
	statuses         map[string]int
	passingAfterWarm int
}

// benchChecks starts an HTTP server in this process answering 200, has the
// agent run checks HTTP checks against it at a 1 s interval (registered
// through PUT /v1/agent/service/register), waits, and measures the agent's
// CPU and RSS over a window.
func benchChecks(ctx context.Context, rep *report, lc *benchkit.LoadClient, a *benchkit.Agent, o options) error {
	r := checksResult{checks: o.size(httpChecks), warm: checksWarm, window: checksWindow}
	if o.quick {
		r.warm, r.window = 5*time.Second, 10*time.Second
	}
	var hits atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Write([]byte("ok"))
	})}
	go srv.Serve(ln)
	defer srv.Close()
	target := "http://" + ln.Addr().String()

	benchkit.SleepCtx(ctx, 2*time.Second) // let start-up settle
	r.rssIdle, _ = a.RSS()
	r.memIdle, _ = agentMem(ctx, a)
	c0 := benchkit.TakeCPU(a.PID())
	benchkit.SleepCtx(ctx, checksIdleWin)
	r.idle = benchkit.CPUBetween(c0, benchkit.TakeCPU(a.PID()))
	benchkit.Progress("checks: idle agent %.3f cores, RSS %s; registering %d services with an HTTP check each", r.idle.Server, benchkit.MiB(r.rssIdle), r.checks)

	errs, first, took := benchkit.Fill(ctx, checksConc, r.checks, func(ctx context.Context, i int) error {
		body := fmt.Sprintf(`{"Name":"hc-%d","ID":"hc-%d","Port":%d,"Check":{"HTTP":"%s/h%d","Interval":"1s"}}`, i, i, 20000+i, target, i)
		return expectOK(ctx, lc.C, http.MethodPut, a.Base+"/v1/agent/service/register", []byte(body), "")
	})
	if errs > 0 {
		return fmt.Errorf("checks: %d registrations failed, first: %v", errs, first)
	}
	r.regTook = took
	benchkit.Progress("checks: registered in %s; waiting %s", took.Round(time.Millisecond), r.warm)
	benchkit.SleepCtx(ctx, r.warm)
	if r.passingAfterWarm, _, err = agentChecks(ctx, lc, a); err != nil {
		return err
	}

	benchkit.Progress("checks: measuring the agent for %s", r.window)
	h0, c0 := hits.Load(), benchkit.TakeCPU(a.PID())
	benchkit.SleepCtx(ctx, r.window)
	h1, c1 := hits.Load(), benchkit.TakeCPU(a.PID())
	r.load, r.probes = benchkit.CPUBetween(c0, c1), h1-h0
	r.rss, _ = a.RSS()
	r.threads, _ = benchkit.ProcStatus(a.PID(), "Threads")
	r.mem, _ = agentMem(ctx, a)
	if r.passing, r.statuses, err = agentChecks(ctx, lc, a); err != nil {
		return err
	}
	for _, n := range r.statuses {
		r.total += n
	}
	rep.checks(r)
	return ctx.Err()
}

// agentChecks counts the agent's checks by status (GET /v1/agent/checks).
func agentChecks(ctx context.Context, lc *benchkit.LoadClient, a *benchkit.Agent) (passing int, statuses map[string]int, err error) {
	b, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodGet, a.Base+"/v1/agent/checks", nil)
	if err != nil || st != http.StatusOK {
		return 0, nil, fmt.Errorf("GET /v1/agent/checks: %d %v", st, err)
	}
	var checks map[string]struct{ Status string }
	if err := json.Unmarshal(b, &checks); err != nil {
		return 0, nil, fmt.Errorf("GET /v1/agent/checks: %v", err)
	}
	statuses = map[string]int{}
	for _, c := range checks {
		statuses[c.Status]++
	}
	return statuses["passing"], statuses, nil
}

func fmtStatuses(m map[string]int) string {
	s := ""
	for _, k := range []string{"passing", "warning", "critical"} {
		if m[k] > 0 {
			s += " " + k + "=" + strconv.Itoa(m[k])
		}
	}
	return s
}
