package kv

import (
	"fmt"
	"testing"

	"github.com/consuld/consuld/events"
)

// BenchmarkApplyPut applies one 128-byte put per op, each in its own Txn
// (the cost of a one-entry dragonboat batch), to sequential new keys.
func BenchmarkApplyPut(b *testing.B) {
	value := make([]byte, 128)
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench/%010d", i)
	}
	s := Empty()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		txn := s.Txn()
		txn.Apply(uint64(i+1), &events.KeyWritten{Key: keys[i], Value: value})
		s = txn.Commit()
	}
	b.StopTimer()
	if s.Len() != b.N {
		b.Fatalf("len %d, want %d", s.Len(), b.N)
	}
}

// BenchmarkApplyPutBatch applies 128-byte puts in batches of 64 per Txn.
func BenchmarkApplyPutBatch(b *testing.B) {
	value := make([]byte, 128)
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench/%010d", i)
	}
	s := Empty()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		txn := s.Txn()
		for j := 0; j < 64 && i < b.N; j, i = j+1, i+1 {
			txn.Apply(uint64(i+1), &events.KeyWritten{Key: keys[i], Value: value})
		}
		s = txn.Commit()
	}
}

// BenchmarkPrefixIndex asks for the index of prefixes of a 10k-key state:
// one small directory, one tenth of the keys, and everything.
func BenchmarkPrefixIndex(b *testing.B) {
	txn := Empty().Txn()
	value := make([]byte, 128)
	idx := uint64(0)
	for d := range 10 {
		for k := range 1000 {
			idx++
			txn.Apply(idx, &events.KeyWritten{Key: fmt.Sprintf("dir%d/sub%02d/key%04d", d, k%100, k), Value: value})
		}
	}
	for k := 0; k < 1000; k += 10 {
		idx++
		txn.Apply(idx, &events.KeyDeleted{Key: fmt.Sprintf("dir3/sub%02d/key%04d", k%100, k)})
	}
	s := txn.Commit()
	for _, p := range []string{"dir5/sub07/", "dir3/", ""} {
		b.Run(fmt.Sprintf("prefix=%q", p), func(b *testing.B) {
			b.ReportAllocs()
			var sink uint64
			for i := 0; i < b.N; i++ {
				sink += s.PrefixIndex(p)
			}
			if sink == 0 {
				b.Fatal("prefix index 0")
			}
		})
	}
}
