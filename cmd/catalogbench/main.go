package main

import (
	"context"
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
	duration time.Duration
	out      string
	quick    bool
	div      int // sizes are divided by this (10 with -quick)
	parts    map[string]bool
	dir      string
}

// size is n scaled for -quick.
func (o options) size(n int) int { return max(1, n/o.div) }

func main() {
	var (
		o        options
		parts    string
		echoAddr string
		echoBody string
	)
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each closed-loop run")
	flag.StringVar(&o.out, "out", "", "also write the results to this file")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 2s closed loops, 1/10 of the sizes, shorter check windows")
	flag.StringVar(&parts, "parts", "health,register,scale,checks", "parts to run")
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a new temp dir, removed at exit)")
	flag.StringVar(&echoAddr, "serve-echo", "", "internal: serve the bare Echo server on this address")
	flag.StringVar(&echoBody, "serve-echo-body", "", "internal: file holding the body -serve-echo answers")
	flag.Parse()

	if echoAddr != "" {
		body, err := os.ReadFile(echoBody)
		if err == nil {
			err = serveEcho(echoAddr, body)
		}
		fmt.Fprintln(os.Stderr, "catalogbench echo:", err)
		os.Exit(1)
	}
	o.div = 1
	if o.quick {
		o.duration, o.div = 2*time.Second, 10
	}
	o.parts = map[string]bool{}
	for _, p := range strings.Split(parts, ",") {
		o.parts[strings.TrimSpace(p)] = true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "catalogbench: "+format+"\n", args...)
	os.Exit(1)
}

// run does each selected part on its own fresh durable agent, bracketed by
// fsync baselines, then prints the summary.
func run(ctx context.Context, o options) error {
	w, dir, cleanup, err := benchkit.Setup("catalogbench", o.out, o.dir)
	if err != nil {
		return err
	}
	defer cleanup()
	rep := newReport(w)
	rep.header(dir, o)
	benchkit.Progress("building consuld")
	bin, err := benchkit.BuildConsuld(ctx, dir, "catalogbench")
	if err != nil {
		return err
	}
	fsyncDur := min(o.duration, 5*time.Second)
	fsync := func(label string) {
		benchkit.Progress("fsync baseline %s", label)
		rep.fsync(label, benchkit.FsyncBaseline(ctx, dir, fsyncDur))
	}
	fsync("start")
	lc := benchkit.NewLoadClient(64)
	warm := min(time.Second, o.duration/5)

	// Parts 1 and 2 share an agent: the register runs add nodes that the
	// health reads do not look at, and they come after them.
	if o.parts["health"] || o.parts["register"] {
		err := withAgent(ctx, bin, dir, "catalog", lc, func(a *benchkit.Agent) error {
			if o.parts["health"] {
				if err := benchHealth(ctx, rep, lc, a, dir, o, warm); err != nil {
					return err
				}
			}
			if o.parts["register"] {
				return benchRegister(ctx, rep, lc, a, dir, o, warm)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fsync("after-register")
	}
	if o.parts["scale"] {
		if err := withAgent(ctx, bin, dir, "scale", lc, func(a *benchkit.Agent) error { return benchScale(ctx, rep, lc, a, o) }); err != nil {
			return err
		}
	}
	if o.parts["checks"] {
		if err := withAgent(ctx, bin, dir, "checks", lc, func(a *benchkit.Agent) error { return benchChecks(ctx, rep, lc, a, o) }); err != nil {
			return err
		}
	}
	fsync("end")
	rep.summary()
	return ctx.Err()
}

// withAgent runs fn against a fresh durable agent and stops it after.
func withAgent(ctx context.Context, bin, dir, name string, lc *benchkit.LoadClient, fn func(*benchkit.Agent) error) error {
	benchkit.Progress("starting %s agent", name)
	a, err := benchkit.StartAgent(ctx, benchkit.AgentConfig{Tool: "catalogbench", Bin: bin, Dir: dir, Name: name})
	if err != nil {
		return err
	}
	rss, _ := a.RSS()
	benchkit.Progress("%s agent up (pid %d, %s, RSS %s)", name, a.PID(), a.Base, benchkit.MiB(rss))
	err = fn(a)
	if err == nil && a.Exited() {
		err = fmt.Errorf("agent exited")
	}
	a.Stop()
	lc.Reset()
	if err != nil {
		return fmt.Errorf("%s agent: %w\n--- agent log tail (%s):\n%s", name, err, a.LogPath, a.LogTail())
	}
	return ctx.Err()
}
