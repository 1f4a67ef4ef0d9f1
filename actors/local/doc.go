// Package local is the agent's own state: the services and checks
// registered with this agent (from config files and /v1/agent/*), the
// status of each check as its runner observes it, and the anti-entropy that
// keeps the catalog in step with them.
//
// Local (local.go) is the pure behaviour of the agent-state actor. Inputs:
// AddService, RemoveService, AddCheck, RemoveCheck, CheckResult, Resync,
// Snapshot. Effects: Sync (catalog events to propose, in order), StartCheck and
// StopCheck (check runners), Persist (the API-registered definitions), Answer.
//
// Runner (runner.go) is the pure behaviour of one check's actor: it folds
// probe results (or TTL reports) through check.Next and reports only status
// changes to the agent-state actor, as Consul's agent only syncs changes.
//
// Invariants: every registered check belongs to a registered service (or to
// the node); a service's checks go to the catalog in the same event as the
// service; a check's status reaches the catalog only when it changed.
package local
