// Command uibench measures the web UI on a large catalog, in a real
// headless Chromium against a freshly built consuld.
//
// It starts a durable one-server agent with -ui (benchkit.StartAgent),
// registers -services services with -per-service instances each (5,000 x
// 10 = 50,000 instances by default) on -nodes nodes through PUT
// /v1/catalog/register, one service check per instance (1% critical, 2%
// warning) and a serfHealth check per node, then measures:
//
//   - the aggregated endpoint itself: GET /v1/internal/ui/services for the
//     first page (per_page=100) and for the whole list, bytes with gzip,
//     and, as the UI asks, a blocking query at the last index seen, woken
//     by a check change: the time includes rebuilding the summary;
//   - time to first render of the services page in the browser (the
//     page's performance mark "consuld:first-render:services", from
//     navigation start), with a cold cache and again warm, and the bytes
//     transferred until then (DevTools Network.loadingFinished
//     encodedDataLength, headers included);
//   - live update latency: a check flipped to critical through the API
//     until the open page shows that service as critical;
//   - the agent CPU (utime+stime from /proc/PID/stat) spent while one tab
//     idles on the services page for -idle, next to the same window with
//     no tab open, and the requests and bytes the idle tab made.
//
// Usage:
//
//	go run ./cmd/uibench [-services 5000] [-per-service 10] [-nodes 1000]
//	                     [-idle 1m] [-screenshot file.png] [-dir DIR]
//
// Results are benchmark-style lines on stdout; progress goes to stderr.
// The browser and the load share the machine with the agent: every figure
// is what this box does end to end.
package main
