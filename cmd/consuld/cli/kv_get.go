package cli

import (
	"cmp"
	"encoding/base64"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hashicorp/consul/api"
)

type kvGet struct {
	apiBase
	base64    bool
	detailed  bool
	keys      bool
	recurse   bool
	separator string
}

func newKVGet(s *streams) runner {
	c := &kvGet{}
	c.init(s)
	c.fs.BoolVar(&c.base64, "base64", false, "Print values base64-encoded.")
	c.fs.BoolVar(&c.detailed, "detailed", false, "Print every field of the entry (indexes, flags, session), not only the value.")
	c.fs.BoolVar(&c.keys, "keys", false, "Print the keys under the prefix instead of values, cut at -separator.")
	c.fs.BoolVar(&c.recurse, "recurse", false, "Treat the key as a prefix and print every entry under it as key:value.")
	c.fs.StringVar(&c.separator, "separator", "/", `With -keys, list keys only up to the next separator, so folders show once. "" lists every key.`)
	return c
}

func (c *kvGet) help() string {
	return helpText(`Usage: consul kv get [options] [KEY_OR_PREFIX]

  Prints the value stored at KEY, exactly as stored. A missing key is an
  error; a key with an empty value prints an empty line. With -recurse or
  -keys the argument is a prefix and may be left out to mean the whole
  store.

      $ consul kv get redis/config/connections
      $ consul kv get -detailed redis/config/connections
      $ consul kv get -recurse redis/
      $ consul kv get -keys redis/`, c.fs, c.httpNames)
}

func (c *kvGet) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	rest := c.fs.Args()
	if len(rest) > 1 {
		c.errorf("Too many arguments (expected 1, got %d)", len(rest))
		return 1
	}
	key := ""
	if len(rest) == 1 {
		// Keys never start with "/"; forgive one, as consul does.
		key = strings.TrimPrefix(rest[0], "/")
	}
	if key == "" && !c.recurse && !c.keys {
		c.errorf("Error! Missing KEY argument")
		return 1
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	kv, q := client.KV(), c.http.queryOptions()

	switch {
	case c.keys && c.recurse:
		pairs, _, err := kv.List(key, q)
		if err != nil {
			c.errorf("Error querying Consul agent: %s", err)
			return 1
		}
		c.write(formatPairs(pairs, pairFormat{detailed: c.detailed, keysOnly: true}))
	case c.keys:
		keys, _, err := kv.Keys(key, c.separator, q)
		if err != nil {
			c.errorf("Error querying Consul agent: %s", err)
			return 1
		}
		for _, k := range keys {
			c.info("%s", k)
		}
	case c.recurse:
		pairs, _, err := kv.List(key, q)
		if err != nil {
			c.errorf("Error querying Consul agent: %s", err)
			return 1
		}
		c.write(formatPairs(pairs, pairFormat{detailed: c.detailed, base64: c.base64, listing: true}))
	default:
		pair, _, err := kv.Get(key, q)
		if err != nil {
			c.errorf("Error querying Consul agent: %s", err)
			return 1
		}
		if pair == nil {
			// compat: scripts test for this text and exit code 1.
			c.errorf("Error! No key exists at: %s", key)
			return 1
		}
		f := pairFormat{detailed: c.detailed, base64: c.base64}
		c.write(formatPairs(api.KVPairs{pair}, f))
	}
	return 0
}

func (c *kvGet) write(out string) {
	c.s.stdout.Write([]byte(out))
}

// pairFormat says how formatPairs renders entries.
type pairFormat struct {
	detailed bool // the aligned field block instead of the value
	base64   bool // values base64-encoded
	listing  bool // -recurse: "key:value" lines
	keysOnly bool // -keys -recurse: keys only; a detailed block has no Value
}

// formatPairs renders entries the way consul's kv get prints them: a value
// as stored, -recurse entries as key:value lines, -detailed entries as field
// blocks separated by an empty line. Every entry gets a newline, even a
// value that already ends in one.
func formatPairs(pairs api.KVPairs, f pairFormat) string {
	var b strings.Builder
	for i, p := range pairs {
		switch {
		case f.detailed:
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(formatDetailed(p, f))
		case f.keysOnly:
			b.WriteString(p.Key)
		case f.listing:
			b.WriteString(p.Key + ":" + formatValue(p.Value, f.base64))
		default:
			b.WriteString(formatValue(p.Value, f.base64))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func formatValue(v []byte, asBase64 bool) string {
	if asBase64 {
		return base64.StdEncoding.EncodeToString(v)
	}
	return string(v)
}

// formatDetailed renders the field block. A tabwriter with padding 6 gives
// consul's layout byte for byte, even for values holding tabs or newlines.
// The block has no final newline after Value; without Value (keys only) it
// keeps the one after Session, so such blocks are followed by an empty line
// in consul's output too.
func formatDetailed(p *api.KVPair, f pairFormat) string {
	session := cmp.Or(p.Session, "-")
	fields := []string{
		"CreateIndex", strconv.FormatUint(p.CreateIndex, 10),
		"Flags", strconv.FormatUint(p.Flags, 10),
		"Key", p.Key,
		"LockIndex", strconv.FormatUint(p.LockIndex, 10),
		"ModifyIndex", strconv.FormatUint(p.ModifyIndex, 10),
		"Session", session,
	}
	// Enterprise-only fields, shown when an agent sends them.
	for _, opt := range [][2]string{{"Partition", p.Partition}, {"Namespace", p.Namespace}} {
		if opt[1] != "" {
			fields = append(fields, opt[0], opt[1])
		}
	}
	var text strings.Builder
	for i := 0; i < len(fields); i += 2 {
		text.WriteString(fields[i] + "\t" + fields[i+1] + "\n")
	}
	if !f.keysOnly {
		text.WriteString("Value\t" + formatValue(p.Value, f.base64))
	}
	var out strings.Builder
	tw := tabwriter.NewWriter(&out, 0, 2, 6, ' ', 0)
	tw.Write([]byte(text.String()))
	tw.Flush()
	return out.String()
}
