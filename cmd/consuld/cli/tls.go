package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
)

// tlsCmd, tlsCACmd and tlsCertCmd are the parents of `tls ca create` and
// `tls cert create`; alone they ask for their help (stderr, exit 1).
type tlsCmd struct{}

func newTLS(*streams) runner { return tlsCmd{} }

func (tlsCmd) help() string {
	return `Usage: consul tls <subcommand> <subcommand> [options]

  Makes a private CA and the certificates agents and the CLI use for TLS
  (verify_incoming, verify_outgoing, verify_server_hostname, HTTPS). Files
  are written to the current directory. For example:

      $ consul tls ca create
      $ consul tls cert create -server -dc dc1
      $ consul tls cert create -client -dc dc1

  Each subcommand has its own help: consul tls <subcommand> -h`
}

func (tlsCmd) run([]string) int { return runResultHelp }

type tlsCACmd struct{}

func newTLSCA(*streams) runner { return tlsCACmd{} }

func (tlsCACmd) help() string {
	return `Usage: consul tls ca <subcommand> [options]

  Makes the private CA that signs agent certificates.

      $ consul tls ca create`
}

func (tlsCACmd) run([]string) int { return runResultHelp }

type tlsCertCmd struct{}

func newTLSCert(*streams) runner { return tlsCertCmd{} }

func (tlsCertCmd) help() string {
	return `Usage: consul tls cert <subcommand> [options]

  Makes certificates signed by the CA of "consul tls ca create".

      $ consul tls cert create -server -dc dc1`
}

func (tlsCertCmd) run([]string) int { return runResultHelp }

// fileBase is what the tls commands share: streams and a flag set, and
// writing files to the current directory.
type fileBase struct {
	s  *streams
	fs *flag.FlagSet
}

func (b *fileBase) info(format string, a ...any) {
	fmt.Fprintf(b.s.stdout, format+"\n", a...)
}

func (b *fileBase) errorf(format string, a ...any) {
	fmt.Fprintf(b.s.stderr, format+"\n", a...)
}

// exists reports whether a file is there; an error other than "does not
// exist" counts as there, so nothing gets overwritten by mistake.
func exists(name string) bool {
	_, err := os.Stat(name)
	return !errors.Is(err, fs.ErrNotExist)
}

// savePair writes a certificate and its key to new files, saying so as
// consul does; it returns the exit code.
func (b *fileBase) savePair(certFile, keyFile string, cert, key []byte) int {
	for _, f := range []struct {
		name string
		data []byte
		perm os.FileMode
	}{{certFile, cert, 0o644}, {keyFile, key, 0o600}} {
		if err := createFile(f.name, f.data, f.perm); err != nil {
			b.errorf("%s", err)
			return 1
		}
		b.info("==> Saved %s", f.name)
	}
	return 0
}

// createFile writes data to a new file; it fails if name exists.
func createFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}
