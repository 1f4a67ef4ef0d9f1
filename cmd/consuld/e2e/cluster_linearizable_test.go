package e2e

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/hashicorp/consul/api"
)

// A register per key, checked with porcupine: every default-consistency
// read returns the latest acknowledged write (or one in flight), across
// servers and across a leader kill. A write that failed may or may not
// have happened: it returns "at infinity" with its outcome unchecked.

type regIn struct {
	put   bool
	key   string
	value string
}

type regOut struct {
	unknown bool
	value   string // get: "" when absent
}

var registerModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(regIn).key
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, ops := range byKey {
			out = append(out, ops)
		}
		return out
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in, out := input.(regIn), output.(regOut)
		if in.put {
			return true, in.value
		}
		return out.value == state.(string), state
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regIn), output.(regOut)
		if in.put {
			return fmt.Sprintf("put(%s, %s) unknown=%v", in.key, in.value, out.unknown)
		}
		return fmt.Sprintf("get(%s) = %q", in.key, out.value)
	},
}

// history records operations from concurrent clients.
type history struct {
	mu    sync.Mutex
	start time.Time
	ops   []porcupine.Operation
}

func (h *history) add(op porcupine.Operation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
}

func (h *history) now() int64 { return int64(time.Since(h.start)) }

// TestClusterLinearizable runs readers and writers against every server
// while the leader is killed, and checks the history.
func TestClusterLinearizable(t *testing.T) {
	c := startCluster(t, []string{"127.0.0.6", "127.0.0.7", "127.0.0.8"})
	leader := c.byServerAddr(c.waitLeader(c.servers...))
	h := &history{start: time.Now()}
	stop := make(chan struct{})
	var dead sync.Map // server index -> killed
	var wg sync.WaitGroup
	keys := []string{"a", "b", "c"}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			clients := make([]*api.Client, len(c.servers)) // one connection pool per server
			for i, s := range c.servers {
				clients[i], _ = api.NewClient(&api.Config{Address: s.HTTP})
			}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				si := rng.IntN(len(c.servers))
				if _, isDead := dead.Load(si); isDead {
					continue
				}
				client := clients[si]
				key := keys[rng.IntN(len(keys))]
				call := h.now()
				if rng.IntN(2) == 0 {
					v := fmt.Sprintf("w%d-%d", w, n)
					_, err := client.KV().Put(&api.KVPair{Key: key, Value: []byte(v)}, nil)
					if err != nil {
						h.add(porcupine.Operation{ClientId: w, Input: regIn{put: true, key: key, value: v}, Call: call, Output: regOut{unknown: true}, Return: math.MaxInt64})
						continue
					}
					h.add(porcupine.Operation{ClientId: w, Input: regIn{put: true, key: key, value: v}, Call: call, Output: regOut{}, Return: h.now()})
					continue
				}
				p, _, err := client.KV().Get(key, nil)
				if err != nil {
					continue // a failed read observed nothing
				}
				val := ""
				if p != nil {
					val = string(p.Value)
				}
				h.add(porcupine.Operation{ClientId: w, Input: regIn{key: key}, Call: call, Output: regOut{value: val}, Return: h.now()})
			}
		}()
	}
	<-time.After(2 * time.Second)
	dead.Store(leader, true)
	c.servers[leader].kill()
	var rest []*agent
	for i, s := range c.servers {
		if i != leader {
			rest = append(rest, s)
		}
	}
	c.waitLeader(rest...)
	<-time.After(3 * time.Second)
	close(stop)
	wg.Wait()
	ok, acked := 0, 0
	for _, op := range h.ops {
		if op.Return != math.MaxInt64 {
			ok++
			if op.Input.(regIn).put {
				acked++
			}
		}
	}
	t.Logf("%d operations (%d completed, %d acknowledged writes)", len(h.ops), ok, acked)
	if acked < 20 {
		t.Fatalf("only %d acknowledged writes: the load did not run", acked)
	}
	res := porcupine.CheckOperationsTimeout(registerModel, h.ops, 60*time.Second)
	if res == porcupine.Illegal {
		t.Fatal("the history is not linearizable")
	}
	if res == porcupine.Unknown {
		t.Log("porcupine timed out before deciding")
	}
}
