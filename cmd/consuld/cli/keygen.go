package cli

import (
	"flag"
	"fmt"

	"github.com/consuld/consuld/transport/keyring"
)

// keygenCmd prints a new gossip encryption key.
type keygenCmd struct {
	s  *streams
	fs *flag.FlagSet
}

func newKeygen(s *streams) runner { return &keygenCmd{s: s, fs: newFlagSet(s.stderr)} }

func (c *keygenCmd) help() string {
	return helpText(`Usage: consul keygen

  Prints a new random 32-byte gossip encryption key, base64-encoded: the
  form the agent's encrypt setting (and -encrypt) takes. Every agent of a
  cluster needs the same key.

      $ consul keygen
      $ consul agent -encrypt "$(consul keygen)" ...`, c.fs, nil)
}

func (c *keygenCmd) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	key, err := keyring.Generate()
	if err != nil {
		fmt.Fprintf(c.s.stderr, "Error reading random data: %s\n", err)
		return 1
	}
	fmt.Fprintln(c.s.stdout, key)
	return 0
}
