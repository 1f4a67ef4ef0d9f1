package dns

import (
	"fmt"
	"maps"
	"math"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	mdns "github.com/miekg/dns"
)

// Config is the DNS interface's configuration: Consul's `domain`,
// `alt_domain`, `recursors` and `dns_config` keys, plus a few consuld-only
// tuning knobs. Start from Defaults and override what the agent's
// configuration sets; New validates the result.
type Config struct {
	// Domain is the domain answered authoritatively (`domain`, "consul.").
	Domain string
	// AltDomain is a second domain answered like Domain (`alt_domain`);
	// answers use the domain the question asked. Empty: none.
	AltDomain string

	// NodeTTL is the TTL of node, addr and NS records (`node_ttl`, 0).
	NodeTTL time.Duration
	// ServiceTTL maps service names to TTLs (`service_ttl`). A key ending
	// in "*" matches by prefix ("web*", "*"): an exact key wins, then the
	// longest prefix. Services without a match get NodeTTL, as Consul does.
	ServiceTTL map[string]time.Duration

	// AllowStale lets the agent answer from its local state without a
	// read barrier (`allow_stale`, true).
	AllowStale bool
	// MaxStale is `max_stale` (87600h). The Source decides how stale its
	// local state may be; the DNS server only passes AllowStale on.
	MaxStale time.Duration

	// UDPAnswerLimit caps the answers of a UDP response to a query
	// without EDNS (`udp_answer_limit`, 3; Consul never returns more than
	// 8 that way, and neither does consuld).
	UDPAnswerLimit int
	// ARecordLimit caps the A/AAAA answers of a service lookup on every
	// transport (`a_record_limit`, 0: no limit). It is a policy, not a
	// truncation: it never sets TC.
	ARecordLimit int
	// EnableTruncate sets TC on UDP responses whose answers were cut to
	// fit (`enable_truncate`, false), so clients retry over TCP.
	EnableTruncate bool
	// OnlyPassing drops instances with a warning check too
	// (`only_passing`, false).
	OnlyPassing bool
	// NodeMetaTXT adds node metadata as TXT records to the additional
	// section of node and SRV answers (`enable_additional_node_meta_txt`,
	// true).
	NodeMetaTXT bool

	// Recursors answer names outside the domains (`recursors`): "host" or
	// "host:port" (port 53 by default). Empty: such names are REFUSED.
	Recursors []string
	// RecursorTimeout bounds each recursor exchange (`recursor_timeout`, 2s).
	RecursorTimeout time.Duration
	// RecursorStrategy is "sequential" (in order, the default) or "random"
	// (`recursor_strategy`).
	RecursorStrategy string

	// DisableCompression turns off name compression in responses
	// (`disable_compression`, false).
	DisableCompression bool
	// SOA holds the SOA record's timers (`soa`).
	SOA SOA

	// Workers is the number of goroutines answering UDP queries
	// (consuld-only; 0: four per CPU).
	Workers int
	// QueueLen bounds the UDP requests waiting for a worker (consuld-only;
	// 0: 1024). When it is full the oldest waiting request is dropped.
	QueueLen int
	// MaxQueueDelay is how long a UDP request may wait for a worker before
	// it is dropped unanswered (consuld-only; 0: 50ms). See doc.go.
	MaxQueueDelay time.Duration
}

// SOA holds the timers of the SOA record (Consul's `dns_config.soa`).
type SOA struct {
	Refresh uint32 // `refresh`, 3600
	Retry   uint32 // `retry`, 600
	Expire  uint32 // `expire`, 86400
	MinTTL  uint32 // `min_ttl`, 0; also the SOA record's own TTL
}

// Defaults returns Consul's defaults.
func Defaults() Config {
	return Config{
		Domain:           "consul.",
		AllowStale:       true,
		MaxStale:         87600 * time.Hour,
		UDPAnswerLimit:   3,
		NodeMetaTXT:      true,
		RecursorTimeout:  2 * time.Second,
		RecursorStrategy: "sequential",
		SOA:              SOA{Refresh: 3600, Retry: 600, Expire: 86400},
	}
}

// maxUDPAnswers is Consul's ceiling on udp_answer_limit.
const maxUDPAnswers = 8

// settings is a validated Config in the shapes the answerers use. It is
// immutable and its address identifies the configuration in memo keys.
type settings struct {
	zone            zone
	nodeTTL         uint32
	svcExact        map[string]uint32 // lower-case name -> TTL
	svcPrefix       []prefixTTL       // longest prefix first
	stale           bool
	udpAnswers      int
	aLimit          int
	truncate        bool
	onlyPassing     bool
	nodeMetaTXT     bool
	recursors       []string // host:port
	recursorTimeout time.Duration
	randomRecursors bool
	compress        bool
	soa             SOA
	workers         int
	queueLen        int
	queueDelay      time.Duration
}

type prefixTTL struct {
	prefix string
	ttl    uint32
}

