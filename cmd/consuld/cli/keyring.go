package cli

import (
	"fmt"
	"maps"
	"slices"
)

type keyringCmd struct {
	apiBase
	list                 bool
	install, use, remove string
}

func newKeyring(s *streams) runner {
	c := &keyringCmd{}
	c.init(s)
	c.fs.BoolVar(&c.list, "list", false, "List all keys currently in use within the cluster.")
	c.fs.StringVar(&c.install, "install", "", "Install a new encryption key on every member.")
	c.fs.StringVar(&c.use, "use", "", "Change the primary encryption key (it must be installed).")
	c.fs.StringVar(&c.remove, "remove", "", "Remove the given key from the cluster (not the primary).")
	return c
}

func (c *keyringCmd) help() string {
	return helpText(`Usage: consul keyring [options]

  Manages the gossip encryption keys of every member of the cluster:
  install a key, make it primary, remove the old one.`, c.fs, c.httpNames)
}

func (c *keyringCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	n := 0
	for _, set := range []bool{c.list, c.install != "", c.use != "", c.remove != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		c.errorf("Exactly one of -list, -install, -use, or -remove must be provided")
		return 1
	}
	op := client.Operator()
	var err error
	switch {
	case c.list:
		c.info("==> Gathering installed encryption keys...")
		rs, err := op.KeyringList(nil)
		if err != nil {
			c.errorf("error: %s", err)
			return 1
		}
		for _, r := range rs {
			pool := "LAN"
			if r.WAN {
				pool = "WAN"
			}
			c.info("\n%s (%s):", r.Datacenter, pool)
			for _, k := range slices.Sorted(maps.Keys(r.Keys)) {
				fmt.Fprintf(c.s.stdout, "  %s [%d/%d]\n", k, r.Keys[k], r.NumNodes)
			}
		}
		return 0
	case c.install != "":
		c.info("==> Installing new gossip encryption key...")
		err = op.KeyringInstall(c.install, nil)
	case c.use != "":
		c.info("==> Changing primary gossip encryption key...")
		err = op.KeyringUse(c.use, nil)
	default:
		c.info("==> Removing gossip encryption key...")
		err = op.KeyringRemove(c.remove, nil)
	}
	if err != nil {
		c.errorf("error: %s", err)
		return 1
	}
	return 0
}
