package benchkit

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// StartEchoProc runs this executable again as the bare Echo server (a
// separate process, like the agent): args(addr) are its arguments for a
// free loopback address, its output goes to dir/echo.log. It waits (15 s
// at most) until ready(base) is true.
func StartEchoProc(ctx context.Context, dir string, args func(addr string) []string, ready func(base string) bool) (*Proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ports, err := FreePorts(1)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	p, err := StartProc(self, args(addr), filepath.Join(dir, "echo.log"))
	if err != nil {
		return nil, err
	}
	p.Base = "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for !ready(p.Base) {
		if p.Exited() || time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("bare echo server not ready:\n%s", p.LogTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p, nil
}

// ServeBare serves h on addr with the http.Server settings of the bare
// Echo baselines.
func ServeBare(addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return srv.Serve(ln)
}
