package agent

import (
	"fmt"
	"io"
	"strings"

	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/cmd/consuld/config"
)

// printBanner prints Consul's startup banner with what this agent serves.
// Listeners consuld does not have yet (HTTPS, gRPC) show -1.
func printBanner(w io.Writer, c *config.Config, id, clusterIP string, httpPort int) {
	line := func(k, v string) { fmt.Fprintf(w, "%22s: %s\n", k, v) }
	fmt.Fprintln(w, "==> Starting Consul agent...")
	line("Version", fmt.Sprintf("'%s' (consuld %s)", cli.ConsulVersion, cli.Version))
	line("Build Date", fmt.Sprintf("'%s'", cli.BuildDate))
	line("Node ID", fmt.Sprintf("'%s'", id))
	line("Node name", fmt.Sprintf("'%s'", c.NodeName))
	line("Datacenter", fmt.Sprintf("'%s' (Segment: '<all>')", c.Datacenter))
	line("Server", fmt.Sprintf("%t (Bootstrap: %t)", c.Server, c.Bootstrap || c.BootstrapExpect == 1))
	line("Client Addr", fmt.Sprintf("[%s] (HTTP: %d, HTTPS: -1, gRPC: -1, gRPC-TLS: -1, DNS: %d)",
		strings.Join(clientIPs(c, c.Addresses.HTTP), " "), httpPort, c.Ports.DNS))
	line("Cluster Addr", fmt.Sprintf("%s (LAN: %d, WAN: %d)", clusterIP, c.Ports.SerfLAN, c.Ports.SerfWAN))
	line("Raft Addr", hostPort(clusterIP, c.Ports.Raft))
	line("Gossip Encryption", fmt.Sprint(c.Encrypt != ""))
	line("ACL Enabled", "false")
	line("ACL Default Policy", "allow")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "==> Log data will now stream in as it occurs:")
	fmt.Fprintln(w)
}
