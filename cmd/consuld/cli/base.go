package cli

import (
	"flag"
	"fmt"
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
