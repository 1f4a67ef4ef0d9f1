package agent

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// nodeID returns the configured node ID, else the one persisted in the data
// dir, else a new random UUID (persisted when there is a data dir).
func nodeID(configured, dataDir string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	path := filepath.Join(dataDir, "node-id")
	if dataDir != "" {
		if b, err := os.ReadFile(path); err == nil {
			return strings.TrimSpace(string(b)), nil
		}
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", fmt.Errorf("agent: create data dir: %w", err)
		}
		if err := os.WriteFile(path, []byte(id), 0o600); err != nil {
			return "", fmt.Errorf("agent: persist node id: %w", err)
		}
	}
	return id, nil
}

// raftPort resolves ports.raft: a configured port as is; otherwise the port
// picked on first start and kept in the data dir (dragonboat records its
// address), or a free port for a data-dir-less dev agent. Consul has no
// such port, so tools that start many agents (testutil) never set it.
func raftPort(configured int, dataDir, bind string) (int, error) {
	if configured > 0 {
		return configured, nil
	}
	path := filepath.Join(dataDir, "raft-port")
	if dataDir != "" {
		if b, err := os.ReadFile(path); err == nil {
			return strconv.Atoi(strings.TrimSpace(string(b)))
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, "0"))
	if err != nil {
		return 0, fmt.Errorf("agent: pick a raft port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, []byte(strconv.Itoa(port)), 0o600); err != nil {
			return 0, fmt.Errorf("agent: persist raft port: %w", err)
		}
	}
	return port, nil
}
