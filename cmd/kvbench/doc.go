// Command kvbench measures consuld's HTTP KV API against the raw limits of
// its parts, in one run on one machine:
//
//   - consuld over HTTP, for a durable agent (-server -bootstrap-expect 1
//     -data-dir, fsynced Raft log) and a -dev agent (dragonboat on an
//     in-memory FS), each a subprocess of a freshly built binary on free
//     loopback ports: PUT, GET (linearizable) and GET ?stale, closed loop at
//     each concurrency;
//   - raw dragonboat SyncPropose of the same 128-byte payloads into a
//     counter state machine, on a NodeHost configured like fsm/host (disk and
//     in-memory FS), in this process;
//   - a bare Echo server (a re-exec of this binary) answering the same
//     bytes consuld answers, driven by the same client code;
//
// Per agent mode and concurrency the order is: bare Echo PUT and GET, raw
// Raft PUT, consuld PUT, a pause for the written keys to passivate, consuld
// GET and GET ?stale; so each ratio divides figures taken seconds apart
// (bare Echo is measured once next to each agent). Also measured:
//
//   - a raw 4 KiB write+fdatasync baseline, at the start, between the
//     durable and the in-memory parts and at the end (the disk of the
//     project's box changes speed ~10x within an hour);
//   - agent RSS idle, after 100,000 keys and after they passivate;
//   - 11,000 parked blocking queries: memory per watcher, wake-up latency
//     of 1,000 watchers of one key, and that no other watcher wakes.
//
// Usage:
//
//	go run ./cmd/kvbench [-duration 5s] [-conc 1,16,64,256] [-out file.txt] [-quick]
//	                     [-parts kv,raft,echo,mem,block] [-agent-args '...'] [-dir DIR]
//
// Results are benchstat-like lines on stdout (and -out), e.g.
//
//	BenchmarkKV/durable/PUT/c=64  ops/s=12345  p50=1.2ms  p99=8.1ms  errors=0
//
// followed by a ratio table (consuld / min(raw Raft, bare HTTP); targets at
// c=64 are printed, never asserted), memory and blocking sections. Progress
// goes to stderr. The load generator shares the 2 cores with the server, so
// every figure is "what this box does end to end", not a server ceiling.
// Each line carries the cores used by the server, by kvbench and by every
// other process during the measured window (cpu=...); a run where others
// used >= 0.25 cores is marked noisy, and so is a ratio built on it.
//
// -agent-args passes extra flags to both agents (e.g. a config file that
// turns on profiling). The hidden -serve-echo flag is how kvbench runs its
// own bare Echo server subprocess.
package main
