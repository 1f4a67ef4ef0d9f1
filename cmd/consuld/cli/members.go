package cli

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/consul/api"
)

type membersCmd struct {
	apiBase
	detailed bool
	status   string
}

func newMembers(s *streams) runner {
	c := &membersCmd{}
	c.init(s)
	c.fs.BoolVar(&c.detailed, "detailed", false, "Provides detailed information about nodes.")
	c.fs.StringVar(&c.status, "status", "", "If provided, output is filtered to only nodes matching this status.")
	return c
}

func (c *membersCmd) help() string {
	return helpText(`Usage: consul members [options]

  Outputs the members of a running Consul agent's LAN gossip pool.`, c.fs, c.httpNames)
}

var memberStatus = map[int]string{0: "none", 1: "alive", 2: "leaving", 3: "left", 4: "failed"}

func (c *membersCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	members, err := client.Agent().Members(false)
	if err != nil {
		c.errorf("Error retrieving members: %s", err)
		return 1
	}
	slices.SortFunc(members, func(a, b *api.AgentMember) int { return strings.Compare(a.Name, b.Name) })
	var rows [][]string
	if c.detailed {
		rows = append(rows, []string{"Node", "Address", "Status", "Tags"})
	} else {
		rows = append(rows, []string{"Node", "Address", "Status", "Type", "Build", "Protocol", "DC", "Partition", "Segment"})
	}
	for _, m := range members {
		st := memberStatus[m.Status]
		if c.status != "" && st != c.status {
			continue
		}
		addr := net.JoinHostPort(m.Addr, strconv.Itoa(int(m.Port)))
		if c.detailed {
			var tags []string
			for _, k := range slices.Sorted(maps.Keys(m.Tags)) {
				tags = append(tags, k+"="+m.Tags[k])
			}
			rows = append(rows, []string{m.Name, addr, st, strings.Join(tags, ",")})
			continue
		}
		typ := "client"
		if m.Tags["role"] == "consul" {
			typ = "server"
		}
		build, _, _ := strings.Cut(m.Tags["build"], ":")
		rows = append(rows, []string{m.Name, addr, st, typ, build, fmt.Sprint(m.Tags["vsn"]), m.Tags["dc"], "default", "<all>"})
	}
	if len(rows) == 1 {
		return 2 // consul: no members matched the filter
	}
	fmt.Fprint(c.s.stdout, formatColumns(rows))
	return 0
}

type joinCmd struct{ apiBase }

func newJoin(s *streams) runner {
	c := &joinCmd{}
	c.init(s)
	return c
}

func (c *joinCmd) help() string {
	return helpText(`Usage: consul join [options] address ...

  Tells a running agent to join the cluster by contacting the given
  addresses of agents already in it.`, c.fs, c.httpNames)
}

func (c *joinCmd) run(args []string) int {
	client, ok := c.connect(args, true)
	if !ok {
		return 1
	}
	addrs := c.fs.Args()
	if len(addrs) == 0 {
		c.errorf("At least one address to join must be specified.")
		return 1
	}
	joined := 0
	for _, a := range addrs {
		if err := client.Agent().Join(a, false); err != nil {
			c.errorf("Error joining address '%s': %s", a, err)
			continue
		}
		joined++
	}
	if joined == 0 {
		c.errorf("Failed to join any nodes.")
		return 1
	}
	c.info("Successfully joined cluster by contacting %d nodes.", joined)
	return 0
}

type leaveCmd struct{ apiBase }

func newLeave(s *streams) runner {
	c := &leaveCmd{}
	c.init(s)
	return c
}

func (c *leaveCmd) help() string {
	return helpText(`Usage: consul leave [options]

  Causes the agent to gracefully leave the cluster and shut down.`, c.fs, c.httpNames)
}

func (c *leaveCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	if err := client.Agent().Leave(); err != nil {
		c.errorf("Error leaving: %s", err)
		return 1
	}
	c.info("Graceful leave complete")
	return 0
}

type forceLeaveCmd struct{ apiBase }

func newForceLeave(s *streams) runner {
	c := &forceLeaveCmd{}
	c.init(s)
	return c
}

func (c *forceLeaveCmd) help() string {
	return helpText(`Usage: consul force-leave [options] name

  Forces a failed member to the left state, so it is removed from the
  catalog now rather than after the reap timeout.`, c.fs, c.httpNames)
}

func (c *forceLeaveCmd) run(args []string) int {
	client, ok := c.connect(args, true)
	if !ok {
		return 1
	}
	if len(c.fs.Args()) != 1 {
		c.errorf("A single node name must be specified to force leave.")
		return 1
	}
	if err := client.Agent().ForceLeave(c.fs.Args()[0]); err != nil {
		c.errorf("Error force leaving: %s", err)
		return 1
	}
	return 0
}
