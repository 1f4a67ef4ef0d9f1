package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"
)

// ConsulVersion is the Consul version whose API consuld speaks; `version`
// reports it as Version so tools that gate on consul's version work.
const ConsulVersion = "1.22.7"

// Version is consuld's own version.
const Version = "0.1.0"

// BuildDate is the build time in RFC 3339, set at link time with
// -ldflags "-X github.com/consuld/consuld/cmd/consuld/cli.BuildDate=...".
// The default is the placeholder consul itself prints for an unstamped build.
var BuildDate = "1970-01-01T00:00:01Z"

// RPC protocol versions consul reports; consuld reports the same so version
// checks in scripts pass.
const (
	rpcProtocolDefault = 2
	rpcProtocolMin     = 2
	rpcProtocolMax     = 3
)

// versionInfo is the JSON document of `version -format=json`. Field order and
// names follow consul's; Consuld is consuld's own addition.
type versionInfo struct {
	Version    string
	Revision   string
	Prerelease string
	FIPS       string
	BuildDate  time.Time
	RPC        rpcInfo
	Consuld    string
}

type rpcInfo struct {
	Default int
	Min     int
	Max     int
}

func currentVersionInfo() versionInfo {
	built, err := time.Parse(time.RFC3339, BuildDate)
	if err != nil {
		built = time.Unix(1, 0).UTC()
	}
	return versionInfo{
		Version:   ConsulVersion,
		Revision:  "consuld " + Version,
		BuildDate: built,
		RPC:       rpcInfo{Default: rpcProtocolDefault, Min: rpcProtocolMin, Max: rpcProtocolMax},
		Consuld:   Version,
	}
}

// formatVersionPretty renders the default text. The trailing empty line is
// consul's: its text ends in a newline and the UI adds another.
func formatVersionPretty(v versionInfo) string {
	var b strings.Builder
	human := "v" + v.Version
	if v.Prerelease != "" {
		human += "-" + v.Prerelease
	}
	fmt.Fprintf(&b, "Consul %s\n", human)
	if v.Revision != "" {
		fmt.Fprintf(&b, "Revision %s\n", v.Revision)
	}
	fmt.Fprintf(&b, "Build Date %s\n", v.BuildDate.Format(time.RFC3339))
	if v.FIPS != "" {
		fmt.Fprintf(&b, "FIPS: %s\n", v.FIPS)
	}
	// compat: scripts grep this line for the protocol range.
	fmt.Fprintf(&b, "Protocol %d spoken by default, understands %d to %d", v.RPC.Default, v.RPC.Min, v.RPC.Max)
	if v.RPC.Default < v.RPC.Max {
		fmt.Fprintf(&b, " (agent will automatically use protocol >%d when speaking to compatible agents)", v.RPC.Default)
	}
	b.WriteString("\n\n")
	return b.String()
}

// formatVersionJSON indents with three spaces, as consul does.
func formatVersionJSON(v versionInfo) (string, error) {
	out, err := json.MarshalIndent(v, "", "   ")
	if err != nil {
		return "", fmt.Errorf("Failed to marshal version info: %v", err)
	}
	return string(out) + "\n", nil
}

type versionCmd struct {
	s      *streams
	fs     *flag.FlagSet
	format string
}

func newVersion(s *streams) runner {
	c := &versionCmd{s: s, fs: newFlagSet(s.stderr)}
	c.fs.StringVar(&c.format, "format", "pretty", "Output format: pretty or json.")
	return c
}

func (c *versionCmd) help() string {
	return helpText(`Usage: consul version [options]

  Prints the version of Consul whose API consuld speaks, consuld's own
  revision and build date, and the RPC protocol range it reports.`, c.fs, nil)
}

func (c *versionCmd) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	info := currentVersionInfo()
	var out string
	switch c.format {
	case "pretty":
		out = formatVersionPretty(info)
	case "json":
		var err error
		if out, err = formatVersionJSON(info); err != nil {
			fmt.Fprintln(c.s.stderr, err)
			return 1
		}
	default:
		fmt.Fprintf(c.s.stderr, "Unknown format: %s\n", c.format)
		return 1
	}
	fmt.Fprint(c.s.stdout, out)
	return 0
}
