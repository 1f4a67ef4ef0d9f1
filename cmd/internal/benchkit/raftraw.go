package benchkit

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"strconv"
	"time"

	"github.com/lni/dragonboat/v4"
	"github.com/lni/dragonboat/v4/config"
	"github.com/lni/dragonboat/v4/logger"
	sm "github.com/lni/dragonboat/v4/statemachine"
	"github.com/lni/vfs"
)

func init() {
	for _, name := range []string{"raft", "rsm", "transport", "dragonboat", "logdb", "LogDB", "config", "grpc",
		"settings", "raftpb", "pebblekv", "registry", "server", "gossip", "tan", "raft-mt"} {
		logger.GetLogger(name).SetLevel(logger.ERROR)
	}
	log.SetOutput(dropVFSNoise{log.Writer()})
}

// dropVFSNoise drops Pebble's harmless "background error: vfs: not
// supported" (one per flush on MemFS) from the standard logger's output.
type dropVFSNoise struct{ w io.Writer }

func (d dropVFSNoise) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("vfs: not supported")) {
		return len(p), nil
	}
	return d.w.Write(p)
}

// counter is the trivial state machine of the raw Raft runs.
type counter struct{ n uint64 }

func (c *counter) Update(sm.Entry) (sm.Result, error) { c.n++; return sm.Result{Value: c.n}, nil }
func (c *counter) Lookup(any) (any, error)            { return c.n, nil }
func (c *counter) Close() error                       { return nil }

func (c *counter) SaveSnapshot(w io.Writer, _ sm.ISnapshotFileCollection, _ <-chan struct{}) error {
	return binary.Write(w, binary.LittleEndian, c.n)
}

func (c *counter) RecoverFromSnapshot(r io.Reader, _ []sm.SnapshotFile, _ <-chan struct{}) error {
	return binary.Read(r, binary.LittleEndian, &c.n)
}

const rawShard = 1

// OpenRawRaft starts a one-replica shard with a counter state machine on
// a NodeHost set up as fsm/host.Open and cmd/consuld/agent do (RTT 10 ms,
// election 20 ticks, heartbeat 2, small-memory LogDB with one shard,
// snapshot every 20,000 entries), kept in nhDir on disk or (mem) on
// vfs.NewMem().
func OpenRawRaft(nhDir string, mem bool) (*dragonboat.NodeHost, error) {
	ports, err := FreePorts(1)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	nhc := config.NodeHostConfig{
		NodeHostDir:    nhDir,
		RTTMillisecond: 10,
		RaftAddress:    addr,
	}
	nhc.Expert.LogDB = config.GetSmallMemLogDBConfig()
	nhc.Expert.LogDB.Shards = 1
	if mem {
		nhc.Expert.FS = vfs.NewMem()
	}
	nh, err := dragonboat.NewNodeHost(nhc)
	if err != nil {
		return nil, err
	}
	rc := config.Config{
		ReplicaID: 1, ShardID: rawShard,
		ElectionRTT: 20, HeartbeatRTT: 2, CheckQuorum: true,
		SnapshotEntries: 20000, CompactionOverhead: 2000,
	}
	create := func(uint64, uint64) sm.IStateMachine { return &counter{} }
	if err := nh.StartReplica(map[uint64]dragonboat.Target{1: addr}, false, create, rc); err != nil {
		nh.Close()
		return nil, err
	}
	return nh, nil
}

// WaitRawLeader retries a proposal of payload until one succeeds (30 s at
// most).
func WaitRawLeader(ctx context.Context, nh *dragonboat.NodeHost, payload []byte) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := nh.SyncPropose(pctx, nh.GetNoOPSession(rawShard), payload)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("raw raft: no leader: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// RawProposeOp is one SyncPropose of payload (5 s timeout, as consuld's
// attempts are bounded), in this process: no HTTP, no client, no decoding,
// no apply beyond a counter.
func RawProposeOp(nh *dragonboat.NodeHost, payload []byte) OpFunc {
	return func(ctx context.Context, _, _ int) error {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := nh.SyncPropose(pctx, nh.GetNoOPSession(rawShard), payload)
		return err
	}
}
