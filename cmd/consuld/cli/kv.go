package cli

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
