// Package ui is consuld's web UI: plain HTML, CSS and JavaScript modules
// embedded in the binary (assets/), served by Handler under Path.
//
// There is no build step and no framework: the browser loads
// assets/index.html and the modules under assets/static/js as they are.
// Every path under Path that is not a static file answers index.html, so
// the UI's own routes (/ui/dc1/services/web) survive a reload. Every file
// carries an ETag and Cache-Control: no-cache, so a browser revalidates
// with a 304 and never runs assets from an older binary.
//
// The UI reads the agent's HTTP API only: the aggregated list endpoints
// (/v1/internal/ui/services, /v1/internal/ui/nodes, /v1/internal/ui/node/:node),
// /v1/health/service/:name, /v1/kv, /v1/catalog/datacenters, /v1/agent/self,
// /v1/agent/members and /v1/status/leader. Each view keeps one blocking
// query open and re-renders when its index moves.
package ui
