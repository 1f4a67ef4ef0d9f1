package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/consuld/consuld/actors"
	actorcat "github.com/consuld/consuld/actors/catalog"
	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/frontends/dns"
)

// dnsSource is the DNS server's view of the catalog through the Client:
// service health from the service's aggregate actor, everything else from
// the catalog state. A stale read older than max_stale (time since the
// last contact with the leader) is redone consistently, as in Consul.
type dnsSource struct {
	c        *actors.Client
	dc       string
	maxStale time.Duration
}

func (s dnsSource) Datacenter() string { return s.dc }

func (s dnsSource) View(ctx context.Context, stale bool) (dns.Catalog, error) {
	v, m, err := s.c.CatalogView(ctx, stale)
	if err == nil && stale && s.tooStale(m) {
		v, _, err = s.c.CatalogView(ctx, false)
	}
	return v, err
}

func (s dnsSource) Health(ctx context.Context, name string, stale bool) (*actorcat.Health, error) {
	h, m, err := s.c.ServiceHealth(ctx, name, stale)
	if err == nil && stale && s.tooStale(m) {
		h, _, err = s.c.ServiceHealth(ctx, name, false)
	}
	return h, err
}

func (s dnsSource) tooStale(m actors.Meta) bool { return m.LastContact > s.maxStale }

// dnsConfig maps the agent configuration onto the DNS server's.
func dnsConfig(c *config.Config) dns.Config {
	d := dns.Defaults()
	d.Domain, d.AltDomain = c.DNS.Domain, c.DNS.AltDomain
	d.NodeTTL, d.ServiceTTL = c.DNS.NodeTTL, c.DNS.ServiceTTL
	d.AllowStale, d.MaxStale = c.DNS.AllowStale, c.DNS.MaxStale
	d.UDPAnswerLimit, d.ARecordLimit = c.DNS.UDPAnswerLimit, c.DNS.ARecordLimit
	d.EnableTruncate, d.OnlyPassing, d.NodeMetaTXT = c.DNS.EnableTruncate, c.DNS.OnlyPassing, c.DNS.NodeMetaTXT
	d.Recursors, d.RecursorTimeout, d.RecursorStrategy = c.DNS.Recursors, c.DNS.RecursorTimeout, c.DNS.RecursorStrategy
	d.DisableCompression = c.DNS.DisableCompression
	d.SOA = dns.SOA{Refresh: c.DNS.SOA.Refresh, Retry: c.DNS.SOA.Retry, Expire: c.DNS.SOA.Expire, MinTTL: c.DNS.SOA.MinTTL}
	return d
}

// serveDNS starts the DNS server on every DNS address (ports.dns, -1
// disables), over UDP and TCP, answering from src.
func (a *Agent) serveDNS(src dns.Source) error {
	c := a.cfg
	if c.Ports.DNS < 0 {
		return nil
	}
	srv, err := dns.New(dnsConfig(c), src, a.log.Named("dns"))
	if err != nil {
		return fmt.Errorf("agent: DNS: %w", err)
	}
	a.dns = srv
	for _, ip := range clientIPs(c, c.Addresses.DNS) {
		addr := hostPort(ip, c.Ports.DNS)
		if err := srv.Listen(addr); err != nil {
			return fmt.Errorf("agent: DNS listener: %w", err)
		}
		a.log.Info("started DNS server", "address", addr, "network", "udp")
		a.log.Info("started DNS server", "address", addr, "network", "tcp")
	}
	return nil
}
