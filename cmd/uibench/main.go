package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// options are the command line.
type options struct {
	services, perService, nodes int
	idle                        time.Duration
	screenshot                  string
	dir                         string
}

func main() {
	var o options
	flag.IntVar(&o.services, "services", 5000, "services to register")
	flag.IntVar(&o.perService, "per-service", 10, "instances of each service")
	flag.IntVar(&o.nodes, "nodes", 1000, "nodes the instances are spread over")
	flag.DurationVar(&o.idle, "idle", time.Minute, "how long the tab idles while the agent's CPU is measured")
	flag.StringVar(&o.screenshot, "screenshot", "", "save a PNG of the loaded services page here")
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a new temp dir, removed at exit)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "uibench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	chromium, err := findChromium()
	if err != nil {
		return err
	}
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "uibench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	benchkit.RaiseFDLimit()
	benchkit.Progress("building consuld")
	bin, err := benchkit.BuildConsuld(ctx, dir, "uibench")
	if err != nil {
		return err
	}
	a, err := benchkit.StartAgent(ctx, benchkit.AgentConfig{Tool: "uibench", Bin: bin, Dir: dir, Name: "agent", Extra: []string{"-ui"}})
	if err != nil {
		return err
	}
	defer a.Stop()
	fmt.Printf("# uibench: %d services x %d instances on %d nodes; cpu %s\n", o.services, o.perService, o.nodes, benchkit.CPUModel())

	cat := catalog{o: o, base: a.Base, c: benchkit.NewLoadClient(64).C}
	if err := cat.register(ctx); err != nil {
		return err
	}
	if err := benchAPI(ctx, cat); err != nil {
		return err
	}
	b, err := newBrowser(ctx, chromium, a.Base)
	if err != nil {
		return err
	}
	defer b.close()
	if err := benchBrowser(ctx, b, cat, a.PID()); err != nil {
		return err
	}
	return nil
}

func findChromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH")
}

// line prints one benchmark-style result.
func line(name string, n int, fields ...string) {
	s := fmt.Sprintf("%-52s %6d", name, n)
	for _, f := range fields {
		s += "  " + f
	}
	fmt.Println(s)
}
