package agent

import (
	"net"
	"strconv"
	"strings"

	"github.com/consuld/consuld/cmd/consuld/config"
)

// advertiseIP is the address other agents reach this one at: advertise_addr,
// else bind_addr, else (bind 0.0.0.0) the first private IPv4, else loopback.
func advertiseIP(c *config.Config) string {
	if c.AdvertiseAddr != "" {
		return c.AdvertiseAddr
	}
	if c.BindAddr != "" && c.BindAddr != "0.0.0.0" && c.BindAddr != "::" {
		return c.BindAddr
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsPrivate() {
			return n.IP.String()
		}
	}
	return "127.0.0.1"
}

// clientIPs are the addresses client listeners (HTTP, DNS) bind to.
func clientIPs(c *config.Config, override string) []string {
	if override != "" {
		return strings.Fields(override)
	}
	ips := strings.Fields(c.ClientAddr)
	if len(ips) == 0 {
		return []string{"127.0.0.1"}
	}
	return ips
}

func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }
