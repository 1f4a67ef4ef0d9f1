package cli

import (
	"flag"
	"fmt"

	"github.com/hashicorp/consul/api"
)

// apiBase is what every command that talks to an agent shares: its
// streams, a flag set and the HTTP connection flags.
type apiBase struct {
	s         *streams
	fs        *flag.FlagSet
	http      httpFlags
	httpNames []string
}

// init must run on the apiBase inside the command struct: the flag set
// keeps pointers into b.http.
func (b *apiBase) init(s *streams) {
	b.s, b.fs = s, newFlagSet(s.stderr)
	b.httpNames = b.http.register(b.fs)
}

// info writes one line to stdout, errorf one to stderr.
func (b *apiBase) info(format string, a ...any) {
	fmt.Fprintf(b.s.stdout, format+"\n", a...)
}

func (b *apiBase) errorf(format string, a ...any) {
	fmt.Fprintf(b.s.stderr, format+"\n", a...)
}

// noArgs reports whether the command got no positional arguments, after
// printing consul's message if it did.
func (b *apiBase) noArgs() bool {
	if n := len(b.fs.Args()); n > 0 {
		// compat: consul's text; the command exits 1.
		b.errorf("Too many arguments (expected 0, got %d)", n)
		return false
	}
	return true
}

// connect parses args (no positional arguments allowed unless
// positional) and connects to the agent, printing consul's messages on
// failure; ok is false when the command should exit 1.
func (b *apiBase) connect(args []string, positional bool) (c *api.Client, ok bool) {
	if err := b.fs.Parse(args); err != nil || (!positional && !b.noArgs()) {
		return nil, false
	}
	return b.dial()
}

// dial connects to the agent the HTTP flags name, printing consul's
// message on failure.
func (b *apiBase) dial() (*api.Client, bool) {
	c, err := b.http.client(b.s.getenv)
	if err != nil {
		b.errorf("Error connecting to Consul agent: %s", err)
		return nil, false
	}
	return c, true
}
