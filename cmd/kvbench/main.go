package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// options are the command line.
type options struct {
	duration  time.Duration
	conc      []int
	out       string
	quick     bool
	parts     map[string]bool
	agentArgs []string
	dir       string
}

func main() {
	var (
		o        options
		conc     string
		parts    string
		agentArg string
		echoAddr string
		echoBody string
	)
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each closed-loop run")
	flag.StringVar(&conc, "conc", "1,16,64,256", "comma-separated concurrencies")
	flag.StringVar(&o.out, "out", "", "also write the results to this file")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 2s durations, concurrencies 1,64")
	flag.StringVar(&parts, "parts", "kv,raft,echo,mem,block", "parts to run: kv,raft,echo,mem,block")
	flag.StringVar(&agentArg, "agent-args", "", "extra flags appended to both agents' command lines")
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a new temp dir, removed at exit)")
	flag.StringVar(&echoAddr, "serve-echo", "", "internal: serve the bare Echo server on this address")
	flag.StringVar(&echoBody, "serve-echo-body", "", "internal: base64 GET body for -serve-echo")
	flag.Parse()

	if echoAddr != "" {
		body, err := base64.StdEncoding.DecodeString(echoBody)
		if err == nil {
			err = serveEcho(echoAddr, body)
		}
		fmt.Fprintln(os.Stderr, "kvbench echo:", err)
		os.Exit(1)
	}
	if o.quick {
		o.duration, conc = 2*time.Second, "1,64"
	}
	var err error
	if o.conc, err = parseInts(conc); err != nil {
		fatalf("-conc: %v", err)
	}
	o.parts = map[string]bool{}
	for _, p := range strings.Split(parts, ",") {
		o.parts[strings.TrimSpace(p)] = true
	}
	o.agentArgs = strings.Fields(agentArg)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatalf("%v", err)
	}
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad concurrency %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kvbench: "+format+"\n", args...)
	os.Exit(1)
}

// run does every selected part in an order that keeps each consuld figure
// next to the raw figure it is compared with, bracketed by fsync baselines.
func run(ctx context.Context, o options) error {
	w, dir, cleanup, err := benchkit.Setup("kvbench", o.out, o.dir)
	if err != nil {
		return err
	}
	defer cleanup()
	rep := newReport(w)
	rep.header(dir, o)
	fsyncDur := min(o.duration, 5*time.Second)
	if o.quick {
		fsyncDur = 2 * time.Second
	}
	warm := min(time.Second, o.duration/5)
	lc := benchkit.NewLoadClient(slices.Max(o.conc))

	var bin string
	if o.parts["kv"] || o.parts["mem"] || o.parts["block"] {
		benchkit.Progress("building consuld")
		var err error
		if bin, err = benchkit.BuildConsuld(ctx, dir, "kvbench"); err != nil {
			return err
		}
	}
	fsync := func(label string) {
		benchkit.Progress("fsync baseline %s", label)
		rep.fsync(label, benchkit.FsyncBaseline(ctx, dir, fsyncDur))
	}
	fsync("start")
	var echo *benchkit.Proc
	defer func() {
		if echo != nil {
			echo.Stop()
		}
	}()
	for _, mode := range []string{"durable", "dev"} {
		if !o.parts["kv"] && !o.parts["raft"] && !o.parts["echo"] {
			break
		}
		if err := benchMode(ctx, rep, lc, bin, dir, mode, o, warm, &echo); err != nil {
			return err
		}
		lc.Reset()
		if mode == "durable" {
			fsync("after-durable")
		}
	}
	if echo != nil {
		echo.Stop()
		echo = nil
	}
	if o.parts["mem"] || o.parts["block"] {
		if err := memoryAndBlocking(ctx, rep, lc, bin, dir, o); err != nil {
			return err
		}
	}
	fsync("end")
	rep.summary(o.conc)
	return ctx.Err()
}

// memoryAndBlocking runs the memory test on a fresh agent of each mode and
// the blocking test on the durable one (after its memory test: its 10,000
// distinct watched keys are the keys written there).
func memoryAndBlocking(ctx context.Context, rep *report, lc *benchkit.LoadClient, bin, dir string, o options) error {
	for _, mode := range []string{"durable", "dev"} {
		if mode == "dev" && !o.parts["mem"] {
			continue
		}
		benchkit.Progress("starting %s agent for memory/blocking", mode)
		a, err := benchkit.StartAgent(ctx, benchkit.AgentConfig{Tool: "kvbench", Bin: bin, Dir: dir, Name: mode + "-mem", Dev: mode == "dev", Extra: o.agentArgs})
		if err != nil {
			return err
		}
		lc.Reset()
		m, err := measureMemory(ctx, a, lc, mode)
		if err == nil {
			rep.memory(m)
			if mode == "durable" && o.parts["block"] {
				var b blockResult
				b, err = measureBlocking(ctx, a, lc, mode)
				if err == nil {
					rep.blocking(b)
				}
			}
		}
		a.Stop()
		if err != nil {
			return fmt.Errorf("%s agent: %w\n--- agent log tail:\n%s", mode, err, a.LogTail())
		}
	}
	return nil
}
