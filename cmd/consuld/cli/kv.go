package cli

import (
	"flag"
	"fmt"
)

// kvCmd is the parent of the kv subcommands. Run on its own (or with an
// unknown subcommand) it asks for its help, which Run prints on stderr with
// exit code 1, as consul does.
type kvCmd struct{}

func newKV(*streams) runner { return kvCmd{} }

func (kvCmd) help() string {
	return `Usage: consul kv <subcommand> [options] [args]

  Reads and writes the key-value store of a consuld (or Consul) agent over
  its HTTP API. For example:

      $ consul kv put redis/config/connections 5
      $ consul kv get redis/config/connections
      $ consul kv get -detailed redis/config/connections
      $ consul kv delete redis/config/connections

  Each subcommand has its own help: consul kv <subcommand> -h`
}

func (kvCmd) run([]string) int { return runResultHelp }

// kvBase is what every kv subcommand shares: its streams, a flag set and
// the HTTP connection flags.
type kvBase struct {
	s         *streams
	fs        *flag.FlagSet
	http      httpFlags
	httpNames []string
}

// init must run on the kvBase inside the command struct: the flag set keeps
// pointers into b.http.
func (b *kvBase) init(s *streams) {
	b.s, b.fs = s, newFlagSet(s.stderr)
	b.httpNames = b.http.register(b.fs)
}

// info writes one line to stdout, errorf one to stderr.
func (b *kvBase) info(format string, a ...any) {
	fmt.Fprintf(b.s.stdout, format+"\n", a...)
}

func (b *kvBase) errorf(format string, a ...any) {
	fmt.Fprintf(b.s.stderr, format+"\n", a...)
}
