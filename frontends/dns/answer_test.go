package dns

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
)

var update = flag.Bool("update", false, "rewrite testdata/answers.txt with the actual answers")

// configs are the configurations a case may name with cfg=NAME.
var configs = map[string]func(*Config){
	"default": func(*Config) {},
	"alt":     func(c *Config) { c.AltDomain = "alt.test." },
	"ttl": func(c *Config) {
		c.NodeTTL = 30 * time.Second
		c.ServiceTTL = map[string]time.Duration{"web": 5 * time.Second, "w*": 7 * time.Second}
	},
	"passing":  func(c *Config) { c.OnlyPassing = true },
	"truncate": func(c *Config) { c.EnableTruncate = true },
	"alimit":   func(c *Config) { c.ARecordLimit = 2; c.EnableTruncate = true },
	"nometa":   func(c *Config) { c.NodeMetaTXT = false },
	"recurse":  func(c *Config) { c.Recursors = []string{"192.0.2.1"} },
	"soa":      func(c *Config) { c.SOA = SOA{Refresh: 1, Retry: 2, Expire: 3, MinTTL: 4} },
	"udp5":     func(c *Config) { c.UDPAnswerLimit = 5; c.EnableTruncate = true },
	"plain":    func(c *Config) { c.DisableCompression = true; c.EnableTruncate = true },
}

// TestAnswers runs testdata/answers.txt: each case is a question line
//
//	query <name> <type> [tcp] [edns=<size>] [norec] [cfg=<name>] [seed=<n>]
//
// then "----" and the response as zone-file text: the rcode and flags,
// then each non-empty section with its records sorted (the order is
// random by design; which records were picked is not). A response over
// UDP is also checked against the size limit it was fitted to.
func TestAnswers(t *testing.T) {
	const path = "testdata/answers.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := newFakeSource(fixture(t))
	handlers := map[string]*handler{}
	for name, edit := range configs {
		cfg := Defaults()
		edit(&cfg)
		handlers[name] = testHandler(t, cfg, src)
	}
	var out strings.Builder
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "query ") {
			out.WriteString(line)
			if i < len(lines)-1 {
				out.WriteByte('\n')
			}
			continue
		}
		j := i + 1
		if j >= len(lines) || lines[j] != "----" {
			t.Fatalf("%s:%d: want ---- after the query", path, i+1)
		}
		j++
		for j < len(lines) && lines[j] != "" { // the expected text ends at a blank line
			j++
		}
		want := strings.Join(lines[i+2:j], "\n")
		got := runCase(t, handlers, line)
		if got != want && !*update {
			t.Errorf("%s:%d: %s\n got:\n%s\nwant:\n%s", path, i+1, line, got, want)
		}
		fmt.Fprintf(&out, "%s\n----\n%s\n", line, got)
		i = j - 1
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runCase(t *testing.T, handlers map[string]*handler, line string) string {
	f := strings.Fields(line)
	qtype, ok := mdns.StringToType[f[2]]
	if !ok {
		t.Fatalf("%s: unknown type", line)
	}
	req := new(mdns.Msg)
	req.SetQuestion(f[1], qtype)
	tr, h, seed := udp, handlers["default"], uint64(1)
	for _, opt := range f[3:] {
		k, v, _ := strings.Cut(opt, "=")
		switch k {
		case "tcp":
			tr = tcp
		case "norec":
			req.RecursionDesired = false
		case "edns":
			n, _ := strconv.Atoi(v)
			req.SetEdns0(uint16(n), false)
		case "cfg":
			if h = handlers[v]; h == nil {
				t.Fatalf("%s: no config %q", line, v)
			}
		case "seed":
			seed, _ = strconv.ParseUint(v, 10, 64)
		default:
			t.Fatalf("%s: unknown option %q", line, opt)
		}
	}
	req.Id = 4242
	resp, wire, fwd := ask(t, h, req, tr, seed)
	if fwd != nil {
		return "FORWARD"
	}
	if resp == nil {
		return "NO RESPONSE"
	}
	if resp.Id != req.Id {
		t.Errorf("%s: response ID %d", line, resp.Id)
	}
	if tr == udp {
		if l := limitsFor(req, udp, h.cfg); len(wire) > l.size && len(resp.Answer) > 1 {
			t.Errorf("%s: %d bytes over UDP, limit %d", line, len(wire), l.size)
		}
	}
	return render(resp)
}

// render writes a response as the expected text of answers.txt.
func render(m *mdns.Msg) string {
	var b strings.Builder
	b.WriteString(mdns.RcodeToString[m.Rcode])
	for _, f := range []struct {
		on   bool
		name string
	}{{m.Response, "qr"}, {m.Authoritative, "aa"}, {m.Truncated, "tc"}, {m.RecursionDesired, "rd"}, {m.RecursionAvailable, "ra"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	for _, sec := range []struct {
		name string
		rrs  []mdns.RR
	}{{"ANSWER", m.Answer}, {"AUTHORITY", m.Ns}, {"ADDITIONAL", m.Extra}} {
		if len(sec.rrs) == 0 {
			continue
		}
		b.WriteString("\n" + sec.name)
		var lines []string
		for _, rr := range sec.rrs {
			if o, ok := rr.(*mdns.OPT); ok {
				lines = append(lines, fmt.Sprintf("OPT udp=%d version=%d do=%t", o.UDPSize(), o.Version(), o.Do()))
				continue
			}
			lines = append(lines, strings.Join(strings.Fields(rr.String()), " "))
		}
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString("\n" + l)
		}
	}
	return b.String()
}
