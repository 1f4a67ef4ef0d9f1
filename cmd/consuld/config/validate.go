package config

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	validDatacenter = regexp.MustCompile(`^[a-z0-9_-]+$`)
	validUUID       = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	validNodeName   = regexp.MustCompile(`^[a-zA-Z0-9-]{1,63}$`)
)

// checkDatacenter lower-cases the name, as Consul does, then requires
// letters, digits, - and _ only.
func checkDatacenter(s string) (string, error) {
	dc := strings.ToLower(s)
	if dc == "" {
		return "", valueProblem("datacenter cannot be empty")
	}
	if !validDatacenter.MatchString(dc) {
		return "", valueProblem("invalid datacenter %q: only lowercase letters, digits, - and _ are allowed", s)
	}
	return dc, nil
}

func checkNodeID(s string) (string, error) {
	id := strings.ToLower(s)
	if id != "" && !validUUID.MatchString(id) {
		return "", valueProblem("invalid node ID %q: must be a UUID like 12345678-9abc-def0-1234-56789abcdef0", s)
	}
	return id, nil
}

// checkLogLevel accepts Consul's levels in any case and returns the
// canonical lower-case name ("err" becomes "error").
func checkLogLevel(s string) (string, error) {
	switch l := strings.ToLower(s); l {
	case "trace", "debug", "info", "warn", "error":
		return l, nil
	case "err":
		return "error", nil
	}
	return "", valueProblem("invalid log level %q: want trace, debug, info, warn or error", s)
}

func checkPort(p int) error {
	if p < -1 || p > 65535 {
		return valueProblem("invalid port %d: must be between 0 and 65535, or -1 to disable", p)
	}
	return nil
}

func checkPositive(n int) error {
	if n <= 0 {
		return valueProblem("must be greater than 0, got %d", n)
	}
	return nil
}

func checkNonNegative(n int) error {
	if n < 0 {
		return valueProblem("cannot be negative, got %d", n)
	}
	return nil
}

func checkRaftMultiplier(n int) error {
	if n < 1 || n > 10 {
		return valueProblem("must be between 1 and 10, got %d", n)
	}
	return nil
}

// validate applies the rules that involve several keys to the merged
// configuration. It may adjust c (bootstrap_expect = 1 means bootstrap) and
// returns warnings. requireDataDir is false for [ValidateFiles], which
// checks files that need not hold a whole agent configuration.
func validate(c *Config, requireDataDir bool) ([]string, error) {
	var warns []string
	if requireDataDir && !c.DevMode && c.DataDir == "" {
		return nil, mergedError("data_dir", "data_dir must be set (or run with -dev for in-memory state)")
	}
	if c.BootstrapExpect > 0 {
		switch {
		case c.DevMode:
			return nil, mergedError("bootstrap_expect", "bootstrap_expect cannot be used with -dev (a dev agent bootstraps itself)")
		case c.Bootstrap:
			return nil, mergedError("bootstrap_expect", "bootstrap and bootstrap_expect cannot both be set")
		case !c.Server:
			return nil, mergedError("bootstrap_expect", "bootstrap_expect requires server = true")
		}
	}
	if c.Bootstrap && !c.Server {
		return nil, mergedError("bootstrap", "bootstrap requires server = true")
	}
	if c.Server && c.Ports.Raft < 0 {
		return nil, mergedError("ports.raft", "ports.raft cannot be disabled on a server")
	}
	switch {
	case c.BootstrapExpect == 1:
		warns = append(warns, "config: bootstrap_expect = 1 is the same as bootstrap = true")
		c.Bootstrap, c.BootstrapExpect = true, 0
	case c.BootstrapExpect == 2:
		warns = append(warns, "config: bootstrap_expect = 2: a cluster of 2 servers tolerates no failure")
	case c.BootstrapExpect > 2 && c.BootstrapExpect%2 == 0:
		warns = append(warns, fmt.Sprintf("config: bootstrap_expect = %d: an even number of servers tolerates no more failures than %d", c.BootstrapExpect, c.BootstrapExpect-1))
	}
	if c.DNS.AltDomain != "" && c.DNS.AltDomain == c.DNS.Domain {
		return nil, mergedError("alt_domain", "alt_domain %q must differ from domain", c.DNS.AltDomain)
	}
	tlsWarn, err := resolveTLS(c)
	if err != nil {
		return nil, err
	}
	if tlsWarn != "" {
		warns = append(warns, tlsWarn)
	}
	if c.NodeName != "" && !validNodeName.MatchString(c.NodeName) {
		warns = append(warns, fmt.Sprintf("config: node name %q will not be discoverable via DNS: use only letters, digits and - (at most 63)", c.NodeName))
	}
	return append(warns, duplicateIDs(c)...), nil
}

// duplicateIDs warns about a service ID, or a check ID, defined more than
// once across definitions: it is not an error in Consul, where the later
// registration replaces the earlier. (Two checks of one service with one ID
// are an error, found when the service is decoded.)
func duplicateIDs(c *Config) []string {
	var warns []string
	last := map[string]int{} // service ID → index of its last definition
	for i, s := range c.Services {
		if j, ok := last[s.ID]; ok {
			warns = append(warns, fmt.Sprintf("config: service ID %q is defined in %s and again in %s; the later definition replaces the earlier", s.ID, describeSource(c.Services[j].Source), describeSource(s.Source)))
		}
		last[s.ID] = i
	}
	checks := map[string]string{} // check ID → source
	note := func(ch CheckDef) {
		if prev, ok := checks[ch.ID]; ok {
			warns = append(warns, fmt.Sprintf("config: check ID %q is defined in %s and again in %s; the later definition replaces the earlier", ch.ID, describeSource(prev), describeSource(ch.Source)))
		}
		checks[ch.ID] = ch.Source
	}
	for i, s := range c.Services {
		if last[s.ID] != i {
			continue // replaced, with its checks
		}
		for _, ch := range s.Checks {
			note(ch)
		}
	}
	for _, ch := range c.Checks {
		note(ch)
	}
	return warns
}

// describeSource quotes a definition's Source for a message.
func describeSource(src string) string {
	if strings.HasPrefix(src, "flag -hcl") {
		return src
	}
	return fmt.Sprintf("file %q", src)
}
