// Package check is the health-check core the check actors run on: pure
// status logic, check definitions, and one prober per kind of check.
// It does no scheduling and holds no clock; the actor adapter (later)
// owns timers, runs probes off its mailbox, and records changes.
//
// Status logic (status.go, next.go): Next(state, result, thresholds)
// folds one probe Result into a check's State with Consul's flapping
// thresholds (success_before_passing, failures_before_warning,
// failures_before_critical) and reports whether the visible Status or
// Output changed. It is pure and total: same inputs, same outputs, no I/O.
// A warning result counts as a success; below a threshold nothing visible
// changes. NewState starts a check critical unless the definition gives a
// status, with counters primed as Consul primes them, so the first result
// is applied at once. TTL and alias checks bypass the thresholds, as in
// Consul: their results are the status.
//
// Definitions (definition.go, decode.go): Definition is a check as
// /v1/agent/check/register or a config file gives it. DecodeDefinition
// accepts CamelCase and snake_case keys alike. Kind, Type and Validate
// apply Consul's rules; RunInterval, ProbeTimeout, OutputLimit,
// Thresholds and DeregisterAfter apply its defaults and floors. Errors
// marked compat in errors.go carry Consul's exact text.
//
// Probers (prober.go and one file per kind): a Prober's Probe(ctx) runs
// one probe and returns its Result; it returns by ctx's deadline or its
// own Timeout, whichever is sooner, never panics, and reports failures as
// critical with the reason in Output, in Consul's words where clients can
// see them. HTTP, TCP, UDP, GRPC, H2Ping and Script are probers;
// Definition.Prober builds the right one. AllowScript is the agent's gate
// for script checks. TTL (ttl.go) is the clock-free state of a TTL check,
// and Alias/AliasStatus (alias.go) compute an alias check's status from
// the aliased checks.
package check
