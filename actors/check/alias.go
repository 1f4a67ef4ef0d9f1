package check

import "fmt"

// AliasStatus is the status an alias check takes from the checks of the
// node or service it aliases: critical if any is critical, else warning if
// any is warning, else passing (also when there are none). Other statuses
// count as passing, as in Consul, which only looks for critical and
// warning.
func AliasStatus(checks []Status) Status {
	health := StatusPassing
	for _, s := range checks {
		switch s {
		case StatusCritical:
			return StatusCritical
		case StatusWarning:
			health = StatusWarning
		}
	}
	return health
}

// Aliased is one check of the aliased node or service, already filtered
// to that node and service by the caller.
type Aliased struct {
	Name   string
	Status Status
	Output string
}

// Alias is AliasStatus with Consul's output: "No checks found.", "All
// checks passing.", or `Aliased check "<name>" failing: <output>` naming
// the first critical check, else the last warning one.
func Alias(checks []Aliased) Result {
	r := Result{Status: StatusPassing, Output: "No checks found."} // compat: Consul's text
	for _, c := range checks {
		switch c.Status {
		case StatusCritical, StatusWarning:
			r = Result{Status: c.Status, Output: fmt.Sprintf("Aliased check %q failing: %s", c.Name, c.Output)} // compat
			if c.Status == StatusCritical {
				return r
			}
		default:
			if r.Status == StatusPassing {
				r.Output = "All checks passing." // compat
			}
		}
	}
	return r
}

// AliasMissing is the result when the aliased service is not registered
// on the node at all.
func AliasMissing(serviceID, node string) Result {
	return critical(fmt.Sprintf("Service %s could not be found on node %s", serviceID, node)) // compat
}
