package cli

import (
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/hashicorp/consul/api"
)

// catalogCmd is the parent of the catalog subcommands; alone it asks for
// its help (stderr, exit 1), as kv does.
type catalogCmd struct{}

func newCatalog(*streams) runner { return catalogCmd{} }

func (catalogCmd) help() string {
	return `Usage: consul catalog <subcommand> [options] [args]

  Reads the catalog of a consuld (or Consul) agent's datacenter over its
  HTTP API: the known datacenters, the nodes and the services registered
  on them. For example:

      $ consul catalog datacenters
      $ consul catalog nodes
      $ consul catalog nodes -service=redis
      $ consul catalog services
      $ consul catalog services -node=worker-01 -tags

  Each subcommand has its own help: consul catalog <subcommand> -h`
}

func (catalogCmd) run([]string) int { return runResultHelp }

// --- catalog datacenters ---

type catalogDatacenters struct{ apiBase }

func newCatalogDatacenters(s *streams) runner {
	c := &catalogDatacenters{}
	c.init(s)
	return c
}

func (c *catalogDatacenters) help() string {
	return helpText(`Usage: consul catalog datacenters [options]

  Prints every datacenter the agent knows of, one name per line, nearest
  first (the order the servers report).

      $ consul catalog datacenters`, c.fs, c.httpNames)
}

func (c *catalogDatacenters) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	dcs, err := client.Catalog().Datacenters()
	if err != nil {
		c.errorf("Error listing datacenters: %s", err)
		return 1
	}
	for _, dc := range dcs {
		c.info("%s", dc)
	}
	return 0
}

// --- catalog nodes ---

type catalogNodes struct {
	apiBase
	detailed bool
	near     string
	nodeMeta mapFlag
	service  string
	filter   string
}

func newCatalogNodes(s *streams) runner {
	c := &catalogNodes{}
	c.init(s)
	c.fs.BoolVar(&c.detailed, "detailed", false, "Add the full node ID, the tagged addresses and the node metadata to the table.")
	c.fs.StringVar(&c.near, "near", "", `Sort nodes by estimated round-trip time from this node, nearest first. "_agent" means the agent's own node.`)
	c.fs.Var(&c.nodeMeta, "node-meta", "Only nodes whose metadata has key=value. Repeat to require several pairs.")
	c.fs.StringVar(&c.service, "service", "", "Only nodes providing this service (one row per instance).")
	c.fs.StringVar(&c.filter, "filter", "", `Filter expression sent with the query. "@path" reads it from a file, "-" from stdin.`)
	return c
}

func (c *catalogNodes) help() string {
	return helpText(`Usage: consul catalog nodes [options]

  Prints the nodes of the datacenter as a table: name, the first part of
  the node ID, address and datacenter.

      $ consul catalog nodes
      $ consul catalog nodes -detailed
      $ consul catalog nodes -service=web
      $ consul catalog nodes -node-meta=rack=r1
      $ consul catalog nodes -near=_agent`, c.fs, c.httpNames)
}

func (c *catalogNodes) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	if c.filter != "" {
		var err error
		if c.filter, err = loadData(c.filter, c.s.stdin); err != nil {
			c.errorf("Could not process filter argument: %v", err)
			return 1
		}
	}
	q := c.http.queryOptions()
	q.Near, q.NodeMeta, q.Filter = c.near, c.nodeMeta, c.filter

	var nodes []*api.Node
	if c.service != "" {
		instances, _, err := client.Catalog().Service(c.service, "", q)
		if err != nil {
			c.errorf("Error listing nodes for service: %s", err)
			return 1
		}
		// One row per instance, so a node running the service twice shows
		// twice, as in consul.
		for _, s := range instances {
			nodes = append(nodes, &api.Node{
				ID:              s.ID,
				Node:            s.Node,
				Address:         s.Address,
				Datacenter:      s.Datacenter,
				TaggedAddresses: s.TaggedAddresses,
				Meta:            s.NodeMeta,
			})
		}
	} else {
		var err error
		nodes, _, err = client.Catalog().Nodes(q)
		if err != nil {
			c.errorf("Error listing nodes: %s", err)
			return 1
		}
	}
	if len(nodes) == 0 {
		// compat: consul prints this on stderr and still exits 0.
		c.errorf("No nodes match the given query - try expanding your search.")
		return 0
	}
	c.s.stdout.Write([]byte(nodeTable(nodes, c.detailed)))
	return 0
}

