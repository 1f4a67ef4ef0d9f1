// Package e2e holds end-to-end tests of the consuld binary: each test builds
// the real binary once, starts agents on free loopback ports and drives them
// with the official github.com/hashicorp/consul/api client, raw HTTP and the
// CLI. No fakes: real dragonboat (on disk where durability matters), real
// sockets, real processes, kill -9 included.
package e2e
