package gossip

import (
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Two ways back into the pool, as serf has them:
//   - reconnect: a member seen failed is retried now and then (a network
//     partition heals, a crashed agent restarts), so a restarted agent
//     without join addresses is found again;
//   - snapshot: the addresses of the members last seen alive are kept in
//     a file, and an agent that restarts joins them at once.

// snapshot is the file's content.
type snapshot struct {
	Members []string `json:"members"` // host:port
}

func (p *Pool) saveSnapshot() {
	if p.cfg.SnapshotPath == "" {
		return
	}
	var s snapshot
	for _, m := range p.Members() {
		if m.Status == StatusAlive && m.Name != p.cfg.Name {
			s.Members = append(s.Members, net.JoinHostPort(m.Addr.String(), strconv.Itoa(m.Port)))
		}
	}
	b, _ := json.Marshal(s)
	tmp := p.cfg.SnapshotPath + ".tmp"
	if os.MkdirAll(filepath.Dir(tmp), 0o755) != nil || os.WriteFile(tmp, b, 0o600) != nil {
		return
	}
	os.Rename(tmp, p.cfg.SnapshotPath)
}

// Previous returns the member addresses of the snapshot the last run left
// (read before this run's first member event rewrites it; none when there
// is no snapshot or it does not parse).
func (p *Pool) Previous() []string { return p.previous }

func readSnapshot(path string) []string {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var s snapshot
	if json.Unmarshal(b, &s) != nil {
		return nil
	}
	return s.Members
}

// reconnectLoop retries one random failed member every interval.
func (p *Pool) reconnectLoop(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		var failed []string
		for _, m := range p.Members() {
			if m.Status == StatusFailed {
				failed = append(failed, net.JoinHostPort(m.Addr.String(), strconv.Itoa(m.Port)))
			}
		}
		if len(failed) > 0 {
			p.ml.Join([]string{failed[rand.IntN(len(failed))]})
		}
	}
}
