package cli

type reloadCmd struct{ apiBase }

func newReload(s *streams) runner {
	c := &reloadCmd{}
	c.init(s)
	return c
}

func (c *reloadCmd) help() string {
	return helpText(`Usage: consul reload [options]

  Asks the agent to reload its configuration files, as SIGHUP does. The
  command returns once the reload is triggered, not when it is done;
  problems with the new configuration show in the agent's log.

      $ consul reload`, c.fs, c.httpNames)
}

func (c *reloadCmd) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	if err := client.Agent().Reload(); err != nil {
		c.errorf("Error reloading: %s", err)
		return 1
	}
	// compat: consul's confirmation text.
	c.info("Configuration reload triggered")
	return 0
}
