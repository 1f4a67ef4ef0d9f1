package main

import (
	"os"

	"github.com/consuld/consuld/cmd/consuld/agent"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/cmd/consuld/config"
)

func main() {
	cli.ValidateFunc = func(paths []string) error { return config.Validate(paths...) }
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		os.Exit(agent.Run(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
