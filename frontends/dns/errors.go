package dns

import "errors"

var (
	// Configuration errors; the agent's configuration layer names the key.
	errDomain    = errors.New("dns: domain must be a valid domain name other than the root")
	errAltDomain = errors.New("dns: alt_domain must be a valid domain name other than the root and the domain")
	errNegative  = errors.New("dns: must not be negative")
	errStrategy  = errors.New(`dns: recursor_strategy must be "sequential" or "random"`)
	errTimeout   = errors.New("dns: recursor_timeout must be positive")

	// errName marks a name inside a served domain that names nothing
	// (answered NXDOMAIN, as Consul answers malformed names).
	errName = errors.New("dns: no such name")
	// errRecursors says no recursor gave a usable answer.
	errRecursors = errors.New("dns: no recursor answered")
)
