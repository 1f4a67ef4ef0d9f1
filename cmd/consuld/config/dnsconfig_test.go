package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDNSConfig(t *testing.T) {
	c := loadJSON(t, `{"data_dir": "/tmp/x", "domain": "Example", "alt_domain": "alt.test.", "recursors": ["1.1.1.1", "[::1]:5353"],
		"dns_config": {"allow_stale": false, "max_stale": "5s", "node_ttl": "10s", "service_ttl": {"*": "5s", "web": "30s"},
		"udp_answer_limit": 5, "a_record_limit": 2, "enable_truncate": true, "only_passing": true, "disable_compression": true,
		"recursor_timeout": "1s", "recursor_strategy": "random", "soa": {"refresh": 1, "retry": 2, "expire": 3, "min_ttl": 4},
		"use_cache": true}}`)
	d := c.DNS
	if d.Domain != "example." || d.AltDomain != "alt.test." {
		t.Errorf("domains %q %q", d.Domain, d.AltDomain)
	}
	if strings.Join(d.Recursors, ",") != "1.1.1.1:53,[::1]:5353" {
		t.Errorf("recursors %v", d.Recursors)
	}
	if d.AllowStale || d.MaxStale != 5*time.Second || d.NodeTTL != 10*time.Second || d.ServiceTTL["*"] != 5*time.Second || d.ServiceTTL["web"] != 30*time.Second {
		t.Errorf("ttl/stale %+v", d)
	}
	if d.UDPAnswerLimit != 5 || d.ARecordLimit != 2 || !d.EnableTruncate || !d.OnlyPassing || !d.DisableCompression {
		t.Errorf("limits %+v", d)
	}
	if d.RecursorTimeout != time.Second || d.RecursorStrategy != "random" || d.SOA != (SOA{1, 2, 3, 4}) {
		t.Errorf("recursor/soa %+v", d)
	}
}

func TestDNSConfigDefaults(t *testing.T) {
	d := loadJSON(t, `{"data_dir": "/tmp/x"}`).DNS
	if d.Domain != "consul." || !d.AllowStale || d.UDPAnswerLimit != 3 || d.RecursorTimeout != 2*time.Second || d.SOA.Refresh != 3600 || d.SOA.MinTTL != 0 {
		t.Errorf("defaults %+v", d)
	}
}

func TestDNSConfigErrors(t *testing.T) {
	for _, tc := range []struct{ json, key string }{
		{`{"domain": "bad domain"}`, "domain"},
		{`{"recursors": ["dns.google"]}`, "recursors"},
		{`{"recursors": ["1.1.1.1:99999"]}`, "recursors"},
		{`{"dns_config": {"recursor_strategy": "fastest"}}`, "dns_config.recursor_strategy"},
		{`{"dns_config": {"udp_answer_limit": 0}}`, "dns_config.udp_answer_limit"},
		{`{"dns_config": {"service_ttl": {"web": "abc"}}}`, "dns_config.service_ttl"},
		{`{"dns_config": {"soa": {"refresh": -1}}}`, "dns_config.soa.refresh"},
		{`{"dns_config": {"bogus": 1}}`, "dns_config.bogus"},
		{`{"domain": "consul", "alt_domain": "consul."}`, "alt_domain"},
	} {
		err := loadJSONErr(t, `{"data_dir": "/tmp/x", `+strings.TrimPrefix(tc.json, "{"))
		var e *Error
		if !errors.As(err, &e) || e.Key != tc.key {
			t.Errorf("%s: got %v, want an error naming %s", tc.json, err, tc.key)
		}
	}
}

func TestDNSFlags(t *testing.T) {
	f, err := ParseFlags([]string{"-dev", "-domain", "corp", "-alt-domain", "alt", "-recursor", "8.8.8.8", "-recursor", "9.9.9.9:53"}, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if c.DNS.Domain != "corp." || c.DNS.AltDomain != "alt." || len(c.DNS.Recursors) != 2 {
		t.Errorf("%+v", c.DNS)
	}
}

func loadJSONErr(t *testing.T, js string) error {
	t.Helper()
	dir := writeFiles(t, t.TempDir(), map[string]string{"c.json": js})
	_, _, err := Load(mustParse(t, "-config-file", dir+"/c.json"))
	return err
}

func loadJSON(t *testing.T, js string) *Config {
	t.Helper()
	dir := writeFiles(t, t.TempDir(), map[string]string{"c.json": js})
	c, _ := mustLoad(t, "-config-file", dir+"/c.json")
	return c
}
