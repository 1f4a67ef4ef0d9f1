package cli

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/consul/api"
)

type kvPut struct {
	apiBase
	cas         bool
	modifyIndex uint64
	flags       uint64
	base64      bool
	acquire     bool
	release     bool
	session     string
}

func newKVPut(s *streams) runner {
	c := &kvPut{}
	c.init(s)
	c.fs.BoolVar(&c.cas, "cas", false, "Write only if the key's ModifyIndex equals -modify-index (0: only if the key does not exist).")
	c.fs.Uint64Var(&c.modifyIndex, "modify-index", 0, "The ModifyIndex a -cas write expects.")
	c.fs.Uint64Var(&c.flags, "flags", 0, "Opaque unsigned integer stored with the entry for clients' own use.")
	c.fs.BoolVar(&c.base64, "base64", false, "DATA is base64; store the decoded bytes.")
	c.fs.BoolVar(&c.acquire, "acquire", false, "Write and take the key's lock for -session (which must exist).")
	c.fs.BoolVar(&c.release, "release", false, "Write and give up the key's lock held by -session.")
	c.fs.StringVar(&c.session, "session", "", "Session ID used by -acquire and -release.")
	return c
}

func (c *kvPut) help() string {
	return helpText(`Usage: consul kv put [options] KEY [DATA]

  Stores DATA at KEY, replacing any value there. Without DATA the key is
  stored with an empty value. DATA "@path" reads the file at path, and "-"
  reads stdin to its end.

      $ consul kv put redis/config/connections 5
      $ consul kv put redis/config/password @password.txt
      $ echo 5 | consul kv put redis/config/connections -
      $ consul kv put -cas -modify-index=456 redis/config/connections 10`, c.fs, c.httpNames)
}

func (c *kvPut) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	rest := c.fs.Args()
	var key, data string
	switch len(rest) {
	case 0:
		c.errorf("Error! Missing KEY argument")
		return 1
	case 1:
		key = rest[0]
	case 2:
		key = rest[0]
		var err error
		if data, err = loadData(rest[1], c.s.stdin); err != nil {
			c.errorf("Error! %s", err)
			return 1
		}
	default:
		c.errorf("Error! Too many arguments (expected 1 or 2, got %d)", len(rest))
		return 1
	}
	value := []byte(data)
	if c.base64 {
		decoded, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			// consul prints this and goes on to write the bytes decoded so
			// far; consuld stops instead of storing a truncated value.
			c.errorf("Error! Cannot base 64 decode data: %s", err)
			return 1
		}
		value = decoded
	}
	if (c.acquire || c.release) && c.session == "" {
		c.errorf("Error! Missing -session (required with -acquire and -release)")
		return 1
	}
	client, ok := c.dial()
	if !ok {
		return 1
	}
	return c.write(client.KV(), &api.KVPair{
		Key:         key,
		ModifyIndex: c.modifyIndex,
		Flags:       c.flags,
		Value:       value,
		Session:     c.session,
	})
}

// write performs the one write the flags ask for and reports it.
func (c *kvPut) write(kv *api.KV, pair *api.KVPair) int {
	key := pair.Key
	switch {
	case c.cas:
		ok, _, err := kv.CAS(pair, nil)
		switch {
		case err != nil:
			c.errorf("Error! Did not write to %s: %s", key, err)
			return 1
		case !ok && pair.ModifyIndex == 0:
			c.errorf("Error! Did not write to %s: CAS performed with index=0 and key already exists.", key)
			return 1
		case !ok:
			// compat: the CAS failure text scripts check for.
			c.errorf("Error! Did not write to %s: CAS failed", key)
			return 1
		}
	case c.acquire:
		ok, _, err := kv.Acquire(pair, nil)
		if err != nil {
			c.errorf("Error! Failed writing data: %s", err)
			return 1
		}
		if !ok {
			c.errorf("Error! Did not acquire lock")
			return 1
		}
		c.info("Success! Lock acquired on: %s", key)
		return 0
	case c.release:
		ok, _, err := kv.Release(pair, nil)
		if err != nil {
			c.errorf("Error! Failed writing data: %s", err)
			return 1
		}
		if !ok {
			c.errorf("Error! Did not release lock")
			return 1
		}
		c.info("Success! Lock released on: %s", key)
		return 0
	default:
		if _, err := kv.Put(pair, nil); err != nil {
			c.errorf("Error! Failed writing data: %s", err)
			return 1
		}
	}
	c.info("Success! Data written to: %s", key)
	return 0
}

// loadData turns the DATA argument into the value: "@path" is the file's
// content, "-" is all of stdin, anything else (including "") is itself.
func loadData(arg string, stdin io.Reader) (string, error) {
	switch {
	case len(arg) > 0 && arg[0] == '@':
		b, err := os.ReadFile(arg[1:])
		if err != nil {
			return "", fmt.Errorf("Failed to read file: %s", err)
		}
		return string(b), nil
	case arg == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", fmt.Errorf("Failed to read stdin: %s", err)
		}
		return string(b), nil
	default:
		return arg, nil
	}
}
