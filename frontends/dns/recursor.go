package dns

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	mdns "github.com/miekg/dns"
)

// recursor forwards questions about names outside the domains.
type recursor struct {
	addrs   []string // host:port
	timeout time.Duration
	random  bool
}

// exchange asks the recursors in turn (in order, or in a random order
// for the "random" strategy), each within the timeout, over the
// transport the client used. The first answer that is NOERROR or
// NXDOMAIN is returned with the client's ID; an answer with another
// rcode moves on to the next recursor, as Consul does.
func (r *recursor) exchange(ctx context.Context, req *mdns.Msg, tr transport, rng *rand.Rand) (*mdns.Msg, error) {
	order := r.addrs
	if r.random {
		order = slices.Clone(order)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	c := &mdns.Client{Net: tr.String(), Timeout: r.timeout}
	up := req.Copy()
	up.Id = mdns.Id() // a fresh ID upstream: the client's could be guessed
	var last error
	for _, addr := range order {
		resp, _, err := c.ExchangeContext(ctx, up, addr)
		switch {
		case err != nil:
			last = fmt.Errorf("%s: %w", addr, err)
			continue
		case resp.Rcode != mdns.RcodeSuccess && resp.Rcode != mdns.RcodeNameError:
			last = fmt.Errorf("%s answered %s", addr, mdns.RcodeToString[resp.Rcode])
			continue
		}
		resp.Id = req.Id
		return resp, nil
	}
	return nil, fmt.Errorf("%w: %w", errRecursors, last)
}
