package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// options are the command line.
type options struct {
	duration  time.Duration
	conc      int
	trials    int
	trialGap  time.Duration // wait between failover trials
	boots     int
	gossipN   int
	joinFirst bool
	out       string
	quick     bool
	parts     map[string]bool
	agentArgs []string
	dir       string
	bin       string
}

// serverIPs are the servers' loopback addresses.
var serverIPs = []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}

func main() {
	var (
		o        options
		parts    string
		agentArg string
		join     string
	)
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each closed-loop run")
	flag.IntVar(&o.conc, "conc", 64, "concurrency of the PUT runs")
	flag.IntVar(&o.trials, "trials", 20, "leader failover trials")
	flag.DurationVar(&o.trialGap, "trial-gap", 0, "wait between failover trials (65s lets dragonboat's idle connections to the last restarted server expire)")
	flag.IntVar(&o.boots, "boots", 3, "cluster boots timed (the last cluster is used for the other parts)")
	flag.IntVar(&o.gossipN, "gossip-n", 100, "gossip pools in the gossip part")
	flag.StringVar(&join, "join", "all", "servers' -retry-join: all (each joins the other two) or first (s2, s3 join s1, as the e2e tests)")
	flag.StringVar(&o.out, "out", "", "also write the results to this file")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 2s closed loops, 5 failover trials, 1 boot")
	flag.StringVar(&parts, "parts", "boot,client,put,failover,gossip", "parts to run: boot,client,put,failover,gossip (client, put and failover boot a cluster anyway)")
	flag.StringVar(&agentArg, "agent-args", "", "extra flags appended to every server's command line")
	flag.StringVar(&o.bin, "bin", "", "use this consuld binary instead of building ./cmd/consuld")
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a new temp dir, removed at exit)")
	flag.Parse()

	if o.quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["duration"] {
			o.duration = 2 * time.Second
		}
		if !set["trials"] {
			o.trials = 5
		}
		if !set["boots"] {
			o.boots = 1
		}
	}
	switch join {
	case "all":
	case "first":
		o.joinFirst = true
	default:
		fatalf("-join: want all or first, not %q", join)
	}
	if o.conc < 1 || o.trials < 0 || o.boots < 1 || o.gossipN < 2 {
		fatalf("-conc, -boots >= 1, -trials >= 0, -gossip-n >= 2")
	}
	o.parts = map[string]bool{}
	for _, p := range strings.Split(parts, ",") {
		o.parts[strings.TrimSpace(p)] = true
	}
	o.agentArgs = strings.Fields(agentArg)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "clusterbench: "+format+"\n", args...)
	os.Exit(1)
}

// run does the parts in order: fsync baseline, cluster boots, KV PUT
// throughput next to the raw 3-NodeHost shard, leader failover, fsync
// baseline, gossip; then the summary. Every server process and the
// scratch dir are gone when it returns.
func run(ctx context.Context, o options) error {
	w, dir, cleanup, err := benchkit.Setup("clusterbench", o.out, o.dir)
	if err != nil {
		return err
	}
	defer cleanup()
	rep := newReport(w)
	rep.header(dir, o)
	fsyncDur := min(o.duration, 5*time.Second)
	fsync := func(label string) {
		benchkit.Progress("fsync baseline %s", label)
		rep.fsync(label, benchkit.FsyncBaseline(ctx, dir, fsyncDur))
	}

	needCluster := o.parts["boot"] || o.parts["client"] || o.parts["put"] || o.parts["failover"]
	if needCluster {
		bin := o.bin
		if bin == "" {
			benchkit.Progress("building consuld")
			var err error
			if bin, err = benchkit.BuildConsuld(ctx, dir, "clusterbench"); err != nil {
				return err
			}
		}
		fsync("start")
		if err := clusterParts(ctx, rep, o, bin, dir); err != nil {
			if ctx.Err() != nil {
				rep.summary(o) // interrupted: what was measured so far
				return ctx.Err()
			}
			return err
		}
		fsync("end")
	}
	if o.parts["gossip"] && ctx.Err() == nil {
		for _, fast := range []bool{false, true} {
			if err := benchGossip(ctx, rep, o.gossipN, fast); err != nil {
				if ctx.Err() != nil {
					break
				}
				return err
			}
		}
	}
	rep.summary(o)
	return ctx.Err()
}

// clusterParts boots the cluster (o.boots times, keeping the last one) and
// runs the PUT and failover parts on it; it stops every server on return.
func clusterParts(ctx context.Context, rep *report, o options, bin, dir string) error {
	var c *benchkit.Cluster
	defer func() {
		if c != nil {
			c.Stop()
		}
	}()
	for i := range o.boots {
		if c != nil {
			c.Stop()
		}
		var (
			b   bootResult
			err error
		)
		c, b, err = bootCluster(ctx, o, bin, dir, i)
		if err != nil {
			return err
		}
		rep.boot(b)
	}
	if o.parts["client"] && ctx.Err() == nil {
		if err := benchClient(ctx, rep, c, bin, dir); err != nil {
			return withLogs(c, err)
		}
	}
	lc := benchkit.NewLoadClient(o.conc)
	defer lc.Reset()
	if o.parts["put"] && ctx.Err() == nil {
		if err := benchPut(ctx, rep, lc, c, o, dir); err != nil {
			return withLogs(c, err)
		}
		lc.Reset()
	}
	if o.parts["failover"] && o.trials > 0 && ctx.Err() == nil {
		if err := benchFailover(ctx, rep, c, o); err != nil {
			return withLogs(c, err)
		}
	}
	return nil
}

// withLogs adds the tail of every server's current log to err (not to an
// interruption).
func withLogs(c *benchkit.Cluster, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%v", err)
	for _, s := range c.Servers {
		if s.Proc != nil {
			fmt.Fprintf(&b, "\n--- %s (%s):\n%s", s.Name, s.Proc.LogPath, s.Proc.LogTail())
		}
	}
	return fmt.Errorf("%s", b.String())
}
