package cli

import (
	"fmt"

	"github.com/consuld/consuld/transport/tlsutil"
)

type tlsCACreate struct {
	fileBase
	days        int
	domain      string
	constraint  bool
	constraints listFlag
	commonName  string
}

func newTLSCACreate(s *streams) runner {
	c := &tlsCACreate{fileBase: fileBase{s: s, fs: newFlagSet(s.stderr)}}
	c.fs.IntVar(&c.days, "days", 1825, "Days the CA is valid for (default about 5 years).")
	c.fs.StringVar(&c.domain, "domain", "consul", "DNS domain of the cluster; names the files, and with -name-constraint limits the CA to it.")
	c.fs.BoolVar(&c.constraint, "name-constraint", false, "Let the CA sign only names under -domain, localhost and each -additional-name-constraint. It cannot be added later.")
	c.fs.Var(&c.constraints, "additional-name-constraint", "Another domain the CA may sign for with -name-constraint (e.g. the UI's HTTPS name). Repeatable.")
	c.fs.StringVar(&c.commonName, "common-name", "", `Common name of the CA (default "Consul Agent CA <serial>").`)
	return c
}

func (c *tlsCACreate) help() string {
	return helpText(`Usage: consul tls ca create [options]

  Makes a private CA: <domain>-agent-ca.pem and <domain>-agent-ca-key.pem
  in the current directory. It refuses to overwrite either file. Keep the
  key safe: it can sign certificates every agent trusts.

      $ consul tls ca create
      ==> Saved consul-agent-ca.pem
      ==> Saved consul-agent-ca-key.pem`, c.fs, nil)
}

func (c *tlsCACreate) run(args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return 1
	}
	certFile := fmt.Sprintf("%s-agent-ca.pem", c.domain)
	keyFile := fmt.Sprintf("%s-agent-ca-key.pem", c.domain)
	for _, f := range []string{certFile, keyFile} {
		if exists(f) {
			// compat: consul's text and exit code.
			c.errorf("%s already exists.", f)
			return 1
		}
	}
	opts := tlsutil.CAOptions{Days: c.days, CommonName: c.commonName}
	if c.constraint {
		opts.PermittedDNSDomains = append(append([]string{}, c.constraints...), c.domain, "localhost")
	}
	cert, key, err := tlsutil.GenerateCA(opts)
	if err != nil {
		c.errorf("Error generating the CA: %s", err)
		return 1
	}
	return c.savePair(certFile, keyFile, cert, key)
}
