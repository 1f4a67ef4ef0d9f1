package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// newFlagSet returns the flag set every command parses with. An unnamed set
// with ContinueOnError writes "flag provided but not defined: -x", then
// "Usage:" and the flag defaults, to stderr, and the command exits 1 — the
// shape consul's commands have, since they use the same standard flag package.
func newFlagSet(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// helpText renders a command's help: its usage and description, then the
// HTTP flags and the command's own flags, each under a heading.
func helpText(usage string, fs *flag.FlagSet, httpNames []string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(usage))
	if fs == nil {
		return b.String()
	}
	var own []*flag.Flag
	var conn []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if slices.Contains(httpNames, f.Name) {
			conn = append(conn, f)
		} else {
			own = append(own, f)
		}
	})
	writeFlagGroup(&b, "HTTP API Options", conn)
	writeFlagGroup(&b, "Command Options", own)
	return b.String()
}

func writeFlagGroup(b *strings.Builder, title string, flags []*flag.Flag) {
	if len(flags) == 0 {
		return
	}
	fmt.Fprintf(b, "\n\n%s", title)
	for _, f := range flags {
		name := "-" + f.Name
		if !isBoolFlag(f) {
			name += "=<value>"
		}
		fmt.Fprintf(b, "\n\n  %s\n     %s", name, f.Usage)
	}
}

func isBoolFlag(f *flag.Flag) bool {
	bf, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}

// commandHelp is what `consul <cmd> -h` prints: the command's help and, for
// a parent such as kv, the list of its subcommands with their synopses.
func commandHelp(table []command, name, help string) string {
	var b strings.Builder
	b.WriteString(help)
	subs := children(table, name)
	if len(subs) > 0 {
		b.WriteString("\n\nSubcommands:")
		width := 0
		for _, c := range subs {
			width = max(width, len(lastWord(c.name)))
		}
		for _, c := range subs {
			fmt.Fprintf(&b, "\n    %-*s    %s", width, lastWord(c.name), c.synopsis)
		}
	}
	b.WriteString("\n")
	return b.String()
}

// usageListing is what `consul` prints for -h, no command or an unknown one.
func usageListing(table []command) string {
	var b strings.Builder
	// compat: the header mitchellh/cli's BasicHelpFunc writes for consul.
	b.WriteString("Usage: consul [--version] [--help] <command> [<args>]\n\n")
	b.WriteString("Available commands are:\n")
	top := children(table, "")
	width := 0
	for _, c := range top {
		width = max(width, len(c.name))
	}
	for _, c := range top {
		fmt.Fprintf(&b, "    %-*s    %s\n", width, c.name, c.synopsis)
	}
	return b.String()
}

// children returns the direct subcommands of parent ("" for the top level),
// sorted by name.
func children(table []command, parent string) []command {
	var out []command
	for _, c := range table {
		rest, ok := strings.CutPrefix(c.name, parent)
		if parent != "" {
			if !ok || !strings.HasPrefix(rest, " ") {
				continue
			}
			rest = rest[1:]
		}
		if rest != "" && !strings.Contains(rest, " ") {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b command) int { return strings.Compare(a.name, b.name) })
	return out
}

func lastWord(name string) string {
	return name[strings.LastIndex(name, " ")+1:]
}
