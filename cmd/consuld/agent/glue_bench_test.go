package agent

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consuld/consuld/actors"
)

// Benchmarks of the actor+Raft path without HTTP (dragonboat in memory).
// Run with -cpu 64 style parallelism via b.SetParallelism.

func BenchmarkClientPut(b *testing.B) {
	c, _ := glue(&testing.T{}, 5*time.Second)
	val := make([]byte, 128)
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			k := fmt.Sprintf("bench/%d", n.Add(1)%1024)
			if _, err := c.KVPut(ctx, k, val, actors.PutOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchGet(b *testing.B, q actors.Query) {
	c, _ := glue(&testing.T{}, 5*time.Second)
	ctx := context.Background()
	for i := 0; i < 1024; i++ {
		c.KVPut(ctx, fmt.Sprintf("bench/%d", i), make([]byte, 128), actors.PutOptions{})
	}
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.KVGet(ctx, fmt.Sprintf("bench/%d", n.Add(1)%1024), q); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkClientGetDefault(b *testing.B) { benchGet(b, actors.Query{}) }
func BenchmarkClientGetStale(b *testing.B)   { benchGet(b, actors.Query{Consistency: actors.Stale}) }
