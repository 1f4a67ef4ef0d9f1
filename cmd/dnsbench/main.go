package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

func main() {
	var (
		dur             time.Duration
		quick           bool
		out, bare, msgs string
		dir             string
		overloadFor     time.Duration
	)
	flag.DurationVar(&dur, "duration", 5*time.Second, "measured time of each closed-loop run")
	flag.DurationVar(&overloadFor, "overload", 10*time.Second, "how long the overload run offers 2x capacity")
	flag.BoolVar(&quick, "quick", false, "smoke run: 1s loops, 2s overload, 100-instance big service")
	flag.StringVar(&out, "out", "", "also write the results to this file")
	flag.StringVar(&dir, "dir", "", "scratch directory (default: a new temp dir, removed at exit)")
	flag.StringVar(&bare, "serve-bare", "", "internal: serve the bare DNS server on this address")
	flag.StringVar(&msgs, "serve-bare-msgs", "", "internal: file of precomputed replies for -serve-bare")
	flag.Parse()
	if bare != "" {
		fmt.Fprintln(os.Stderr, "dnsbench bare:", serveBare(bare, msgs))
		os.Exit(1)
	}
	big := 1000
	if quick {
		dur, overloadFor, big = time.Second, 2*time.Second, 100
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, dir, out, dur, overloadFor, big); err != nil {
		fmt.Fprintln(os.Stderr, "dnsbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, out string, dur, overloadFor time.Duration, big int) error {
	w, dir, cleanup, err := benchkit.Setup("dnsbench", out, dir)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(w, "# dnsbench %s, %s, GOMAXPROCS=%d\n", time.Now().Format(time.RFC3339), benchkit.CPUModel(), 2)
	benchkit.Progress("building consuld")
	bin, err := benchkit.BuildConsuld(ctx, dir, "dnsbench")
	if err != nil {
		return err
	}
	a, err := benchkit.StartAgent(ctx, benchkit.AgentConfig{Tool: "dnsbench", Bin: bin, Dir: dir, Name: "dns"})
	if err != nil {
		return err
	}
	defer a.Stop()
	lc := benchkit.NewLoadClient(64)
	benchkit.Progress("registering web (3 instances) and big (%d instances)", big)
	if err := registerServices(ctx, lc, a.Base, big); err != nil {
		return err
	}
	names := []struct {
		name  string
		qtype uint16
		net   string
	}{
		{"web.service.consul.", dns.TypeA, "udp"}, {"web.service.consul.", dns.TypeSRV, "udp"},
		{"big.service.consul.", dns.TypeA, "udp"}, {"big.service.consul.", dns.TypeSRV, "udp"},
		{"web.service.consul.", dns.TypeSRV, "tcp"}, {"big.service.consul.", dns.TypeSRV, "tcp"},
	}
	// The bare server answers the agent's own replies, captured once.
	var capture strings.Builder
	for _, n := range names {
		r, err := ask(a.DNS, n.net, n.name, n.qtype)
		if err != nil {
			return err
		}
		r.Compress = true // as it came over the wire
		b, err := r.Pack()
		if err != nil {
			return fmt.Errorf("re-packing the agent's %s reply: %w", n.name, err)
		}
		fmt.Fprintf(&capture, "%s %s\n", bareKey(n.name, n.qtype, n.net), hex.EncodeToString(b))
	}
	msgsPath := filepath.Join(dir, "bare-msgs.txt")
	if err := os.WriteFile(msgsPath, []byte(capture.String()), 0o644); err != nil {
		return err
	}
	bp, err := benchkit.StartEchoProc(ctx, dir, func(addr string) []string {
		return []string{"-serve-bare", addr, "-serve-bare-msgs", msgsPath}
	}, func(base string) bool {
		_, err := ask(strings.TrimPrefix(base, "http://"), "udp", "web.service.consul.", dns.TypeA)
		return err == nil
	})
	if err != nil {
		return err
	}
	defer bp.Stop()
	bareAddr := strings.TrimPrefix(bp.Base, "http://")
	warm := min(time.Second, dur/5)
	fmt.Fprintln(w, "== closed loop, c=64, one connection per worker (UDP: connected socket; TCP: one reused connection)")
	var agentA benchkit.Result
	for _, n := range names {
		want := 3
		if strings.HasPrefix(n.name, "big") && n.net == "udp" {
			want = 3 // udp_answer_limit
		} else if strings.HasPrefix(n.name, "big") {
			want = big
		}
		if n.name == "web.service.consul." {
			want = 3
		}
		check := func(m *dns.Msg) error {
			if m.Rcode != dns.RcodeSuccess || len(m.Answer) == 0 || len(m.Answer) > want {
				return fmt.Errorf("rcode %s, %d answers", dns.RcodeToString[m.Rcode], len(m.Answer))
			}
			return nil
		}
		label := fmt.Sprintf("%s/%s/%s", strings.TrimSuffix(n.name, ".service.consul."), dns.TypeToString[n.qtype], n.net)
		ra, err := closedLoop(ctx, "BenchmarkDNS/consuld/"+label, n.net, a.DNS, n.name, n.qtype, 64, warm, dur, a.PID(), check)
		if err != nil {
			return err
		}
		rb, err := closedLoop(ctx, "BenchmarkDNS/bare/"+label, n.net, bareAddr, n.name, n.qtype, 64, warm, dur, bp.PID(), check)
		if err != nil {
			return err
		}
		line(w, ra)
		line(w, rb)
		ratio := ra.OpsPerSec() / max(rb.OpsPerSec(), 1)
		target := ""
		if strings.HasPrefix(label, "web/") && n.net == "udp" {
			target = fmt.Sprintf("  target >= 0.7: %s", benchkit.MetStr(ratio >= 0.7))
		}
		fmt.Fprintf(w, "   ratio consuld/bare %s: %.2f%s\n", label, ratio, target)
		if label == "web/A/udp" {
			agentA = ra
		}
	}
	rate := int(2 * agentA.OpsPerSec())
	fmt.Fprintf(w, "== overload: open loop at 2x the measured UDP A capacity (%.0f/s) for %s, 64 sockets\n", agentA.OpsPerSec(), overloadFor)
	o, err := overload(ctx, a.DNS, "web.service.consul.", rate, 64, overloadFor, 100*time.Millisecond)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "BenchmarkDNSOverload/consuld  %s\n", o)
	ob, err := overload(ctx, bareAddr, "web.service.consul.", rate, 64, overloadFor, 100*time.Millisecond)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "BenchmarkDNSOverload/bare     %s\n", ob)
	if a.Exited() {
		return errors.New("agent exited")
	}
	return nil
}

