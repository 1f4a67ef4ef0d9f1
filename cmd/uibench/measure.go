package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// gzipGet fetches url asking for gzip and returns the bytes on the wire
// (the body as sent) and the time to the last byte.
func gzipGet(ctx context.Context, url string) (int, time.Duration, error) {
	n, d, _, err := gzipGetIndex(ctx, url)
	return n, d, err
}

// gzipGetIndex is gzipGet that also returns the answer's X-Consul-Index.
func gzipGetIndex(ctx context.Context, url string) (int, time.Duration, string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, "", err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, 0, "", fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return int(n), time.Since(t0), resp.Header.Get("X-Consul-Index"), err
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// benchAPI times /v1/internal/ui/services: repeated reads at one index
// (the summary is shared), reads right after a check changed (the summary
// is rebuilt), and the size of a page and of the whole list.
func benchAPI(ctx context.Context, c catalog) error {
	page := c.base + "/v1/internal/ui/services?per_page=100"
	n, _, err := gzipGet(ctx, page) // builds the summary
	if err != nil {
		return err
	}
	var same []time.Duration
	for range 20 {
		_, d, err := gzipGet(ctx, page)
		if err != nil {
			return err
		}
		same = append(same, d)
	}
	line("BenchmarkUIServicesAPI/per_page=100/same-index", len(same), "p50="+benchkit.FmtDur(median(same)), fmt.Sprintf("bytes=%d(gzip)", n))
	// As the UI asks: a blocking query at the index it last saw, which
	// the change wakes; the summary is rebuilt for the new index.
	_, _, idx, err := gzipGetIndex(ctx, page)
	if err != nil {
		return err
	}
	var rebuilt []time.Duration
	for r := range 10 {
		st := []string{"critical", "passing"}[r%2]
		if _, err := c.flip(ctx, 10, st); err != nil {
			return err
		}
		_, d, next, err := gzipGetIndex(ctx, page+"&wait=10s&index="+idx)
		if err != nil {
			return err
		}
		if next == idx {
			return fmt.Errorf("index %s did not move after a check change", idx)
		}
		idx = next
		rebuilt = append(rebuilt, d)
	}
	line(fmt.Sprintf("BenchmarkUIServicesAPI/per_page=100/after-change/instances=%d", c.o.services*c.o.perService), len(rebuilt),
		"p50="+benchkit.FmtDur(median(rebuilt)), "max="+benchkit.FmtDur(slices.Max(rebuilt)))
	all, d, err := gzipGet(ctx, c.base+"/v1/internal/ui/services")
	if err != nil {
		return err
	}
	line("BenchmarkUIServicesAPI/unpaged", 1, "time="+benchkit.FmtDur(d), fmt.Sprintf("bytes=%d(gzip)", all))
	nodes, d, err := gzipGet(ctx, c.base+"/v1/internal/ui/nodes?per_page=100")
	if err != nil {
		return err
	}
	line("BenchmarkUINodesAPI/per_page=100", 1, "time="+benchkit.FmtDur(d), fmt.Sprintf("bytes=%d(gzip)", nodes))
	return nil
}

// benchBrowser measures first render (cold, warm), live updates and the
// idle tab's cost to the agent.
func benchBrowser(ctx context.Context, b *browser, c catalog, pid int) error {
	benchkit.Progress("agent CPU over %s with no tab open", c.o.idle)
	cpu0 := benchkit.TakeCPU(pid)
	benchkit.SleepCtx(ctx, c.o.idle)
	base := benchkit.CPUBetween(cpu0, benchkit.TakeCPU(pid))

	for _, run := range []string{"cold", "warm"} {
		benchkit.Progress("first render, %s cache", run)
		r0, b0 := b.counters()
		d, err := b.firstRender()
		if err != nil {
			return fmt.Errorf("first render (%s): %w", run, err)
		}
		r1, b1 := b.counters()
		line("BenchmarkUIServicesFirstRender/"+run, 1, "time="+benchkit.FmtDur(d),
			fmt.Sprintf("bytes=%.0f", b1-b0), fmt.Sprintf("requests=%d", r1-r0))
	}
	if c.o.screenshot != "" {
		png, err := b.screenshot()
		if err == nil {
			err = os.WriteFile(c.o.screenshot, png, 0o644)
		}
		if err != nil {
			return err
		}
	}

	// svc-0001 is all passing and sorts among the first critical
	// services once it fails, so it shows on the first page.
	benchkit.Progress("live updates")
	var lat []time.Duration
	shown := `document.querySelector('tr[data-key="svc-0001"][data-status="critical"]') !== null`
	for range 5 {
		benchkit.SleepCtx(ctx, time.Second)
		at, err := c.flip(ctx, 1*c.o.perService, "critical")
		if err != nil {
			return err
		}
		if err := b.waitFor(shown, 20*time.Second); err != nil {
			return fmt.Errorf("live update not shown: %w", err)
		}
		lat = append(lat, time.Since(at))
		benchkit.SleepCtx(ctx, time.Second)
		if _, err := c.flip(ctx, 1*c.o.perService, "passing"); err != nil {
			return err
		}
		if err := b.waitFor("!("+shown+")", 20*time.Second); err != nil {
			return err
		}
	}
	line("BenchmarkUILiveUpdate/check-to-screen", len(lat), "p50="+benchkit.FmtDur(median(lat)), "max="+benchkit.FmtDur(slices.Max(lat)))

	benchkit.SleepCtx(ctx, 3*time.Second)
	benchkit.Progress("agent CPU over %s with one tab idling on the services page", c.o.idle)
	r0, b0 := b.counters()
	cpu0 = benchkit.TakeCPU(pid)
	benchkit.SleepCtx(ctx, c.o.idle)
	tab := benchkit.CPUBetween(cpu0, benchkit.TakeCPU(pid))
	r1, b1 := b.counters()
	secs := c.o.idle.Seconds()
	line(fmt.Sprintf("BenchmarkUIIdleTab/%s", c.o.idle), 1,
		fmt.Sprintf("agent-cpu=%.2fs", tab.Server*secs), fmt.Sprintf("(%.3f%% of a core)", 100*tab.Server),
		fmt.Sprintf("no-tab-baseline=%.2fs", base.Server*secs),
		fmt.Sprintf("requests=%d", r1-r0), fmt.Sprintf("bytes=%.0f", b1-b0), "other="+fmt.Sprintf("%.2f cores", tab.Other))
	return ctx.Err()
}
