package local

import (
	"context"

	"github.com/consuld/consuld/actors/check"
)

// AliasSource returns the checks of node that decide the health of
// serviceID on it ("" for the node itself), leaving out the check with ID
// exclude (the alias check itself), and whether that service is registered
// there.
type AliasSource func(node, serviceID, exclude string) (checks []check.Aliased, found bool)

// aliasProber turns the aliased node's or service's checks into a result.
type aliasProber struct {
	src           AliasSource
	self          string // the alias check's own ID, never counted
	node, service string
}

func (p aliasProber) Probe(context.Context) check.Result {
	checks, found := p.src(p.node, p.service, p.self)
	if p.service != "" && !found {
		return check.AliasMissing(p.service, p.node)
	}
	return check.Alias(checks)
}
