package cli

import (
	"fmt"
	"maps"
	"slices"
)

type infoCmd struct{ apiBase }

func newInfo(s *streams) runner {
	c := &infoCmd{}
	c.init(s)
	return c
}

func (c *infoCmd) help() string {
	return helpText(`Usage: consul info [options]

  Provides debugging information for operators: the agent's stats by
  section (agent, build, consul, raft, runtime, serf_lan).`, c.fs, c.httpNames)
}

func (c *infoCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	self, err := client.Agent().Self()
	if err != nil {
		c.errorf("Error querying agent: %s", err)
		return 1
	}
	stats, _ := self["Stats"]
	for _, section := range slices.Sorted(maps.Keys(stats)) {
		fmt.Fprintf(c.s.stdout, "%s:\n", section)
		kv, _ := stats[section].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(kv)) {
			fmt.Fprintf(c.s.stdout, "\t%s = %v\n", k, kv[k])
		}
	}
	return 0
}