// nodeTable renders the nodes in consul's columns. Without -detailed the ID
// is cut at its first "-" (the first group of a UUID).
func nodeTable(nodes []*api.Node, detailed bool) string {
	header := []string{"Node", "ID", "Address", "DC"}
	if detailed {
		header = append(header, "TaggedAddresses", "Meta")
	}
	rows := [][]string{header}
	for _, n := range nodes {
		id := n.ID
		if !detailed {
			if i := strings.Index(id, "-"); i > 0 {
				id = id[:i]
			}
		}
		row := []string{n.Node, id, n.Address, n.Datacenter}
		if detailed {
			row = append(row, joinPairs(n.TaggedAddresses), joinPairs(n.Meta))
		}
		rows = append(rows, row)
	}
	return formatColumns(rows)
}

// joinPairs renders a map as "k1=v1, k2=v2", sorted by key.
func joinPairs(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ", ")
}

// formatColumns lays rows out as consul's table output does (the columnize
// layout): cells trimmed of surrounding space, every column but the last
// padded to its widest cell (counted in runes), columns joined by two
// spaces, each line ended by "\n". The last column is never padded, so a
// row whose last cell is empty ends in spaces, as in consul.
func formatColumns(rows [][]string) string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			w := utf8.RuneCountInString(strings.TrimSpace(cell))
			if i == len(widths) {
				widths = append(widths, w)
			} else if w > widths[i] {
				widths[i] = w
			}
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			cell = strings.TrimSpace(cell)
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// --- catalog services ---

type catalogServices struct {
	apiBase
	node     string
	nodeMeta mapFlag
	tags     bool
}

func newCatalogServices(s *streams) runner {
	c := &catalogServices{}
	c.init(s)
	c.fs.StringVar(&c.node, "node", "", "List only the services of this node (name or ID).")
	c.fs.Var(&c.nodeMeta, "node-meta", "Only services on nodes whose metadata has key=value. Repeat to require several pairs.")
	c.fs.BoolVar(&c.tags, "tags", false, "Print each service's tags, comma-separated, in a second column.")
	return c
}

func (c *catalogServices) help() string {
	return helpText(`Usage: consul catalog services [options]

  Prints the names of the services registered in the datacenter, one per
  line, sorted.

      $ consul catalog services
      $ consul catalog services -tags
      $ consul catalog services -node=worker-01
      $ consul catalog services -node-meta=rack=r1`, c.fs, c.httpNames)
}

func (c *catalogServices) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	q := c.http.queryOptions()
	q.NodeMeta = c.nodeMeta

	var services map[string][]string
	if c.node != "" {
		node, _, err := client.Catalog().Node(c.node, q)
		if err != nil {
			c.errorf("Error listing services for node: %s", err)
			return 1
		}
		if node != nil {
			services = map[string][]string{}
			for _, s := range node.Services {
				services[s.Service] = append(services[s.Service], s.Tags...)
			}
		}
	} else {
		var err error
		services, _, err = client.Catalog().Services(q)
		if err != nil {
			c.errorf("Error listing services: %s", err)
			return 1
		}
	}
	if len(services) == 0 {
		// compat: consul prints this on stderr and still exits 0; an
		// unknown -node ends here too.
		c.errorf("No services match the given query - try expanding your search.")
		return 0
	}
	names := slices.Sorted(maps.Keys(services))
	if !c.tags {
		for _, name := range names {
			c.info("%s", name)
		}
		return 0
	}
	c.info("%s", serviceTagTable(names, services))
	return 0
}

// serviceTagTable renders "name  tag1,tag2" lines the way consul does: a
// tabwriter with padding 6, tags sorted, and the whole block trimmed, so
// only the last line loses the spaces after a tagless name.
func serviceTagTable(names []string, services map[string][]string) string {
	var out strings.Builder
	tw := tabwriter.NewWriter(&out, 0, 2, 6, ' ', 0)
	for _, name := range names {
		tags := slices.Sorted(slices.Values(services[name]))
		tw.Write([]byte(name + "\t" + strings.Join(tags, ",") + "\n"))
	}
	tw.Flush()
	return strings.TrimSpace(out.String())
}
