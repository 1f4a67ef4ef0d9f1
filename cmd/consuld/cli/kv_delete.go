package cli

import (
	"strings"

	"github.com/hashicorp/consul/api"
)

type kvDelete struct {
	apiBase
	cas         bool
	modifyIndex uint64
	recurse     bool
}

func newKVDelete(s *streams) runner {
	c := &kvDelete{}
	c.init(s)
	c.fs.BoolVar(&c.cas, "cas", false, "Delete only if the key's ModifyIndex equals -modify-index.")
	c.fs.Uint64Var(&c.modifyIndex, "modify-index", 0, "The ModifyIndex a -cas delete expects (greater than 0).")
	c.fs.BoolVar(&c.recurse, "recurse", false, "Delete every key that starts with the argument. Mind the trailing slash: \"foo\" also matches \"food\".")
	return c
}

func (c *kvDelete) help() string {
	return helpText(`Usage: consul kv delete [options] KEY_OR_PREFIX

  Deletes KEY. Deleting a key that does not exist succeeds. With -recurse
  the argument is a prefix and every key under it is deleted.

      $ consul kv delete redis/config/connections
      $ consul kv delete -recurse redis/
      $ consul kv delete -cas -modify-index=456 redis/config/connections`, c.fs, c.httpNames)
}

func (c *kvDelete) run(args []string) int {
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
		key = strings.TrimPrefix(rest[0], "/")
	}
	// The checks and their texts, in consul's order.
	switch {
	case key == "" && !c.recurse:
		c.errorf("Error! Missing KEY argument")
		return 1
	case c.cas && c.modifyIndex == 0:
		// compat: consul's text, doubled "than" included.
		c.errorf("Cannot delete a key that does not exist. Provide a -modify-index greater than than 0.")
		return 1
	case c.modifyIndex != 0 && !c.cas:
		c.errorf("Cannot specify -modify-index without -cas!")
		return 1
	case c.recurse && c.cas:
		c.errorf("Cannot specify both -cas and -recurse!")
		return 1
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	kv := client.KV()
	switch {
	case c.recurse:
		if _, err := kv.DeleteTree(key, nil); err != nil {
			c.errorf("Error! Did not delete prefix %s: %s", key, err)
			return 1
		}
		c.info("Success! Deleted keys with prefix: %s", key)
	case c.cas:
		ok, _, err := kv.DeleteCAS(&api.KVPair{Key: key, ModifyIndex: c.modifyIndex}, nil)
		if err != nil {
			c.errorf("Error! Did not delete key %s: %s", key, err)
			return 1
		}
		if !ok {
			c.errorf("Error! Did not delete key %s: CAS failed", key)
			return 1
		}
		c.info("Success! Deleted key: %s", key)
	default:
		if _, err := kv.Delete(key, nil); err != nil {
			c.errorf("Error deleting key %s: %s", key, err)
			return 1
		}
		c.info("Success! Deleted key: %s", key)
	}
	return 0
}
