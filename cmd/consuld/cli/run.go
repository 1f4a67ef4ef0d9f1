package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// runResultHelp is returned by a command that wants its help shown on
// stderr with exit code 1 (a parent command run without a subcommand).
const runResultHelp = -18511

// streams is the I/O a command may touch. Commands never use os.Stdin,
// os.Stdout, os.Stderr or os.Getenv directly.
type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// runner is one parsed-on-demand command.
type runner interface {
	help() string
	run(args []string) int
}

// command is a row of the command table. Nested commands are named with a
// space ("kv put"), the way consul names them.
type command struct {
	name     string
	synopsis string
	make     func(s *streams) runner
}

// commandTable lists every command Run knows. Add a command by adding a row.
func commandTable() []command {
	return []command{
		{"agent", "Runs a Consul agent", newAgentStub},
		{"catalog", "Interact with the catalog", newCatalog},
		{"catalog datacenters", "Lists all known datacenters", newCatalogDatacenters},
		{"catalog nodes", "Lists all nodes in the given datacenter", newCatalogNodes},
		{"catalog services", "Lists all registered services in a datacenter", newCatalogServices},
		{"force-leave", "Forces a member of the cluster to enter the \"left\" state", newForceLeave},
		{"info", "Provides debugging information for operators.", newInfo},
		{"join", "Tell Consul agent to join cluster", newJoin},
		{"keygen", "Generates a new encryption key", newKeygen},
		{"keyring", "Manages gossip layer encryption keys", newKeyring},
		{"kv", "Interact with the key-value store", newKV},
		{"kv delete", "Removes data from the KV store", newKVDelete},
		{"kv get", "Retrieves or lists data from the KV store", newKVGet},
		{"kv put", "Sets or updates data in the KV store", newKVPut},
		{"leave", "Gracefully leaves the Consul cluster and shuts down", newLeave},
		{"members", "Lists the members of a Consul cluster", newMembers},
		{"operator", "Provides cluster-level tools for Consul operators", newOperator},
		{"operator raft", "Provides cluster-level tools for Consul operators", newOperatorRaft},
		{"operator raft list-peers", "Display the current Raft peer configuration", newRaftListPeers},
		{"operator raft remove-peer", "Remove a Consul server from the Raft configuration", newRaftRemovePeer},
		{"operator raft transfer-leader", "Transfer raft leadership to another node", newRaftTransferLeader},
		{"reload", "Triggers the agent to reload configuration files", newReload},
		{"services", "Interact with services", newServices},
		{"services deregister", "Deregister services with the local agent", newServicesDeregister},
		{"services register", "Register services with the local agent", newServicesRegister},
		{"tls", "Builtin helpers for creating CAs and certificates", newTLS},
		{"tls ca", "Helpers for CAs", newTLSCA},
		{"tls ca create", "Create a new consul CA", newTLSCACreate},
		{"tls cert", "Helpers for certificates", newTLSCert},
		{"tls cert create", "Create a new certificate", newTLSCertCreate},
		{"validate", "Validate config files/directories", newValidate},
		{"version", "Prints the Consul version", newVersion},
	}
}

// Run executes one non-agent subcommand (args exclude the program name, e.g.
// ["kv","put","foo","bar"]) and returns the exit code. env looks up
// environment variables (os.Getenv in the binary); nil means an empty
// environment. stdin may be nil.
//
// Dispatch follows consul's CLI: -v/-version/--version before the command
// prints the version; -h/-help/--help anywhere prints help on stdout and
// exits 0; no command or an unknown one prints the command listing on stderr
// and exits 127; a parent command without a subcommand ("kv") prints its help
// on stderr and exits 1.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	if env == nil {
		env = func(string) string { return "" }
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	s := &streams{stdin: stdin, stdout: stdout, stderr: stderr, getenv: env}
	table := commandTable()
	r := parseRoute(args, commandNames(table))

	if r.version {
		return newVersion(s).run(nil)
	}
	if r.help && r.name == "" {
		fmt.Fprintln(stdout, usageListing(table))
		return 0
	}
	cmd, ok := lookupCommand(table, r.name)
	if !ok {
		fmt.Fprintln(stderr, usageListing(table))
		return 127
	}
	rn := cmd.make(s)
	if r.help {
		fmt.Fprint(stdout, commandHelp(table, cmd.name, rn.help()))
		return 0
	}
	if len(r.topFlags) > 0 {
		// compat: mitchellh/cli's text for flags given before the command.
		fmt.Fprint(stderr, "Invalid flags before the subcommand. If these flags are for\n"+
			"the subcommand, please put them after the subcommand.\n\n")
		fmt.Fprint(stderr, commandHelp(table, cmd.name, rn.help()))
		return 1
	}
	code := rn.run(r.args)
	if code == runResultHelp {
		fmt.Fprint(stderr, commandHelp(table, cmd.name, rn.help()))
		return 1
	}
	return code
}

// route is the outcome of reading the command line, before anything runs.
type route struct {
	name     string   // the command named, known or not; "" if none
	args     []string // what follows the command name
	help     bool     // -h, -help or --help seen anywhere before "--"
	version  bool     // -v, -version or --version seen before the command
	topFlags []string // other flags seen before the command
}

// parseRoute finds the command the way mitchellh/cli (consul's CLI library)
// does: the first non-flag argument starts the command, and the longest run
// of following words that names a known command wins ("kv put" over "kv").
func parseRoute(args []string, names []string) route {
	var r route
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "-help" || arg == "--help" {
			r.help = true
			continue
		}
		if r.name != "" {
			continue
		}
		if arg == "-v" || arg == "-version" || arg == "--version" {
			r.version = true
			continue
		}
		if strings.HasPrefix(arg, "-") {
			r.topFlags = append(r.topFlags, arg)
			continue
		}
		if arg == "" {
			continue
		}
		if strings.Contains(arg, " ") {
			// An argument with a space is never a command name.
			r.name = arg
			return r
		}
		r.name = arg
		end := i
		for end < len(args) && args[end] != "" && !strings.HasPrefix(args[end], "-") && !strings.Contains(args[end], " ") {
			end++
		}
		words := args[i:end]
		for n := len(words); n > 0; n-- {
			candidate := strings.Join(words[:n], " ")
			if slices.Contains(names, candidate) {
				r.name = candidate
				i += n - 1
				break
			}
		}
		r.args = args[i+1:]
	}
	return r
}

func commandNames(table []command) []string {
	names := make([]string, len(table))
	for i, c := range table {
		names[i] = c.name
	}
	return names
}

func lookupCommand(table []command, name string) (command, bool) {
	for _, c := range table {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// agentStub keeps "agent" in the listing. The consuld main package starts
// the agent itself and never passes "agent" to Run.
type agentStub struct{ s *streams }

func newAgentStub(s *streams) runner { return &agentStub{s} }

func (a *agentStub) help() string {
	return "Usage: consul agent [options]\n\n" +
		"  Starts a consuld agent: a server or client that serves the HTTP API,\n" +
		"  DNS and the KV store. See `consuld agent -h` for its options."
}

func (a *agentStub) run([]string) int {
	fmt.Fprintln(a.s.stderr, "Error! The agent is started by the consuld binary, not by cli.Run.")
	return 1
}
