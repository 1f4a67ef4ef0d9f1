package check

import "errors"

// Errors. Those marked compat carry Consul's exact text, which its HTTP API
// returns (register answers 400 "Invalid check: " + the text for the
// check-type ones, and the bare text for name and status).
var (
	ErrMissingName   = errors.New("Missing check name")                                                          // compat
	ErrBadStatus     = errors.New("Bad check status")                                                            // compat
	ErrIntervalTTL   = errors.New("Interval and TTL cannot both be specified")                                   // compat
	ErrNoInterval    = errors.New("Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks") // compat
	ErrBadTTL        = errors.New("TTL must be > 0 for TTL checks")                                              // compat
	ErrOutputMaxSize = errors.New("MaxOutputMaxSize must be positive")                                           // compat
	ErrWarningAbove  = errors.New("FailuresBeforeWarning can't be higher than FailuresBeforeCritical")           // compat

	// compat: the agent's refusal to register a script check.
	ErrScriptsDisabled       = errors.New("Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true")
	ErrRemoteScriptsDisabled = errors.New("Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true")

	ErrNoKind       = errors.New("check: must set one of HTTP, TCP, UDP, GRPC, H2PING, TTL, Args, AliasNode or AliasService")
	ErrManyKinds    = errors.New("check: only one of HTTP, TCP, UDP, GRPC, H2PING, TTL, Args and AliasNode/AliasService may be set")
	ErrUnsupported  = errors.New("check: unsupported check type")
	ErrNotProbed    = errors.New("check: TTL and alias checks have no prober")
	ErrDecode       = errors.New("check: bad definition")
	ErrDuplicateKey = errors.New("check: the same field is given twice")
)
