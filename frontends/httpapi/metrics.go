package httpapi

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// gaugeJSON is one gauge of /v1/agent/metrics (go-metrics' JSON shape).
type gaugeJSON struct {
	Name   string
	Value  float64
	Labels map[string]string
}

type metricsJSON struct {
	Timestamp string
	Gauges    []gaugeJSON
	Points    []any
	Counters  []any
	Samples   []any
}

// gauges samples the runtime and the agent's own gauges, sorted by name.
func (a *API) gauges() []gaugeJSON {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	vals := map[string]float64{
		"consul.runtime.num_goroutines": float64(runtime.NumGoroutine()),
		"consul.runtime.alloc_bytes":    float64(ms.Alloc),
		"consul.runtime.sys_bytes":      float64(ms.Sys),
		"consul.runtime.heap_objects":   float64(ms.HeapObjects),
		"consul.runtime.total_gc_runs":  float64(ms.NumGC),
	}
	if a.opts.Gauges != nil {
		for k, v := range a.opts.Gauges() {
			vals[k] = v
		}
	}
	out := make([]gaugeJSON, 0, len(vals))
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		out = append(out, gaugeJSON{Name: k, Value: vals[k], Labels: map[string]string{}})
	}
	return out
}

// agentMetrics serves /v1/agent/metrics as JSON, or in Prometheus' text
// format with ?format=prometheus (names with '.' become '_').
func (a *API) agentMetrics(c echo.Context) (any, *actors.Meta, error) {
	g := a.gauges()
	if c.QueryParam("format") == "prometheus" {
		var b strings.Builder
		for _, x := range g {
			name := strings.ReplaceAll(x.Name, ".", "_")
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, name, name, name, x.Value)
		}
		return raw(b.String()), nil, nil
	}
	return metricsJSON{Timestamp: time.Now().UTC().Truncate(10 * time.Second).Format("2006-01-02 15:04:05 -0700 MST"),
		Gauges: g, Points: []any{}, Counters: []any{}, Samples: []any{}}, nil, nil
}