// settings validates c and derives the answerers' view of it.
func (c Config) settings() (*settings, error) {
	s := &settings{
		stale:           c.AllowStale,
		truncate:        c.EnableTruncate,
		onlyPassing:     c.OnlyPassing,
		nodeMetaTXT:     c.NodeMetaTXT,
		recursorTimeout: c.RecursorTimeout,
		compress:        !c.DisableCompression,
		soa:             c.SOA,
		workers:         c.Workers,
		queueLen:        c.QueueLen,
		queueDelay:      c.MaxQueueDelay,
	}
	var ok bool
	if s.zone.domain, ok = normalizeDomain(c.Domain); !ok {
		return nil, fmt.Errorf("%w: %q", errDomain, c.Domain)
	}
	if c.AltDomain != "" {
		if s.zone.alt, ok = normalizeDomain(c.AltDomain); !ok || s.zone.alt == s.zone.domain {
			return nil, fmt.Errorf("%w: %q", errAltDomain, c.AltDomain)
		}
	}
	for _, f := range []struct {
		what string
		v    int64
	}{
		{"node_ttl", int64(c.NodeTTL)}, {"max_stale", int64(c.MaxStale)},
		{"udp_answer_limit", int64(c.UDPAnswerLimit)}, {"a_record_limit", int64(c.ARecordLimit)},
		{"workers", int64(c.Workers)}, {"queue length", int64(c.QueueLen)}, {"max queue delay", int64(c.MaxQueueDelay)},
	} {
		if f.v < 0 {
			return nil, fmt.Errorf("%w: %s is %d", errNegative, f.what, f.v)
		}
	}
	s.nodeTTL = seconds(c.NodeTTL)
	s.udpAnswers = min(c.UDPAnswerLimit, maxUDPAnswers)
	s.aLimit = c.ARecordLimit
	if err := s.serviceTTLs(c.ServiceTTL); err != nil {
		return nil, err
	}
	switch c.RecursorStrategy {
	case "", "sequential":
	case "random":
		s.randomRecursors = true
	default:
		return nil, fmt.Errorf("%w: %q", errStrategy, c.RecursorStrategy)
	}
	for _, r := range c.Recursors {
		a, err := recursorAddr(r)
		if err != nil {
			return nil, err
		}
		s.recursors = append(s.recursors, a)
	}
	if len(s.recursors) > 0 && s.recursorTimeout <= 0 {
		return nil, errTimeout
	}
	if s.workers == 0 {
		s.workers = 4 * runtime.GOMAXPROCS(0)
	}
	if s.queueLen == 0 {
		s.queueLen = 1024
	}
	if s.queueDelay == 0 {
		s.queueDelay = 50 * time.Millisecond
	}
	return s, nil
}

func (s *settings) serviceTTLs(m map[string]time.Duration) error {
	s.svcExact = map[string]uint32{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		d := m[k]
		if d < 0 {
			return fmt.Errorf("%w: service_ttl %q is %s", errNegative, k, d)
		}
		k = asciiLower(k)
		if p, ok := strings.CutSuffix(k, "*"); ok {
			s.svcPrefix = append(s.svcPrefix, prefixTTL{prefix: p, ttl: seconds(d)})
		} else {
			s.svcExact[k] = seconds(d)
		}
	}
	slices.SortFunc(s.svcPrefix, func(a, b prefixTTL) int {
		if len(a.prefix) != len(b.prefix) {
			return len(b.prefix) - len(a.prefix)
		}
		return strings.Compare(a.prefix, b.prefix)
	})
	return nil
}

// serviceTTL is the TTL of records answering for service name.
func (s *settings) serviceTTL(name string) uint32 {
	name = asciiLower(name)
	if t, ok := s.svcExact[name]; ok {
		return t
	}
	for _, p := range s.svcPrefix {
		if strings.HasPrefix(name, p.prefix) {
			return p.ttl
		}
	}
	return s.nodeTTL
}

// normalizeDomain returns d lower-cased and fully qualified.
func normalizeDomain(d string) (string, bool) {
	d = mdns.Fqdn(asciiLower(strings.TrimSpace(d)))
	if d == "." || strings.Contains(d, "..") {
		return "", false
	}
	_, ok := mdns.IsDomainName(d)
	return d, ok
}

// recursorAddr turns "host" or "host:port" into "host:port".
func recursorAddr(r string) (string, error) {
	host, port, err := net.SplitHostPort(r)
	if err != nil {
		host, port = strings.Trim(r, "[]"), "53"
	}
	p, perr := strconv.Atoi(port)
	if host == "" || strings.ContainsAny(host, " /") || perr != nil || p < 1 || p > math.MaxUint16 {
		return "", fmt.Errorf("dns: invalid recursor address %q", r)
	}
	return net.JoinHostPort(host, port), nil
}

// seconds converts d to a TTL, saturating at the largest one.
func seconds(d time.Duration) uint32 {
	return uint32(min(int64(d/time.Second), math.MaxUint32))
}

// asciiLower lower-cases ASCII letters only, so byte offsets are kept
// (names off the wire are ASCII with escapes).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