func line(w io.Writer, r benchkit.Result) {
	fmt.Fprintf(w, "%-44s ops/s=%-8.0f p50=%-9s p99=%-9s errors=%d %s\n", r.Name, r.OpsPerSec(), benchkit.FmtDur(r.P50), benchkit.FmtDur(r.P99), r.Errors, r.CPU)
	if r.FirstErr != nil {
		fmt.Fprintf(w, "   first error: %v\n", r.FirstErr)
	}
}

func ask(addr, network, name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	return r, err
}

// registerServices registers web (3 instances, passing) and big (n
// instances) through /v1/catalog/register, one node per instance.
func registerServices(ctx context.Context, lc *benchkit.LoadClient, base string, n int) error {
	reg := func(ctx context.Context, node, addr, svc string, port int) error {
		body, _ := json.Marshal(map[string]any{"Node": node, "Address": addr,
			"Service": map[string]any{"ID": svc, "Service": svc, "Port": port},
			"Check":   map[string]any{"CheckID": svc + "-alive", "Name": "alive", "ServiceID": svc, "Status": "passing"}})
		_, _, st, err := benchkit.HTTPDo(ctx, lc.C, http.MethodPut, base+"/v1/catalog/register", body)
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("register %s: HTTP %d", node, st)
		}
		return err
	}
	for i := 0; i < 3; i++ {
		if err := reg(ctx, fmt.Sprintf("web-%d", i), fmt.Sprintf("10.0.0.%d", i+1), "web", 8080); err != nil {
			return err
		}
	}
	errs, first, _ := benchkit.Fill(ctx, 32, n, func(ctx context.Context, i int) error {
		return reg(ctx, fmt.Sprintf("big-%04d", i), fmt.Sprintf("10.1.%d.%d", i/250, 1+i%250), "big", 9000)
	})
	if errs > 0 {
		return first
	}
	return nil
}
