// Command consuld is a Consul-compatible service discovery, health checking
// and KV daemon. `consuld agent ...` runs the agent; every other subcommand
// is a Consul-shaped CLI command talking to an agent's HTTP API.
package main
