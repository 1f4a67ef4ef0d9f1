package host

import (
	"context"
	"time"

	"github.com/lni/dragonboat/v4"

	"github.com/consuld/consuld/events"
)

// snapshotLoop requests a snapshot of each shard that has grown by
// SnapshotThreshold entries since its last one, every SnapshotInterval.
func (h *Host) snapshotLoop() {
	defer close(h.done)
	if h.cfg.SnapshotInterval <= 0 || h.cfg.SnapshotThreshold == 0 {
		<-h.stop
		return
	}
	last := map[uint64]uint64{}
	t := time.NewTicker(h.cfg.SnapshotInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		for _, k := range Kinds {
			shard := uint64(k.Shard)
			applied := h.applied(shard)
			if applied < last[shard]+h.cfg.SnapshotThreshold {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			idx, err := h.nh.SyncRequestSnapshot(ctx, shard, dragonboat.SnapshotOption{
				OverrideCompactionOverhead: true,
				CompactionOverhead:         h.cfg.SnapshotThreshold / 4, // entries kept for slow followers
			})
			cancel()
			if err == nil {
				last[shard] = idx
			}
		}
	}
}

// applied is the last index a shard's state machine applied.
func (h *Host) applied(shard uint64) uint64 {
	switch {
	case events.Shard(shard) == events.ShardKV && h.kv != nil:
		return h.kv.Current().Applied()
	case events.Shard(shard) == events.ShardCatalog && h.cat != nil:
		return h.cat.Current().Applied()
	case events.Shard(shard) == events.ShardConnect && h.con != nil:
		return h.con.Current().Applied()
	}
	return 0
}
