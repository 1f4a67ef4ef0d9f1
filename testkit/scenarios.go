package testkit

import "time"

// The standard scenarios the package's tests run. Each is a plain value:
// copy one and change fields to make a variant.

func clients(n, ops int, mix Mix) []ClientSpec {
	out := make([]ClientSpec, n)
	for i := range out {
		out[i] = ClientSpec{Ops: ops, Mix: mix}
	}
	return out
}

// KVScenario: four clients doing every kind of write and read on a few
// keys with shared prefixes, key actors passivating between bursts, no
// faults.
func KVScenario() Scenario {
	mix := Mix{Put: 4, CASPut: 3, Delete: 1, CASDelete: 1, DeleteTree: 1, Get: 5, BlockingGet: 1, List: 2}
	return Scenario{
		Name:    "kv",
		Options: Options{IdleAfter: 20 * time.Millisecond},
		Workload: Workload{
			Clients:  clients(4, 60, mix),
			Keys:     []string{"a/1", "a/2", "b/1", "c"},
			Prefixes: []string{"a/", "b/", "a/1"},
			Think:    [2]time.Duration{0, 30 * time.Millisecond},
			Wait:     [2]time.Duration{10 * time.Millisecond, 200 * time.Millisecond},
		},
		FinalReads: true,
	}
}

// WatchScenario: two slow writers and three watchers parked on keys and
// prefixes (including one nothing is ever written under), with waits short
// enough that both wake-ups and deadlines happen.
func WatchScenario() Scenario {
	writer := Mix{Put: 5, CASPut: 2, Delete: 2, DeleteTree: 1, Get: 1}
	watcher := Mix{Get: 1, BlockingGet: 6, List: 1, Watch: 4}
	cs := append(clients(2, 40, writer), clients(3, 60, watcher)...)
	cs[0].Ops, cs[1].Ops = 30, 30
	return Scenario{
		Name:    "watch",
		Options: Options{IdleAfter: 50 * time.Millisecond},
		Workload: Workload{
			Clients:  cs,
			Keys:     []string{"a/x", "a/y", "b/z", "c"},
			Prefixes: []string{"a/", "b/", "", "a/x", "d/"},
			Think:    [2]time.Duration{0, 120 * time.Millisecond},
			Wait:     [2]time.Duration{50 * time.Millisecond, 600 * time.Millisecond},
		},
	}
}

// faultyLog loses, delays and drops acknowledgements of proposals.
func faultyLog() LogOptions {
	return LogOptions{
		ProposeTimeout: 300 * time.Millisecond,
		DropProb:       0.04,
		LateProb:       0.04,
		LostAckProb:    0.04,
		KeepProb:       0.5,
	}
}

// FaultScenario: KVScenario's clients against a log that loses, delays
// and half-answers proposals, with a leader change in the middle.
func FaultScenario() Scenario {
	sc := KVScenario()
	sc.Name = "faults"
	sc.Options.Log = faultyLog()
	sc.LeaderChanges = 1
	sc.LeaderChangeWindow = [2]time.Duration{200 * time.Millisecond, 1200 * time.Millisecond}
	return sc
}

// LinearScenario: single-key operations only (so porcupine can check the
// history key by key), with the faults of FaultScenario.
func LinearScenario() Scenario {
	mix := Mix{Put: 3, CASPut: 3, Delete: 1, CASDelete: 1, Get: 5, BlockingGet: 1}
	return Scenario{
		Name:    "linearizable",
		Options: Options{IdleAfter: 20 * time.Millisecond, Log: faultyLog()},
		Workload: Workload{
			Clients: clients(5, 40, mix),
			Keys:    []string{"k1", "k2", "k3"},
			Think:   [2]time.Duration{0, 20 * time.Millisecond},
			Wait:    [2]time.Duration{10 * time.Millisecond, 100 * time.Millisecond},
		},
		LeaderChanges:      1,
		LeaderChangeWindow: [2]time.Duration{100 * time.Millisecond, 800 * time.Millisecond},
		FinalReads:         true,
	}
}

// StaleReadScenario is LinearScenario without faults against the
// deliberately broken read path (Options.StaleReadLag): reads come from a
// copy of the state 300ms old. The linearizability checker must reject it.
func StaleReadScenario() Scenario {
	sc := LinearScenario()
	sc.Name = "stale-reads"
	sc.Options.Log = LogOptions{}
	sc.LeaderChanges = 0
	sc.Options.StaleReadLag = 300 * time.Millisecond
	return sc
}
