package cli

import (
	"flag"
	"fmt"
)

// ValidateFunc checks the agent configuration in the given files and
// directories as the agent would load it, returning the first problem. The
// consuld main package sets it to the config package's validation; while
// it is nil, validate reports that it cannot validate and exits 1.
var ValidateFunc func(paths []string) error

type validateCmd struct {
	s     *streams
	fs    *flag.FlagSet
	quiet bool
}

func newValidate(s *streams) runner {
	c := &validateCmd{s: s, fs: newFlagSet(s.stderr)}
	c.fs.BoolVar(&c.quiet, "quiet", false, "Print nothing when the configuration is valid.")
	return c
}

func (c *validateCmd) help() string {
	return helpText(`Usage: consul validate [options] FILE_OR_DIRECTORY...

  Loads the given configuration files and directories exactly as the agent
  would at start, and reports the first problem. Give it the whole set of
  files the agent loads: a fragment on its own may not be a valid
  configuration.

  Exits 0 if the configuration is valid, 1 otherwise.

      $ consul validate /etc/consul.d`, c.fs, nil)
}

func (c *validateCmd) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	paths := c.fs.Args()
	if len(paths) == 0 {
		// compat: consul's texts in this command.
		fmt.Fprintln(c.s.stderr, "Must specify at least one config file or directory")
		return 1
	}
	if ValidateFunc == nil {
		fmt.Fprintln(c.s.stderr, "Config validation failed: configuration validation is not available in this build")
		return 1
	}
	if err := ValidateFunc(paths); err != nil {
		fmt.Fprintf(c.s.stderr, "Config validation failed: %v\n", err)
		return 1
	}
	if !c.quiet {
		fmt.Fprintln(c.s.stdout, "Configuration is valid!")
	}
	return 0
}
