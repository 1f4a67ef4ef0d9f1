package config

import (
	"crypto/tls"
	"time"

	"github.com/consuld/consuld/transport/tlsutil"
)

// defaults returns Consul's built-in agent defaults plus consuld's own.
func defaults() *Config {
	return &Config{
		Datacenter: "dc1",
		LogLevel:   "info",
		BindAddr:   "0.0.0.0",
		ClientAddr: "127.0.0.1",
		Ports: Ports{
			HTTP:    8500,
			HTTPS:   -1,
			DNS:     8600,
			Server:  8300,
			SerfLAN: 8301,
			SerfWAN: 8302,
			GRPC:    -1,
			GRPCTLS: -1,
			Raft:    0, // 0: pick a free port once and keep it in the data dir
		},
		Limits: Limits{
			KVMaxValueSize:        512 * 1024,
			TxnMaxReqLen:          512 * 1024,
			HTTPMaxConnsPerClient: 200,
		},
		RaftMultiplier:        1,
		RetryInterval:         30 * time.Second,
		DNS:                   dnsDefaults(),
		EncryptVerifyIncoming: true,
		EncryptVerifyOutgoing: true,
		Autopilot:             Autopilot{CleanupDeadServers: true, DeadServerAfter: 30 * time.Second},
		TLS: tlsutil.Config{
			InternalRPC: tlsutil.Settings{MinVersion: tls.VersionTLS12},
			HTTPS:       tlsutil.Settings{MinVersion: tls.VersionTLS12},
			ServerName:  "server.dc1.consul",
		},
	}
}

// applyDev layers the -dev defaults: a single bootstrapping server on
// loopback with in-memory state, the UI and gRPC on.
func applyDev(c *Config) {
	c.DevMode = true
	c.Server = true
	c.Bootstrap = true
	c.BindAddr = "127.0.0.1"
	c.ClientAddr = "127.0.0.1"
	c.UI = true
	c.EnableDebug = true
	c.ConnectEnabled = true // Consul enables Connect in -dev
	c.DataDir = ""
	c.LogLevel = "debug"
	c.Ports.GRPC = 8502
	c.Ports.GRPCTLS = 8503
	c.Sources = append(c.Sources, "-dev defaults")
}
