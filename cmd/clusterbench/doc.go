// Command clusterbench measures consuld as a cluster, in one run on one
// machine: three durable servers (-server -bootstrap-expect 3 -data-dir,
// fsynced Raft log, default settings otherwise), each a subprocess of a
// freshly built ./cmd/consuld on its own loopback address (127.0.0.2,
// .3, .4) with free ports, every server -retry-join'ing the other two
// (-join first: s2 and s3 join s1 only, as the e2e tests do).
//
//  1. Boot: from starting the three processes to the first server naming
//     a leader, to all three naming the same one (GET /v1/status/leader,
//     polled every 10 ms), and to the first successful KV PUT. Done
//     -boots times on fresh data dirs; the last cluster is kept.
//  2. KV PUT throughput, p50 and p99 at c=64 (-conc), worker w sending to
//     server w mod 3 with 128-byte values over one keep-alive Go net/http
//     Transport; then, seconds apart, raw dragonboat SyncPropose of the
//     same payload at the same concurrency on one shard replicated over
//     three NodeHosts in this process (on disk, set up as fsm/host: RTT
//     10 ms, election 20 ticks, heartbeat 2, CheckQuorum, tiny LogDB with
//     one shard; a counter state machine), worker w proposing through
//     NodeHost w mod 3. The ratio consuld / raw is printed (target >= 0.5).
//  3. Leader failover, -trials times: the leader all three agree on is
//     killed with SIGKILL; a PUT through a survivor is started every 10 ms
//     (alternating, 1 s limit each, not waiting for earlier ones) until
//     one succeeds: that is the failover time (p50, p99, max; target p99
//     <= 2 s). A survivor naming the new leader is timed too. The killed
//     server is then restarted with the same arguments and data dir, and
//     the next trial waits until all three have named one leader for
//     1.5 s and a PUT through the restarted server succeeded; leader
//     changes seen in that time (no kill: a restarted server disrupting
//     the leader) are counted.
//  4. Gossip: -gossip-n (100) transport/gossip pools in this process on
//     127.0.0.1, with real LAN memberlist timings (Fast: false) and with
//     Fast: true. All join the first at once; convergence is when every
//     pool sees all of them alive. Then one is shut down without a leave,
//     and failure detection is when each other pool has marked it failed
//     (first, median, all).
//
// A raw 4 KiB write+fdatasync baseline is taken before and after the
// cluster parts. Timings are printed, never asserted ("target ... met" or
// "NOT met").
//
// Usage:
//
//	go run ./cmd/clusterbench [-quick] [-duration 5s] [-conc 64] [-trials 20] [-boots 3]
//	                          [-gossip-n 100] [-join all|first] [-parts boot,put,failover,gossip]
//	                          [-agent-args '...'] [-bin consuld] [-dir DIR] [-out file.txt]
//
// -quick: 2 s closed loops, 5 failover trials, one boot (flags given
// explicitly win). -bin runs a prebuilt consuld instead of building one
// (e.g. one with Raft logging turned up, to see why a failover was slow).
// -dir keeps the servers' data and logs (DIR/boot-N/sM/agent-K.log, one
// log per start) instead of a temp dir removed at exit.
//
// Results are benchstat-like lines on stdout (and -out), e.g.
//
//	BenchmarkClusterKV/PUT/c=64  ops/s=9763  p50=5.5ms  p99=23ms  errors=0  cpu=server:1.13,client:0.30,other:0.37
//
// then a summary. Progress goes to stderr. The load generator shares the
// machine's CPUs with the three servers; the cpu= field gives the cores
// used by the servers (summed), by clusterbench and by everything else,
// and a run where others used >= 0.25 cores is marked noisy. Every server
// is stopped (and the temp dir removed) on exit and on Ctrl-C; the servers
// also die with clusterbench if it is killed (Pdeathsig).
package main
