// Package agent is the composition root of `consuld agent`: it turns a
// loaded config into a running server — the Raft host (fsm/host), the actor
// system (actors), the HTTP API (frontends/httpapi) — prints Consul's
// startup banner and shuts everything down on SIGINT/SIGTERM.
package agent
