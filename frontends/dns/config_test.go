package dns

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	s, err := Defaults().settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.zone.domain != "consul." || s.zone.alt != "" || !s.stale || s.udpAnswers != 3 || s.aLimit != 0 ||
		s.truncate || s.onlyPassing || !s.nodeMetaTXT || !s.compress || s.randomRecursors || len(s.recursors) != 0 {
		t.Fatalf("defaults: %+v", s)
	}
	if s.soa != (SOA{Refresh: 3600, Retry: 600, Expire: 86400, MinTTL: 0}) {
		t.Fatalf("SOA defaults: %+v", s.soa)
	}
	if s.queueLen <= 0 || s.queueDelay <= 0 || s.workers <= 0 {
		t.Fatalf("tuning defaults: %+v", s)
	}
}

func TestConfigNormalizes(t *testing.T) {
	c := Defaults()
	c.Domain, c.AltDomain = "Example.COM", "alt.Example.com."
	c.Recursors = []string{"8.8.8.8", "1.1.1.1:5353", "[::1]:53", "::1", "dns.example.com"}
	c.UDPAnswerLimit = 20
	s, err := c.settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.zone != (zone{domain: "example.com.", alt: "alt.example.com."}) {
		t.Errorf("zone %+v", s.zone)
	}
	if want := []string{"8.8.8.8:53", "1.1.1.1:5353", "[::1]:53", "[::1]:53", "dns.example.com:53"}; !slices.Equal(s.recursors, want) {
		t.Errorf("recursors %q, want %q", s.recursors, want)
	}
	if s.udpAnswers != maxUDPAnswers {
		t.Errorf("udp answers %d, want Consul's ceiling %d", s.udpAnswers, maxUDPAnswers)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want error
	}{
		{"empty domain", func(c *Config) { c.Domain = "" }, errDomain},
		{"root domain", func(c *Config) { c.Domain = "." }, errDomain},
		{"bad domain", func(c *Config) { c.Domain = "a..b" }, errDomain},
		{"alt is the domain", func(c *Config) { c.AltDomain = "CONSUL" }, errAltDomain},
		{"negative node ttl", func(c *Config) { c.NodeTTL = -time.Second }, errNegative},
		{"negative service ttl", func(c *Config) { c.ServiceTTL = map[string]time.Duration{"web": -1} }, errNegative},
		{"negative udp limit", func(c *Config) { c.UDPAnswerLimit = -1 }, errNegative},
		{"negative a limit", func(c *Config) { c.ARecordLimit = -1 }, errNegative},
		{"strategy", func(c *Config) { c.RecursorStrategy = "roundrobin" }, errStrategy},
		{"recursor timeout", func(c *Config) { c.Recursors = []string{"8.8.8.8"}; c.RecursorTimeout = 0 }, errTimeout},
		{"recursor port", func(c *Config) { c.Recursors = []string{"8.8.8.8:x"} }, nil},
		{"recursor port range", func(c *Config) { c.Recursors = []string{"8.8.8.8:70000"} }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Defaults()
			tc.edit(&c)
			_, err := c.settings()
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestServiceTTL(t *testing.T) {
	c := Defaults()
	c.NodeTTL = 9 * time.Second
	c.ServiceTTL = map[string]time.Duration{
		"web":   1 * time.Second,
		"web*":  2 * time.Second,
		"we*":   3 * time.Second,
		"Api-*": 4 * time.Second,
		"odd*x": 5 * time.Second, // a star inside is part of the name, as in Consul
	}
	s, err := c.settings()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{
		"web": 1, "WEB": 1, "webby": 2, "west": 3, "api-gw": 4, "api": 9, "odd*x": 5, "oddx": 9, "db": 9,
	} {
		if got := s.serviceTTL(name); got != want {
			t.Errorf("serviceTTL(%q) = %d, want %d", name, got, want)
		}
	}
	c.ServiceTTL["*"] = 7 * time.Second
	if s, _ = c.settings(); s.serviceTTL("db") != 7 || s.serviceTTL("web") != 1 {
		t.Errorf("a catch-all wildcard: db %d, web %d", s.serviceTTL("db"), s.serviceTTL("web"))
	}
}
