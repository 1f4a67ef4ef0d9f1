package benchkit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/lni/dragonboat/v4"
	"github.com/lni/dragonboat/v4/config"
	sm "github.com/lni/dragonboat/v4/statemachine"
)

// RawRaftCluster is one shard with a replica on each of several NodeHosts,
// all in this process: the raw dragonboat baseline of a server cluster.
type RawRaftCluster struct {
	NH []*dragonboat.NodeHost
}

// OpenRawRaftCluster starts n NodeHosts (dirs dir/nh<i>, on disk, Raft on
// free 127.0.0.1 ports) set up as fsm/host.OpenHost does (RTT 10 ms,
// election 20 ticks, heartbeat 2, CheckQuorum, tiny-memory LogDB with one
// shard), each running a replica of one shard with a counter state machine.
func OpenRawRaftCluster(dir string, n int) (*RawRaftCluster, error) {
	ports, err := FreePorts(n)
	if err != nil {
		return nil, err
	}
	members := map[uint64]dragonboat.Target{}
	for i, p := range ports {
		members[uint64(i+1)] = "127.0.0.1:" + strconv.Itoa(p)
	}
	r := &RawRaftCluster{}
	for i := range n {
		id := uint64(i + 1)
		nhc := config.NodeHostConfig{
			NodeHostDir:    filepath.Join(dir, fmt.Sprintf("nh%d", id)),
			RTTMillisecond: 10,
			RaftAddress:    members[id],
		}
		nhc.Expert.LogDB = config.GetTinyMemLogDBConfig()
		nhc.Expert.LogDB.Shards = 1
		nh, err := dragonboat.NewNodeHost(nhc)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.NH = append(r.NH, nh)
		rc := config.Config{
			ReplicaID: id, ShardID: rawShard,
			ElectionRTT: 20, HeartbeatRTT: 2, CheckQuorum: true,
		}
		create := func(uint64, uint64) sm.IStateMachine { return &counter{} }
		if err := nh.StartReplica(members, false, create, rc); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// Close stops every NodeHost.
func (r *RawRaftCluster) Close() {
	var wg sync.WaitGroup
	for _, nh := range r.NH {
		wg.Add(1)
		go func() { defer wg.Done(); nh.Close() }()
	}
	wg.Wait()
}

// WaitLeader retries a proposal of payload through every NodeHost until
// one succeeds through each (30 s at most).
func (r *RawRaftCluster) WaitLeader(ctx context.Context, payload []byte) error {
	deadline := time.Now().Add(30 * time.Second)
	for i, nh := range r.NH {
		for {
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			_, err := nh.SyncPropose(pctx, nh.GetNoOPSession(rawShard), payload)
			cancel()
			if err == nil {
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("raw raft cluster: no leader via NodeHost %d: %v", i+1, errors.Join(err, ctx.Err()))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

// ProposeOp is one SyncPropose of payload (5 s timeout), worker w
// proposing through NodeHost w mod n, as a cluster's clients spread over
// its servers (a follower forwards the proposal to the leader).
func (r *RawRaftCluster) ProposeOp(payload []byte) OpFunc {
	return func(ctx context.Context, w, _ int) error {
		nh := r.NH[w%len(r.NH)]
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := nh.SyncPropose(pctx, nh.GetNoOPSession(rawShard), payload)
		return err
	}
}

// LeaderIndex is the index in NH of the shard's leader, or -1.
func (r *RawRaftCluster) LeaderIndex() int {
	id, _, ok, err := r.NH[0].GetLeaderID(rawShard)
	if err != nil || !ok || id == 0 {
		return -1
	}
	return int(id) - 1
}
