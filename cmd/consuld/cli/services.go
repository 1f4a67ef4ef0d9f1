package cli

import (
	"github.com/hashicorp/consul/api"
)

// servicesCmd is the parent of services register/deregister; alone it asks
// for its help (stderr, exit 1).
type servicesCmd struct{}

func newServices(*streams) runner { return servicesCmd{} }

func (servicesCmd) help() string {
	return `Usage: consul services <subcommand> [options] [args]

  Registers services with, and removes them from, the local agent, from
  service definition files (JSON or HCL) or from flags. For example:

      $ consul services register web.json
      $ consul services register -name=web -port=8080 -tag=v1
      $ consul services deregister web.json
      $ consul services deregister -id=web

  Each subcommand has its own help: consul services <subcommand> -h`
}

func (servicesCmd) run([]string) int { return runResultHelp }

// --- services register ---

type servicesRegister struct {
	apiBase
	id          string
	name        string
	address     string
	port        int
	socket      string
	kind        string
	tags        listFlag
	meta        mapFlag
	taggedAddrs mapFlag
}

func newServicesRegister(s *streams) runner {
	c := &servicesRegister{}
	c.init(s)
	c.fs.StringVar(&c.id, "id", "", "Service ID when registering from flags. Defaults to -name.")
	c.fs.StringVar(&c.name, "name", "", "Service name: registers one service from flags instead of files.")
	c.fs.StringVar(&c.address, "address", "", "Service address. Defaults to the agent's node address.")
	c.fs.IntVar(&c.port, "port", 0, "Service port.")
	c.fs.StringVar(&c.socket, "socket", "", "Unix socket path of the service, instead of -address and -port.")
	c.fs.StringVar(&c.kind, "kind", "", `Service kind ("" for a typical service).`)
	c.fs.Var(&c.tags, "tag", "Tag to add to the service. Repeat for several tags.")
	c.fs.Var(&c.meta, "meta", "Metadata key=value to set on the service. Repeat for several keys.")
	c.fs.Var(&c.taggedAddrs, "tagged-address", "Tagged address tag=host:port to set on the service. Repeat for several tags.")
	return c
}

func (c *servicesRegister) help() string {
	return helpText(`Usage: consul services register [options] [FILE...]

  Registers services with the local agent, either every service defined in
  the given files (JSON or HCL agent config files, or directories of them)
  or one service described by flags. The agent runs the services' checks;
  the services stay until deregistered.

      $ consul services register web.json
      $ consul services register -name=web -port=8080 -tag=v1 -meta=team=a

  With files, flags fill in what a definition leaves out (-id, -address,
  -port, -socket, -kind) and add tags, metadata and tagged addresses.`, c.fs, c.httpNames)
}

func (c *servicesRegister) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	fromFlags := &api.AgentServiceRegistration{
		Kind:       api.ServiceKind(c.kind),
		ID:         c.id,
		Name:       c.name,
		Address:    c.address,
		Port:       c.port,
		SocketPath: c.socket,
		Tags:       c.tags,
		Meta:       c.meta,
	}
	if len(c.taggedAddrs) > 0 {
		fromFlags.TaggedAddresses = map[string]api.ServiceAddress{}
		for tag, v := range c.taggedAddrs {
			addr, err := api.ParseServiceAddr(v)
			if err != nil {
				c.errorf("Invalid Tagged Address: %v", err)
				return 1
			}
			fromFlags.TaggedAddresses[tag] = addr
		}
	}
	files := c.fs.Args()
	switch {
	case len(files) == 0 && c.name == "":
		// compat: consul's texts for both mistakes.
		c.errorf("Service registration requires at least one argument or flags.")
		return 1
	case len(files) > 0 && c.name != "":
		c.errorf("Service registration requires arguments or -id, not both.")
		return 1
	}
	svcs := []*api.AgentServiceRegistration{fromFlags}
	if len(files) > 0 {
		var err error
		if svcs, err = loadServiceFiles(files); err != nil {
			c.errorf("Error: %s", err)
			return 1
		}
		for _, svc := range svcs {
			fillFromFlags(svc, fromFlags)
		}
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	agent := client.Agent()
	for _, svc := range svcs {
		if err := agent.ServiceRegister(svc); err != nil {
			c.errorf("Error registering service %q: %s", svc.Name, err)
			return 1
		}
		c.info("Registered service: %s", svc.Name)
	}
	return 0
}

// fillFromFlags applies the flags to a definition read from a file: a flag
// sets a field the file left empty, and tags, metadata and tagged
// addresses given as flags are added (a flag's key wins).
func fillFromFlags(svc, flags *api.AgentServiceRegistration) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&svc.ID, flags.ID)
	fill(&svc.Address, flags.Address)
	fill(&svc.SocketPath, flags.SocketPath)
	if svc.Port == 0 {
		svc.Port = flags.Port
	}
	if svc.Kind == "" {
		svc.Kind = flags.Kind
	}
	svc.Tags = append(svc.Tags, flags.Tags...)
	if len(flags.Meta) > 0 && svc.Meta == nil {
		svc.Meta = map[string]string{}
	}
	for k, v := range flags.Meta {
		svc.Meta[k] = v
	}
	if len(flags.TaggedAddresses) > 0 && svc.TaggedAddresses == nil {
		svc.TaggedAddresses = map[string]api.ServiceAddress{}
	}
	for k, v := range flags.TaggedAddresses {
		svc.TaggedAddresses[k] = v
	}
}

// --- services deregister ---

type servicesDeregister struct {
	apiBase
	id string
}

func newServicesDeregister(s *streams) runner {
	c := &servicesDeregister{}
	c.init(s)
	c.fs.StringVar(&c.id, "id", "", "ID of the one service to deregister, instead of files.")
	return c
}

func (c *servicesDeregister) help() string {
	return helpText(`Usage: consul services deregister [options] [FILE...]

  Removes services from the local agent: those defined in the given files
  (by their id, or their name when they have none), or the one service
  whose ID is given with -id. Run it against the agent that registered
  them.

      $ consul services deregister web.json db.hcl
      $ consul services deregister -id=web`, c.fs, c.httpNames)
}

func (c *servicesDeregister) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	files := c.fs.Args()
	switch {
	case len(files) == 0 && c.id == "":
		// compat: consul's texts for both mistakes.
		c.errorf("Service deregistration requires at least one argument or -id.")
		return 1
	case len(files) > 0 && c.id != "":
		c.errorf("Service deregistration requires arguments or -id, not both.")
		return 1
	}
	ids := []string{c.id}
	if len(files) > 0 {
		svcs, err := loadServiceFiles(files)
		if err != nil {
			c.errorf("Error: %s", err)
			return 1
		}
		ids = ids[:0]
		for _, svc := range svcs {
			id := svc.ID
			if id == "" {
				id = svc.Name
			}
			ids = append(ids, id)
		}
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	agent := client.Agent()
	for _, id := range ids {
		if err := agent.ServiceDeregister(id); err != nil {
			c.errorf("Error deregistering service %q: %s", id, err)
			return 1
		}
		c.info("Deregistered service: %s", id)
	}
	return 0
}
