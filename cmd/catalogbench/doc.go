// Command catalogbench measures consuld's catalog and health APIs against
// the raw limits of their parts, in one run on one machine. Every part runs
// against a fresh durable agent (-server -bootstrap-expect 1 -data-dir,
// fsynced Raft log), a subprocess of a freshly built ./cmd/consuld on free
// loopback ports, with limits.http_max_conns_per_client 0 and enable_debug
// (for /debug/pprof/heap). The agent, client and helper code follow
// cmd/kvbench.
//
//  1. Reads: GET /v1/health/service/web?passing with 100 instances of web,
//     each on its own node (node-<i>, 127.0.1.x) with 2 passing checks
//     (about 140 KB of JSON), closed loop at c=16; next to it a bare Echo
//     server (a re-exec of this binary) answering the body captured from
//     the agent with the same headers. The ratio consuld / bare Echo is
//     printed (target >= 0.5, never asserted). ?stale is measured too.
//  2. Writes: PUT /v1/catalog/register, a new node + service per request,
//     at c=64, next to raw dragonboat SyncPropose of the exact Raft entry a
//     registration proposes (events.Encode), on a NodeHost with the agent's
//     settings and a counter state machine; then KV PUT and catalog
//     register at c=32 each, alone and at the same time.
//  3. Scale: 10,000 instances (100 services x 100, 2 checks each, on 100
//     nodes that each run one instance of every service) registered through
//     the catalog API; agent RSS and live heap (HeapAlloc after a forced
//     GC) before and after. Then 50 rounds of: park a blocking watch on
//     svc-7 at its current X-Consul-Index (wait=1m), flip one check of one
//     svc-7 instance by re-registering it, time the watch's answer from the
//     flip's response. A watch on svc-8, parked through all rounds, must
//     not wake.
//  4. Checks: 1,000 services registered through PUT
//     /v1/agent/service/register, each with an HTTP check (1 s interval)
//     against a server in this process answering 200; after 15 s, the
//     agent's CPU (utime+stime from /proc/PID/stat) over 30 s, in cores,
//     and its RSS.
//
// Usage:
//
//	go run ./cmd/catalogbench [-duration 5s] [-quick] [-out file.txt]
//	                          [-parts health,register,scale,checks] [-dir DIR]
//
// -quick: 2 s closed loops, 1/10 of the sizes (10 web instances, 1,000
// instances in 10 services, 100 HTTP checks) and a 5 s + 10 s check window.
//
// Results are benchstat-like lines on stdout (and -out), e.g.
//
//	BenchmarkHealth/passing/c=16  ops/s=1234  p50=12ms  p99=30ms  errors=0
//
// followed by a summary per part. Progress goes to stderr. The load
// generator shares the CPUs with the agent, so every figure is what this
// box does end to end; each line carries the cores used by the server, by
// catalogbench and by every other process during the window (cpu=...), and
// a run where others used >= 0.25 cores is marked noisy. The hidden
// -serve-echo and -serve-echo-body flags run the bare Echo server.
package main
