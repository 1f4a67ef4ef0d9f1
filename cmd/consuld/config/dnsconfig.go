package config

import (
	"maps"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DNS is the DNS interface's configuration: domain, alt_domain, recursors
// and the dns_config block.
type DNS struct {
	Domain    string // with a trailing dot, lower case; default "consul."
	AltDomain string // "" or like Domain

	Recursors        []string // host:port (port 53 added when absent)
	RecursorTimeout  time.Duration
	RecursorStrategy string // "sequential" or "random"

	AllowStale bool
	MaxStale   time.Duration
	NodeTTL    time.Duration
	// ServiceTTL maps a service name, or a prefix ending in "*", to a TTL.
	ServiceTTL map[string]time.Duration

	UDPAnswerLimit     int
	ARecordLimit       int // 0: no limit
	EnableTruncate     bool
	OnlyPassing        bool
	DisableCompression bool
	// NodeMetaTXT adds node meta as TXT records in the additional section
	// of node and SRV answers (enable_additional_node_meta_txt).
	NodeMetaTXT bool

	SOA SOA
}

// SOA holds dns_config.soa, in seconds.
type SOA struct {
	Refresh, Retry, Expire, MinTTL uint32
}

func dnsDefaults() DNS {
	return DNS{
		Domain:           "consul.",
		RecursorTimeout:  2 * time.Second,
		RecursorStrategy: "sequential",
		AllowStale:       true,
		MaxStale:         87600 * time.Hour, // Consul's default: ten years
		UDPAnswerLimit:   3,
		NodeMetaTXT:      true,
		SOA:              SOA{Refresh: 3600, Retry: 600, Expire: 86400},
	}
}

var validDomain = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+$`)

func checkDomain(s string) (string, error) {
	s = strings.ToLower(s)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	if len(s) > 253 || !validDomain.MatchString(s) {
		return "", valueProblem("invalid domain %q: want DNS labels like \"consul\"", strings.TrimSuffix(s, "."))
	}
	return s, nil
}

func checkRecursorStrategy(s string) (string, error) {
	switch s {
	case "sequential", "random":
		return s, nil
	}
	return "", valueProblem("invalid recursor strategy %q: want \"sequential\" or \"random\"", s)
}

// normRecursor turns "1.2.3.4" into "1.2.3.4:53"; recursors must be IP
// addresses (a name would need a resolver to find the resolver).
func normRecursor(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
	}
	if net.ParseIP(host) == nil {
		return "", valueProblem("invalid recursor address %q: want an IP address, optionally with :port", s)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", valueProblem("invalid recursor port in %q", s)
	}
	return net.JoinHostPort(host, port), nil
}

func recursorList(v any) ([]string, error) {
	l, err := asStrings(v)
	if err != nil {
		if s, ok := v.(string); ok { // a single recursor
			l, err = []string{s}, nil
		} else {
			return nil, err
		}
	}
	out := make([]string, 0, len(l))
	for _, s := range l {
		r, err := normRecursor(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func seconds(field func(*Config) *uint32) spec {
	return spec{set: func(c *Config, v any) error {
		n, err := asInt(v)
		if err != nil {
			return err
		}
		if n < 0 || n > 1<<31-1 {
			return valueProblem("must be between 0 and %d seconds, got %d", 1<<31-1, n)
		}
		*field(c) = uint32(n)
		return nil
	}}
}

var recursorsSpec = spec{set: func(c *Config, v any) error {
	l, err := recursorList(v)
	c.DNS.Recursors = append(c.DNS.Recursors, l...)
	return err
}}

var dnsSchema = map[string]spec{
	"domain":     str(func(c *Config) *string { return &c.DNS.Domain }, checkDomain),
	"alt_domain": str(func(c *Config) *string { return &c.DNS.AltDomain }, checkDomain),
	"recursors":  recursorsSpec,
	"recursor":   recursorsSpec, // Consul's older single-recursor key

	"dns_config":                                 object,
	"dns_config.allow_stale":                     boolean(func(c *Config) *bool { return &c.DNS.AllowStale }),
	"dns_config.max_stale":                       duration(func(c *Config) *time.Duration { return &c.DNS.MaxStale }),
	"dns_config.node_ttl":                        duration(func(c *Config) *time.Duration { return &c.DNS.NodeTTL }),
	"dns_config.udp_answer_limit":                integer(func(c *Config) *int { return &c.DNS.UDPAnswerLimit }, checkPositive),
	"dns_config.a_record_limit":                  integer(func(c *Config) *int { return &c.DNS.ARecordLimit }, checkNonNegative),
	"dns_config.enable_truncate":                 boolean(func(c *Config) *bool { return &c.DNS.EnableTruncate }),
	"dns_config.only_passing":                    boolean(func(c *Config) *bool { return &c.DNS.OnlyPassing }),
	"dns_config.disable_compression":             boolean(func(c *Config) *bool { return &c.DNS.DisableCompression }),
	"dns_config.recursor_timeout":                duration(func(c *Config) *time.Duration { return &c.DNS.RecursorTimeout }),
	"dns_config.recursor_strategy":               str(func(c *Config) *string { return &c.DNS.RecursorStrategy }, checkRecursorStrategy),
	"dns_config.enable_additional_node_meta_txt": boolean(func(c *Config) *bool { return &c.DNS.NodeMetaTXT }),
	"dns_config.service_ttl": {set: func(c *Config, v any) error {
		objs, err := asObjects(v)
		if err != nil {
			return err
		}
		for _, o := range objs {
			for name, raw := range o {
				d, err := asDuration(raw)
				if err != nil {
					return valueProblem("service %q: %v", name, err)
				}
				if c.DNS.ServiceTTL == nil {
					c.DNS.ServiceTTL = map[string]time.Duration{}
				}
				c.DNS.ServiceTTL[name] = d
			}
		}
		return nil
	}},
	"dns_config.soa":         object,
	"dns_config.soa.refresh": seconds(func(c *Config) *uint32 { return &c.DNS.SOA.Refresh }),
	"dns_config.soa.retry":   seconds(func(c *Config) *uint32 { return &c.DNS.SOA.Retry }),
	"dns_config.soa.expire":  seconds(func(c *Config) *uint32 { return &c.DNS.SOA.Expire }),
	"dns_config.soa.min_ttl": seconds(func(c *Config) *uint32 { return &c.DNS.SOA.MinTTL }),
}

func init() { maps.Copy(schema, dnsSchema) }
